"""Graph export: shapes, labels, escaping, issue colours and determinism, in Mermaid and DOT."""

from __future__ import annotations

import dataclasses
import re
import shutil
import subprocess
import textwrap
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

import pytest

from bot.definitions import Issue, LoadedFlow, load_flows, parse_flow
from bot.definitions.graph import describe, to_dot, to_mermaid
from bot.definitions.validation import validate
from bot.engine import Flow
from bot.engine.conditions import All, Any, Equals, In, IsSet, Not
from bot.engine.nodes import End, Message

SAMPLE = """\
id: sample
title: Sample flow
start: welcome
variables:
  location: {type: enum, values: [russia, eu, elsewhere]}
  days: {type: number}
nodes:
  - id: welcome
    type: message
    text: Hello, this is a long welcome text that the graph has to shorten.
    sources: ["Directive 2013/32/EU art. 3"]
    reviewed: 2026-01-01
    next: where
  - id: where
    type: choice
    text: Where are you now?
    options:
      - {id: russia, label: In Russia, set: {location: russia}, next: route}
      - {id: eu, label: In the EU, set: {location: eu}, next: route}
  - id: route
    type: router
    routes:
      - when: {equals: {location: russia}}
        next: days
      - when: {in: {location: [eu, elsewhere]}}
        next: learn
      - when: {not: {set: location}}
        next: where
    default: advocate
  - id: days
    type: input
    kind: number
    text: How many days?
    variable: days
    next: advocate
  - id: learn
    type: goto
    flow: other
    next: end
  - id: advocate
    type: handoff
    topic: asylum
    text: An advocate will answer you here.
  - id: end
    type: end
    text: Take care.
"""

OTHER = """\
id: other
title: Other
start: bye
nodes:
  - id: bye
    type: end
"""

# Everything a label can hold that could break out of Mermaid's or DOT's syntax.
HOSTILE = 'Say "hi" [x] --> <b>b</b> & #1; |p|'
HOSTILE_OPTION = 'A"]; B{{x}} -->|y| C & <i>'

HOSTILE_FLOW = f"""\
id: hostile
title: 'Title "with" <quotes> # and --> arrows'
start: ask
nodes:
  - id: ask
    type: choice
    text: {HOSTILE!r}
    options:
      - id: one
        label: {HOSTILE_OPTION!r}
        next: end
      - id: two
        label: "two\\nlines `code` %% not a comment"
        next: end
  - id: end
    type: end
    text: "line one\\nline two\\ttab \\\\ backslash"
"""


def write(directory: Path, name: str, text: str) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def sample(tmp_path: Path) -> LoadedFlow:
    write(tmp_path, "sample.yaml", SAMPLE)
    write(tmp_path, "other.yaml", OTHER)
    flow_set = load_flows([tmp_path])
    assert flow_set.issues == []
    return flow_set.flows["sample"]


@pytest.fixture
def hostile() -> LoadedFlow:
    return parse_flow(HOSTILE_FLOW, "hostile.yaml")


@pytest.fixture(scope="session")
def dot_program() -> str:
    program = shutil.which("dot")
    if program is None:
        pytest.fail(
            "Graphviz's dot is not installed: install graphviz (apt-get install graphviz) "
            "to run the DOT rendering tests"
        )
    return program


def render_svg(dot_program: str, source: str) -> ET.Element:
    """Render with dot and parse the SVG (which also proves it is well-formed XML)."""
    result = subprocess.run(
        [dot_program, "-Tsvg"], input=source.encode(), capture_output=True, check=False
    )
    assert result.returncode == 0, result.stderr.decode()
    assert not result.stderr, result.stderr.decode()  # no syntax warnings either
    return ET.fromstring(result.stdout)


SVG = "{http://www.w3.org/2000/svg}"


def svg_titles(svg: ET.Element) -> set[str]:
    return {element.text or "" for element in svg.iter(f"{SVG}title")}


def svg_texts(svg: ET.Element) -> list[str]:
    return [element.text or "" for element in svg.iter(f"{SVG}text")]


def mermaid_decode(text: str) -> str:
    """Undo Mermaid's ``#<number>;`` entity codes, as Mermaid does when it renders."""
    return re.sub(r"#(\d+);", lambda m: chr(int(m[1])), text)


def mermaid_node_label(output: str, mermaid_id: str) -> str:
    """The raw label of a node; fails unless it is one quoted string in a known shape."""
    pattern = re.compile(
        rf'^    {mermaid_id}(\["|\{{\{{"|\[/"|\{{"|\[\["|>"|\(\[")(?P<label>[^"]*)'
        r'("\]|"\}\}|"/\]|"\}|"\]\]|"\]|"\]\))$',
        re.MULTILINE,
    )
    match = pattern.search(output)
    assert match, f"no well-formed node {mermaid_id} in:\n{output}"
    return match["label"]


