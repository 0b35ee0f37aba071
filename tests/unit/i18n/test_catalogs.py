"""Reading ``.po`` catalogs: lookups, fallbacks, translation status and malformed files."""

from __future__ import annotations

from pathlib import Path

import pytest

import bot
from bot.engine import SourceText, Translator
from bot.i18n import CatalogError, Catalogs, default_locales_dir

HEADER = """\
msgid ""
msgstr ""
"Content-Type: text/plain; charset=utf-8\\n"

"""

FLOWS_RU = (
    HEADER
    + """\
#. type: message
#: flows/demo.yaml:7
msgctxt "demo/hello/text"
msgid "Hello."
msgstr "Здравствуйте."

msgctxt "demo/where/option.eu"
msgid "In the EU"
msgstr "В ЕС"

#, fuzzy
#| msgctxt "demo/where/text"
#| msgid "Where are you?"
msgctxt "demo/where/text"
msgid "Where are you now?"
msgstr "Где вы?"

msgctxt "demo/where/option.home"
msgid "At home"
msgstr ""

#~ msgctxt "demo/old/text"
#~ msgid "Gone."
#~ msgstr "Удалено."
"""
)

BOT_RU = (
    HEADER
    + """\
msgid "Back"
msgstr "Назад"

#, fuzzy
msgid "Restart"
msgstr "Заново"

#, python-brace-format
msgid "Keep it under {limit} characters."
msgstr "Не больше {limit} символов."
"""
)


def write_po(root: Path, language: str, domain: str, text: str) -> Path:
    path = root / language / "LC_MESSAGES" / f"{domain}.po"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def catalogs(tmp_path: Path) -> Catalogs:
    write_po(tmp_path, "ru", "flows", FLOWS_RU)
    write_po(tmp_path, "ru", "bot", BOT_RU)
    write_po(tmp_path, "de", "bot", HEADER + 'msgid "Back"\nmsgstr "Zurück"\n')
    (tmp_path / "README.txt").write_text("not a language", encoding="utf-8")
    (tmp_path / "fr" / "LC_MESSAGES").mkdir(parents=True)  # no catalogs yet: not shipped
    return Catalogs.load(tmp_path)


def test_languages_are_those_with_a_catalog(catalogs: Catalogs) -> None:
    assert catalogs.languages == ("de", "ru")


def test_flow_text(catalogs: Catalogs) -> None:
    assert catalogs.flow_text("ru", "demo/hello/text", "Hello.") == "Здравствуйте."
    assert catalogs.flow_text("ru", "demo/where/option.eu", "In the EU") == "В ЕС"


def test_flow_text_falls_back_to_the_source(catalogs: Catalogs) -> None:
    # fuzzy, empty, obsolete, unknown context, changed source, unknown language
    assert catalogs.flow_text("ru", "demo/where/text", "Where are you now?") == "Where are you now?"
    assert catalogs.flow_text("ru", "demo/where/option.home", "At home") == "At home"
    assert catalogs.flow_text("ru", "demo/old/text", "Gone.") == "Gone."
    assert catalogs.flow_text("ru", "other/hello/text", "Hello.") == "Hello."
    assert catalogs.flow_text("ru", "demo/hello/text", "Hello!") == "Hello!"
    assert catalogs.flow_text("de", "demo/hello/text", "Hello.") == "Hello."
    assert catalogs.flow_text("es", "demo/hello/text", "Hello.") == "Hello."


def test_ui_text(catalogs: Catalogs) -> None:
    assert catalogs.ui_text("ru", "Back") == "Назад"
    assert catalogs.ui_text("de", "Back") == "Zurück"
    assert catalogs.ui_text("ru", "Restart") == "Restart"  # fuzzy
    assert catalogs.ui_text("ru", "Talk to a person") == "Talk to a person"
    assert catalogs.ui_text("es", "Back") == "Back"
    limit = catalogs.ui_text("ru", "Keep it under {limit} characters.")
    assert limit.format(limit=500) == "Не больше 500 символов."


def test_flows_and_bot_domains_are_separate(catalogs: Catalogs) -> None:
    assert catalogs.ui_text("ru", "Hello.") == "Hello."
    assert catalogs.flow_text("ru", "", "Back") == "Back"


