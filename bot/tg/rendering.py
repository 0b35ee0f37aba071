"""Events -> Telegram messages: HTML-escaped text, inline keyboards, long texts split.

Pure: no Bot API calls here (those are in :mod:`bot.tg.sender`), so every rendering rule is
testable on its own. Every menu ends with the quick exit, "Hide this chat"
(:meth:`Renderer.exit_row`), in a row of its own: a frightened person finds it in the same
place every time.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from bot.engine import (
    NAVIGATION_LABELS,
    ChoicesOffered,
    Event,
    FlowEntered,
    InputRequested,
    InputStale,
    LanguagePickerRequested,
    MessageCreated,
    Navigation,
    NothingToGoBackTo,
    SessionEnded,
    TicketOpened,
    Translator,
)
from bot.i18n import language_name
from bot.i18n.chrome import (
    ADVOCATE_ASKED,
    CHOOSE_LANGUAGE,
    CONVERSATION_ENDED,
    NOTHING_TO_GO_BACK_TO,
    REVIEWED_ON,
    SOURCES,
    STALE_MENU,
    localized_date,
)

from .callback_data import Answer, HidePress, LanguagePick, NavigationPress, encode
from .texts import FLOW_UPDATED, HIDE_BUTTON, START_AGAIN

__all__ = ["MAX_TEXT", "Button", "Outgoing", "Renderer", "split_text"]

#: Telegram's limit on a message's text, counted in characters after entity parsing.
MAX_TEXT = 4096


@dataclass(frozen=True, slots=True)
class Button:
    """An inline button: it either sends ``callback_data`` back or opens ``url``."""

    label: str
    callback_data: str | None = None
    url: str | None = None


Keyboard = tuple[tuple[Button, ...], ...]


@dataclass(frozen=True, slots=True)
class Outgoing:
    """One message to send: ``html`` in Telegram's HTML parse mode, and its keyboard."""

    html: str
    keyboard: Keyboard = ()

    @property
    def answers_back(self) -> bool:
        """Whether a button of this message comes back to the bot (so it can go stale)."""
        return any(button.callback_data for row in self.keyboard for button in row)