# --- describe ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        (Equals("location", "russia"), "location = russia"),
        (Equals("in_service", True), "in_service = true"),
        (Equals("days", 30), "days = 30"),
        (Equals("city", "Saint Petersburg"), 'city = "Saint Petersburg"'),
        (In("location", ("eu", "elsewhere")), "location in [eu, elsewhere]"),
        (IsSet("x"), "set(x)"),
        (Not(IsSet("x")), "not set(x)"),
        (Not(Equals("location", "eu")), "location != eu"),
        (Not(In("location", ("eu", "cis"))), "location not in [eu, cis]"),
        (All((Equals("a", 1), IsSet("b"))), "a = 1 and set(b)"),
        (Any((Equals("a", 1), IsSet("b"))), "a = 1 or set(b)"),
        (
            All((Equals("a", 1), Any((IsSet("b"), IsSet("c"))))),
            "a = 1 and (set(b) or set(c))",
        ),
        (Not(All((IsSet("a"), IsSet("b")))), "not (set(a) and set(b))"),
        (Not(Not(IsSet("a"))), "not not set(a)"),
    ],
)
def test_describe(condition: object, expected: str) -> None:
    assert describe(condition) == expected  # type: ignore[arg-type]


# --- Mermaid -------------------------------------------------------------------------------


def test_mermaid_shapes_every_node_type(sample: LoadedFlow) -> None:
    out = to_mermaid(sample)
    assert out.startswith("flowchart TD\n")
    assert out.endswith("\n")
    shapes = {
        "n_welcome": '["',  # message: rectangle
        "n_where": '{{"',  # choice: hexagon
        "n_route": '{"',  # router: rhombus
        "n_days": '[/"',  # input: parallelogram
        "n_learn": '[["',  # goto: subroutine
        "n_advocate": '>"',  # handoff: flag
        "n_end": '(["',  # end: stadium
    }
    for mermaid_id, opening in shapes.items():
        assert f"\n    {mermaid_id}{opening}" in out, mermaid_id
        mermaid_node_label(out, mermaid_id)


def test_mermaid_labels_show_id_type_and_excerpt(sample: LoadedFlow) -> None:
    out = to_mermaid(sample)
    welcome = mermaid_decode(mermaid_node_label(out, "n_welcome"))
    lines = welcome.split("<br>")
    assert lines[0] == "welcome · message"
    assert lines[1].startswith("“Hello, this is a long welcome text")
    assert lines[1].endswith("…”")
    assert len(lines[1]) <= 40 + 2
    assert "📚 1 source, reviewed 2026-01-01" in lines
    assert "days · input<br>saves days (number)" in mermaid_node_label(out, "n_days")
    assert "↪ flow other" in mermaid_node_label(out, "n_learn")
    assert "topic: asylum" in mermaid_node_label(out, "n_advocate")


def test_mermaid_edges(sample: LoadedFlow) -> None:
    out = to_mermaid(sample)
    assert "    s0 ==> n_welcome\n" in out  # the start is marked
    assert "    n_welcome --> n_where\n" in out
    assert '    n_where -->|"In Russia"| n_route\n' in out
    assert '    n_where -->|"In the EU"| n_route\n' in out
    assert '    n_route -->|"location = russia"| n_days\n' in out
    assert '    n_route -->|"location in [eu, elsewhere]"| n_learn\n' in out
    assert '    n_route -->|"not set(location)"| n_where\n' in out
    assert '    n_route -->|"default"| n_advocate\n' in out
    assert '    n_learn -->|"after other"| n_end\n' in out
    assert "yes" not in out.lower().replace("n_", "")


def test_mermaid_ids_are_prefixed_so_keywords_are_safe(sample: LoadedFlow) -> None:
    out = to_mermaid(sample)
    # ``end`` is a Mermaid keyword: a bare ``end`` node or class would break the chart.
    assert re.search(r"^    end\b", out, re.MULTILINE) is None
    assert "    class n_end is_end\n" in out
    assert "classDef is_end " in out
    assert not re.search(r"classDef (end|default) ", out)


def test_mermaid_classes_by_type_and_fact(sample: LoadedFlow) -> None:
    out = to_mermaid(sample)
    assert "    class n_where is_choice\n" in out
    assert "    class n_welcome is_fact\n" in out
    assert "    class s0 is_start\n" in out
    assert "is_error" not in out
    assert "is_warning" not in out


