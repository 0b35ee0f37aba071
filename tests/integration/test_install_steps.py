"""The Docker image's install steps, run in a fresh virtual environment, offline.

Images cannot be pulled where the tests run, so this test repeats what the Dockerfile's stages
do (a wheel of Haven, an install from wheels only into a fresh environment, compiled catalogs,
flows/ and locales/ outside the package, FLOWS_DIR and LOCALES_DIR) and runs the installed
``haven``. A second test checks that the Dockerfile still contains each step repeated here, so
the two cannot drift apart silently.

Tests never reach the network: where the image downloads wheels of the dependencies, the fresh
environment borrows the ones installed in the environment running the tests (a ``.pth`` file
appends its site-packages to the new environment's path). Haven itself is built and installed
from its own wheel. Every pip call runs with ``PIP_NO_INDEX=1``, so a step that would download
fails loudly instead. Building the wheel without build isolation needs the build requirements
of pyproject.toml installed here (``.ci/run`` installs them).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).parents[2]
DOCKERFILE = ROOT / "Dockerfile"
STEP_TIMEOUT = 300  # seconds for one step; the whole test usually takes about 10

# The Dockerfile's steps, as they appear in it (after joining continuation lines), and what
# this test runs for each.
BUILD_CONTEXT = ("pyproject.toml", "README.md", "bot")
WHEELS = "python -m pip wheel --wheel-dir /wheels ."
VENV = "python -m venv /opt/venv"
INSTALL = "/opt/venv/bin/python -m pip install --no-index --find-links /wheels haven"
COMPILE = '/opt/venv/bin/pybabel compile --directory locales --domain "bot flows"'
COMPILE_OPTIONS = ("--directory", "locales", "--domain", "bot flows")
RUNTIME_ENV = ("FLOWS_DIR=/app/flows", "LOCALES_DIR=/app/locales", "DATA_DIR=/data")
# WHEELS as this test runs it: Haven's wheel only, with the build requirements installed here.
PIP_WHEEL = (sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation")


def dockerfile_instructions() -> list[str]:
    """The Dockerfile's instructions, one string each, comments dropped."""
    text = "\n".join(
        line for line in DOCKERFILE.read_text().splitlines() if not line.lstrip().startswith("#")
    )
    joined = re.sub(r"\\\n\s*", " ", text)
    return [" ".join(line.split()) for line in joined.splitlines() if line.strip()]


def run(command: list[str | Path], what: str, **kwargs: object) -> str:
    """Run one step; on failure, fail the test with the step's name and its output."""
    try:
        result = subprocess.run(
            [str(part) for part in command],
            capture_output=True,
            text=True,
            timeout=STEP_TIMEOUT,
            check=False,
            **kwargs,  # type: ignore[call-overload]
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"{what}: no result after {STEP_TIMEOUT} s")
    if result.returncode != 0:
        output = (result.stdout + result.stderr).strip().splitlines()
        pytest.fail(f"{what} failed (exit {result.returncode}):\n" + "\n".join(output[-25:]))
    return str(result.stdout)


def test_dockerfile_has_the_steps_this_test_repeats() -> None:
    instructions = dockerfile_instructions()
    stages = [line for line in instructions if line.startswith("FROM ")]
    assert stages == ["FROM python:3.11-slim AS builder", "FROM python:3.11-slim"]
    runs = " && ".join(line for line in instructions if line.startswith("RUN "))
    for step in (WHEELS, VENV, INSTALL, COMPILE):
        assert step in runs, f"the Dockerfile no longer runs: {step}"
    for source in BUILD_CONTEXT:
        assert any(
            line.startswith("COPY ") and source in line.split()[1:-1] for line in instructions
        ), f"the builder no longer copies {source}"
    env = " ".join(line for line in instructions if line.startswith("ENV "))
    for setting in RUNTIME_ENV:
        assert setting in env, f"the runtime stage no longer sets {setting}"
    assert "COPY --from=builder /opt/venv /opt/venv" in instructions
    assert "COPY --from=builder /src/flows /app/flows" in instructions
    assert "COPY --from=builder /src/locales /app/locales" in instructions
    assert "USER 10001" in instructions
    assert 'VOLUME ["/data"]' in instructions
    assert "EXPOSE 8080" in instructions
    healthcheck = next(line for line in instructions if line.startswith("HEALTHCHECK "))
    assert "/healthz" in healthcheck
    assert instructions[-1] == 'CMD ["haven", "serve"]'


def test_compose_file_runs_haven_with_postgresql() -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    haven, db = compose["services"]["haven"], compose["services"]["db"]
    assert db["image"] == "postgres:16"
    assert "healthcheck" in db
    assert haven["depends_on"]["db"]["condition"] == "service_healthy"
    environment = dict(item.partition("=")[::2] for item in haven["environment"])
    assert environment["DATABASE_URL"].startswith("postgresql+asyncpg://")
    assert environment["TELEGRAM_BOT_TOKEN"] == ""  # passed through from the host
    assert set(compose["volumes"]) == {"haven-data", "postgres-data"}


