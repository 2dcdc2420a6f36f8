"""The background worker and the award email, on SQLite and PostgreSQL (a recording mailer).

The award service is not there yet: the rows the email reads are inserted directly.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from typing import Any

import pytest
from argon2 import PasswordHasher
from sqlalchemy import Engine, insert, select

from microcred.adapters.db import schema
from microcred.adapters.db.uow import SqlUnitOfWork
from microcred.adapters.keyvault import AesGcmVault
from microcred.domain.model import Job
from microcred.services.notifications import Mailer, MailError, Undeliverable
from microcred.services.organisations import Platform
from microcred.services.worker import (
    BACKOFF,
    HANDLERS,
    LEASE,
    MAX_ATTEMPTS,
    retry_delay,
    run_due,
    run_forever,
    run_once,
)

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
BASE_URL = "https://badges.example"
XSS = "<script>alert(1)</script>"


# --------------------------------------------------------------------------- helpers
# (also used by tests/integration/test_smtp.py)


def make_platform(engine: Engine, clock: Callable[[], datetime] = lambda: T0) -> Platform:
    return Platform(
        uow=lambda: SqlUnitOfWork(engine),
        vault=AesGcmVault.from_secret("test secret"),
        clock=clock,
        base_url=BASE_URL,
        passwords=PasswordHasher(time_cost=1, memory_cost=8, parallelism=1),
    )


def seed_credential(
    engine: Engine,
    *,
    achievement: str = "Data Literacy",
    organisation: str = "Acme Academy",
    revoked: bool = False,
) -> str:
    """Minimal organisation, achievement and credential rows; the credential's id."""
    org_id, achievement_id, credential_id = (str(uuid.uuid4()) for _ in range(3))
    document = {
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "credentialSubject": {"achievement": {"name": achievement}},
    }
    with engine.begin() as c:
        c.execute(
            insert(schema.organisations).values(
                id=org_id, slug=f"o-{org_id[:8]}", name=organisation, created_at=T0
            )
        )
        c.execute(
            insert(schema.achievements).values(
                id=achievement_id,
                org_id=org_id,
                lineage_id=achievement_id,
                version=1,
                state="published",
                data={"name": achievement},
                created_at=T0,
            )
        )
        c.execute(
            insert(schema.credentials).values(
                id=credential_id,
                org_id=org_id,
                achievement_id=achievement_id,
                idempotency_key=credential_id,
                document=document,
                revoked=revoked,
                claim_token_hash="0" * 64,
                issued_at=T0,
            )
        )
    return credential_id


def enqueue(engine: Engine, kind: str, payload: dict[str, Any], run_at: datetime = T0) -> int:
    with SqlUnitOfWork(engine) as uow:
        job_id = uow.jobs.enqueue(kind, payload, run_at)
        uow.commit()
    return job_id


def enqueue_award(
    engine: Engine, credential_id: str, email: str = "learner@example.org", token: str = "tok"
) -> int:
    payload = {"credential_id": credential_id, "email": email, "claim_token": token}
    return enqueue(engine, "email.award", payload)


def job_row(engine: Engine, job_id: int) -> dict[str, Any]:
    with engine.connect() as c:
        row = c.execute(select(schema.jobs).where(schema.jobs.c.id == job_id)).mappings().one()
    return dict(row)


class Recorder:
    """A mailer that keeps what it is given, or raises what it is told to."""

    def __init__(self, *errors: BaseException) -> None:
        self.sent: list[EmailMessage] = []
        self.errors = list(errors)

    def send(self, message: EmailMessage) -> None:
        if self.errors:
            raise self.errors.pop(0)
        if message["From"] is None:
            message["From"] = "noreply@badges.example"
        self.sent.append(message)


def parts(message: EmailMessage) -> tuple[str, str]:
    text, html = message.get_body(("plain",)), message.get_body(("html",))
    assert isinstance(text, EmailMessage) and isinstance(html, EmailMessage)
    return text.get_content(), html.get_content()


# --------------------------------------------------------------------------- tests