def test_mermaid_escapes_hostile_text(hostile: LoadedFlow) -> None:
    out = to_mermaid(hostile)
    lines = out.splitlines()
    # No text can add a line: header, comment, start, 2 nodes, start arrow, 2 arrows, classes.
    assert all(line.startswith("    ") for line in lines[1:]), out
    assert sum(line.startswith("    n_") and "-->" not in line for line in lines) == 2
    for line in lines:
        for raw in re.findall(r'"([^"]*)"', line):
            without_breaks = raw.replace("<br>", "")
            assert not set(without_breaks) & set("<>|`"), line
            assert re.fullmatch(r"([^#]|#\d+;)*", raw), line
    label = mermaid_decode(mermaid_node_label(out, "n_ask"))
    assert label == f"ask · choice<br>“{HOSTILE}”"
    end = mermaid_decode(mermaid_node_label(out, "n_end"))
    assert end == "end · end<br>“line one line two tab \\ backslash”"
    one = re.search(r'^    n_ask -->\|"([^"]*)"\| n_end$', out, re.MULTILINE)
    assert one and mermaid_decode(one[1]) == HOSTILE_OPTION
    two = re.findall(r'^    n_ask -->\|"([^"]*)"\| n_end$', out, re.MULTILINE)[1]
    assert mermaid_decode(two) == "two lines `code` %% not a comment"


def test_mermaid_unsafe_ids_get_generated_ids(tmp_path: Path) -> None:
    """Ids the loader would reject (E014) still never reach Mermaid's syntax unescaped."""
    loaded = parse_flow(OTHER, "other.yaml")
    weird = 'a"b --> c\nd'
    nodes = {
        weird: Message(id=weird, text="hi", next="plain"),
        "plain": End(id="plain"),
    }
    flow = Flow(id="other", title="Other", start=weird, nodes=nodes)
    out = to_mermaid(dataclasses.replace(loaded, flow=flow))
    assert "    s0 ==> u0\n" in out
    assert "    u0 --> n_plain\n" in out
    assert mermaid_decode(mermaid_node_label(out, "u0")).startswith('a"b --> c d · message')


# --- issues --------------------------------------------------------------------------------


def test_issues_colour_nodes_and_show_codes(sample: LoadedFlow) -> None:
    issues = [
        Issue("E150", "missing translation", sample.path, 14, "sample", "where", "ru"),
        Issue("E151", "fuzzy translation", sample.path, 14, "sample", "where", "de"),
        Issue("E150", "missing translation", sample.path, 14, "sample", "where", "fr"),
        Issue("W141", "old review", sample.path, 10, "sample", "welcome"),
        Issue("E120", "undeclared", sample.path, 2, "sample", None),
        Issue("E101", "someone else's", "elsewhere.yaml", 3, "elsewhere", "days"),
    ]
    out = to_mermaid(sample, issues)
    assert mermaid_node_label(out, "n_where").endswith("<br>⛔ E150 E151")
    assert mermaid_node_label(out, "n_welcome").endswith("<br>⚠️ W141")
    assert "⛔" not in mermaid_node_label(out, "n_days")  # another flow's issue
    assert "class s0,n_where is_error\n" in out  # flow-level issues mark the start
    assert "class n_welcome is_warning\n" in out
    assert re.search(r"classDef is_error fill:#\w+,stroke:#c53030", out)
    assert re.search(r"classDef is_warning fill:#\w+,stroke:#dd6b20", out)

    dot = to_dot(sample, issues)
    where = next(line for line in dot.splitlines() if line.startswith('    "where" ['))
    assert "✖ E150 E151" in where
    assert 'color="#c53030"' in where
    welcome = next(line for line in dot.splitlines() if line.startswith('    "welcome" ['))
    assert "⚠ W141" in welcome
    assert 'color="#dd6b20"' in welcome


def test_validation_findings_are_drawn(tmp_path: Path) -> None:
    write(
        tmp_path,
        "broken.yaml",
        textwrap.dedent("""\
            id: broken
            title: Broken
            start: a
            nodes:
              - id: a
                type: message
                text: Hi
                next: ghost
              - id: lonely
                type: end
              - id: b
                type: goto
                flow: nowhere
        """),
    )
    flow_set = load_flows([tmp_path])
    issues = validate(flow_set, today=date(2026, 1, 1))
    loaded = flow_set.flows["broken"]
    out = to_mermaid(loaded, issues)
    assert "⛔ E101" in mermaid_node_label(out, "n_a")
    assert "⛔ E104" in mermaid_node_label(out, "n_lonely")
    assert "E110" in mermaid_node_label(out, "n_b")
    # The unknown target is drawn, dashed and red, so the mistake is visible.
    assert (
        mermaid_decode(mermaid_node_label(out, "n_ghost")) == "ghost · missing<br>not in this flow"
    )
    assert "    n_a -.-> n_ghost\n" in out
    assert re.search(r"class [\w,]*n_ghost[\w,]* is_error", out)
    dot = to_dot(loaded, issues)
    assert '"a" -> "ghost" [style=dashed' in dot


