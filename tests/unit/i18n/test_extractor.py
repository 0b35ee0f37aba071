"""The ``haven_flows`` Babel extractor, through Babel's own extraction API and command line."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

import pytest
from babel.messages.extract import extract
from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po, write_po

import bot
from bot.definitions import FlowLoadError
from bot.i18n import Catalogs
from bot.i18n.extractor import extract_flows

BABEL_CFG = Path(bot.__file__).resolve().parent.parent / "babel.cfg"

FLOW = """\
id: demo
title: Demo
start: hello
variables:
  has_passport: {type: boolean, sensitivity: situation}
nodes:
  - id: hello
    type: message
    text: Hello.
    buttons:
      - label: Read more
        url: https://example.org
    next: where
  - id: where
    type: choice
    text: Where are you?
    options:
      - id: eu
        label: In the EU
        next: done
      - id: home
        label: At home
        next: passport
  - id: passport
    type: input
    kind: yes_no
    text: Do you have a passport?
    variable: has_passport
    retry: Please tap Yes or No.
    next: done
  - id: done
    type: end
    text: Take care.
"""

LABEL = "button label: keep it short (max 40 characters)"


def line_of(text: str, source: str = FLOW) -> int:
    """The 1-based line of the first line of ``source`` that contains ``text``."""
    return next(n for n, line in enumerate(source.splitlines(), 1) if text in line)


def extracted(source: str = FLOW, name: str = "flows/demo.yaml") -> list[tuple[object, ...]]:
    fileobj = BytesIO(source.encode("utf-8"))
    fileobj.name = name  # type: ignore[attr-defined]
    # By name: Babel finds the method through the package's babel.extractors entry point.
    return list(extract("haven_flows", fileobj))


def test_every_string_with_context_line_and_notes() -> None:
    assert extracted() == [
        (2, "Demo", ["title of this conversation topic", LABEL], "demo/_flow/title"),
        (line_of("text: Hello."), "Hello.", ["type: message"], "demo/hello/text"),
        (line_of("Read more"), "Read more", ["type: message", LABEL], "demo/hello/button.0"),
        (line_of("Where are you"), "Where are you?", ["type: choice"], "demo/where/text"),
        (line_of("In the EU"), "In the EU", ["type: choice", LABEL], "demo/where/option.eu"),
        (line_of("At home"), "At home", ["type: choice", LABEL], "demo/where/option.home"),
        (
            line_of("Do you have"),
            "Do you have a passport?",
            ["type: input"],
            "demo/passport/text",
        ),
        (
            line_of("retry:"),
            "Please tap Yes or No.",
            [
                "type: input",
                "shown when the answer does not fit, before the question is asked again",
            ],
            "demo/passport/retry",
        ),
        (line_of("Take care."), "Take care.", ["type: end"], "demo/done/text"),
    ]


def test_broken_yaml_fails_with_file_and_line() -> None:
    broken = FLOW.replace(
        "    text: Where are you?\n", "    text: Where are you?\n    text: Again\n"
    )
    with pytest.raises(FlowLoadError, match=rf"flows/demo\.yaml:{line_of('Again', broken)}: E004"):
        extracted(broken)


def test_invalid_node_fails_rather_than_dropping_its_strings() -> None:
    # The loader leaves an invalid node out and carries on; extraction must not.
    broken = FLOW.replace("    retry: Please tap Yes or No.\n    next: done\n", "")
    with pytest.raises(FlowLoadError, match=r"flows/demo\.yaml:\d+: E010 .*'next'"):
        extracted(broken)


def test_needs_the_pgettext_keyword() -> None:
    with pytest.raises(ValueError, match="pgettext"):
        list(extract_flows(BytesIO(FLOW.encode()), ["N_"], [], {}))


def pybabel(*args: str) -> None:
    CommandLineInterface().run(["pybabel", "-q", *args])


def test_pybabel_extract_and_update_mark_changed_text_fuzzy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "flows").mkdir()
    (tmp_path / "locales").mkdir()
    flow = tmp_path / "flows" / "demo.yaml"
    flow.write_text(FLOW, encoding="utf-8")
    (tmp_path / "flows" / "notes.txt").write_text("not a flow", encoding="utf-8")

    # The documented commands, with the repository's babel.cfg.
    pybabel("extract", "-F", str(BABEL_CFG), "-o", "locales/flows.pot", "flows/")
    with Path("locales/flows.pot").open("rb") as stream:
        template = read_po(stream)
    hello = template.get("Hello.", context="demo/hello/text")
    assert hello is not None
    assert hello.locations == [("flows/demo.yaml", line_of("text: Hello."))]
    assert hello.auto_comments == ["type: message"]
    assert len([m for m in template if m.id]) == 9

    # A translator translates everything ...
    pybabel("init", "-D", "flows", "-i", "locales/flows.pot", "-d", "locales", "-l", "ru")
    po = tmp_path / "locales" / "ru" / "LC_MESSAGES" / "flows.po"
    with po.open("rb") as stream:
        catalog = read_po(stream)
    for message in catalog:
        if message.id:
            message.string = f"ru: {message.id}"
    with po.open("wb") as stream:
        write_po(stream, catalog)
    assert Catalogs.load("locales").status("ru", "demo/hello/text", "Hello.") == "ok"

    # ... then the English changes. pybabel update carries a similar old translation over as
    # a fuzzy guess (a rewrite beyond recognition gets none): never shown, both fail validation.
    changed = FLOW.replace("Where are you?", "Where are you now?").replace("Hello.", "Welcome!")
    flow.write_text(changed, encoding="utf-8")
    pybabel("extract", "-F", str(BABEL_CFG), "-o", "locales/flows.pot", "flows/")
    pybabel("update", "-D", "flows", "-i", "locales/flows.pot", "-d", "locales", "--previous")
    catalogs = Catalogs.load("locales")
    where = ("demo/where/text", "Where are you now?")
    assert catalogs.status("ru", *where) == "fuzzy"
    assert catalogs.flow_text("ru", *where) == "Where are you now?"
    assert catalogs.status("ru", "demo/hello/text", "Welcome!") == "missing"
    assert catalogs.status("ru", "demo/where/text", "Where are you?") == "missing"
    assert catalogs.status("ru", "demo/done/text", "Take care.") == "ok"
    assert catalogs.flow_text("ru", "demo/done/text", "Take care.") == "ru: Take care."
    # --previous shows the translator the old English; Babel writes it but does not read it back.
    assert '#| msgid "Where are you?"\nmsgctxt "demo/where/text"\n' in po.read_text("utf-8")
