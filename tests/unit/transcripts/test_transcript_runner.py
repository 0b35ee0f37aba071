"""The runner: steps replayed through the engine, expectations checked, failures located."""

from __future__ import annotations

import dataclasses

import pytest

from bot.engine import ConversationState, Flow
from bot.engine.node import Next
from bot.engine.nodes import Message
from bot.transcripts import FIXED_TIME, round_trip, run_transcript

RED_PATH = """\
    flow: main
    languages: [en]
    steps:
      - expect:
          says: [hello, pick]
          offers: pick
          choices: [red, blue]
          text: {en: [Hello., Guide, Red]}
      - choose: red
        expect: {says: [age], offers: age, variables: {color: red}}
      - type: "30"
        expect:
          says: [help]
          ended: handoff
          ticket: {topic: colors, shared: {color: red, age: 30}}
    """


def failures(run) -> list[str]:
    return [str(f) for f in run.failures]


def test_a_matching_transcript_passes_and_keeps_every_step(flows, parse):
    run = run_transcript(parse(RED_PATH), "en", flows)
    assert run.passed, failures(run)
    assert [r.step.number for r in run.steps] == [1, 2, 3]
    assert run.steps[-1].state.status == "ended"
    # The clock is fixed: every run writes the same timestamps.
    assert run.steps[0].state.started_at == FIXED_TIME.isoformat()


def test_a_mismatch_names_file_line_step_language_expected_and_actual(flows, parse):
    text = RED_PATH.replace("says: [age]", "says: [pick]")
    run = run_transcript(parse(text, "tests/transcripts/red.yaml"), "en", flows)
    assert failures(run) == [
        "tests/transcripts/red.yaml:9: step 2 (choose: red) [en]: says: expected [pick], got [age]"
    ]
    # The run stops at the failing step: later steps would only fail because of it.
    assert len(run.steps) == 2


@pytest.mark.parametrize(
    ("replace", "expected"),
    [
        ("offers: age", "offers: expected pick, got age"),
        ("choices: [red, blue]", "choices: expected [blue, red], got [red, blue]"),
        ("variables: {color: red}", "variables: expected color = 'blue', got 'red'"),
        ("age: 30}", "ticket: expected shared {'color': 'red', 'age': 31}, got"),
        ("topic: colors", "ticket: expected topic other, got colors"),
        ("ended: handoff", "ended: expected completed, but it did not end in this step"),
        ("text: {en: [Hello., Guide, Red]}", "text [en]: expected 'Goodbye' in what the bot"),
    ],
)
def test_each_expectation_is_checked(flows, parse, replace, expected):
    changed = {
        "offers: age": "offers: pick",
        "choices: [red, blue]": "choices: [blue, red]",
        "variables: {color: red}": "variables: {color: blue}",
        "age: 30}": "age: 31}",
        "topic: colors": "topic: other",
        "ended: handoff": "ended: completed",
        "text: {en: [Hello., Guide, Red]}": "text: {en: Goodbye}",
    }[replace]
    run = run_transcript(parse(RED_PATH.replace(replace, changed)), "en", flows)
    assert not run.passed
    assert any(expected in f.message for f in run.failures), failures(run)


@pytest.mark.parametrize(
    ("variables", "expected"),
    [
        # Exactly the variables held: ``{}`` means that none is set.
        ("{}", ["variables: unexpected color = 'red'"]),
        ("{color: red, age: 30}", ["variables: expected age = 30, got unset"]),
        (
            "{color: red, age: 30, n: 1}",
            ["variables: expected age = 30, got unset", "variables: expected n = 1, got unset"],
        ),
        ("{color: blue}", ["variables: expected color = 'blue', got 'red'"]),
    ],
)
def test_variables_are_matched_exactly(flows, parse, variables, expected):
    text = RED_PATH.replace("variables: {color: red}", f"variables: {variables}")
    run = run_transcript(parse(text), "en", flows)
    assert [f.message for f in run.failures] == expected


def test_an_expectation_of_no_variables_passes_when_none_is_set(flows, parse):
    text = RED_PATH.replace("choices: [red, blue]", "choices: [red, blue]\n          variables: {}")
    run = run_transcript(parse(text), "en", flows)
    assert run.passed, failures(run)


