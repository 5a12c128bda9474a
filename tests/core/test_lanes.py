"""Lanes: slow work runs beside the dispatcher, in order, and is finished before shutdown."""

from __future__ import annotations

import asyncio

from bot.core.lanes import Lanes


async def test_a_live_lane_returns_at_once_and_keeps_order() -> None:
    lanes = Lanes(inline=False)
    done: list[int] = []
    gate = asyncio.Event()

    def job(n: int):  # type: ignore[no-untyped-def]
        async def run() -> None:
            await gate.wait()
            done.append(n)

        return run

    for n in range(5):
        await lanes.run("faq", job(n))  # returns before the job has run
    assert done == [] and lanes.waiting("faq") >= 4
    gate.set()
    await lanes.drain()
    assert done == [0, 1, 2, 3, 4]


async def test_a_failing_job_does_not_stop_its_lane() -> None:
    lanes = Lanes(inline=False)
    done: list[str] = []

    async def boom() -> None:
        raise RuntimeError("a bug")

    async def fine() -> None:
        done.append("fine")

    await lanes.run("faq", boom)
    await lanes.run("faq", fine)
    await lanes.drain()
    assert done == ["fine"]


async def test_inline_lanes_run_at_once() -> None:
    lanes = Lanes(inline=True)
    done: list[str] = []

    async def job() -> None:
        done.append("now")

    await lanes.run("faq", job)
    assert done == ["now"]
