"""The desk's messages: escaped, signed with the alias, within Telegram's limits."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.handoff import Ticket
from bot.tg.desk import topic_name
from bot.tg.desk.compose import MAX_CAPTION, keyboard, signed_caption, signed_texts, text_message
from bot.tg.rendering import MAX_TEXT

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


def ticket(**changes: object) -> Ticket:
    fields: dict[str, object] = {
        "id": 12, "chat_id": 555, "topic": "asylum", "language": "ru", "status": "open",
        "assignee": None, "thread_id": None, "thread_chat_id": None, "summary": (),
        "flow": "situation", "node": "n",
        "username_revealed": False, "user_blocked": False, "close_reason": None,
        "created_at": NOW, "claimed_at": None, "closed_at": None, "updated_at": NOW,
        "overdue_notified_at": None,
    }  # fmt: skip
    fields.update(changes)
    return Ticket(**fields)  # type: ignore[arg-type]


def test_a_topic_names_the_case_never_the_person() -> None:
    assert topic_name(ticket()) == "#12 · ru · asylum"
    assert "555" not in topic_name(ticket())
    assert len(topic_name(ticket(topic="x" * 300))) == 128  # Telegram's limit


def test_text_is_escaped_so_nobody_can_inject_markup() -> None:
    payload = text_message('<a href="http://evil">click</a> & more')
    assert payload["text"] == '&lt;a href="http://evil"&gt;click&lt;/a&gt; &amp; more'
    assert payload["parse_mode"] == "HTML"
    assert payload["link_preview_options"] == {"is_disabled": True}


def test_a_reply_is_signed_with_the_alias_and_split_to_fit() -> None:
    [short] = signed_texts("Anna <3", "Hello")
    assert short["text"] == "<b>Anna &lt;3:</b>\nHello"
    parts = signed_texts("Anna", "word " * 2000)
    assert len(parts) == 3
    for part in parts:
        assert part["text"].startswith("<b>Anna:</b>\n")
        assert len(part["text"]) - len("<b></b>") <= MAX_TEXT
    joined = " ".join(p["text"].removeprefix("<b>Anna:</b>\n") for p in parts)
    assert joined.split() == ["word"] * 2000


def test_a_caption_is_signed_and_cut_to_telegrams_limit() -> None:
    assert signed_caption("Anna", None) == "<b>Anna:</b>"
    assert signed_caption("Anna", "a & b") == "<b>Anna:</b>\na &amp; b"
    long = signed_caption("Anna", "x" * 5000)
    visible = long.replace("<b>", "").replace("</b>", "")
    assert len(visible) <= MAX_CAPTION
    assert visible.endswith("…")


def test_keyboard_is_the_bot_apis_shape() -> None:
    assert keyboard([[("Claim", "s:claim:1"), ("Close", "s:close:1")]]) == {
        "inline_keyboard": [
            [
                {"text": "Claim", "callback_data": "s:claim:1"},
                {"text": "Close", "callback_data": "s:close:1"},
            ]
        ]
    }