def test_the_award_email_says_what_was_earned_and_where_to_claim_it(engine: Engine) -> None:
    credential = seed_credential(engine, achievement=XSS, organisation="Tom & Jerry's <Org>")
    job = enqueue_award(engine, credential, token="Abc-123_xyz")
    mailer = Recorder()
    assert run_once(make_platform(engine), mailer, now=T0) is True
    (message,) = mailer.sent
    assert message["Subject"] == f"You've earned {XSS} from Tom & Jerry's <Org>"
    assert message["To"] == "learner@example.org"
    assert message["Message-ID"].endswith("@badges.example>")
    assert message.is_multipart() and message.get_content_type() == "multipart/alternative"
    text, html = parts(message)
    link = f"{BASE_URL}/claim/Abc-123_xyz"
    assert link in text and XSS in text and "Open Badges 3.0" in text
    assert f'href="{link}"' in html
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "Tom &amp; Jerry&#x27;s &lt;Org&gt;" in html
    done = job_row(engine, job)
    assert done["state"] == "done"
    assert done["payload"] == {"credential_id": credential, "email": "learner@example.org"}
    assert run_once(make_platform(engine), mailer, now=T0) is False  # nothing else due


def test_header_injection_is_flattened_and_the_claim_token_is_quoted(engine: Engine) -> None:
    credential = seed_credential(engine, achievement="Badge\r\nBcc: evil@example.org")
    enqueue_award(engine, credential, token="../admin?x=1")
    mailer = Recorder()
    run_once(make_platform(engine), mailer, now=T0)
    (message,) = mailer.sent
    assert message["Bcc"] is None
    assert message["Subject"] == "You've earned Badge Bcc: evil@example.org from Acme Academy"
    assert f"{BASE_URL}/claim/..%2Fadmin%3Fx%3D1" in parts(message)[0]


def test_failures_back_off_then_the_job_fails_for_good(engine: Engine) -> None:
    credential = seed_credential(engine)
    job = enqueue_award(engine, credential)
    platform = make_platform(engine)
    mailer = Recorder(*(MailError("smtp down") for _ in range(MAX_ATTEMPTS)))
    now, waits = T0, []
    for attempt in range(1, MAX_ATTEMPTS):
        assert run_once(platform, mailer, now=now) is True
        row = job_row(engine, job)
        assert row["state"] == "queued" and row["attempts"] == attempt
        assert row["last_error"] == f"try {attempt}/8: MailError: smtp down"
        waits.append(row["run_at"] - now)
        assert run_once(platform, mailer, now=row["run_at"] - timedelta(seconds=1)) is False
        now = row["run_at"]
    assert waits == [*BACKOFF]
    assert run_once(platform, mailer, now=now) is True
    row = job_row(engine, job)
    assert row["state"] == "failed" and row["attempts"] == MAX_ATTEMPTS
    assert row["last_error"] == "try 8/8: MailError: smtp down"
    assert run_once(platform, mailer, now=now + timedelta(days=30)) is False
    assert mailer.sent == []


def test_a_retry_that_succeeds_completes_the_job(engine: Engine) -> None:
    job = enqueue_award(engine, seed_credential(engine))
    platform, mailer = make_platform(engine), Recorder(MailError("421 try later"))
    assert run_once(platform, mailer, now=T0)
    assert run_once(platform, mailer, now=T0 + timedelta(minutes=1))
    assert len(mailer.sent) == 1
    row = job_row(engine, job)
    assert row["state"] == "done" and row["attempts"] == 2


def test_retry_delays() -> None:
    assert [retry_delay(n) for n in (1, 2, 3, 4)] == [
        timedelta(minutes=1),
        timedelta(minutes=5),
        timedelta(minutes=30),
        timedelta(hours=2),
    ]
    assert retry_delay(50) == timedelta(hours=24)
    assert sum(BACKOFF[: MAX_ATTEMPTS - 1], timedelta()) < timedelta(hours=48)


def test_an_unknown_kind_fails_at_once_with_a_clear_error(engine: Engine) -> None:
    job = enqueue(engine, "sms.award", {"to": "+1555"})
    assert run_once(make_platform(engine), Recorder(), now=T0) is True
    row = job_row(engine, job)
    assert row["state"] == "failed" and row["attempts"] == 1
    assert row["last_error"] == (
        "try 1/8: PermanentJobError: unknown job kind 'sms.award' "
        "(this worker runs: awards.bulk, email.award, email.invite)"
    )


@pytest.mark.parametrize(
    ("payload", "error"),
    [
        ({"email": "a@example.org", "claim_token": "t"}, "no 'credential_id'"),
        ({"credential_id": "x", "email": 5, "claim_token": "t"}, "no 'email'"),
        ({"credential_id": "x", "email": "a@example.org", "claim_token": ""}, "no 'claim_token'"),
    ],
)
def test_a_bad_payload_fails_at_once(engine: Engine, payload: dict[str, Any], error: str) -> None:
    job = enqueue(engine, "email.award", payload)
    run_once(make_platform(engine), Recorder(), now=T0)
    row = job_row(engine, job)
    assert row["state"] == "failed" and error in row["last_error"]


