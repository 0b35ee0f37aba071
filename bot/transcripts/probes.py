"""Instruments around the engine: which nodes it entered, and which texts it could not translate.

Both work through the engine's public seams (a flow's ``nodes`` mapping and the ``Translator``
protocol), so the engine runs exactly as in production and knows nothing about transcripts.
"""

from __future__ import annotations

import dataclasses
from collections.abc import ItemsView, Iterator, Mapping, ValuesView
from typing import Protocol

from bot.engine import Flow, Node
from bot.i18n.catalogs import Status

__all__ = ["BOT_LANGUAGE", "TranscriptCatalogs", "TranslationProbe", "traced_flows"]

#: The language the bot's own words are written in (``N_`` marks English source text).
BOT_LANGUAGE = "en"


class TranscriptCatalogs(Protocol):
    """What the runner needs of the translations (implemented by :class:`bot.i18n.Catalogs`)."""

    @property
    def languages(self) -> tuple[str, ...]: ...

    def flow_text(self, language: str, context: str, source: str) -> str: ...

    def ui_text(self, language: str, message: str) -> str: ...

    def status(self, language: str, context: str, source: str) -> Status: ...


class TranslationProbe:
    """A ``Translator`` that answers from ``catalogs`` and notes every text shown untranslated.

    The engine asks for a flow's text only in a language other than the flow's own, so every
    ``flow_text`` call is a text the user will read in that language; it must come from an
    ``"ok"`` entry (a fuzzy entry is never shown, so the source would be). The bot's own words
    have no status: they count as untranslated when the catalog answers with the English.
    """

    def __init__(self, catalogs: TranscriptCatalogs) -> None:
        self.catalogs = catalogs
        self.problems: list[str] = []

    def flow_text(self, language: str, context: str, source: str) -> str:
        """The translation; an entry that is not ``"ok"`` is noted as a problem."""
        status = self.catalogs.status(language, context, source)
        if status != "ok":
            self._note(f"{status} {language} translation of {context!r}: showed {source!r}")
        return self.catalogs.flow_text(language, context, source)

    def ui_text(self, language: str, message: str) -> str:
        """The bot's own words translated; English shown in another language is noted."""
        text = self.catalogs.ui_text(language, message)
        if language != BOT_LANGUAGE and text == message:
            self._note(f"missing {language} translation of the bot's own {message!r} (bot.po)")
        return text

    def take(self) -> list[str]:
        """The problems noted since the last call, each once."""
        problems, self.problems = self.problems, []
        return problems

    def _note(self, problem: str) -> None:
        if problem not in self.problems:
            self.problems.append(problem)


class _TracedNodes(Mapping[str, Node]):
    """A flow's nodes that note ``(flow, node)`` whenever the engine looks one up to enter it."""

    def __init__(self, flow: str, nodes: Mapping[str, Node], reached: set[tuple[str, str]]):
        self._flow = flow
        self._nodes = nodes
        self._reached = reached

    def __getitem__(self, node_id: str) -> Node:
        node = self._nodes[node_id]
        self._reached.add((self._flow, node_id))
        return node

    def __iter__(self) -> Iterator[str]:
        return iter(self._nodes)

    def __len__(self) -> int:
        return len(self._nodes)

    # Mapping's own views would go through __getitem__ and count every node as reached.
    def values(self) -> ValuesView[Node]:
        return self._nodes.values()

    def items(self) -> ItemsView[str, Node]:
        return self._nodes.items()


def traced_flows(flows: Mapping[str, Flow], reached: set[tuple[str, str]]) -> dict[str, Flow]:
    """Copies of ``flows`` that add ``(flow, node)`` to ``reached`` for each node looked up.

    Events show only the nodes that speak or ask; routers, gotos and silent ends are seen only
    here, when the engine fetches them to run them. The engine looks a node up only to run it
    or to continue at the question the conversation waits at, so nothing is over-counted.
    """
    return {
        flow_id: dataclasses.replace(flow, nodes=_TracedNodes(flow_id, flow.nodes, reached))
        for flow_id, flow in flows.items()
    }
