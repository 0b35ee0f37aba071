"""Transcripts: recorded dialogues replayed through the engine in every language, as tests.

A transcript is a YAML file, ``tests/transcripts/<name>.yaml``, that starts a flow, takes the
user's steps and says what the bot must do after each. It names nodes and option keys, never
texts, so one file runs unchanged in every language it lists::

    description: The menu, a wrong answer, Back, and a handoff.  # optional, for readers
    flow: start                   # the flow to start
    languages: [en, ru, de, fr]   # run once per language
    steps:
      - expect:                   # step 1 is the start: only ``expect``
          says: [welcome, menu]   # the node ids of every message, exactly and in order
          offers: menu            # the question now waiting...
          choices: [situation, asylum]   # ...and the option keys it offers, in order
      - choose: situation         # press the button with this key (at the current turn)
        expect: {says: [situation/where], offers: situation/where}
      - type: "twelve"            # write text (quote it: YAML reads 12 as a number)
        expect: {says: [situation/days], offers: situation/days, rejected: invalid}
      - nav: back                 # back, restart, human or language
        expect: {offers: menu}
      - language: ru              # pick a language in the language picker
        expect: {offers: menu, text: {ru: "Меню"}}
      - choose: stale             # press a button of the question before: it is stale
        expect: {stale: true, says: [menu], offers: menu}
      - choose: asylum
        expect:
          ended: handoff          # instead of ``offers``: completed or handoff
          ticket: {topic: asylum, shared: [location]}

Actions (one per step after the first): ``choose: KEY`` (``choose: {key: KEY, turn: N}`` for a
button of turn N; ``choose: stale`` for one of the previous question), ``type: TEXT``,
``nav: back|restart|human|language``, ``language: CODE``.

Expectations (all optional):

* ``says``: node references of the bot's messages in this step, exactly, in order; ``[]`` for
  none. A node reference is a node id, or ``flow/node`` for a node of another flow than the one
  started (both match; the qualified form is what the recorder writes).
* ``offers``: the question the conversation waits at after the step (``offers: [menu]`` is
  read the same); ``ended``: the dialogue ended here, ``completed`` or ``handoff``.
* ``choices``: the option keys offered in this step; a yes/no question offers ``["yes", "no"]``
  (quoted, like any ``yes``, ``no`` or number, which YAML would read as true/false or a number).
* ``ticket``: a handoff ticket: ``topic`` and ``shared`` (variable names in order, or a mapping of
  names to values); ``ticket: true`` for any ticket.
* ``stale``, ``nothing_to_go_back``, ``language_picker``: ``true`` when the step must be taken
  as a stale button, refuse Back, or ask for the language picker.
* ``rejected``: the answer was refused: ``true``, or the reason (``not_a_choice``, ``invalid``,
  ``empty``, ``too_long``).
* ``variables``: every variable the conversation holds after the step, exactly: a variable
  set but not listed fails the step, and ``variables: {}`` means none is set.
* ``text``: spot checks per language: ``{en: "substring", ru: [..., ...]}``; each must appear in
  a message, link or choice label shown in that language (the conversation's language at that
  point, which ``language:`` may have changed). Each key must be one of ``languages`` or a
  language picked by an earlier ``language:`` step: a check that could never run (a typo, a
  language not run) is an error when the file is read.

What a step does not mention must not happen: a rejection, stale button, ticket, end, refused
Back or language picker that the expectation does not name fails the step.

Every run also checks, at every step, that:

* the state survives JSON (``ConversationState.from_json(state.to_json())`` equals it), and the
  next step continues from the state read back, as the bot does with stored state;
* in a language other than the flow's own, every flow text shown comes from an ``ok`` entry of
  that language's catalog, and the bot's own words (retry prompts, Yes/No, navigation labels)
  are translated: a transcript that passes in ru, de and fr proves the dialogue speaks them.

The clock is fixed (:data:`~bot.transcripts.runner.FIXED_TIME`), so runs are reproducible.
``haven flows test`` runs the files and reports which nodes no transcript reached;
``haven flows chat --record FILE`` writes a session as a transcript.
"""

from .checks import compare, ref_matches
from .coverage import Coverage, FlowCoverage
from .loader import TranscriptError, discover_transcripts, load_transcript, parse_transcript
from .model import (
    Action,
    Choose,
    ChooseStale,
    Expectation,
    Navigate,
    PickLanguage,
    TicketExpectation,
    Transcript,
    TranscriptStep,
    TypeText,
    node_ref,
)
from .observation import Observation, expectation_from, observe
from .probes import TranscriptCatalogs, TranslationProbe, traced_flows
from .recorder import Recorder, action_for, dump_transcript
from .runner import (
    FIXED_TIME,
    Failure,
    StepResult,
    TranscriptRun,
    fixed_clock,
    round_trip,
    run_transcript,
)
from .suite import SuiteResult, load_transcripts, run_suite

__all__ = [
    "FIXED_TIME",
    "Action",
    "Choose",
    "ChooseStale",
    "Coverage",
    "Expectation",
    "Failure",
    "FlowCoverage",
    "Navigate",
    "Observation",
    "PickLanguage",
    "Recorder",
    "StepResult",
    "SuiteResult",
    "TicketExpectation",
    "Transcript",
    "TranscriptCatalogs",
    "TranscriptError",
    "TranscriptRun",
    "TranscriptStep",
    "TranslationProbe",
    "TypeText",
    "action_for",
    "compare",
    "discover_transcripts",
    "dump_transcript",
    "expectation_from",
    "fixed_clock",
    "load_transcript",
    "load_transcripts",
    "node_ref",
    "observe",
    "parse_transcript",
    "ref_matches",
    "round_trip",
    "run_suite",
    "run_transcript",
    "traced_flows",
]
