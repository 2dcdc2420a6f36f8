"""The processes behind the browser tests' ``smtp_inbox`` and ``live_server`` fixtures:
an aiosmtpd inbox that keeps every email, and ``microcred serve`` and ``microcred worker``
started on a fresh data directory and database (the fixtures are in ``conftest.py``)."""

from __future__ import annotations

import email
import email.policy
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path

import pytest
from aiosmtpd.smtp import SMTP, Envelope, Session

from tests.conftest import _postgres_engine

HOST = "127.0.0.1"
SENDER = "badges@microcred.test"
START_TIMEOUT = 30.0
STOP_TIMEOUT = 10.0
LOG_TAIL_LINES = 150


# --------------------------------------------------------------------------- helpers


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def _tail(path: Path, lines: int = LOG_TAIL_LINES) -> str:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        return "(no output)"
    kept = text.splitlines()[-lines:]
    return "\n".join(kept) if kept else "(no output)"


# --------------------------------------------------------------------------- SMTP


@dataclass(frozen=True)
class Received:
    mail_from: str
    rcpt_tos: tuple[str, ...]
    message: EmailMessage

    def addressed_to(self, address: str) -> bool:
        wanted = address.strip().lower()
        recipients = {r.lower() for r in self.rcpt_tos}
        for header in ("To", "Cc"):
            value = self.message[header]
            if value is not None:
                recipients.update(a.addr_spec.lower() for a in value.addresses)
        return wanted in recipients


class SmtpInbox:
    """The aiosmtpd handler: keeps every email it receives (thread-safe)."""

    host = HOST

    def __init__(self) -> None:
        self.port = 0
        self._received: list[Received] = []
        self._handed_out: set[int] = set()
        self._lock = threading.Lock()
        #: Called for extra text when ``wait_for`` times out (the live server sets it).
        self.diagnostics: Callable[[], str] | None = None

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        content = envelope.original_content or envelope.content or b""
        if isinstance(content, str):
            content = content.encode("utf-8")
        message = email.message_from_bytes(content, policy=email.policy.default)
        if not isinstance(message, EmailMessage):  # pragma: no cover - policy.default
            return "554 Transaction failed: unparsable message"
        received = Received(envelope.mail_from or "", tuple(envelope.rcpt_tos), message)
        with self._lock:
            self._received.append(received)
        return "250 Message accepted"

    @property
    def url(self) -> str:
        return f"smtp://{self.host}:{self.port}"

    @property
    def received(self) -> list[Received]:
        with self._lock:
            return list(self._received)

    @property
    def messages(self) -> list[EmailMessage]:
        return [r.message for r in self.received]

    def wait_for(self, to: str, timeout: float = 20) -> EmailMessage:
        """The first email to ``to`` (envelope, To or Cc; any case) that no earlier call
        returned, waiting up to ``timeout`` seconds for it."""
        deadline = time.monotonic() + timeout
        while True:
            with self._lock:
                for index, received in enumerate(self._received):
                    if index not in self._handed_out and received.addressed_to(to):
                        self._handed_out.add(index)
                        return received.message
            if time.monotonic() >= deadline:
                break
            time.sleep(0.05)
        seen = [f"  to {', '.join(r.rcpt_tos)}: {r.message['Subject']!r}" for r in self.received]
        lines = [f"no email to {to} arrived within {timeout:g} s; received {len(seen)}:", *seen]
        if self.diagnostics is not None:
            lines.append(self.diagnostics())
        pytest.fail("\n".join(lines))


# --------------------------------------------------------------------------- the server


@dataclass
class LiveServer:
    url: str
    inbox: SmtpInbox
    data_dir: Path
    db: str
    env: dict[str, str]
    logs: dict[str, Path]
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    def cli(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        """Run ``microcred <args>`` against this server's data (e.g. ``org create``)."""
        result = subprocess.run(
            [*microcred_command(), *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        if check and result.returncode != 0:
            pytest.fail(
                f"microcred {' '.join(args)} exited with {result.returncode}\n"
                f"{result.stdout}\n{result.stderr}"
            )
        return result

    def log_sections(self) -> list[tuple[str, str]]:
        return [
            (f"microcred {name} ({self.db}), last lines", _tail(path))
            for name, path in self.logs.items()
        ]

    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                process.terminate()
        deadline = time.monotonic() + STOP_TIMEOUT
        for process in self.processes.values():
            try:
                process.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(5)


def microcred_command() -> list[str]:
    """The ``microcred`` console script of this interpreter's environment, else
    ``python -m microcred.cli.main``."""
    script = Path(sys.executable).parent / "microcred"
    if script.is_file():
        return [str(script)]
    return [sys.executable, "-m", "microcred.cli.main"]


def _start(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as output:
        return subprocess.Popen(
            [*microcred_command(), *args],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
        )


def _died(server: LiveServer, name: str) -> None:
    process = server.processes[name]
    pytest.fail(
        f"microcred {name} ({server.db}) exited with {process.returncode} while starting:\n"
        f"{_tail(server.logs[name])}"
    )


def _wait_until_serving(server: LiveServer) -> None:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # no proxy
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if server.processes["serve"].poll() is not None:
            _died(server, "serve")
        try:
            with opener.open(f"{server.url}/openapi.json", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.1)
    pytest.fail(
        f"microcred serve ({server.db}) did not answer /openapi.json within "
        f"{START_TIMEOUT:g} s:\n{_tail(server.logs['serve'])}"
    )


def _wait_for_worker(server: LiveServer) -> None:
    """Until the worker has printed its mailer line (it is then polling the queue)."""
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if server.processes["worker"].poll() is not None:
            _died(server, "worker")
        if "worker: mail" in _tail(server.logs["worker"]):
            return
        time.sleep(0.05)
    pytest.fail(f"microcred worker ({server.db}) did not start:\n{_tail(server.logs['worker'])}")


@contextmanager
def _database(db: str, data_dir: Path) -> Iterator[str]:
    """The database URL: SQLite in ``data_dir``, or a new PostgreSQL database that is
    dropped afterwards (``WITH (FORCE)``)."""
    if db == "sqlite":
        yield f"sqlite:///{data_dir / 'microcred.db'}"
        return
    with contextmanager(_postgres_engine)() as engine:
        yield engine.url.render_as_string(hide_password=False)
