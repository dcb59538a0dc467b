"""api.services.versions.VersionBoard: the versions a PostgreSQL read sees are
read by a query begun after the read was asked, and one query answers every
read that came meanwhile."""

from __future__ import annotations

import asyncio

import pytest

from api.services.versions import VersionBoard, Versions

KEY = ("orders", 1, "viettel-post")


class Database:
    """A stand-in for read_versions: ``write()`` commits at once; a query
    sees the writes committed before it began, and takes ``delay`` seconds."""

    def __init__(self, delay: float = 0.01) -> None:
        self.version = 0
        self.delay = delay
        self.began = 0
        self.fail_next = False

    def write(self) -> None:
        self.version += 1

    async def fetch(self) -> Versions:
        self.began += 1
        seen = self.version  # the snapshot is taken when the query begins
        await asyncio.sleep(self.delay)
        if self.fail_next:
            self.fail_next = False
            raise ConnectionError("server closed the connection")
        return {KEY: seen}


def test_a_read_sees_every_write_committed_before_it_was_asked():
    async def scenario() -> list[tuple[int, int]]:
        db = Database(delay=0.02)
        board = VersionBoard(db.fetch)
        seen: list[tuple[int, int]] = []

        async def reader(at: float) -> None:
            await asyncio.sleep(at)
            written = db.version  # committed before this read was asked
            got = (await board.current())[KEY]
            seen.append((written, got))

        async def writer() -> None:
            for _ in range(40):
                db.write()
                await asyncio.sleep(0.003)

        await asyncio.gather(writer(), *(reader(i * 0.004) for i in range(30)))
        return seen

    seen = asyncio.run(scenario())
    assert len(seen) == 30
    # the stale answer (the query that was running when the read came) would be smaller
    assert all(got >= written for written, got in seen), seen


def test_one_query_answers_the_reads_that_came_while_another_ran():
    async def scenario() -> tuple[int, int]:
        db = Database(delay=0.02)
        board = VersionBoard(db.fetch)
        first = asyncio.ensure_future(board.current())
        await asyncio.sleep(0.005)  # the first query is running
        db.write()
        later = await asyncio.gather(*(board.current() for _ in range(100)))
        assert all(found[KEY] == 1 for found in later)  # the write, seen by all of them
        assert (await first)[KEY] == 0
        return db.began, board.answers

    began, answers = asyncio.run(scenario())
    assert (began, answers) == (2, 101)


def test_a_failed_query_reaches_its_readers_and_the_next_one_is_asked_again():
    async def scenario() -> None:
        db = Database()
        board = VersionBoard(db.fetch)
        db.fail_next = True
        results = await asyncio.gather(board.current(), board.current(), return_exceptions=True)
        assert isinstance(results[0], ConnectionError)  # its query failed
        assert results[1] == {KEY: 0}  # it waited for the next query, which answered
        db.write()
        assert (await board.current())[KEY] == 1

    asyncio.run(scenario())


def test_a_reader_that_gives_up_does_not_cancel_the_query_of_the_others():
    async def scenario() -> None:
        db = Database(delay=0.03)
        board = VersionBoard(db.fetch)
        running = asyncio.ensure_future(board.current())
        await asyncio.sleep(0.005)
        waiting = [asyncio.ensure_future(board.current()) for _ in range(3)]
        await asyncio.sleep(0.005)
        waiting[0].cancel()  # its client went away
        with pytest.raises(asyncio.CancelledError):
            await waiting[0]
        assert [(await w)[KEY] for w in waiting[1:]] == [0, 0]
        assert (await running)[KEY] == 0 and db.began == 2

    asyncio.run(scenario())


def test_a_new_event_loop_starts_afresh():
    db = Database()
    board = VersionBoard(db.fetch)
    assert asyncio.run(board.current())[KEY] == 0
    db.write()
    assert asyncio.run(board.current())[KEY] == 1  # nothing of the closed loop awaited
