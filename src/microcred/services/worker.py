"""The background worker: takes due jobs from the durable queue and runs them.

Delivery is **at least once**.  Claiming a job and completing it are two separate
transactions, and the handler (sending an email) runs between them with no transaction
open.  A worker that dies after the mail server accepted the email but before the
completion committed leaves the job ``running``; when its lease runs out another worker
claims it and sends the email again.  (SMTP has no idempotency key, so exactly once cannot
be had; the award email keeps one Message-ID across tries, so mail clients can tell.)

A failed try is recorded with back-off (1 min, 5 min, 30 min, 2 h, 6 h, 12 h, 24 h) and the
job gives up (state ``failed``) after ``MAX_ATTEMPTS`` tries, about 45 hours in all.  A
failure that no retry can fix (unknown job kind, bad payload, no such credential, address
refused by the mail server) fails the job at once.

Any number of workers may run against one PostgreSQL database: ``FOR UPDATE SKIP
LOCKED`` in the job repository gives each a different job.  On SQLite, writers take turns.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from types import MappingProxyType

from microcred.domain.model import Job
from microcred.services.bulk_jobs import KIND as BULK_KIND
from microcred.services.bulk_jobs import BulkJobFailed, run_bulk_job
from microcred.services.invitation_mail import KIND as INVITE_KIND
from microcred.services.invitation_mail import send_invitation_email
from microcred.services.notifications import Mailer, MailError, Undeliverable, send_award_email
from microcred.services.organisations import Platform

log = logging.getLogger(__name__)

#: How long a claimed job is a worker's own; well above the worst case of one email
#: (an SMTP timeout of 20 s on each of a handful of network operations).
LEASE = timedelta(minutes=5)
MAX_ATTEMPTS = 8
#: The wait after the n-th failed try; the last value repeats.
BACKOFF = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=6),
    timedelta(hours=12),
    timedelta(hours=24),
)

Handler = Callable[[Platform, Mailer, Job], None]


class PermanentJobError(Exception):
    """The job can never succeed (unknown kind, bad payload): fail it without retrying."""


def retry_delay(attempts: int) -> timedelta:
    """The wait after ``attempts`` failed tries (1 for the first failure)."""
    return BACKOFF[max(1, min(attempts, len(BACKOFF))) - 1]


def send_award(platform: Platform, mailer: Mailer, job: Job) -> None:
    """``email.award``: ``{"credential_id", "email", "claim_token"}``."""
    fields = _text_fields(job, ("credential_id", "email", "claim_token"))
    sent = send_award_email(
        platform,
        mailer,
        credential_id=fields["credential_id"],
        email=fields["email"],
        claim_token=fields["claim_token"],
    )
    if not sent:
        log.info("job %s: credential %s was revoked; no email", job.id, fields["credential_id"])


def award_bulk(platform: Platform, mailer: Mailer, job: Job) -> None:
    """``awards.bulk``: ``{"bulk_id"}`` (see :mod:`microcred.services.bulk_jobs`)."""
    try:
        run_bulk_job(platform, job, lease=LEASE)
    except BulkJobFailed as exc:
        raise PermanentJobError(str(exc)) from exc


def send_invitation(platform: Platform, mailer: Mailer, job: Job) -> None:
    """``email.invite``: ``{"email", "org_id", "token"}``."""
    fields = _text_fields(job, ("email", "org_id", "token"))
    send_invitation_email(
        platform, mailer, org_id=fields["org_id"], email=fields["email"], token=fields["token"]
    )


def _text_fields(job: Job, names: tuple[str, ...]) -> dict[str, str]:
    fields: dict[str, str] = {}
    for name in names:
        value = job.payload.get(name)
        if not isinstance(value, str) or not value:
            raise PermanentJobError(f"the payload has no {name!r} (text)")
        fields[name] = value
    return fields


#: Payload members that are secrets, dropped once the job is done.
SECRETS: dict[str, tuple[str, ...]] = {"email.award": ("claim_token",), INVITE_KIND: ("token",)}
HANDLERS: Mapping[str, Handler] = MappingProxyType(
    {"email.award": send_award, BULK_KIND: award_bulk, INVITE_KIND: send_invitation}
)


def run_once(
    platform: Platform,
    mailer: Mailer,
    *,
    now: datetime | None = None,
    lease: timedelta = LEASE,
    max_attempts: int = MAX_ATTEMPTS,
    handlers: Mapping[str, Handler] = HANDLERS,
) -> bool:
    """Claim one due job, run it, and record the outcome; False if no job was due.

    ``now`` (default: the platform's clock) decides which jobs are due and when a failed
    one is tried again.  Exceptions other than the handler's (the database is down) are
    raised; a claimed job is then taken again after its lease.
    """
    claimed_at = now or platform.clock()
    with platform.uow() as uow:
        job = uow.jobs.claim(claimed_at, lease)
        uow.commit()
    if job is None:
        return False
    started = time.monotonic()
    try:
        handler = handlers.get(job.kind)
        if handler is None:
            known = ", ".join(sorted(handlers)) or "none"
            raise PermanentJobError(f"unknown job kind {job.kind!r} (this worker runs: {known})")
        handler(platform, mailer, job)
    except Exception as exc:
        _record_failure(platform, job, exc, now=now, max_attempts=max_attempts)
        return True
    if time.monotonic() - started > lease.total_seconds():
        log.warning("job %s outlived its lease: another worker may have run it too", job.id)
    with platform.uow() as uow:
        uow.jobs.complete(job.id, forget=SECRETS.get(job.kind, ()))
        uow.commit()
    log.info("job %s (%s) done on try %s", job.id, job.kind, job.attempts)
    return True


def _record_failure(
    platform: Platform, job: Job, exc: Exception, *, now: datetime | None, max_attempts: int
) -> None:
    permanent = isinstance(exc, PermanentJobError | Undeliverable)
    if not isinstance(exc, PermanentJobError | Undeliverable | MailError):
        log.error("job %s (%s) raised", job.id, job.kind, exc_info=exc)
    error = f"try {job.attempts}/{max_attempts}: {type(exc).__name__}: {exc}"
    retry_at = None
    if not permanent and job.attempts < max_attempts:
        retry_at = (now or platform.clock()) + retry_delay(job.attempts)
    with platform.uow() as uow:
        uow.jobs.fail(job.id, error, retry_at)
        uow.commit()
    if retry_at is None:
        log.error("job %s (%s) failed for good: %s", job.id, job.kind, error)
    else:
        log.warning("job %s (%s) failed, again at %s: %s", job.id, job.kind, retry_at, error)


def run_due(platform: Platform, mailer: Mailer, *, limit: int | None = None) -> int:
    """Run jobs until none is due (or ``limit`` were run); how many were run."""
    count = 0
    while (limit is None or count < limit) and run_once(platform, mailer):
        count += 1
    return count


def run_forever(
    platform: Platform,
    mailer: Mailer,
    *,
    poll: float = 1.0,
    stop: threading.Event | None = None,
) -> int:
    """Run jobs until ``stop`` is set, waiting ``poll`` seconds whenever none is due;
    how many were run.  A database error is logged and waited out (longer each time)."""
    stop = stop or threading.Event()
    count = errors = 0
    while not stop.is_set():
        try:
            worked = run_once(platform, mailer)
        except Exception:
            errors += 1
            wait = min(60.0, poll * 2 ** min(errors, 6))
            log.exception("the job queue could not be read; trying again in %.0f s", wait)
            stop.wait(wait)
            continue
        errors = 0
        if worked:
            count += 1
        else:
            stop.wait(poll)
    return count
