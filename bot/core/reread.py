"""What a feature keeps in memory for speed (places with open cases, prompts awaiting an
answer, slow modes) is changed by every process serving the community. With several
processes each one re-reads its copy from the database at most every few seconds; with one,
the copy is only loaded at start and kept current by the process itself."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from bot.core.clock import Clock

EVERY_SECONDS = 5.0
"""How stale another process's change may be seen (a member's next message, a moderator's
slow mode): a few seconds, for one small query per copy and process."""


class Reread:
    """Calls ``load`` again when the copy is older than ``every`` seconds (only when
    ``several`` processes share the database)."""

    def __init__(
        self,
        load: Callable[[], Awaitable[None]],
        clock: Clock,
        *,
        several: bool,
        every: float = EVERY_SECONDS,
    ) -> None:
        self.load = load
        self.clock = clock
        self.several = several
        self.every = every
        self._read_at = float("-inf")

    async def now(self) -> None:
        """Load the copy now (at start, or after a change this process must see at once)."""
        await self.load()
        self._read_at = self.clock.now().timestamp()

    async def fresh(self) -> None:
        """Make sure the copy is recent enough before it is used."""
        if self.several and self.clock.now().timestamp() - self._read_at >= self.every:
            await self.now()
