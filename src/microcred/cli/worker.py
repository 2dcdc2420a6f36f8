"""``microcred worker``: sends the emails (and runs the other jobs) the platform queues."""

from __future__ import annotations

import logging
import signal
import threading
from types import FrameType
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from microcred.adapters.mailer import mailer_from_settings
from microcred.bootstrap import build_platform
from microcred.services.worker import run_due, run_forever
from microcred.settings import Settings


def worker(
    once: Annotated[
        bool, typer.Option("--once", help="Run the jobs that are due now, then exit.")
    ] = False,
    poll: Annotated[float, typer.Option(min=0.1, help="Seconds to wait when no job is due.")] = 1.0,
) -> None:
    """Run background jobs (award emails, CSV files sent with background=true) from the
    database queue until stopped (a bulk award in progress finishes first).

    Mail goes over MICROCRED_SMTP_URL; without it, into <data dir>/outbox/ as .eml files.
    Start as many workers as you like: each job is taken by one of them.
    """
    settings = Settings.from_env()
    console = Console(stderr=True, highlight=False, emoji=False)
    try:
        mailer = mailer_from_settings(settings)
    except ValueError as exc:
        console.print(f"[bold red]error:[/] {escape(str(exc))}")
        raise typer.Exit(2) from exc
    platform = build_platform(settings)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    console.print(f"worker: mail {escape(str(mailer))}")
    if once:
        count = run_due(platform, mailer)
        console.print(f"worker: ran {count} job{'' if count == 1 else 's'}")
        return
    stop = threading.Event()

    def request_stop(_signal: int, _frame: FrameType | None) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, request_stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        count = run_forever(platform, mailer, poll=poll, stop=stop)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    console.print(f"worker: stopped after {count} job{'' if count == 1 else 's'}")