@pytest.mark.parametrize("email", ["not-an-address", "a@b.c, d@e.f", "a@b.c\r\nBcc: x@y.z"])
def test_a_bad_address_fails_at_once(engine: Engine, email: str) -> None:
    job = enqueue_award(engine, seed_credential(engine), email=email)
    mailer = Recorder()
    run_once(make_platform(engine), mailer, now=T0)
    row = job_row(engine, job)
    assert row["state"] == "failed" and "Undeliverable" in row["last_error"]
    assert mailer.sent == []


def test_a_missing_credential_or_a_refused_address_fails_at_once(engine: Engine) -> None:
    missing = enqueue_award(engine, str(uuid.uuid4()))
    refused = enqueue_award(engine, seed_credential(engine))
    mailer = Recorder(Undeliverable("550 no such user"))
    assert run_due(make_platform(engine), mailer) == 2
    assert "does not exist" in job_row(engine, missing)["last_error"]
    row = job_row(engine, refused)
    assert row["state"] == "failed" and row["last_error"].endswith("550 no such user")


def test_a_revoked_credential_gets_no_email(engine: Engine) -> None:
    job = enqueue_award(engine, seed_credential(engine, revoked=True))
    mailer = Recorder()
    assert run_once(make_platform(engine), mailer, now=T0) is True
    assert mailer.sent == [] and job_row(engine, job)["state"] == "done"


def test_a_bug_in_a_handler_is_retried_and_logged(
    engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(platform: Platform, mailer: Mailer, job: Job) -> None:
        raise RuntimeError("boom")

    job = enqueue(engine, "email.award", {})
    run_once(make_platform(engine), Recorder(), now=T0, handlers={"email.award": broken})
    row = job_row(engine, job)
    assert row["state"] == "queued" and row["last_error"] == "try 1/8: RuntimeError: boom"
    assert "raised" in caplog.text and "RuntimeError: boom" in caplog.text


class Crash(BaseException):
    """The worker process dying mid-send (kill -9, power cut) as seen from the inside."""


def test_a_crash_while_sending_leaves_the_job_to_be_claimed_after_its_lease(
    engine: Engine,
) -> None:
    job = enqueue_award(engine, seed_credential(engine))
    platform, mailer = make_platform(engine), Recorder(Crash())
    with pytest.raises(Crash):
        run_once(platform, mailer, now=T0)
    assert job_row(engine, job)["state"] == "running"
    assert run_once(platform, mailer, now=T0 + LEASE - timedelta(seconds=1)) is False
    assert run_once(platform, mailer, now=T0 + LEASE) is True
    row = job_row(engine, job)
    assert row["state"] == "done" and row["attempts"] == 2 and len(mailer.sent) == 1


def test_run_forever_works_until_stopped(engine: Engine) -> None:
    platform = make_platform(engine, clock=lambda: datetime.now(UTC))
    sent = threading.Event()

    class Signalling(Recorder):
        def send(self, message: EmailMessage) -> None:
            super().send(message)
            sent.set()

    mailer, stop = Signalling(), threading.Event()
    result: list[int] = []
    thread = threading.Thread(
        target=lambda: result.append(run_forever(platform, mailer, poll=0.02, stop=stop))
    )
    thread.start()
    try:
        enqueue_award(engine, seed_credential(engine))
        assert sent.wait(10)
    finally:
        stop.set()
        thread.join(10)
    assert not thread.is_alive() and result == [1] and len(mailer.sent) == 1


def test_run_forever_waits_out_database_errors(engine: Engine) -> None:
    real, calls = make_platform(engine), []
    stop = threading.Event()

    def flaky_uow() -> SqlUnitOfWork:
        calls.append(1)
        if len(calls) <= 2:
            raise OSError("database down")
        if len(calls) > 4:
            stop.set()
        return SqlUnitOfWork(engine)

    platform = Platform(flaky_uow, real.vault, real.clock, real.base_url, real.passwords)
    assert run_forever(platform, Recorder(), poll=0.001, stop=stop) == 0
    assert len(calls) >= 4


def test_the_worker_handles_award_emails_invitations_and_background_files() -> None:
    assert set(HANDLERS) == {"email.award", "email.invite", "awards.bulk"}
