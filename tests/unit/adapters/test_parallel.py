"""ForkParallel: part 0 here, the others in forked processes; their ticks, results, errors
and deaths."""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from microcred.adapters.parallel import ForkParallel, WorkerDied

Tick = Callable[[int], None]


def _square_with_ticks(part: int, tick: Tick) -> object:
    for _ in range(part + 1):
        tick(1)
    return (part * part, os.getpid())


def test_parts_run_in_processes_of_their_own_and_report_in_order(engine: Engine) -> None:
    ticks: list[int] = []
    results = ForkParallel(engine, 3).run(_square_with_ticks, 4, ticks.append)
    assert [r[0] for r in results] == [0, 1, 4, 9]  # type: ignore[index]
    pids = [r[1] for r in results]  # type: ignore[index]
    assert pids[0] == os.getpid()  # part 0 runs here
    assert len(set(pids)) == 4
    assert sum(ticks) == 1 + 2 + 3 + 4


def test_the_other_parts_ticks_arrive_while_part_0_runs(engine: Engine) -> None:
    seen: list[int] = []

    def task(part: int, tick: Tick) -> object:
        if part == 1:
            tick(100)
            return "child"
        deadline = time.monotonic() + 10
        while 100 not in seen and time.monotonic() < deadline:
            tick(0)  # each tick here also takes the children's messages so far
            time.sleep(0.01)
        return 100 in seen

    assert ForkParallel(engine, 2).run(task, 2, seen.append) == [True, "child"]


def test_each_part_uses_its_own_database_connections(engine: Engine) -> None:
    def query(part: int, tick: Tick) -> object:
        with engine.connect() as connection:
            return connection.execute(text("SELECT 40 + :n"), {"n": part}).scalar_one()

    with engine.connect() as connection:  # the parent's pooled connection stays usable
        assert connection.execute(text("SELECT 1")).scalar_one() == 1
    assert ForkParallel(engine, 2).run(query, 2, lambda n: None) == [40, 41]
    with engine.connect() as connection:
        assert connection.execute(text("SELECT 2")).scalar_one() == 2


def test_an_error_in_a_part_is_raised_after_every_part_stopped(engine: Engine) -> None:
    finished: list[int] = []

    def task(part: int, tick: Tick) -> object:
        if part == 1:
            raise ValueError("row 7 is bad")
        tick(1)
        return part

    with pytest.raises(ValueError, match="row 7 is bad"):
        ForkParallel(engine, 3).run(task, 3, finished.append)
    assert finished == [1, 1]


def test_an_error_in_part_0_waits_for_the_other_parts(engine: Engine) -> None:
    finished: list[int] = []

    def task(part: int, tick: Tick) -> object:
        if part == 0:  # here
            raise ValueError("row 3 is bad")
        time.sleep(0.2)
        tick(1)
        return part

    with pytest.raises(ValueError, match="row 3 is bad"):
        ForkParallel(engine, 2).run(task, 2, finished.append)
    assert finished == [1]  # the forked part finished its work first


def test_an_exception_that_cannot_travel_arrives_as_its_message(engine: Engine) -> None:
    class Local(Exception):  # defined here: not importable, so not picklable
        pass

    def task(part: int, tick: Tick) -> object:
        if part == 1:  # in a forked process
            raise Local("cannot be pickled")
        return part

    with pytest.raises(RuntimeError, match="Local: cannot be pickled"):
        ForkParallel(engine, 2).run(task, 2, lambda n: None)


def test_a_killed_part_is_reported(engine: Engine) -> None:
    def task(part: int, tick: Tick) -> object:
        if part == 1:  # a forked process
            os.kill(os.getpid(), signal.SIGKILL)
        return part

    with pytest.raises(WorkerDied, match=r"worker process 1 ended \(exit code -9\)"):
        ForkParallel(engine, 2).run(task, 2, lambda n: None)


def test_an_interruption_stops_the_parts(engine: Engine) -> None:
    def task(part: int, tick: Tick) -> object:
        tick(1)
        signal.pause()  # runs until stopped
        return part

    def interrupt(n: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        ForkParallel(engine, 2).run(task, 2, interrupt)


def test_one_part_runs_here(engine: Engine) -> None:
    assert ForkParallel(engine, 4).run(lambda part, tick: os.getpid(), 1, print) == [os.getpid()]
    assert ForkParallel(engine, 4).processes == 4


def _gone(pid: int) -> bool:
    try:
        with Path(f"/proc/{pid}/status").open() as status:
            return any(line.startswith("State:\tZ") for line in status)
    except FileNotFoundError:
        return True


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
def test_parts_die_with_a_killed_parent(engine: Engine, tmp_path: Path) -> None:
    pid_file = tmp_path / "part.pid"

    def task(part: int, tick: Tick) -> object:
        if part == 1:  # the forked one (part 0 runs in the parent)
            written = pid_file.with_suffix(".tmp")
            written.write_text(str(os.getpid()))
            written.replace(pid_file)  # whole, or not there yet
        signal.pause()
        return part

    context = multiprocessing.get_context("fork")
    parent = context.Process(target=lambda: ForkParallel(engine, 2).run(task, 2, print))
    parent.start()
    part_pid = 0
    try:
        deadline = time.monotonic() + 10
        while not pid_file.exists() and time.monotonic() < deadline:
            time.sleep(0.02)
        part_pid = int(pid_file.read_text())
        os.kill(parent.pid or 0, signal.SIGKILL)
        parent.join()
        while not _gone(part_pid) and time.monotonic() < deadline:
            time.sleep(0.02)
        assert _gone(part_pid)
    finally:  # leave nothing running behind a failed test
        for pid in (parent.pid, part_pid):
            if pid and not _gone(pid):
                os.kill(pid, signal.SIGKILL)
