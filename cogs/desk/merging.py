"""Merging duplicates: a member's second case about the same thing (a ticket and the question
they also asked in a help channel) is folded into the first; its transcript and, when the
first has none, its room move along; it stops counting on its own."""

from __future__ import annotations

from datetime import datetime

from bot.core.errors import UserFacingError
from cogs.desk.cases import ALL_CLOCKS, CaseFlow
from cogs.desk.payloads import AutoClose, CardDue
from cogs.desk.rooms import plain
from cogs.desk.store import Case


class CaseMerging(CaseFlow):
    """``/desk merge N INTO``."""

    async def merge(self, case: Case, into: Case, at: datetime, actor: str) -> Case:
        """Fold ``case`` into ``into`` (both open, the same member); returns ``into`` as it
        is now. Refusals name what to fix."""
        if case.id == into.id:
            raise UserFacingError("desk.merge_self", case=case.id)
        if not case.belongs_to(into.ref) or case.requester != into.requester:
            raise UserFacingError("desk.merge_other_member", case=case.id, into=into.id)
        if into.merged_into is not None or not into.is_open:
            raise UserFacingError("desk.not_open", case=into.id)
        if not await self.store.merge(case, into, at, actor):
            raise UserFacingError("desk.not_open", case=case.id)
        await self.stop_clocks(case, at, ALL_CLOCKS)
        for kind in (AutoClose, CardDue):
            await self.cancel(kind, str(case.id))
        if case.room_key is not None:
            self.rooms.pop(case.room_key, None)
        into = await self.reload(into.id)
        if into.room_key is not None:
            self.rooms[into.room_key] = into.id
        if case.room is not None and case.room_key != into.room_key:
            t, _ = self.locale_for(case.ref)
            await self.say_in_room(case, plain(t("desk.merged_room", case=case.id, into=into.id)))
            await self.archive_room(case)
        await self.load_active()
        await self.refresh_card(await self.reload(case.id))
        await self.refresh_card(into)
        return into
