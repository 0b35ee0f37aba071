"""``haven flows chat``: a dialogue on piped standard input, navigation, languages, recording."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest

from bot.cli import main
from bot.transcripts import load_transcript

MAIN = """\
id: main
title: Main
start: hello
variables:
  color: {type: enum, values: [red, blue]}
  age: {type: number}
nodes:
  - id: hello
    type: message
    text: Hello.
    buttons: [{label: Guide, url: "https://example.org/guide"}]
    sources: [Example source, Another source]
    reviewed: 2026-01-01
    next: pick
  - id: pick
    type: choice
    text: Pick a color.
    options:
      - {id: red, label: Red, set: {color: red}, next: age}
      - {id: blue, label: Blue, set: {color: blue}, next: bye}
  - id: age
    type: input
    kind: number
    text: How old are you?
    variable: age
    next: help
  - id: help
    type: handoff
    topic: colors
    share: [color, age]
    text: Someone will help.
  - id: bye
    type: end
    text: Bye.
"""

HEADER = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'

RU_FLOWS = {
    ("main/_flow/title", "Main"): "Главная",
    ("main/hello/text", "Hello."): "Здравствуйте.",
    ("main/hello/button.0", "Guide"): "Справка",
    ("main/pick/text", "Pick a color."): "Выберите цвет.",
    ("main/pick/option.red", "Red"): "Красный",
    ("main/pick/option.blue", "Blue"): "Синий",
    ("main/age/text", "How old are you?"): "Сколько вам лет?",
    ("main/help/text", "Someone will help."): "Вам помогут.",
    ("main/bye/text", "Bye."): "До свидания.",
}
RU_BOT = {
    "Back": "Назад",
    "Restart": "Начать заново",
    "Talk to a person": "Поговорить с человеком",
    "Change language": "Сменить язык",
    "Sources:": "Источники:",
    "Reviewed on {date}": "Проверено {date}",
    "Choose your language:": "Выберите язык:",
    "An advocate has been asked to join. You do not need to give your name.": "Адвокат в пути.",
    "The conversation has ended. Send /start to begin again.": "Разговор окончен.",
}


def _po(entries: dict) -> str:
    lines = [HEADER]
    for key, text in entries.items():
        context, source = key if isinstance(key, tuple) else (None, key)
        if context:
            lines.append(f'msgctxt "{context}"\n')
        lines.append(f'msgid "{source}"\nmsgstr "{text}"\n\n')
    return "".join(lines)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working directory with ``flows/main.yaml`` and a Russian catalog."""
    (tmp_path / "flows").mkdir()
    (tmp_path / "flows" / "main.yaml").write_text(MAIN, encoding="utf-8")
    messages = tmp_path / "locales" / "ru" / "LC_MESSAGES"
    messages.mkdir(parents=True)
    (messages / "flows.po").write_text(_po(RU_FLOWS), encoding="utf-8")
    (messages / "bot.po").write_text(_po(RU_BOT), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def chat(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    typed: str,
    *args: str,
) -> tuple[int, str, str]:
    """Run ``haven flows chat main ARGS`` with ``typed`` on standard input."""
    monkeypatch.setattr(sys, "stdin", io.StringIO(typed))
    code = main(["flows", "chat", "main", "--locales", "locales", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_a_whole_dialogue_to_a_handoff(project, monkeypatch, capsys):
    code, out, err = chat(monkeypatch, capsys, "1\n30\n")
    assert code == 0, err
    assert out.startswith(
        "\nHello.\n"
        "  [Guide] https://example.org/guide\n"
        "  Sources: Example source | Another source · Reviewed on January 1, 2026\n"
        "\nPick a color.\n"
        "  1) Red\n"
        "  2) Blue\n"
        # No Back at the first question.
        "  r) Restart  h) Talk to a person  l) Change language  q) Quit\n"
        "> 1\n"
        "\nHow old are you?\n"
        "  (type a number)\n"
        "  b) Back  r) Restart  h) Talk to a person  l) Change language  q) Quit\n"
        "> 30\n"
        "\nSomeone will help.\n"
        "An advocate has been asked to join. You do not need to give your name.\n"
        "[handoff → colors, shared: color=red, age=30]\n"
        "[conversation ended: handoff]\n"
        "  r) Restart  q) Quit\n"
        "> \n"
    )
    assert "\x1b[" not in out  # no colours when the output is not a terminal


def test_end_of_input_and_q_quit_cleanly(project, monkeypatch, capsys):
    code, out, _ = chat(monkeypatch, capsys, "")
    assert code == 0 and out.endswith("q) Quit\n> \n")
    code, out, _ = chat(monkeypatch, capsys, "q\n1\n")
    assert code == 0
    assert out.endswith("> q\n") and "How old" not in out


def test_navigation_by_letter_or_word(project, monkeypatch, capsys):
    code, out, _ = chat(monkeypatch, capsys, "b\nh\n2\nrestart\n")
    assert code == 0
    assert "> b\n\nPick a color.\n" not in out  # Back at the first question asks nothing new
    assert "> b\nThere is no earlier question to go back to.\n\nPick a color.\n" in out
    # Talk to a person keeps the question; its choices are shown again.
    assert (
        "> h\nAn advocate has been asked to join. You do not need to give your name.\n"
        "[handoff → general, shared: nothing]\n  1) Red\n  2) Blue\n"
    ) in out
    assert (
        "> 2\n\nBye.\nThe conversation has ended. Send /start to begin again.\n"
        "[conversation ended: completed]\n  r) Restart  q) Quit\n"
    ) in out
    assert out.count("Hello.") == 2  # restarted


def test_a_number_out_of_range_is_sent_as_text(project, monkeypatch, capsys):
    _, out, _ = chat(monkeypatch, capsys, "7\n\nred\n")
    assert "> 7\n\nPlease choose one of the options below.\n  1) Red\n" in out
    assert "> \n> red\n\nHow old are you?\n" in out  # an empty line is not sent


def test_the_language_picker_switches_everything(project, monkeypatch, capsys):
    code, out, _ = chat(monkeypatch, capsys, "l\n9\n2\n1\n")
    assert code == 0
    assert "> l\nChoose your language:\n  1) English (en)\n  2) Русский (ru)\n> 9\n" in out
    assert "> 2\n\nВыберите цвет.\n  1) Красный\n" in out
    assert "  r) Начать заново  h) Поговорить с человеком  l) Сменить язык  q) Quit\n" in out
    assert "> 1\n\nСколько вам лет?\n" in out


def test_starting_in_another_language(project, monkeypatch, capsys):
    code, out, _ = chat(monkeypatch, capsys, "", "--lang", "ru")
    assert code == 0
    assert out.startswith("\nЗдравствуйте.\n  [Справка] https://example.org/guide\n")
    assert "  Источники: Example source | Another source · Проверено 1 января 2026\u202fг.\n" in out
    assert "назад" not in out.casefold()  # first question: no Back


def test_the_handoff_and_the_end_are_said_in_the_language(project, monkeypatch, capsys):
    code, out, _ = chat(monkeypatch, capsys, "h\n2\n", "--lang", "ru")
    assert code == 0
    assert "> h\nАдвокат в пути.\n[handoff → general, shared: nothing]\n" in out
    assert "> 2\n\nДо свидания.\nРазговор окончен.\n[conversation ended: completed]\n" in out


def test_record_writes_a_transcript_that_passes(project, monkeypatch, capsys):
    code, out, _ = chat(
        monkeypatch, capsys, "x\nl\n2\n1\nb\n1\n30\n", "--record", "tests/transcripts/rec.yaml"
    )
    assert code == 0
    assert out.endswith("Transcript written to tests/transcripts/rec.yaml.\n")
    text = (project / "tests" / "transcripts" / "rec.yaml").read_text(encoding="utf-8")
    assert text.startswith("# Recorded with: haven flows chat main --lang en\nflow: main\n")
    transcript = load_transcript(project / "tests" / "transcripts" / "rec.yaml")
    assert [step.describe() for step in transcript.steps] == [
        "start",
        "type: 'x'",
        "nav: language",
        "language: ru",
        "choose: red",
        "nav: back",
        "choose: red",
        "type: '30'",
    ]
    assert main(["flows", "test", "--locales", "locales"]) == 0
    assert "✓ tests/transcripts/rec.yaml [en]" in capsys.readouterr().out


def test_record_onto_a_directory_fails(project, monkeypatch, capsys):
    code, _, err = chat(monkeypatch, capsys, "", "--record", "flows")
    assert code == 1
    assert err.startswith("cannot write flows: ")


def test_an_unknown_flow_lists_the_flows(project, monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    assert main(["flows", "chat", "mian", "--locales", "locales"]) == 1
    assert capsys.readouterr().err == "unknown flow 'mian'; flows: main\n"


def test_an_unknown_language_lists_the_languages(project, monkeypatch, capsys):
    code, out, err = chat(monkeypatch, capsys, "", "--lang", "de")
    assert code == 1 and out == ""
    assert err == "no translations for 'de'; languages: en, ru\n"


def test_flows_with_errors_are_reported_like_ruff(project, monkeypatch, capsys):
    (project / "flows" / "broken.yaml").write_text("id: broken\nnodes:\n\t- id: a\n")
    code, out, err = chat(monkeypatch, capsys, "")
    assert code == 1 and out == ""
    assert "flows/broken.yaml:3: E003 tab character in indentation" in err


def test_missing_translations_do_not_stop_a_chat(project, monkeypatch, capsys):
    po = project / "locales" / "ru" / "LC_MESSAGES" / "flows.po"
    po.write_text(_po({k: v for k, v in RU_FLOWS.items() if k[0] != "main/hello/text"}))
    code, out, _ = chat(monkeypatch, capsys, "", "--lang", "ru", "--flows", "flows")
    assert code == 0
    assert out.startswith("\nHello.\n  [Справка]")  # the source, as the bot would show it
