"""The worker sending award emails to a real SMTP server (aiosmtpd on 127.0.0.1), on
SQLite and PostgreSQL: delivery, escaping, retries while the server is down, giving up,
refusals, concurrent workers, STARTTLS with login, and implicit TLS.
"""

from __future__ import annotations

import email
import email.policy
import ipaddress
import socket
import ssl
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from sqlalchemy import Engine

from microcred.adapters.mailer import SmtpMailer
from microcred.services.worker import MAX_ATTEMPTS, run_due, run_once
from tests.unit.services.test_worker import (
    BASE_URL,
    T0,
    XSS,
    enqueue_award,
    job_row,
    make_platform,
    seed_credential,
)

HOST = "127.0.0.1"
SENDER = "noreply@badges.example"


class Inbox:
    """An aiosmtpd handler keeping every email; ``refuse`` makes RCPT fail with a reply."""

    def __init__(self, refuse: str | None = None) -> None:
        self.received: list[tuple[str, list[str], EmailMessage]] = []
        self.refuse = refuse
        self.lock = threading.Lock()

    async def handle_RCPT(
        self,
        server: SMTP,
        session: Session,
        envelope: Envelope,
        address: str,
        rcpt_options: list[str],
    ) -> str:
        if self.refuse:
            return self.refuse
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        content = envelope.original_content or b""
        message = email.message_from_bytes(content, policy=email.policy.default)
        assert isinstance(message, EmailMessage) and envelope.mail_from is not None
        with self.lock:
            self.received.append((envelope.mail_from, list(envelope.rcpt_tos), message))
        return "250 Message accepted"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def serve(inbox: Inbox, port: int, **options: Any) -> Controller:
    controller = Controller(inbox, hostname=HOST, port=port, **options)
    controller.start()
    return controller


@pytest.fixture
def inbox() -> Iterator[tuple[Inbox, int]]:
    box, port = Inbox(), free_port()
    controller = serve(box, port)
    yield box, port
    controller.stop()


def smtp(port: int, **options: Any) -> SmtpMailer:
    return SmtpMailer(HOST, port, SENDER, timeout=5, **options)


def body(message: EmailMessage, kind: str) -> str:
    part = message.get_body((kind,))
    assert isinstance(part, EmailMessage)
    content = part.get_content()
    assert isinstance(content, str)
    return content


def test_the_award_email_arrives_with_its_claim_link_and_escaped_html(
    engine: Engine, inbox: tuple[Inbox, int]
) -> None:
    box, port = inbox
    credential = seed_credential(engine, achievement=XSS, organisation="Acme Academy")
    job = enqueue_award(engine, credential, email="learner@example.org", token="tok_123")
    assert run_once(make_platform(engine), smtp(port), now=T0) is True
    ((mail_from, rcpt_tos, message),) = box.received
    assert (mail_from, rcpt_tos) == (SENDER, ["learner@example.org"])
    assert message["Subject"] == f"You've earned {XSS} from Acme Academy"
    assert message["From"] == SENDER and message["To"] == "learner@example.org"
    link = f"{BASE_URL}/claim/tok_123"
    text, html = body(message, "plain"), body(message, "html")
    assert link in text and "verifier" in text
    assert f'<a href="{link}">' in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>" not in html
    assert job_row(engine, job)["state"] == "done"


def test_retries_with_back_off_while_the_server_is_down_then_delivers(engine: Engine) -> None:
    job = enqueue_award(engine, seed_credential(engine))
    platform, port = make_platform(engine), free_port()  # nothing listens: refused
    assert run_once(platform, smtp(port), now=T0) is True
    row = job_row(engine, job)
    assert row["state"] == "queued" and row["run_at"] == T0 + timedelta(minutes=1)
    assert "MailError" in row["last_error"] and "refused" in row["last_error"].lower()
    assert run_once(platform, smtp(port), now=T0 + timedelta(seconds=59)) is False
    assert run_once(platform, smtp(port), now=T0 + timedelta(minutes=1)) is True
    row = job_row(engine, job)
    assert row["attempts"] == 2 and row["run_at"] == T0 + timedelta(minutes=6)
    box = Inbox()
    controller = serve(box, port)  # the server comes up
    try:
        assert run_once(platform, smtp(port), now=T0 + timedelta(minutes=6)) is True
    finally:
        controller.stop()
    assert len(box.received) == 1
    row = job_row(engine, job)
    assert row["state"] == "done" and row["attempts"] == 3


def test_gives_up_after_max_attempts_while_the_server_stays_down(engine: Engine) -> None:
    job = enqueue_award(engine, seed_credential(engine))
    platform, mailer, now = make_platform(engine), smtp(free_port()), T0
    for _ in range(MAX_ATTEMPTS):
        assert run_once(platform, mailer, now=now) is True
        now = job_row(engine, job)["run_at"]
    row = job_row(engine, job)
    assert row["state"] == "failed" and row["attempts"] == MAX_ATTEMPTS
    assert row["last_error"].startswith("try 8/8: MailError: SMTP 127.0.0.1:")
    assert run_once(platform, mailer, now=now + timedelta(days=7)) is False


@pytest.mark.parametrize(
    ("reply", "state"),
    [("550 5.1.1 No such user here", "failed"), ("450 4.2.0 Mailbox busy", "queued")],
)
def test_a_refused_recipient_fails_for_good_on_5xx_and_is_retried_on_4xx(
    engine: Engine, reply: str, state: str
) -> None:
    box, port = Inbox(refuse=reply), free_port()
    controller = serve(box, port)
    try:
        job = enqueue_award(engine, seed_credential(engine))
        run_once(make_platform(engine), smtp(port), now=T0)
    finally:
        controller.stop()
    row = job_row(engine, job)
    assert row["state"] == state and reply in row["last_error"] and box.received == []