@pytest.mark.parametrize(
    ("context", "source", "expected"),
    [
        ("demo/hello/text", "Hello.", "ok"),
        ("demo/where/text", "Where are you now?", "fuzzy"),
        # The English changed and nobody ran pybabel update: the old msgid no longer matches.
        ("demo/hello/text", "Hello there.", "missing"),
        ("demo/where/option.home", "At home", "missing"),
        ("demo/old/text", "Gone.", "missing"),
        ("demo/nowhere/text", "Hello.", "missing"),
    ],
)
def test_status(catalogs: Catalogs, context: str, source: str, expected: str) -> None:
    assert catalogs.status("ru", context, source) == expected


def test_status_in_a_language_without_flow_catalog(catalogs: Catalogs) -> None:
    assert catalogs.status("de", "demo/hello/text", "Hello.") == "missing"


def test_catalogs_are_translators(catalogs: Catalogs) -> None:
    translators: list[Translator] = [catalogs, SourceText()]
    assert [t.ui_text("ru", "Back") for t in translators] == ["Назад", "Back"]


def test_empty_catalogs() -> None:
    empty = Catalogs({})
    assert empty.languages == ()
    assert empty.ui_text("ru", "Back") == "Back"


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        (HEADER + 'msgid "a"\nmsgstr "b"\ngarbage\n', 7, "Unknown or misformatted keyword"),
        (HEADER + 'msgid "a"\nmsgstr "b\n', 6, "badly quoted string"),
        (HEADER + 'msgid "a"\nmsgstr "b"\n"c\n', 7, "badly quoted string"),
        (HEADER + 'msgid "a"\n\nmsgid "b"\nmsgstr "c"\n', 5, "missing msgstr"),
    ],
)
def test_malformed_po_names_file_and_line(
    tmp_path: Path, text: str, line: int, reason: str
) -> None:
    path = write_po(tmp_path, "ru", "bot", text)
    with pytest.raises(CatalogError) as raised:
        Catalogs.load(tmp_path)
    assert (raised.value.path, raised.value.line) == (path, line)
    assert reason in raised.value.reason
    assert str(raised.value).startswith(f"{path}:{line}: ")


def test_invalid_utf8_names_the_line(tmp_path: Path) -> None:
    path = write_po(tmp_path, "ru", "flows", HEADER)
    path.write_bytes(path.read_bytes() + b'msgid "a"\nmsgstr "\xff"\n')
    with pytest.raises(CatalogError, match=r"flows\.po:6: not valid UTF-8"):
        Catalogs.load(tmp_path)


def test_missing_directory(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="locales directory not found"):
        Catalogs.load(tmp_path / "nowhere")


def test_default_locales_dir(tmp_path: Path) -> None:
    assert default_locales_dir() == Path(bot.__file__).resolve().parent.parent / "locales"
    assert default_locales_dir(tmp_path) == tmp_path
    assert default_locales_dir(str(tmp_path)) == tmp_path


def test_only_newline_ends_a_line(tmp_path: Path) -> None:
    # U+2028, NEL and a form feed are text inside a string, not line breaks as in splitlines.
    odd = "a\u2028b\x85c\x0cd"
    write_po(tmp_path, "ru", "bot", HEADER + f'msgid "Back"\nmsgstr "{odd}"\n')
    assert Catalogs.load(tmp_path).ui_text("ru", "Back") == odd


def test_a_line_after_an_odd_character_keeps_its_number(tmp_path: Path) -> None:
    path = write_po(tmp_path, "ru", "bot", HEADER + 'msgid "a\u2028b"\nmsgstr "c"\ngarbage\n')
    with pytest.raises(CatalogError) as raised:
        Catalogs.load(tmp_path)
    assert (raised.value.path, raised.value.line) == (path, 7)


def test_windows_line_endings(tmp_path: Path) -> None:
    text = (HEADER + 'msgid "Back"\nmsgstr "Назад"\n').replace("\n", "\r\n")
    (tmp_path / "ru" / "LC_MESSAGES").mkdir(parents=True)
    (tmp_path / "ru" / "LC_MESSAGES" / "bot.po").write_bytes(text.encode())
    assert Catalogs.load(tmp_path).ui_text("ru", "Back") == "Назад"
