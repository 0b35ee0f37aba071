"""Translations as maintainers live them: extract, translate, change English, update.

Runs the real ``pybabel`` commands (Babel's own command line) with our extractor, then
``haven flows check``: a changed English sentence must fail the check naming flow, node and
language until the translation is updated and confirmed.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po, write_po

from bot.cli import main

ROOT = Path(__file__).parents[3]
FLOW = """\
id: demo
title: Demo
start: ask
nodes:
  - id: ask
    type: choice
    text: Do you have a foreign-travel passport?
    options:
      - {id: has, label: I have one, next: done}
      - {id: none, label: I do not, next: done}
  - id: done
    type: end
    text: Thank you.
"""
RUSSIAN = {
    "Demo": "Демо",
    "Do you have a foreign-travel passport?": "У вас есть заграничный паспорт?",
    "I have one": "Есть",
    "I do not": "Нет",
    "Thank you.": "Спасибо.",
}


def pybabel(*args: str) -> None:
    CommandLineInterface().run(["pybabel", "-q", *args])


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A tiny project with one flow and a Russian catalog translated in full."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "flows").mkdir()
    (tmp_path / "locales").mkdir()
    (tmp_path / "flows" / "demo.yaml").write_text(FLOW, encoding="utf-8")
    shutil.copy(ROOT / "babel.cfg", tmp_path / "babel.cfg")
    pybabel("extract", "-F", "babel.cfg", "-o", "locales/flows.pot", "flows/")
    pybabel("init", "-D", "flows", "-i", "locales/flows.pot", "-d", "locales", "-l", "ru")
    po = tmp_path / "locales" / "ru" / "LC_MESSAGES" / "flows.po"
    with po.open("rb") as stream:
        catalog = read_po(stream)
    for message in catalog:
        if message.id:
            message.string = RUSSIAN[message.id]
    with po.open("wb") as stream:
        write_po(stream, catalog)
    return tmp_path


def check(capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(["flows", "check", "flows", "--locales", "locales"])
    return code, capsys.readouterr().out


def test_extraction_gives_every_string_its_context(project: Path) -> None:
    with (project / "locales" / "flows.pot").open("rb") as stream:
        template = read_po(stream)
    contexts = {m.context: m.id for m in template if m.id}
    assert contexts == {
        "demo/_flow/title": "Demo",
        "demo/ask/text": "Do you have a foreign-travel passport?",
        "demo/ask/option.has": "I have one",
        "demo/ask/option.none": "I do not",
        "demo/done/text": "Thank you.",
    }
    locations = {m.context: m.locations for m in template if m.id}
    assert locations["demo/ask/option.none"] == [("flows/demo.yaml", 10)]


def test_complete_translation_passes(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert check(capsys) == (0, "All checks passed (1 flows).\n")


def test_changed_english_fails_until_translated_again(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    flow = project / "flows" / "demo.yaml"
    flow.write_text(FLOW.replace("Thank you.", "Thank you. Take care."), encoding="utf-8")

    code, out = check(capsys)
    assert code == 1
    assert out.splitlines() == [
        "flows/demo.yaml:13: E150 missing ru translation of 'demo/done/text'",
    ]

    # pybabel update carries the old Russian over as a guess: still not good enough to ship.
    pybabel("extract", "-F", "babel.cfg", "-o", "locales/flows.pot", "flows/")
    pybabel("update", "-D", "flows", "-i", "locales/flows.pot", "-d", "locales", "--previous")
    code, out = check(capsys)
    assert code == 1
    assert out.splitlines() == [
        "flows/demo.yaml:13: E151 fuzzy ru translation of 'demo/done/text'",
    ]

    # A translator confirms the new sentence: the check passes again.
    po = project / "locales" / "ru" / "LC_MESSAGES" / "flows.po"
    with po.open("rb") as stream:
        catalog = read_po(stream)
    message = catalog.get("Thank you. Take care.", context="demo/done/text")
    assert message is not None and message.fuzzy
    message.string = "Спасибо. Берегите себя."
    message.flags.discard("fuzzy")
    with po.open("wb") as stream:
        write_po(stream, catalog)
    assert check(capsys)[0] == 0


def test_translated_label_too_long_names_the_language(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    po = project / "locales" / "ru" / "LC_MESSAGES" / "flows.po"
    text = po.read_text(encoding="utf-8").replace('msgstr "Есть"', f'msgstr "{"Е" * 41}"')
    po.write_text(text, encoding="utf-8")
    code, out = check(capsys)
    assert code == 1
    assert "flows/demo.yaml:9: E130 ru button label is 41 characters" in out


def test_broken_catalog_is_reported_with_file_and_line(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    po = project / "locales" / "ru" / "LC_MESSAGES" / "flows.po"
    po.write_text(po.read_text(encoding="utf-8") + '\nmsgid "dangling\n', encoding="utf-8")
    code, out = check(capsys)
    assert code == 1
    assert out.startswith("locales/ru/LC_MESSAGES/flows.po:")
    assert " E152 " in out.splitlines()[0]


@pytest.mark.parametrize(
    "added",
    [
        "https://trap.example/form",
        "www.trap.example",
        "t.me/helpdesk_trap",
        "@helpdesk_trap",
        "help@trap.example",
    ],
)
def test_a_translation_may_not_add_a_link_or_contact(
    project: Path, capsys: pytest.CaptureFixture[str], added: str
) -> None:
    po = project / "locales" / "ru" / "LC_MESSAGES" / "flows.po"
    text = po.read_text(encoding="utf-8").replace(
        'msgstr "Спасибо."', f'msgstr "Спасибо. Пишите {added}."'
    )
    po.write_text(text, encoding="utf-8")
    code, out = check(capsys)
    assert code == 1
    assert "flows/demo.yaml:13: E153 ru translation of 'demo/done/text' adds" in out
    assert added.lower() in out


def test_a_link_the_source_has_may_be_kept_in_the_translation() -> None:
    from bot.definitions.validation.texts import contacts_in

    source = "Read https://example.org/guide or write to @haven_help."
    translation = "Читайте https://example.org/guide или пишите @Haven_Help!"
    assert contacts_in(translation) <= contacts_in(source)
    assert contacts_in("Пишите на help@trap.example") == {"help@trap.example"}
    assert contacts_in("no links here, just a 2024 date") == set()