def test_what_a_step_does_not_mention_must_not_happen(flows, parse):
    run = run_transcript(
        parse(
            """\
            flow: main
            languages: [en]
            steps:
              - expect: {offers: pick}
              - type: purple
                expect: {says: [], offers: pick}
            """
        ),
        "en",
        flows,
    )
    assert [f.message for f in run.failures] == [
        "says: expected [], got [pick]",
        "rejected: the answer was rejected unexpectedly (not_a_choice)",
    ]


def test_an_unexpected_handoff_and_end_fail(flows, parse):
    run = run_transcript(
        parse(
            """\
            flow: main
            languages: [en]
            steps:
              - expect: {}
              - choose: red
              - type: "30"
            """
        ),
        "en",
        flows,
    )
    assert [f.message for f in run.failures] == [
        "ended: the conversation ended unexpectedly (handoff)",
        "ticket: unexpected handoff (topic colors, from help)",
    ]


def test_offers_after_the_end_says_so(flows, parse):
    text = RED_PATH.replace("ended: handoff", "offers: age")
    run = run_transcript(parse(text), "en", flows)
    assert "offers: expected age, but the conversation ended (handoff)" in failures(run)[0]


def test_a_key_that_was_not_offered_is_pointed_out(flows, parse):
    text = RED_PATH.replace("choose: red", "choose: green")
    run = run_transcript(parse(text), "en", flows)
    assert "(the key 'green' was not offered: red, blue)" in [f.message for f in run.failures]


def test_navigation_stale_buttons_and_silent_nodes(flows, parse):
    run = run_transcript(
        parse(
            """\
            flow: main
            languages: [en]
            steps:
              - expect: {offers: pick}
              - nav: back
                expect: {nothing_to_go_back: true, says: [pick], offers: pick}
              - choose: red
                expect: {offers: age}
              - type: old
                expect: {says: [age], offers: age, rejected: invalid}
              - type: ""
                expect: {rejected: empty}
              - type: "123456"
                expect: {rejected: too_long}
              - choose: stale
                expect: {stale: true, says: [age], offers: age}
              - nav: back
                expect: {says: [pick], offers: pick, variables: {}}
              - choose: blue
                expect: {says: [other/info, bye], ended: completed}
              - choose: {key: red, turn: 1}
                expect: {stale: true, says: [hello, pick], offers: pick}
              - nav: human
                expect: {says: [], offers: pick, ticket: {topic: general, shared: []}}
              - nav: language
                expect: {offers: pick, language_picker: true}
              - nav: restart
                expect: {says: [hello, pick], offers: pick}
            """
        ),
        "en",
        flows,
    )
    assert run.passed, failures(run)
    # The router and the goto say nothing, yet they were reached; so was the other flow.
    assert {
        ("main", "route"),
        ("main", "facts"),
        ("other", "info"),
        ("other", "done"),
    } <= run.reached


def test_text_spot_checks_apply_to_the_language_shown(flows, parse, fake_catalogs):
    text = """\
        flow: main
        languages: [en, ru]
        steps:
          - expect: {offers: pick, text: {en: Pick a color, ru: "[ru] Pick a color"}}
          - nav: language
            expect: {language_picker: true}
          - language: ru
            expect: {says: [pick], offers: pick, text: {ru: "[ru] Red"}}
        """
    for language in ("en", "ru"):
        run = run_transcript(parse(text), language, flows, fake_catalogs())
        assert run.passed, failures(run)


def test_every_shown_flow_text_must_come_from_an_ok_translation(flows, parse, fake_catalogs):
    catalogs = fake_catalogs(
        missing=frozenset({"main/hello/text"}), fuzzy=frozenset({"main/pick/option.red"})
    )
    run = run_transcript(
        parse(RED_PATH.replace("text: {en: [Hello., Guide, Red]}", "")), "ru", flows, catalogs
    )
    assert [f.message for f in run.failures] == [
        "missing ru translation of 'main/hello/text': showed 'Hello.'",
        "fuzzy ru translation of 'main/pick/option.red': showed 'Red'",
    ]
    assert str(run.failures[0]).startswith("t.yaml:4: step 1 (start) [ru]: missing ru")


