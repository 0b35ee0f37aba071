# Haven, as one image for every mode.
#   Build:              docker build -t haven .
#   Local mode:         docker run --rm -p 127.0.0.1:8080:8080 haven   (web chat on :8080)
#   Telegram:           docker run --rm -e TELEGRAM_BOT_TOKEN -v haven-data:/data haven
#   With PostgreSQL:    docker compose up
# tests/integration/test_install_steps.py repeats the builder's steps in a virtual environment
# (images cannot be pulled where the tests run): change both together.

# --- builder: wheels, an installed virtual environment, compiled catalogs -------------------
FROM python:3.11-slim AS builder

ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /src
COPY pyproject.toml README.md ./
COPY bot ./bot
# Wheels of Haven and of every dependency, then an install from those wheels only, so the
# runtime stage gets a finished environment and needs neither pip's network nor a compiler.
RUN python -m pip wheel --wheel-dir /wheels . \
    && python -m venv /opt/venv \
    && /opt/venv/bin/python -m pip install --no-index --find-links /wheels haven

COPY flows ./flows
COPY locales ./locales
# Haven reads the .po catalogs itself (it validates them, fuzzy entries included), so they
# ship as they are; the compiled .mo files sit beside them for gettext-based tools.
RUN /opt/venv/bin/pybabel compile --directory locales --domain "bot flows"

# --- runtime -------------------------------------------------------------------------------
FROM python:3.11-slim

# The installed package lives in site-packages, not beside flows/ and locales/, so the
# directories are configured explicitly. HOST is 0.0.0.0 for a published port to reach it.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PATH=/opt/venv/bin:$PATH \
    FLOWS_DIR=/app/flows \
    LOCALES_DIR=/app/locales \
    DATA_DIR=/data \
    HOST=0.0.0.0 \
    PORT=8080

# A numeric, unprivileged user: orchestrators can verify runAsNonRoot without /etc/passwd.
# Graphviz draws the web console's flow map (without it the console shows a table instead).
# Debian's stable package, patched with the image: pinning its exact version would break the
# build at every Debian point release.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install --yes --no-install-recommends graphviz \
    && rm -rf /var/lib/apt/lists/*
RUN useradd --no-log-init --system --uid 10001 --user-group --no-create-home \
        --home-dir /nonexistent --shell /usr/sbin/nologin haven \
    && mkdir /data \
    && chown 10001:10001 /data

COPY --from=builder /opt/venv /opt/venv
COPY --from=builder /src/flows /app/flows
COPY --from=builder /src/locales /app/locales

WORKDIR /app
# The SQLite database (the default without DATABASE_URL) lives here.
VOLUME ["/data"]
USER 10001
EXPOSE 8080

# python:3.11-slim has no curl; urlopen raises (exit 1) on a refused connection or an error.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:' + os.environ.get('PORT', '8080') + '/healthz', timeout=4)"]

CMD ["haven", "serve"]