def test_install_steps_in_a_clean_virtual_environment(tmp_path: Path) -> None:
    # The build context, as .dockerignore leaves it: building from a copy also keeps pip's
    # build/ and egg-info out of the working tree.
    source = tmp_path / "src"
    source.mkdir()
    for name in BUILD_CONTEXT:
        copy = shutil.copytree if (ROOT / name).is_dir() else shutil.copy2
        copy(ROOT / name, source / name)
    for cache in source.rglob("__pycache__"):
        shutil.rmtree(cache)

    wheels, venv = tmp_path / "wheels", tmp_path / "venv"
    # No index, no links: any download fails instead of reaching the network.
    pip_env = {
        name: value for name, value in os.environ.items() if not name.upper().startswith("PIP_")
    }
    pip_env.update(PIP_NO_INDEX="1", PIP_DISABLE_PIP_VERSION_CHECK="1", PIP_NO_CACHE_DIR="1")
    # WHEELS, for Haven alone: its dependencies are not downloaded but borrowed below.
    run(
        [*PIP_WHEEL, "--wheel-dir", wheels, source],
        "pip wheel (offline; needs pyproject.toml's build requirements installed here)",
        env=pip_env,
    )
    # VENV.
    run([sys.executable, "-m", "venv", venv], "python -m venv", env=pip_env)
    python = venv / "bin" / "python"
    site_packages = Path(
        run(
            [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            "find the new environment's site-packages",
        ).strip()
    )
    # The dependencies, from this environment: appended after the new environment's own
    # site-packages, so the Haven installed there is the one imported. (Only the path: the
    # .pth files over there, such as an editable install of this checkout, are not read.)
    (site_packages / "zz-test-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    # INSTALL, from the wheel only.
    (wheel,) = wheels.glob("haven-*.whl")
    run(
        [python, "-m", "pip", "install", "--no-index", "--no-deps", wheel],
        "offline pip install of the wheel",
        env=pip_env,
    )

    # flows/ and locales/ beside each other outside the package, as in the image's /app.
    # COMPILE: pybabel's own entry point (its script is installed here, not in the new
    # environment, whose Babel is borrowed).
    app = tmp_path / "app"
    shutil.copytree(ROOT / "flows", app / "flows")
    shutil.copytree(ROOT / "locales", app / "locales")
    run(
        [python, "-m", "babel.messages.frontend", "compile", *COMPILE_OPTIONS],
        "pybabel compile",
        cwd=app,
    )
    for po in (app / "locales").glob("*/LC_MESSAGES/*.po"):
        assert po.with_suffix(".mo").is_file(), f"{po} was not compiled"

    # The image's environment: nothing from this machine's settings, a fresh working
    # directory (no .env, no flows/), the directories configured explicitly.
    environment = {
        name: value
        for name, value in os.environ.items()
        if name.upper() not in {"TELEGRAM_BOT_TOKEN", "WEBHOOK_URL", "WEBHOOK_SECRET"}
        and name.upper() not in {"DATABASE_URL", "HOST", "PORT", "LOG_FORMAT", "LOG_LEVEL"}
        and name.upper() not in {"TELEGRAM_API_URL", "VIRTUAL_ENV", "PYTHONPATH", "DATA_DIR"}
    }
    environment.update(
        FLOWS_DIR=str(app / "flows"),
        LOCALES_DIR=str(app / "locales"),
        DATA_DIR=str(tmp_path / "data"),
        HOST="0.0.0.0",
        PORT="8080",
    )
    workdir = tmp_path / "workdir"
    workdir.mkdir()
    haven = venv / "bin" / "haven"
    out = run(
        [haven, "flows", "check", app / "flows"], "haven flows check", cwd=workdir, env=environment
    )
    assert "All checks passed" in out
    report = json.loads(
        run([haven, "config", "--format", "json"], "haven config", cwd=workdir, env=environment)
    )
    assert report["mode"] == "local"
    settings = report["settings"]
    assert settings["FLOWS_DIR"] == {"value": str(app / "flows"), "source": "env"}
    assert settings["LOCALES_DIR"] == {"value": str(app / "locales"), "source": "env"}
    assert settings["DATABASE_URL"] == {
        "value": f"sqlite+aiosqlite:///{tmp_path / 'data' / 'haven-local.sqlite3'}",
        "source": "default",
    }
    # The installed package, not this checkout, answered.
    where = run(
        [python, "-c", "import bot; print(bot.__file__)"],
        "import bot",
        cwd=workdir,
        env=environment,
    )
    assert Path(where.strip()).is_relative_to(venv)
    check_wheel_has_every_package_file(wheels, source)


def check_wheel_has_every_package_file(wheels: Path, source: Path) -> None:
    """Every file of bot/ (templates, migrations, static files included) is in the wheel:
    a non-Python file missing from the package data would only fail inside the image."""
    (wheel,) = wheels.glob("haven-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        packaged = set(archive.namelist())
    expected = {
        path.relative_to(source).as_posix()
        for path in (source / "bot").rglob("*")
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc"
    }
    missing = sorted(expected - packaged)
    assert not missing, f"not in the wheel (declare them as package data): {missing}"
