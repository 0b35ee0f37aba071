"""The shipped transcripts (tests/transcripts/*.yaml), one test per transcript and language.

The same runs as ``haven flows test``: each transcript in every language it names, with the
state round-tripped through JSON at every step and every text checked against the catalogs.
Together the transcripts must reach every node of every shipped flow.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.definitions import load_flows
from bot.definitions.directory import load_project_directory
from bot.engine import Directory, Flow
from bot.i18n import Catalogs
from bot.transcripts import Transcript, load_transcripts, run_suite, run_transcript

ROOT = Path(__file__).resolve().parent.parent
FLOWS = ROOT / "flows"
LOCALES = ROOT / "locales"
TRANSCRIPTS = ROOT / "tests" / "transcripts"


def _relative(path: Path) -> str:
    return str(path.resolve().relative_to(ROOT))


# Loaded while collecting, to make one test per transcript and language; a file that cannot be
# loaded fails test_every_transcript_loads instead of stopping the collection.
LOADED, LOAD_ERRORS = load_transcripts([TRANSCRIPTS], display=_relative)
RUNS = [
    pytest.param(transcript, language, id=f"{Path(transcript.path).stem}-{language}")
    for transcript in LOADED
    for language in transcript.languages
]


@pytest.fixture(scope="module")
def flows() -> dict[str, Flow]:
    loaded = load_flows([FLOWS])
    assert not loaded.issues, "\n".join(f"{i.path}:{i.line}: {i.message}" for i in loaded.issues)
    return loaded.engine_flows


@pytest.fixture(scope="module")
def directory() -> Directory:
    """The organisations the flows' ``organisations`` nodes list (flows/directory/)."""
    loaded = load_project_directory([FLOWS])
    if loaded is None:
        return Directory()
    assert not loaded.issues, "\n".join(f"{i.path}:{i.line}: {i.message}" for i in loaded.issues)
    return loaded.directory


@pytest.fixture(scope="module")
def catalogs() -> Catalogs:
    return Catalogs.load(LOCALES) if LOCALES.is_dir() else Catalogs({})


def test_every_transcript_loads() -> None:
    assert LOADED, f"no transcripts in {_relative(TRANSCRIPTS)}"
    assert not LOAD_ERRORS, "\n".join(str(error) for error in LOAD_ERRORS)


@pytest.mark.parametrize(("transcript", "language"), RUNS)
def test_transcript(
    transcript: Transcript,
    language: str,
    flows: dict[str, Flow],
    catalogs: Catalogs,
    directory: Directory,
) -> None:
    run = run_transcript(transcript, language, flows, catalogs, directory=directory)
    assert run.passed, "\n".join(str(failure) for failure in run.failures)


def test_every_shipped_node_is_reached(
    flows: dict[str, Flow], catalogs: Catalogs, directory: Directory
) -> None:
    result = run_suite(LOADED, flows, catalogs, directory=directory)
    missing = {flow.flow: flow.missing for flow in result.coverage.flows if not flow.complete}
    assert not missing, "nodes no transcript reached: " + "; ".join(
        f"{flow}: {', '.join(nodes)}" for flow, nodes in missing.items()
    )
    assert {flow.flow for flow in result.coverage.flows} == {p.stem for p in FLOWS.glob("*.yaml")}