def test_language_text_translates_labels(sample: LoadedFlow) -> None:
    calls: list[tuple[str, str, str]] = []

    def language_text(node: str, field: str, source: str) -> str:
        calls.append((node, field, source))
        return f"RU {source}"

    out = to_mermaid(sample, language_text=language_text)
    assert ("where", "option.russia", "In Russia") in calls
    assert ("where", "text", "Where are you now?") in calls
    assert ("_flow", "title", "Sample flow") in calls
    assert '-->|"RU In Russia"|' in out
    assert "“RU Where are you now?”" in mermaid_node_label(out, "n_where")


# --- determinism ---------------------------------------------------------------------------


def test_output_is_deterministic(tmp_path: Path) -> None:
    first_dir, second_dir = tmp_path / "first", tmp_path / "second"
    for directory in (first_dir, second_dir):
        write(directory, "sample.yaml", SAMPLE)
        write(directory, "other.yaml", OTHER)
    first = load_flows([first_dir])
    second = load_flows([second_dir])
    first_issues = validate(first, today=date(2026, 1, 1))
    second_issues = validate(second, today=date(2026, 1, 1))
    a, b = first.flows["sample"], second.flows["sample"]
    a_issues = [dataclasses.replace(i, path=b.path) for i in first_issues]
    b_issues = [dataclasses.replace(i, path=b.path) for i in second_issues]
    b_same = dataclasses.replace(b, path=a.path)
    assert to_mermaid(a, first_issues) == to_mermaid(a, first_issues)
    assert to_mermaid(a) == to_mermaid(b_same)
    assert to_dot(a) == to_dot(b_same)
    assert to_mermaid(b, a_issues) == to_mermaid(b, list(reversed(b_issues)))
    assert to_dot(b, a_issues) == to_dot(b, list(reversed(b_issues)))


# --- DOT -----------------------------------------------------------------------------------


def test_dot_renders_every_node(sample: LoadedFlow, dot_program: str) -> None:
    source = to_dot(sample)
    assert source.startswith('digraph "sample" {\n')
    svg = render_svg(dot_program, source)
    titles = svg_titles(svg)
    assert set(sample.flow.nodes) <= titles
    assert "(start)" in titles
    assert "where&#45;&gt;route" in titles or "where->route" in titles
    texts = svg_texts(svg)
    assert "In Russia" in texts
    assert "location in [eu, elsewhere]" in texts
    assert "default" in texts
    assert "↪ flow other" in texts
    assert "§ 1 source, reviewed 2026-01-01" in texts


def test_dot_shapes(sample: LoadedFlow) -> None:
    lines = {line.split(" [")[0].strip(): line for line in to_dot(sample).splitlines()}
    assert 'shape="box"' in lines['"welcome"']
    assert 'shape="hexagon"' in lines['"where"']
    assert 'shape="diamond"' in lines['"route"']
    assert 'skew="0.2"' in lines['"days"']
    assert 'peripheries="2"' in lines['"learn"']
    assert 'shape="cds"' in lines['"advocate"']
    assert 'style="rounded,filled"' in lines['"end"']


def test_dot_escapes_hostile_text(hostile: LoadedFlow, dot_program: str) -> None:
    source = to_dot(hostile)
    svg = render_svg(dot_program, source)
    texts = svg_texts(svg)
    assert f"“{HOSTILE}”" in texts
    assert HOSTILE_OPTION in texts
    assert "“line one line two tab \\ backslash”" in texts
    assert any('Title "with" <quotes> # and --> arrows' in text for text in texts)


def test_dot_escapes_hostile_ids(dot_program: str) -> None:
    loaded = parse_flow(OTHER, "other.yaml")
    weird = 'a"b\\ -> c\nd'
    nodes = {
        weird: Message(id=weird, text="hi", next="(start)"),
        "(start)": End(id="(start)"),
    }
    flow = Flow(id='o"ther', title="Other", start=weird, nodes=nodes)
    svg = render_svg(dot_program, to_dot(dataclasses.replace(loaded, flow=flow)))
    titles = svg_titles(svg)
    # Graphviz keeps the doubled backslash in the id; the newline became an escape code.
    assert 'a"b\\\\ -> c\\x0ad' in titles
    assert "(start)" in titles
    assert "((start))" in titles  # the start mark never merges with a node of that name