def test_two_workers_at_once_send_each_email_once(engine: Engine, inbox: tuple[Inbox, int]) -> None:
    box, port = inbox
    credentials = [seed_credential(engine, achievement=f"Badge {n}") for n in (1, 2)]
    jobs = [enqueue_award(engine, c, email=f"l{n}@example.org") for n, c in enumerate(credentials)]
    platform, start = make_platform(engine), threading.Barrier(2)
    results: list[bool] = []

    def worker() -> None:
        start.wait(5)
        results.append(run_once(platform, smtp(port), now=T0))

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert results == [True, True]
    assert sorted(m["Subject"] for _, _, m in box.received) == [
        "You've earned Badge 1 from Acme Academy",
        "You've earned Badge 2 from Acme Academy",
    ]
    assert [job_row(engine, j)["state"] for j in jobs] == ["done", "done"]
    assert run_once(platform, smtp(port), now=T0 + timedelta(days=1)) is False


# --------------------------------------------------------------------------- TLS


def tls_contexts(folder: Path) -> tuple[ssl.SSLContext, ssl.SSLContext]:
    """A server context with a certificate for 127.0.0.1 from a throw-away CA, and a
    client context that trusts only that CA (strict X.509 checks pass too)."""
    now = datetime.now(UTC)
    ca_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "microcred test CA")])
    ca_ski = x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key())
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(hours=1))
        .not_valid_after(now + timedelta(hours=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(_usage(cert_sign=True), critical=True)
        .add_extension(ca_ski, critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    leaf = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, HOST)]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(hours=1))
        .not_valid_after(now + timedelta(hours=1))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_usage(cert_sign=False), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address(HOST))]),
            critical=False,
        )
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ca_ski), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    cert_file, key_file = folder / "cert.pem", folder / "key.pem"
    cert_file.write_bytes(leaf.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    server = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server.load_cert_chain(cert_file, key_file)
    client = ssl.create_default_context(cadata=ca.public_bytes(serialization.Encoding.PEM).decode())
    return server, client


def _usage(*, cert_sign: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=True,
        content_commitment=False,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=cert_sign,
        crl_sign=cert_sign,
        encipher_only=False,
        decipher_only=False,
    )


def check_login(
    server: SMTP, session: Session, envelope: Envelope, mechanism: str, data: Any
) -> AuthResult:
    ok = isinstance(data, LoginPassword) and data == (b"badges", b"p@ss word")
    return AuthResult(success=ok, handled=False)


def test_starttls_with_login(engine: Engine, tmp_path: Path) -> None:
    server_tls, client_tls = tls_contexts(tmp_path)
    box, port = Inbox(), free_port()
    controller = serve(
        box,
        port,
        tls_context=server_tls,
        require_starttls=True,
        auth_required=True,
        authenticator=check_login,
    )
    url = f"smtp://badges:p%40ss%20word@{HOST}:{port}?starttls=1&from={SENDER}"
    platform = make_platform(engine)
    try:
        done = enqueue_award(engine, seed_credential(engine))
        mailer = SmtpMailer.from_url(url, default_sender="x@y.example", tls_context=client_tls)
        assert run_once(platform, mailer, now=T0) is True
        bad_password = enqueue_award(engine, seed_credential(engine))
        wrong = url.replace("p%40ss%20word", "guess")
        run_once(
            platform,
            SmtpMailer.from_url(wrong, default_sender=SENDER, tls_context=client_tls),
            now=T0,
        )
        untrusted = enqueue_award(engine, seed_credential(engine))
        run_once(platform, SmtpMailer.from_url(url, default_sender=SENDER), now=T0)
    finally:
        controller.stop()
    assert len(box.received) == 1 and job_row(engine, done)["state"] == "done"
    row = job_row(engine, bad_password)
    assert row["state"] == "queued" and "SMTPAuthenticationError" in row["last_error"]
    row = job_row(engine, untrusted)  # the system's trust store does not know the test CA
    assert row["state"] == "queued" and "CERTIFICATE_VERIFY_FAILED" in row["last_error"]


def test_implicit_tls(engine: Engine, tmp_path: Path) -> None:
    server_tls, client_tls = tls_contexts(tmp_path)
    box, port = Inbox(), free_port()
    controller = serve(box, port, ssl_context=server_tls)
    try:
        enqueue_award(engine, seed_credential(engine))
        mailer = SmtpMailer.from_url(
            f"smtps://{HOST}:{port}", default_sender=SENDER, tls_context=client_tls
        )
        assert run_once(make_platform(engine), mailer, now=T0) is True
    finally:
        controller.stop()
    ((_, _, message),) = box.received
    assert message["Subject"] == "You've earned Data Literacy from Acme Academy"


def test_three_workers_draining_ten_jobs_send_each_email_once(
    engine: Engine, inbox: tuple[Inbox, int]
) -> None:
    box, port = inbox
    for n in range(10):
        enqueue_award(engine, seed_credential(engine), email=f"l{n}@example.org")
    platform, start = make_platform(engine), threading.Barrier(3)
    counts: list[int] = []

    def worker() -> None:
        start.wait(5)
        counts.append(run_due(platform, smtp(port)))

    threads = [threading.Thread(target=worker) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    assert sum(counts) == 10
    recipients = sorted(rcpt for _, rcpts, _ in box.received for rcpt in rcpts)
    assert recipients == sorted(f"l{n}@example.org" for n in range(10))
