"""Coverage: the nodes no transcript reached, per flow, in file order."""

from __future__ import annotations

from bot.transcripts import Coverage, run_suite

BLUE = """\
    flow: main
    languages: [en]
    steps:
      - expect: {offers: pick}
      - choose: blue
        expect: {says: [other/info, bye], ended: completed}
    """

RED = """\
    flow: main
    languages: [en]
    steps:
      - expect: {offers: pick}
      - choose: red
        expect: {offers: age}
      - type: "7"
        expect: {ended: handoff, ticket: {topic: colors}}
    """


def test_nodes_not_reached_are_listed_in_file_order(flows):
    coverage = Coverage(flows)
    coverage.add([("main", "bye"), ("main", "hello"), ("nowhere", "x")])
    main, other = coverage.flows
    assert main.flow == "main"
    assert main.missing == ("pick", "age", "route", "facts", "help")
    assert other.missing == ("info", "done")
    assert not coverage.complete
    assert main.to_dict() == {
        "flow": "main",
        "nodes": 7,
        "reached": 2,
        "missing": ["pick", "age", "route", "facts", "help"],
    }


def test_silent_nodes_count_as_reached(flows, parse):
    result = run_suite([parse(BLUE)], flows)
    assert result.passed
    main, other = result.coverage.flows
    # route (router), facts (goto) and other/done (an end without text) emit no event.
    assert main.missing == ("age", "help")
    assert other.complete


def test_transcripts_together_reach_every_node(flows, parse):
    result = run_suite([parse(BLUE), parse(RED)], flows)
    assert result.passed
    assert [run.language for run in result.runs] == ["en", "en"]
    assert result.coverage.complete


def test_a_failing_run_counts_the_steps_it_ran(flows, parse):
    broken = RED.replace("offers: age", "offers: pick")
    result = run_suite([parse(broken)], flows)
    assert not result.passed
    main, _ = result.coverage.flows
    assert "age" not in main.missing  # reached before the failure was found
    assert "help" in main.missing
