"""Parts of one piece of work in forked processes (the :class:`~microcred.services.ports.Parallel`
port): a bulk award signs on every CPU.

Fork, not spawn: a forked process starts in milliseconds with the platform already built
(contexts parsed, the signing key unsealed), where a spawned one would import and set up
everything again.  Each child first drops its copy of the parent's database connections
(``Engine.dispose(close=False)``, as SQLAlchemy documents for this case) and opens its own.
Where fork does not exist (Windows) the parts run one after the other in this process.
"""

from __future__ import annotations

import ctypes
import gc
import multiprocessing
import os
import pickle
import queue
import signal
import sys
import traceback
from collections.abc import Callable
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

    def run(self, task: Task, parts: int, on_tick: Callable[[int], None]) -> list[object]:
        if parts <= 1 or not _can_fork():
            return [task(part, on_tick) for part in range(parts)]
        context = multiprocessing.get_context("fork")
        messages: Any = context.Queue()
        children = [
            context.Process(
                target=self._child, args=(task, part, messages, os.getpid()), daemon=True
            )
            for part in range(parts)
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
        try:
            return _collect(children, messages, parts, on_tick)
        finally:
            _stop(children)

    def _child(self, task: Task, part: int, messages: Any, parent: int) -> None:
        _die_with(parent)
        self.engine.dispose(close=False)  # the parent's connections stay the parent's
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
        try:
            result = task(part, lambda n: messages.put(("tick", part, n)))
            messages.put(("done", part, result))
        except BaseException as exc:  # reported to the parent, raised there
            messages.put(("error", part, _portable(exc)))


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


def _collect(
    children: list[Any], messages: Any, parts: int, on_tick: Callable[[int], None]
) -> list[object]:
    results: dict[int, object] = {}
    error: BaseException | None = None
    gone: set[int] = set()
    while len(results) < parts:
        try:
            kind, part, value = messages.get(timeout=_POLL)
        except queue.Empty:
            gone = _check_alive(children, results, gone)
            continue
        if kind == "tick":
            on_tick(value)
        elif kind == "done":
            results[part] = value
        else:
            results[part] = None
            error = error or value
    if error is not None:
        raise error
    return [results[part] for part in range(parts)]


def _check_alive(children: list[Any], finished: dict[int, object], gone: set[int]) -> set[int]:
    """The parts whose process has ended without a result; raises for one that was
    already found ended a poll ago (its last message, if any, would have arrived)."""
    now = {p for p, child in enumerate(children) if p not in finished and not child.is_alive()}
    if now & gone:
        part = min(now & gone)
        raise WorkerDied(
            f"worker process {part + 1} ended (exit code {children[part].exitcode}) before "
            "it finished; what it committed stays, and running the same work again "
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
