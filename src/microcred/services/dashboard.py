"""What an organisation's console dashboard shows: its credentials counted by the
database, those about to expire, its achievements, and credentials issued each week."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from microcred.domain.model import Actor, Role
from microcred.services.organisations import Platform
from microcred.services.ports import CredentialCounts, ExpiringCredential
from microcred.services.vcapi_issuing import placeholder_id

WEEKS = 12
RECENT = timedelta(days=30)
EXPIRING = timedelta(days=90)
#: How many of the soon-expiring credentials are listed (all are counted).
EXPIRING_LISTED = 5


@dataclass(frozen=True)
class WeekCount:
    #: The Monday (UTC) the week starts on.
    start: date
    count: int


@dataclass(frozen=True)
class Dashboard:
    credentials: CredentialCounts
    expiring: list[ExpiringCredential]
    achievements: int
    published_achievements: int
    weeks: list[WeekCount]

    @property
    def issued_in_weeks(self) -> int:
        return sum(week.count for week in self.weeks)


def week_starts(now: datetime, weeks: int = WEEKS) -> list[datetime]:
    """Midnight (UTC) of the Mondays of the last ``weeks`` weeks, this one last."""
    today = now.replace(hour=0, minute=0, second=0, microsecond=0)
    monday = today - timedelta(days=today.weekday())
    return [monday - timedelta(weeks=back) for back in range(weeks - 1, -1, -1)]


def dashboard(platform: Platform, actor: Actor, org_id: str) -> Dashboard:
    """The dashboard of ``org_id`` (viewer role)."""
    actor.require(org_id, Role.VIEWER)
    now = platform.clock()
    starts = week_starts(now)
    with (platform.reader or platform.uow)() as uow:
        counts = uow.insights.credential_counts(
            org_id, recent_since=now - RECENT, now=now, expiring_until=now + EXPIRING
        )
        expiring = uow.insights.expiring(org_id, now, now + EXPIRING, EXPIRING_LISTED)
        every, published = uow.insights.achievement_counts(org_id, placeholder_id(org_id))
        per_week = uow.insights.issued_per_week(org_id, starts, starts[-1] + timedelta(weeks=1))
    weeks = [WeekCount(start.date(), count) for start, count in zip(starts, per_week, strict=True)]
    return Dashboard(counts, expiring, every, published, weeks)
