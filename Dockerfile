# Haven. Build: docker build -t haven .   Run: docker run --rm -it haven
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

RUN useradd --create-home --uid 10001 --shell /usr/sbin/nologin haven

WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY flows ./flows
COPY locales ./locales
# Editable, so the package stays in /app next to flows/ and locales/, where it looks for them.
RUN pip install -e .

USER haven

# For now the terminal simulator (so run with -it); `haven serve`, the Telegram runtime,
# replaces it in a later issue.
CMD ["haven", "flows", "chat", "start"]
