"""What the e2e tests of the hand-off desk share: a running bot beside its forum staff group.

Test modules subclass :class:`StaffScene` with the operators they need.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.sandbox import SandboxSupergroup
from tests.e2e.runtime_fixtures import Expected, Haven, eventually

__all__ = ["StaffScene"]


@dataclass
class StaffScene:
    """A running bot and its staff group, and what the tests read from the group."""

    haven: Haven
    staff: SandboxSupergroup

    @property
    def said(self) -> Expected:
        return self.haven.expected

    def ui(self, language: str, message: str, **values: object) -> str:
        return self.said.ui(language, message).format(**values)

    async def topic_of(self, case: int) -> int:
        """The forum topic of case ``case``, once the bot has created it (one per case)."""
        found: list[int] = []

        def created() -> bool:
            found[:] = [
                thread
                for thread, topic in self.staff.topics.items()
                if topic.name.startswith(f"#{case} ·")
            ]
            return bool(found)

        await eventually(created)
        assert len(found) == 1, "one topic per case"
        return found[0]

    def bot_texts(self, thread: int) -> list[str]:
        """What the bot posted in a topic (service messages left out)."""
        return [
            m.plain_text
            for m in self.staff.thread_messages(thread)
            if m.from_bot and not m.kind.startswith("forum_topic")
        ]
