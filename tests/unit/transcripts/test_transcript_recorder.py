"""The recorder: a session becomes a transcript that passes as recorded."""

from __future__ import annotations

import pytest

from bot.engine import (
    Chose,
    ConversationState,
    Engine,
    LanguageChosen,
    Navigated,
    TypedText,
    UserInput,
)
from bot.transcripts import (
    Choose,
    Navigate,
    PickLanguage,
    Recorder,
    TypeText,
    action_for,
    dump_transcript,
    fixed_clock,
    parse_transcript,
    run_transcript,
)


def record(flows, catalogs, inputs, language="en"):
    """Drive the engine with ``inputs`` (callables of the state) and record every step."""
    engine = Engine(flows, catalogs, clock=fixed_clock)
    recorder = Recorder("main", language, "rec.yaml")
    step = engine.start("main", language)
    recorder.start(step)
    for make in inputs:
        before = step.state
        user_input = make(before)
        step = engine.resume(before, user_input)
        recorder.add(user_input, before, step)
    return recorder


SESSION = [
    lambda s: TypedText("purple"),
    lambda s: Navigated("language"),
    lambda s: LanguageChosen("ru"),
    lambda s: Chose(s.turn, "red"),
    lambda s: Chose(s.turn - 1, "blue"),  # a button of the previous question
    lambda s: Navigated("back"),
    lambda s: Chose(s.turn, "red"),
    lambda s: TypedText("30"),
]


def test_a_recorded_session_passes_through_the_runner(flows, fake_catalogs):
    recorder = record(flows, fake_catalogs(), SESSION)
    text = recorder.to_yaml()
    transcript = parse_transcript(text, "rec.yaml")
    assert transcript.to_data() == recorder.transcript.to_data()
    run = run_transcript(transcript, "en", flows, fake_catalogs())
    assert run.passed, [str(f) for f in run.failures]
    assert len(run.steps) == len(SESSION) + 1


def test_the_recorded_yaml_reads_like_a_hand_written_transcript(flows, fake_catalogs):
    text = record(flows, fake_catalogs(), SESSION).to_yaml()
    assert text.startswith("flow: main\nlanguages: [en]\nsteps:\n  - expect:\n")
    assert "      says: [hello, pick]\n      offers: pick\n      choices: [red, blue]\n" in text
    assert "  - type: purple\n    expect:\n      says: [pick]\n" in text
    assert "      rejected: not_a_choice\n" in text
    assert "  - nav: language\n    expect:\n      says: []\n" in text
    assert "      language_picker: true\n" in text
    assert "  - language: ru\n" in text
    assert "  - choose: {key: blue, turn: 1}\n    expect:\n" in text
    assert "      stale: true\n" in text
    assert "  - type: '30'\n" in text  # quoted: it must stay text
    assert "      ended: handoff\n      ticket:\n        topic: colors\n" in text
    assert "        shared: [color, age]\n" in text


def test_a_comment_line_can_lead_the_file(flows):
    recorder = record(flows, None, [])
    text = dump_transcript(recorder.transcript, comment="Recorded with: haven flows chat main")
    assert text.startswith("# Recorded with: haven flows chat main\nflow: main\n")
    assert parse_transcript(text, "x.yaml").flow == "main"


@pytest.mark.parametrize(
    ("user_input", "action"),
    [
        (Chose(3, "red"), Choose("red")),
        (Chose(2, "red"), Choose("red", 2)),
        (TypedText("12"), TypeText("12")),
        (Navigated("human"), Navigate("human")),
        (LanguageChosen("de"), PickLanguage("de")),
    ],
)
def test_inputs_become_actions(user_input: UserInput, action):
    before = ConversationState(root="main", flow="main", node="pick", language="en", turn=3)
    assert action_for(user_input, before) == action


def test_an_option_called_stale_is_not_mistaken_for_the_special_form():
    before = ConversationState(root="m", flow="m", node="q", language="en", turn=1)
    action = action_for(Chose(1, "stale"), before)
    assert action == Choose("stale")
    assert action.to_data() == {"choose": {"key": "stale"}}


def test_adding_before_the_start_is_refused(flows):
    recorder = Recorder("main", "en")
    state = ConversationState(root="main", flow="main", node="pick", language="en")
    with pytest.raises(RuntimeError, match="start"):
        recorder.add(Navigated("back"), state, Engine(flows, clock=fixed_clock).start("main", "en"))
