"""Bounded concurrency of delivery attempts."""

import asyncio

from mock_server.delivery.limiter import Limiter


def test_no_more_than_the_limit_hold_a_slot_and_the_limit_is_read_live():
    limit = {"value": 2}

    async def scenario():
        limiter = Limiter(lambda: limit["value"])
        peak = 0
        gate = asyncio.Event()

        async def worker():
            nonlocal peak
            slot = await limiter.acquire()
            peak = max(peak, limiter.in_use)
            await gate.wait()
            slot.release()
            slot.release()  # twice is harmless

        tasks = [asyncio.create_task(worker()) for _ in range(5)]
        for _ in range(10):
            await asyncio.sleep(0)
        held_at_limit = limiter.in_use
        limit["value"] = 3
        gate.set()
        await asyncio.gather(*tasks)
        return held_at_limit, peak, limiter.in_use

    held, peak, after = asyncio.run(scenario())
    assert held == 2
    assert peak <= 3
    assert after == 0


def test_a_cancelled_waiter_passes_its_wakeup_on():
    async def scenario():
        limiter = Limiter(lambda: 1)
        first = await limiter.acquire()
        waiting = asyncio.create_task(limiter.acquire())
        later = asyncio.create_task(limiter.acquire())
        await asyncio.sleep(0)
        first.release()
        waiting.cancel()
        slot = await asyncio.wait_for(later, 2)
        return slot, limiter.in_use

    slot, in_use = asyncio.run(scenario())
    assert in_use == 1
