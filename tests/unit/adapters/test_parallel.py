"""ForkParallel: parts taken one after the other by this process and forked ones; their
ticks, results (in part order), errors and deaths."""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, text

from microcred.adapters.parallel import ForkParallel, WorkerDied, _take

Tick = Callable[[int], None]


def _wait_for(path: Path, seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while not path.exists() and time.monotonic() < deadline:
        time.sleep(0.005)
    return path.exists()


def test_parts_are_taken_by_every_process_and_report_in_order(engine: Engine) -> None:
    ticks: list[int] = []

    def task(part: int, tick: Tick) -> object:
        time.sleep(0.05)  # long enough for every process to take some
        for _ in range(part + 1):
            tick(1)
        return (part * part, os.getpid())

    results = ForkParallel(engine, 3).run(task, 7, ticks.append)
    assert [r[0] for r in results] == [p * p for p in range(7)]  # type: ignore[index]
    pids = {r[1] for r in results}  # type: ignore[index]
    assert len(pids) == 3 and os.getpid() in pids  # this process takes parts too
    assert sum(ticks) == sum(range(1, 8))


def test_processes_can_be_fewer_than_the_platforms(engine: Engine) -> None:
    def task(part: int, tick: Tick) -> object:
        time.sleep(0.02)
        return os.getpid()

    assert len(set(ForkParallel(engine, 4).run(task, 6, lambda n: None, 2))) <= 2


def test_other_processes_ticks_arrive_while_this_one_works(engine: Engine, tmp_path: Path) -> None:
    here, seen = os.getpid(), list[int]()
    ticked = tmp_path / "ticked"

    def task(part: int, tick: Tick) -> object:
        if os.getpid() != here:
            tick(100)
            ticked.touch()
            return "forked"
        deadline = time.monotonic() + 10
        while 100 not in seen and time.monotonic() < deadline:
            tick(0)  # each tick here also takes the other processes' messages so far
            time.sleep(0.01)
        return 100 in seen

    results = ForkParallel(engine, 2).run(task, 2, seen.append)
    assert sorted(map(str, results)) == ["True", "forked"]


def test_each_process_uses_its_own_database_connections(engine: Engine) -> None:
    def query(part: int, tick: Tick) -> object:
        time.sleep(0.02)
        with engine.connect() as connection:
            return connection.execute(text("SELECT 40 + :n"), {"n": part}).scalar_one()

    with engine.connect() as connection:  # the parent's pooled connection stays usable
        assert connection.execute(text("SELECT 1")).scalar_one() == 1
    assert ForkParallel(engine, 2).run(query, 3, lambda n: None) == [40, 41, 42]
    with engine.connect() as connection:
        assert connection.execute(text("SELECT 2")).scalar_one() == 2


def test_an_error_in_a_part_is_raised_once_every_part_is_done(engine: Engine) -> None:
    finished: list[int] = []

    def task(part: int, tick: Tick) -> object:
        if part == 0:
            raise ValueError("row 7 is bad")
        time.sleep(0.2)
        tick(1)
        return part

    with pytest.raises(ValueError, match="row 7 is bad"):
        ForkParallel(engine, 2).run(task, 3, finished.append)
    assert finished == [1, 1]


def test_an_exception_that_cannot_travel_arrives_as_its_message(
    engine: Engine, tmp_path: Path
) -> None:
    class Local(Exception):  # defined here: not importable, so not picklable
        pass

    here, raised = os.getpid(), tmp_path / "raised"

    def task(part: int, tick: Tick) -> object:
        if os.getpid() == here:  # this process waits for the forked one to raise
            assert _wait_for(raised)
            return part
        raised.touch()
        raise Local("cannot be pickled")

    with pytest.raises(RuntimeError, match="Local: cannot be pickled"):
        ForkParallel(engine, 2).run(task, 2, lambda n: None)


def test_a_killed_process_is_reported(engine: Engine, tmp_path: Path) -> None:
    here, dying = os.getpid(), tmp_path / "dying"

    def task(part: int, tick: Tick) -> object:
        if os.getpid() == here:
            assert _wait_for(dying)
            return part
        dying.touch()
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


def test_one_part_or_one_process_runs_here(engine: Engine) -> None:
    assert ForkParallel(engine, 4).run(lambda part, tick: os.getpid(), 1, print) == [os.getpid()]
    assert ForkParallel(engine, 4).run(lambda p, t: os.getpid(), 3, print, 1) == [os.getpid()] * 3
    assert ForkParallel(engine, 4).processes == 4


def _gone(pid: int) -> bool:
    try:
        with Path(f"/proc/{pid}/status").open() as status:
            return any(line.startswith("State:\tZ") for line in status)
    except FileNotFoundError:
        return True


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
def test_forked_processes_die_with_a_killed_parent(engine: Engine, tmp_path: Path) -> None:
    def task(part: int, tick: Tick) -> object:
        (tmp_path / f"part.{os.getpid()}").touch()
        signal.pause()
        return part

    context = multiprocessing.get_context("fork")
    parent = context.Process(target=lambda: ForkParallel(engine, 2).run(task, 2, print))
    parent.start()
    forked = 0
    try:
        deadline = time.monotonic() + 10
        while not forked and time.monotonic() < deadline:
            pids = {int(p.suffix[1:]) for p in tmp_path.glob("part.*")}
            forked = next(iter(pids - {parent.pid}), 0)
            time.sleep(0.02)
        assert forked, "the forked process never started its part"
        os.kill(parent.pid or 0, signal.SIGKILL)
        parent.join()
        while not _gone(forked) and time.monotonic() < deadline:
            time.sleep(0.02)
        assert _gone(forked)
    finally:  # leave nothing running behind a failed test
        for pid in (parent.pid, forked):
            if pid and not _gone(pid):
                os.kill(pid, signal.SIGKILL)


def test_a_process_killed_holding_the_parts_counter_does_not_hang_the_others() -> None:
    """The counter's lock, held for good by a killed process, makes the taker run its
    ``waiting`` check (the parent's raises WorkerDied) instead of waiting forever."""
    context = multiprocessing.get_context("fork")
    taken: Any = context.Value("i", 0)

    def hold_and_die() -> None:
        taken.get_lock().acquire()
        os.kill(os.getpid(), signal.SIGKILL)

    holder = context.Process(target=hold_and_die)
    holder.start()
    holder.join()
    checks: list[int] = []

    def waiting() -> None:
        checks.append(1)
        if len(checks) == 2:
            raise WorkerDied("the holder died")

    with pytest.raises(WorkerDied, match="the holder died"):
        next(_take(taken, 3, waiting))
    assert len(checks) == 2
