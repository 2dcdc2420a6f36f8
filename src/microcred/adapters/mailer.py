"""Sending email: over SMTP (``MICROCRED_SMTP_URL``) or, by default, into a folder.

``MICROCRED_SMTP_URL`` forms::

    smtp://host:25                          plain (a relay on the same network)
    smtp://user:pass@host:587?starttls=1    upgraded to TLS with STARTTLS
    smtps://user:pass@host:465              TLS from the first byte (implicit TLS)

Query parameters: ``starttls=1``, ``from=badges@example.org`` (the sender address;
default ``noreply@<host of MICROCRED_BASE_URL>``) and ``timeout=20`` (seconds, for each
network operation).  User name and password are percent-decoded.  TLS certificates are
verified against the system's trust store.

Without an SMTP URL, emails are written as ``.eml`` files into ``<data_dir>/outbox/``,
so the embedded default works on a laptop with no mail server.
"""

from __future__ import annotations

import logging
import os
import smtplib
import ssl
import uuid
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import EmailMessage
from ipaddress import ip_address
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from microcred.services.notifications import Mailer, MailError, Undeliverable, recipient
from microcred.settings import Settings

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 20.0
_TRUE, _FALSE = ("1", "true", "yes", "on"), ("", "0", "false", "no", "off")
_QUERY_KEYS = ("starttls", "from", "timeout")


@dataclass(frozen=True)
class SmtpMailer:
    """Sends each email over a new SMTP connection (a worker sends few, and a connection
    kept open would time out between them)."""

    host: str
    port: int
    sender: str
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    implicit_tls: bool = False
    starttls: bool = False
    timeout: float = DEFAULT_TIMEOUT
    #: Trusted certificates; the system's by default (tests pass their own).
    tls_context: ssl.SSLContext | None = field(default=None, repr=False, compare=False)

    @classmethod
    def from_url(
        cls, url: str, *, default_sender: str, tls_context: ssl.SSLContext | None = None
    ) -> SmtpMailer:
        """Parse ``MICROCRED_SMTP_URL``; ValueError (never showing the password) if bad."""
        parts = urlsplit(url.strip())
        scheme = parts.scheme.lower()
        if scheme not in ("smtp", "smtps"):
            raise ValueError(f"MICROCRED_SMTP_URL: use smtp:// or smtps://, not {scheme!r}://")
        if not parts.hostname:
            raise ValueError("MICROCRED_SMTP_URL: give a host, e.g. smtp://mail.example:587")
        query = parse_qs(parts.query, keep_blank_values=True)
        unknown = sorted(set(query) - set(_QUERY_KEYS))
        if unknown:
            raise ValueError(
                f"MICROCRED_SMTP_URL: unknown parameter {unknown[0]!r}; "
                f"known: {', '.join(_QUERY_KEYS)}"
            )
        starttls = _flag(query.get("starttls", [""])[-1])
        if starttls and scheme == "smtps":
            raise ValueError("MICROCRED_SMTP_URL: smtps:// is TLS already; drop starttls")
        try:
            port = parts.port
        except ValueError:
            raise ValueError("MICROCRED_SMTP_URL: the port is not a number") from None
        if port is None:
            port = 465 if scheme == "smtps" else 587 if starttls else 25
        sender = query.get("from", [default_sender])[-1]
        try:
            recipient(sender)
        except Undeliverable:
            raise ValueError(f"MICROCRED_SMTP_URL: from={sender!r} is not an address") from None
        mailer = cls(
            host=parts.hostname,
            port=port,
            sender=sender,
            username=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password is not None else None,
            implicit_tls=scheme == "smtps",
            starttls=starttls,
            timeout=_seconds(query.get("timeout", [str(DEFAULT_TIMEOUT)])[-1]),
            tls_context=tls_context,
        )
        if mailer.username and not (mailer.implicit_tls or starttls or _loopback(mailer.host)):
            log.warning("SMTP: the password is sent to %s without TLS", mailer.host)
        return mailer

    def __str__(self) -> str:
        scheme = "smtps" if self.implicit_tls else "smtp"
        user = f"{self.username}@" if self.username else ""
        tls = " with STARTTLS" if self.starttls else ""
        return f"{scheme}://{user}{self.host}:{self.port}{tls}, from {self.sender}"

    def send(self, message: EmailMessage) -> None:
        if message["From"] is None:
            message["From"] = self.sender
        where = f"SMTP {self.host}:{self.port}"
        context = self.tls_context or ssl.create_default_context()
        try:
            if self.implicit_tls:
                smtp: smtplib.SMTP = smtplib.SMTP_SSL(
                    self.host, self.port, timeout=self.timeout, context=context
                )
            else:
                smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
            with smtp:
                if self.starttls:
                    smtp.starttls(context=context)
                if self.username is not None:
                    smtp.login(self.username, self.password or "")
                smtp.send_message(message, from_addr=self.sender)
        except smtplib.SMTPRecipientsRefused as exc:
            replies = list(exc.recipients.values())
            detail = "; ".join(f"{code} {_text(reply)}" for code, reply in replies)
            if replies and all(500 <= code < 600 for code, _ in replies):
                raise Undeliverable(f"{where} refused the recipient: {detail}") from exc
            raise MailError(f"{where} refused the recipient for now: {detail}") from exc
        except smtplib.SMTPDataError as exc:
            detail = f"{exc.smtp_code} {_text(exc.smtp_error)}"
            if 500 <= exc.smtp_code < 600:
                raise Undeliverable(f"{where} rejected the email: {detail}") from exc
            raise MailError(f"{where} did not take the email for now: {detail}") from exc
        except (smtplib.SMTPException, OSError) as exc:  # OSError: refused, timeout, TLS
            raise MailError(f"{where}: {type(exc).__name__}: {exc}") from exc