class Renderer:
    """Turns a step's events into messages in the conversation's language.

    Args:
        translator: the bot's own words (``ui_text``).
        languages: the languages offered by the picker, in order.
    """

    def __init__(self, translator: Translator, languages: Sequence[str]) -> None:
        self.translator = translator
        self.languages = tuple(languages)

    def render(self, events: Iterable[Event], language: str) -> list[Outgoing]:
        """The messages for ``events``; a question's keyboard goes under its last message."""
        out: list[Outgoing] = []
        events = list(events)
        for index, event in enumerate(events):
            match event:
                case MessageCreated():
                    out.extend(self._message(event, language))
                case ChoicesOffered(turn=turn, choices=choices, navigation=navigation):
                    options = [(Button(c.label, encode(Answer(turn, c.key))),) for c in choices]
                    navigate = self._navigation(turn, navigation, language)
                    self._attach(out, (*options, *navigate, self.exit_row(language)))
                case InputRequested(turn=turn, choices=choices, navigation=navigation):
                    quick = tuple(Button(c.label, encode(Answer(turn, c.key))) for c in choices)
                    rows: list[tuple[Button, ...]] = [quick] if quick else []
                    navigate = self._navigation(turn, navigation, language)
                    self._attach(out, (*rows, *navigate, self.exit_row(language)))
                case InputStale():
                    # Stale and then a new start: the flows changed under the conversation.
                    following = events[index + 1] if index + 1 < len(events) else None
                    restarted = isinstance(following, FlowEntered)
                    notice = FLOW_UPDATED if restarted else STALE_MENU
                    out.append(Outgoing(self._ui(notice, language)))
                case NothingToGoBackTo():
                    out.append(Outgoing(self._ui(NOTHING_TO_GO_BACK_TO, language)))
                case LanguagePickerRequested():
                    out.append(self.language_picker(language))
                case TicketOpened():
                    pass  # the desk answers with the case number (see advocate_asked)
                case SessionEnded(reason="completed"):
                    again = Button(
                        self.translator.ui_text(language, START_AGAIN),
                        encode(NavigationPress(0, "restart")),
                    )
                    keyboard = ((again,), self.exit_row(language))
                    out.append(Outgoing(self._ui(CONVERSATION_ENDED, language), keyboard))
        return out

    def advocate_asked(self, language: str) -> Outgoing:
        """The answer to a request for an advocate when no desk runs (the dialogue alone)."""
        return Outgoing(self._ui(ADVOCATE_ASKED, language))

    def notice(self, text: str) -> Outgoing:
        """A plain message of the bot's own (already translated) words."""
        return Outgoing(html.escape(text, quote=False))

    def language_picker(self, language: str) -> Outgoing:
        """The picker: each language named in itself, two to a row."""
        buttons = [
            Button(language_name(code, code), encode(LanguagePick(code))) for code in self.languages
        ]
        rows = tuple(tuple(buttons[i : i + 2]) for i in range(0, len(buttons), 2))
        return Outgoing(self._ui(CHOOSE_LANGUAGE, language), (*rows, self.exit_row(language)))

    def exit_row(self, language: str) -> tuple[Button, ...]:
        """The last row of every menu: the quick exit, which hides the chat from any menu."""
        return (Button(self.translator.ui_text(language, HIDE_BUTTON), encode(HidePress())),)

    def _message(self, event: MessageCreated, language: str) -> list[Outgoing]:
        footer = ""
        if event.sources:
            footer = f"{self.translator.ui_text(language, SOURCES)} {' · '.join(event.sources)}"
            if event.reviewed is not None:
                reviewed = self.translator.ui_text(language, REVIEWED_ON)
                footer += "\n" + reviewed.format(date=localized_date(event.reviewed, language))
        budget = MAX_TEXT - (len(footer) + 2 if footer else 0)
        chunks = split_text(event.text, budget)
        messages = [Outgoing(html.escape(chunk, quote=False)) for chunk in chunks]
        if footer:
            last = messages[-1]
            footer_html = f"<i>{html.escape(footer, quote=False)}</i>"
            messages[-1] = replace(last, html=f"{last.html}\n\n{footer_html}")
        if event.buttons:
            links = tuple((Button(b.label, url=b.url),) for b in event.buttons)
            messages[-1] = replace(messages[-1], keyboard=links)
        return messages

    def _navigation(
        self, turn: int, actions: Sequence[Navigation], language: str
    ) -> tuple[tuple[Button, ...], ...]:
        buttons = [
            Button(
                self.translator.ui_text(language, NAVIGATION_LABELS[action]),
                encode(NavigationPress(turn, action)),
            )
            for action in actions
        ]
        return tuple(tuple(buttons[i : i + 2]) for i in range(0, len(buttons), 2))

    @staticmethod
    def _attach(out: list[Outgoing], rows: Keyboard) -> None:
        if not out:  # a question always follows its text; stay visible if it ever does not
            out.append(Outgoing("…", rows))
            return
        last = out[-1]
        out[-1] = replace(last, keyboard=(*last.keyboard, *rows))

    def _ui(self, message: str, language: str) -> str:
        return html.escape(self.translator.ui_text(language, message), quote=False)


def split_text(text: str, limit: int = MAX_TEXT) -> list[str]:
    """Split ``text`` into pieces of at most ``limit`` characters, at the best boundary.

    Paragraphs (blank lines) first, then lines, then sentences, then words; a word longer than
    the limit is cut. Pieces keep their order and, joined back, hold all of the text.
    """
    if len(text) <= limit:
        return [text]
    for separator in ("\n\n", "\n", ". ", " "):
        cut = text.rfind(separator, 0, limit + 1 - len(separator))
        if cut > 0:
            head = text[: cut + len(separator)].rstrip()
            return [head, *split_text(text[cut + len(separator) :].lstrip(), limit)]
    return [text[:limit], *split_text(text[limit:], limit)]
