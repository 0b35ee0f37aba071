"""A case's summary for the staff group: its header, what the person shared, Claim and Close."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.engine.flow import Value
from bot.handoff import Ticket
from bot.handoff.summary import render_summary, summarize
from bot.handoff.texts import CLAIM_BUTTON, CLOSE_BUTTON, NOTHING_SHARED, SUMMARY_HEADING
from bot.tg.callback_data import StaffPress, encode
from bot.tg.rendering import MAX_TEXT, split_text

from .compose import keyboard, text_message
from .context import DeskContext, topic_name

__all__ = ["summary_messages"]


def summary_messages(
    context: DeskContext,
    ticket: Ticket,
    variables: Sequence[tuple[str, Value]],
    flow: str,
    language: str,
    *,
    with_buttons: bool,
) -> list[dict[str, Any]]:
    """sendMessage parameters of the summary in ``language``: questions and answers as the
    person saw them, translated; the buttons under the last part."""
    lines = summarize(variables, context.engine().flows, flow, context.translator, language)
    shared = render_summary(lines)
    body = (
        f"{context.say(language, SUMMARY_HEADING)}\n\n{shared}"
        if shared
        else context.say(language, NOTHING_SHARED)
    )
    chunks = split_text(f"{topic_name(ticket)}\n{body}", MAX_TEXT - 100)
    payloads = [text_message(chunk, bold_first_line=i == 0) for i, chunk in enumerate(chunks)]
    if with_buttons:
        claim = (context.say(language, CLAIM_BUTTON), encode(StaffPress("claim", ticket.id)))
        close = (context.say(language, CLOSE_BUTTON), encode(StaffPress("close", ticket.id)))
        payloads[-1]["reply_markup"] = keyboard([[claim, close]])
    return payloads
