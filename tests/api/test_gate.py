"""The gate of the query endpoints: a bounded number at once, a bounded queue, refusals at once past it,
and never a thread of the pool the other routes share."""

from __future__ import annotations

import asyncio
import threading

import anyio.to_thread
import pytest

from api.gate import Gate
from core.errors import QueryTimeout, QueueFull


class _Blocked:
    """A call that says when it starts and ends when released."""

    def __init__(self):
        self.release, self.started = threading.Event(), threading.Semaphore(0)

    def __call__(self, value):
        self.started.release()
        self.release.wait(30)
        return value

    async def running(self) -> None:
        await asyncio.to_thread(self.started.acquire)


def test_past_its_capacity_a_request_is_refused_at_once_and_the_rest_run_in_turn():
    async def main():
        gate, work = Gate("point d'accès de test", workers=1, waiting=2), _Blocked()
        admitted = [asyncio.create_task(gate.run(work, n, wait=30, deadline=30)) for n in range(3)]
        await work.running()  # the first one runs, two wait
        assert gate.state() == {"running": 1, "waiting": 2, "workers": 1, "capacity": 3}
        with pytest.raises(QueueFull) as refused:
            await gate.run(work, 99, wait=30, deadline=30)
        assert "saturé" in str(refused.value) and refused.value.retry_after > 0
        # while they wait, none of them holds a thread of the shared pool
        assert anyio.to_thread.current_default_thread_limiter().borrowed_tokens == 0
        work.release.set()
        assert await asyncio.gather(*admitted) == [0, 1, 2]
        assert gate.state()["running"] == gate.state()["waiting"] == 0
        gate.close()

    asyncio.run(main())


def test_a_request_that_waited_too_long_is_refused_when_its_turn_comes():
    async def main():
        gate, work = Gate("point d'accès de test", workers=1, waiting=1), _Blocked()
        first = asyncio.create_task(gate.run(work, 1, wait=30, deadline=30))
        await work.running()
        ran = []
        late = asyncio.create_task(gate.run(ran.append, 2, wait=0, deadline=30))
        await asyncio.sleep(0.05)
        work.release.set()
        with pytest.raises(QueueFull, match="attendu son tour"):
            await late
        assert await first == 1 and ran == []  # refused without running
        gate.close()

    asyncio.run(main())


def test_past_its_deadline_the_client_is_answered_and_the_work_keeps_its_place_until_it_ends():
    async def main():
        gate, work = Gate("point d'accès de test", workers=1, waiting=0), _Blocked()
        with pytest.raises(QueryTimeout, match="ne répond pas à temps") as stopped:
            await gate.run(work, 1, wait=30, deadline=0.2)
        assert not isinstance(stopped.value, QueueFull)
        with pytest.raises(QueueFull):  # the stuck call still holds the only place
            await gate.run(lambda: 2, wait=30, deadline=30)
        work.release.set()
        for _ in range(200):
            if gate.state()["running"] == 0:
                break
            await asyncio.sleep(0.01)
        assert await gate.run(lambda: 3, wait=30, deadline=30) == 3
        gate.close()

    asyncio.run(main())


def test_an_error_of_the_work_reaches_the_caller_as_it_is():
    async def main():
        gate = Gate("point d'accès de test", workers=1, waiting=0)

        def fails():
            raise QueryTimeout("arrêtée par le serveur")

        with pytest.raises(QueryTimeout, match="arrêtée par le serveur"):
            await gate.run(fails, wait=30, deadline=30)
        assert gate.state()["running"] == 0 and await gate.run(lambda: 1, wait=30, deadline=30) == 1
        gate.close()

    asyncio.run(main())
