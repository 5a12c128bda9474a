"""Quiz series from ``quizzes/``: one question after another, then a leaderboard; on demand
(``/quizrun``) or on a weekly schedule."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime, timedelta

from bot.core.commands import CommandSpec, Param, ParamKind
from bot.core.context import Context
from bot.core.errors import UserFacingError
from bot.core.feature import Recurring, command, deadline, recurring
from bot.core.ids import ChannelRef
from bot.core.messages import OutgoingMessage
from bot.core.permissions import Level
from bot.core.richtext import RichText, bold, join_lines, text
from bot.scheduler import Deadline, weekly_trigger
from cogs.polls.logic import PollRequest
from cogs.polls.payloads import SeriesStep
from cogs.polls.publishing import PollPublisher
from cogs.polls.series import load_series
from cogs.polls.settings import ScheduledQuiz

log = logging.getLogger(__name__)

QUIZRUN = CommandSpec(
    "quizrun",
    "polls.cmd.quizrun",
    (Param("name", ParamKind.WORD, "polls.param.series"),),
    Level.MODERATOR,
)


class QuizSeries(PollPublisher):
    @command(QUIZRUN)
    async def on_quizrun(self, ctx: Context) -> None:
        asked = str(ctx.args["name"]).lower()
        folder = load_series(self.config.quizzes_dir)
        series = folder.series
        name = folder.version(asked, ctx.t.locale)
        if name in folder.problems:
            raise UserFacingError("polls.series_broken", problem=folder.problems[name][0])
        if name not in series:
            if not series:
                raise UserFacingError("polls.no_series_at_all", name=asked)
            raise UserFacingError("polls.no_series", name=asked, names=", ".join(folder.names()))
        channel = ctx.event.channel_ref
        actor = ctx.event.actor
        assert channel is not None and actor is not None
        await ctx.reply(
            ctx.t(
                "polls.series_start", title=series[name].title, count=len(series[name].questions)
            )
        )
        await self.start_series(channel, name, actor.ref.id)
        await self.scheduler.run_pending()

    @deadline(SeriesStep)
    async def next_question(self, data: SeriesStep, row: Deadline) -> None:
        community, channel = data.community, data.channel_ref
        port = self.port_for(community)
        series = load_series(self.config.quizzes_dir).series.get(data.series)
        index = data.index
        polls = list(data.polls)
        base = row.key.rpartition("#")[0]
        if series is not None and index < len(series.questions):
            question = series.questions[index]
            request = PollRequest(
                question.question, tuple(question.options), timedelta(seconds=series.seconds)
            )
            polls.append(
                await self.publish(
                    port, channel, data.by, request, question.correct, question.explanation
                )
            )
            due = self.clock.now() + timedelta(seconds=series.seconds + 1)
            step = data.model_copy(update={"index": index + 1, "polls": polls})
            await self.schedule(step, f"{base}#{index + 1}", due)
            return
        scores: dict[str, int] = {}
        for poll_id in polls:
            poll = await self.store.get(poll_id)
            if poll is None or poll.correct is None:
                continue
            for member in await self.store.voters_of(poll, poll.correct):
                scores[member] = scores.get(member, 0) + 1
        t, _ = self.locale_for(community)
        title = series.title if series else data.series
        lines: list[RichText | str] = [text(bold(t("polls.series_end", title=title)))]
        ranked_scores = sorted(scores.items(), key=lambda item: (-item[1], item[0]))
        for place, (member, score) in enumerate(ranked_scores[:10], start=1):
            lines.append(
                t(
                    "polls.series_line",
                    place=place,
                    name=self.names.get(member, member),
                    count=score,
                    total=len(polls),
                )
            )
        if not scores:
            lines.append(t("polls.series_nobody"))
        await port.send(channel, OutgoingMessage(join_lines(lines)))

    async def start_series(self, channel: ChannelRef, name: str, by: str) -> None:
        now = self.clock.now()
        key = f"{channel.community}|{channel.id}|{now.isoformat()}#0"
        await self.schedule(SeriesStep.of(channel, series=name, index=0, by=by), key, now)

    def weekly_quizzes(self) -> Iterable[Recurring]:
        for index, entry in enumerate(self.settings.quizzes):
            _, tz = self.locale_for(entry.community)
            yield Recurring(f"quiz.weekly.{index}", weekly_trigger(entry.day, entry.at, tz), entry)

    @recurring("weekly_quizzes", catch_up=timedelta(hours=1))
    async def run_scheduled(self, slot: datetime, entry: ScheduledQuiz) -> None:
        channel = ChannelRef(entry.community, entry.channel)
        folder = load_series(self.config.quizzes_dir)
        name = folder.version(entry.series, self.locale_for(entry.community)[0].locale)
        if name not in folder.series:
            why = folder.problems.get(name, ["no such series in the quizzes folder"])
            log.warning("scheduled quiz %r skipped: %s", name, why[0])
            return
        await self.start_series(channel, name, "schedule")
        await self.scheduler.run_pending()
