"""The ``organisations`` node: who can help with what the person needs, from the directory."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.engine.directory import Directory, Organisation
from bot.engine.events import LinkButton, MessageCreated
from bot.engine.node import Next, Node, TextField, Transition, VariableUse, register

if TYPE_CHECKING:
    from bot.engine.turn import Turn

__all__ = ["Organisations", "organisation_entry"]


@register
@dataclass(frozen=True, kw_only=True)
class Organisations(Node):
    """Say ``text``, then the directory's organisations that help with any of ``needs``.

    Each organisation is shown with its name, what it does in the person's language and its
    contact details, with a link button to its website where it has one; then the flow goes on
    at ``next``. The names and details come from the deployment's directory, never from the
    flow, so a deployment can change them without touching the dialogue.

    With ``country`` (a variable holding where the person is), only the organisations that
    help people there are listed, and those that help wherever a person is; while the variable
    is unset, all of them are. When none is listed, ``empty`` is said instead, if given.

    ```yaml
    - id: legal
      type: organisations
      text: These organisations may be able to help with legal questions.
      needs: [legal]
      country: country           # optional
      empty: We have no organisation to show you for this. An advocate can help.
      next: more
    ```
    """

    TYPE = "organisations"

    text: str
    needs: tuple[str, ...]
    next: str
    country: str | None = None
    empty: str | None = None

    def enter(self, turn: Turn) -> Transition:
        directory = turn.directory
        found = directory.matching(self.needs, self._country(turn))
        language = turn.state.language
        parts = [turn.text(self, "text", self.text)]
        parts.extend(organisation_entry(org, language, directory) for org in found)
        if not found and self.empty is not None:
            parts.append(turn.text(self, "empty", self.empty))
        buttons = tuple(
            LinkButton(org.name_in(language, directory.language), org.website)
            for org in found
            if org.website
        )
        # The facts shown are the entries' as much as the node's: cite them all, and date the
        # message by its oldest review.
        sources = tuple(dict.fromkeys((*self.sources, *(s for o in found for s in o.sources))))
        reviews = [d for d in (self.reviewed, *(o.reviewed for o in found)) if d is not None]
        turn.emit(
            MessageCreated(
                flow=turn.state.flow,
                node=self.id,
                text="\n\n".join(parts),
                buttons=buttons,
                sources=sources,
                reviewed=min(reviews) if reviews else None,
            )
        )
        return Next(self.next)

    def _country(self, turn: Turn) -> str | None:
        if self.country is None:
            return None
        value = turn.variables.get(self.country)
        return value if isinstance(value, str) else None

    def targets(self) -> Iterator[tuple[str, str]]:
        yield "next", self.next

    def texts(self) -> Iterator[TextField]:
        yield TextField("text", self.text)
        if self.empty is not None:
            yield TextField("empty", self.empty)

    def variable_uses(self) -> Iterator[VariableUse]:
        if self.country is not None:
            yield VariableUse("country", self.country, "read")


def organisation_entry(org: Organisation, language: str, directory: Directory) -> str:
    """One organisation as the message lists it: its name, what it does, how to reach it."""
    lines = [
        f"• {org.name_in(language, directory.language)}",
        org.description_in(language, directory.language),
    ]
    if org.contacts:
        lines.append(" · ".join(org.contacts))
    return "\n".join(lines)