@dataclass(frozen=True)
class FileMailer:
    """Writes each email as ``<UTC time>-<random>.eml`` (mode 0600: claim links are
    secrets) into ``folder``; any mail client opens them."""

    folder: Path
    sender: str = "noreply@localhost"

    def __str__(self) -> str:
        return f"into the folder {self.folder}, from {self.sender}"

    def send(self, message: EmailMessage) -> None:
        if message["From"] is None:
            message["From"] = self.sender
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        name = f"{stamp}-{uuid.uuid4().hex[:12]}.eml"
        partial = self.folder / f".{name}.partial"
        try:
            self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL
            with os.fdopen(os.open(partial, flags, 0o600), "wb") as handle:
                handle.write(message.as_bytes())
            partial.replace(self.folder / name)  # whole files only, for a watching reader
        except OSError as exc:
            with suppress(OSError):
                partial.unlink(missing_ok=True)
            raise MailError(f"could not write to {self.folder}: {exc}") from exc


def mailer_from_settings(
    settings: Settings, *, tls_context: ssl.SSLContext | None = None
) -> Mailer:
    """SMTP when ``MICROCRED_SMTP_URL`` is set, else ``.eml`` files in ``<data_dir>/outbox``."""
    default_sender = f"noreply@{_mail_domain(settings.base_url)}"
    if settings.smtp_url:
        return SmtpMailer.from_url(
            settings.smtp_url, default_sender=default_sender, tls_context=tls_context
        )
    return FileMailer(settings.data_dir / "outbox", sender=default_sender)


def _flag(value: str) -> bool:
    if value.lower() in _TRUE:
        return True
    if value.lower() in _FALSE:
        return False
    raise ValueError(f"MICROCRED_SMTP_URL: starttls={value!r}; use 1 or 0")


def _seconds(value: str) -> float:
    try:
        seconds = float(value)
    except ValueError:
        seconds = 0.0
    if not 0 < seconds <= 600:
        raise ValueError(f"MICROCRED_SMTP_URL: timeout={value!r}; give seconds, at most 600")
    return seconds


def _mail_domain(base_url: str) -> str:
    host = urlsplit(base_url).hostname
    if not host or _is_ip(host):
        return "localhost"
    return host


def _is_ip(host: str) -> bool:
    try:
        ip_address(host)
    except ValueError:
        return False
    return True


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ip_address(host).is_loopback
    except ValueError:
        return False


def _text(reply: bytes | str) -> str:
    return reply.decode("utf-8", "replace") if isinstance(reply, bytes) else reply
