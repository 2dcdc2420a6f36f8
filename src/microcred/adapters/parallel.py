"""Parts of one piece of work in forked processes (the :class:`~microcred.services.ports.Parallel`
port): a bulk award signs on every CPU.  The calling process takes parts too.

Fork, not spawn: a forked process starts in milliseconds with the platform already built
(contexts parsed, the signing key unsealed), where a spawned one would import and set up
everything again.  Each child first drops its copy of the parent's database connections
(``Engine.dispose(close=False)``, as SQLAlchemy documents for this case) and opens its own.
Where fork does not exist (Windows) the parts run one after the other in this process.
"""

from __future__ import annotations

import ctypes
import functools
import gc
import multiprocessing
import os
import pickle
import queue
import signal
import sys
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine

Task = Callable[[int, Callable[[int], None]], object]
#: Seconds between looks at the children while no message arrives.
_POLL = 0.5
_PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


class WorkerDied(RuntimeError):
    """A part's process ended without saying how (killed, out of memory)."""


@dataclass(frozen=True)
class ForkParallel:
    engine: Engine
    size: int

    @property
    def processes(self) -> int:
        return self.size if _can_fork() else 1

    def run(
        self,
        task: Task,
        parts: int,
        on_tick: Callable[[int], None],
        processes: int | None = None,
    ) -> list[object]:
        """``processes`` (default: :attr:`processes`) take the parts one after the other,
        each the next one not taken yet, so that they finish at about the same time.  This
        process is one of them: it would only wait otherwise, and it starts at once (no
        fork, no new connections); the others are forked."""
        workers = min(parts, processes or self.processes)
        if workers <= 1 or not _can_fork():
            return [task(part, on_tick) for part in range(parts)]
        context = multiprocessing.get_context("fork")
        messages: Any = context.Queue()
        taken: Any = context.Value("i", 0)  # the next part to take (with its lock)
        children = [
            context.Process(
                target=self._child, args=(task, parts, taken, messages, os.getpid()), daemon=True
            )
            for _ in range(workers - 1)
        ]
        # The parent's objects out of the collector's reach while the children fork, so
        # that a child's collections do not touch (and copy-on-write) every page of the
        # parent's heap: measured, that made each child's first batch 3x slower.
        gc.freeze()
        try:
            for child in children:
                child.start()
        finally:
            gc.unfreeze()
        inbox = _Inbox(children, messages, on_tick, parts)
        try:
            for part in _take(taken, parts, inbox.check):
                inbox.done[part] = self._here(task, part, inbox)
            return inbox.results()
        finally:
            _stop(children)

    @staticmethod
    def _here(task: Task, part: int, inbox: _Inbox) -> object:
        """A part in this process; the children's messages are taken in between its
        ticks.  An interruption (``on_tick`` raising) is raised at once; an error of the
        part itself once every part is done, as theirs are."""
        try:
            return task(part, inbox.tick)
        except BaseException as exc:
            if inbox.interrupted:
                raise
            inbox.error = inbox.error or exc
            return None

    def _child(self, task: Task, parts: int, taken: Any, messages: Any, parent: int) -> None:
        _die_with(parent)
        self.engine.dispose(close=False)  # the parent's connections stay the parent's
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
        for part in _take(taken, parts):
            try:
                result = task(part, functools.partial(_put_tick, messages, part))
                messages.put(("done", part, result))
            except BaseException as exc:  # reported to the parent, raised there
                messages.put(("error", part, _portable(exc)))


def _put_tick(messages: Any, part: int, n: int) -> None:
    messages.put(("tick", part, n))


def _take(taken: Any, parts: int, waiting: Callable[[], None] | None = None) -> Iterator[int]:
    """The parts this process takes, each the next one no process has taken yet;
    ``waiting()`` runs while the counter's lock is held elsewhere (a process killed
    holding it would hold it for good: the parent's check raises then)."""
    lock = taken.get_lock()
    while True:
        while not lock.acquire(timeout=_POLL):
            if waiting is not None:
                waiting()
        try:
            part = int(taken.value)
            if part < parts:
                taken.value = part + 1
        finally:
            lock.release()
        if part >= parts:
            return
        yield part


def _die_with(parent: int) -> None:
    """End this child when its parent ends, even by SIGKILL (Linux: PR_SET_PDEATHSIG), so
    that a killed bulk award leaves no process writing behind it."""
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the parent died before the line above
        os._exit(1)


def _can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


class _Inbox:
    """What the forked processes say of their parts: ticks (passed on), results, errors."""

    def __init__(
        self, children: list[Any], messages: Any, on_tick: Callable[[int], None], parts: int
    ):
        self.children, self.messages, self.on_tick, self.parts = children, messages, on_tick, parts
        self.done: dict[int, object] = {}
        self.error: BaseException | None = None
        self.interrupted = False
        self.gone: set[int] = set()

    def tick(self, n: int) -> None:
        """A tick of a part of this process: passed on, then the children's messages."""
        self.pass_on(n)
        while True:
            try:
                self.take(self.messages.get_nowait())
            except queue.Empty:
                return

    def pass_on(self, n: int) -> None:
        try:
            self.on_tick(n)
        except BaseException:
            self.interrupted = True
            raise

    def take(self, message: tuple[str, int, Any]) -> None:
        kind, part, value = message
        if kind == "tick":
            self.pass_on(value)
        elif kind == "done":
            self.done[part] = value
        else:
            self.done[part] = None
            self.error = self.error or value

    def check(self) -> None:
        """Raise :class:`WorkerDied` for a forked process found ended abnormally twice."""
        self.gone = _check_alive(self.children, self.gone)

    def results(self) -> list[object]:
        """Every part's result in part order, once all are done."""
        while len(self.done) < self.parts:
            try:
                self.take(self.messages.get(timeout=_POLL))
            except queue.Empty:
                self.check()
        if self.error is not None:
            raise self.error
        return [self.done[part] for part in range(self.parts)]


def _check_alive(children: list[Any], gone: set[int]) -> set[int]:
    """The forked processes that ended abnormally (killed, out of memory) while parts
    are still awaited; raises for one that was already found so a poll ago (its last
    message, if any, would have arrived)."""
    now = {
        number
        for number, child in enumerate(children, start=1)
        if not child.is_alive() and child.exitcode != 0
    }
    if now & gone:
        number = min(now & gone)
        raise WorkerDied(
            f"worker process {number} ended (exit code {children[number - 1].exitcode}) "
            "before it finished; what it committed stays, and running the same work again "
            "completes the rest"
        )
    return now


def _stop(children: list[Any]) -> None:
    for child in children:
        if child.is_alive():
            child.terminate()  # an open transaction of a stopped child rolls back
    for child in children:
        child.join()


def _portable(exc: BaseException) -> BaseException:
    """The exception itself when it survives pickling, otherwise a RuntimeError saying it."""
    try:
        pickle.loads(pickle.dumps(exc))  # noqa: S301 - our own bytes, never input
    except Exception:
        text = "".join(traceback.format_exception_only(type(exc), exc)).strip()
        return RuntimeError(f"in worker process {os.getpid()}: {text}")
    return exc
