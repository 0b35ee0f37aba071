"""Run many transcripts, each in every language it names, and total up the coverage."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from bot.engine import Clock, Directory, Flow

from .coverage import Coverage
from .loader import TranscriptError, discover_transcripts, load_transcript
from .model import Transcript
from .probes import TranscriptCatalogs
from .runner import TranscriptRun, fixed_clock, run_transcript

__all__ = ["SuiteResult", "load_transcripts", "run_suite"]


@dataclass
class SuiteResult:
    """Every run (transcript x language), the files that could not be loaded, and coverage."""

    coverage: Coverage
    runs: list[TranscriptRun] = field(default_factory=list)
    errors: list[TranscriptError] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        """Whether every file loaded and every run passed."""
        return not self.errors and all(run.passed for run in self.runs)


def load_transcripts(
    paths: Iterable[Path], display: Callable[[Path], str] = str
) -> tuple[list[Transcript], list[TranscriptError]]:
    """Load the transcript files under ``paths``; ``display`` names a file in messages."""
    transcripts: list[Transcript] = []
    errors: list[TranscriptError] = []
    for path in discover_transcripts(paths):
        try:
            transcripts.append(load_transcript(path, display(path)))
        except TranscriptError as error:
            errors.append(error)
    return transcripts, errors


def run_suite(
    transcripts: Iterable[Transcript],
    flows: Mapping[str, Flow],
    catalogs: TranscriptCatalogs | None = None,
    clock: Clock = fixed_clock,
    directory: Directory | None = None,
) -> SuiteResult:
    """Run each transcript in each of its languages; coverage counts every step that ran.

    ``directory`` holds the organisations that ``organisations`` nodes list.
    """
    result = SuiteResult(Coverage(flows))
    for transcript in transcripts:
        for language in transcript.languages:
            run = run_transcript(transcript, language, flows, catalogs, clock, directory)
            result.runs.append(run)
            result.coverage.add(run.reached)
    return result