def test_the_bots_own_words_must_be_translated_too(flows, parse, fake_catalogs):
    catalogs = fake_catalogs(ui_missing=frozenset({"Please answer with a number.", "Back"}))
    text = """\
        flow: main
        languages: [ru]
        steps:
          - expect: {offers: pick}
          - choose: red
            expect: {offers: age}
          - type: many
            expect: {offers: age, rejected: invalid}
        """
    run = run_transcript(parse(text), "ru", flows, catalogs)
    # Back is offered from the second question on; the retry only after the wrong answer.
    assert [f.message for f in run.failures] == [
        "missing ru translation of the bot's own 'Back' (bot.po)"
    ]
    assert run.failures[0].step == 2
    catalogs.ui_missing = frozenset({"Please answer with a number."})
    run = run_transcript(parse(text), "ru", flows, catalogs)
    assert [f.message for f in run.failures] == [
        "missing ru translation of the bot's own 'Please answer with a number.' (bot.po)"
    ]


def test_a_complete_translation_passes(flows, parse, fake_catalogs):
    text = RED_PATH.replace("text: {en: [Hello., Guide, Red]}", "text: {ru: '[ru] Guide'}")
    text = text.replace("languages: [en]", "languages: [en, ru]")
    run = run_transcript(parse(text), "ru", flows, fake_catalogs())
    assert run.passed, failures(run)


def test_a_language_without_catalogs_fails_once_for_the_whole_run(flows, parse, fake_catalogs):
    run = run_transcript(parse(RED_PATH), "de", flows, fake_catalogs())
    assert failures(run) == [
        "t.yaml [de]: no translations for 'de' (the flow is written in 'en'; catalogs exist"
        " for: ru)"
    ]
    assert run.steps == ()


def test_an_unknown_flow_fails_with_the_flows_there_are(flows, parse):
    run = run_transcript(parse(RED_PATH.replace("flow: main", "flow: mian")), "en", flows)
    assert failures(run) == ["t.yaml [en]: unknown flow 'mian'; flows: main, other"]


@dataclasses.dataclass(frozen=True, kw_only=True)
class _Broken(Message):
    """A node whose code fails, as a bug in a node type would."""

    def enter(self, turn) -> Next:
        raise RuntimeError("node bug")


def test_an_engine_error_is_a_failed_step_not_a_crash(flows, parse):
    main = flows["main"]
    nodes = dict(main.nodes)
    nodes["age"] = _Broken(id="age", text="Boom", next="route")
    broken = {**flows, "main": dataclasses.replace(main, nodes=nodes)}
    run = run_transcript(parse(RED_PATH), "en", broken)
    assert failures(run) == [
        "t.yaml:9: step 2 (choose: red) [en]: the engine raised RuntimeError: node bug"
    ]


def test_state_goes_through_json_at_every_step(flows, parse, monkeypatch):
    calls = []
    original = ConversationState.from_json.__func__

    def counting(cls, text):
        calls.append(text)
        return original(cls, text)

    monkeypatch.setattr(ConversationState, "from_json", classmethod(counting))
    run = run_transcript(parse(RED_PATH), "en", flows)
    assert run.passed
    assert len(calls) == 3
    assert '"node":"age"' in calls[1]


def test_round_trip_reports_what_json_changed():
    state = ConversationState(root="m", flow="m", node="q", language="en", variables={"x": 1.5})
    restored, problem = round_trip(state)
    assert problem is None and restored == state and restored is not state
    state.variables["x"] = float("nan")  # NaN never equals itself, so JSON cannot keep it equal
    _, problem = round_trip(state)
    assert problem is not None and problem.startswith(
        "state changed in its JSON round trip: variables"
    )


def test_flows_are_not_changed_by_tracing(flows, parse):
    before = {flow_id: dict(flow.nodes) for flow_id, flow in flows.items()}
    run_transcript(parse(RED_PATH), "en", flows)
    assert {flow_id: dict(flow.nodes) for flow_id, flow in flows.items()} == before
    assert all(isinstance(flow, Flow) and type(flow.nodes) is dict for flow in flows.values())
