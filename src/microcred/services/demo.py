"""The platform demo: an organisation with achievements and a cohort of learners.

:func:`set_up_demo` makes "Demo Academy" (slug ``demo``) with its owner, three published
achievements (criteria, alignments) and twenty awards issued through
:func:`~microcred.services.awards.bulk_award`, one of them revoked and one suspended.  It
is idempotent: what exists is found again, never made twice (every award has a fixed
idempotency key), so a second run changes nothing and finds the same credentials.
"""

from __future__ import annotations

import csv
import io
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from microcred.domain.achievements import (
    Achievement,
    AchievementFields,
    AchievementState,
    AlignmentSpec,
    Validity,
)
from microcred.domain.awards import StatusPurpose, StoredCredential
from microcred.domain.model import SYSTEM, Organisation
from microcred.services.achievements import (
    create_achievement,
    list_achievements,
    publish_achievement,
)
from microcred.services.bulk_awards import bulk_award
from microcred.services.errors import Conflict, InvalidInput, NotFound
from microcred.services.keys import did_of
from microcred.services.organisations import Platform, create_organisation
from microcred.services.status import revoke, status_list_url, suspend

DEMO_SLUG = "demo"
DEMO_NAME = "Demo Academy"
OWNER_EMAIL = "owner@demo-academy.example"
REVOKE_REASON = "Awarded in error: the exam result was corrected."
SUSPEND_REASON = "Under review: the refresher course is overdue."

#: ``progress(achievement_name, done, total)`` while a cohort is awarded.
DemoProgress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class Learner:
    name: str
    email: str
    #: Days before the demo's run that the learner completed the achievement.
    days_ago: int


@dataclass(frozen=True)
class DemoAchievement:
    """An achievement of the demo and the learners it is awarded to."""

    key: str
    fields: AchievementFields
    learners: tuple[Learner, ...]


def _learners(*people: tuple[str, int]) -> tuple[Learner, ...]:
    return tuple(
        Learner(name, name.lower().replace(" ", ".") + "@learners.example", days)
        for name, days in people
    )


ACHIEVEMENTS: tuple[DemoAchievement, ...] = (
    DemoAchievement(
        "python-data-analysis",
        AchievementFields(
            name="Python Data Analysis",
            description=(
                "Cleans, explores and visualises tabular data with Python and pandas, "
                "and explains what the data shows."
            ),
            criteria_narrative=(
                "Completed the six modules of the course and passed a **proctored practical "
                "assessment** (70% or more): load a messy data set, clean it, answer five "
                "questions with charts, and present the findings."
            ),
            achievement_type="Course",
            alignments=(
                AlignmentSpec(
                    "Analyse data",
                    "https://frameworks.example.org/digital-skills/analyse-data",
                    target_framework="Digital Skills Framework (example)",
                    target_code="DS-4.2",
                    target_type="ceasn:Competency",
                ),
                AlignmentSpec(
                    "Program in Python",
                    "https://frameworks.example.org/digital-skills/python",
                    target_framework="Digital Skills Framework (example)",
                    target_code="DS-3.1",
                    target_type="ceasn:Competency",
                ),
            ),
            tags=("python", "pandas", "data analysis"),
            credits_available=3,
            field_of_study="Data science",
        ),
        _learners(
            ("Ada Lovelace", 12),
            ("Alan Turing", 12),
            ("Grace Hopper", 12),
            ("Katherine Johnson", 12),
            ("Edsger Dijkstra", 30),
            ("Barbara Liskov", 30),
            ("Donald Knuth", 30),
            ("Frances Allen", 30),
        ),
    ),
    DemoAchievement(
        "sql-basics",
        AchievementFields(
            name="SQL Basics",
            description="Writes SELECT queries with joins, filters and aggregates.",
            criteria_narrative="Scored at least 80% on the proctored SQL exam.",
            achievement_type="Badge",
            alignments=(
                AlignmentSpec(
                    "Query relational databases",
                    "https://frameworks.example.org/digital-skills/query-databases",
                    target_framework="Digital Skills Framework (example)",
                    target_code="DS-4.1",
                    target_type="ceasn:Competency",
                ),
            ),
            tags=("sql", "databases"),
        ),
        _learners(
            ("Edgar Codd", 45),
            ("Margaret Hamilton", 45),
            ("John Backus", 45),
            ("Jean Bartik", 45),
            ("Ken Thompson", 60),
            ("Radia Perlman", 60),
            ("Tim Berners Lee", 60),
        ),
    ),
    DemoAchievement(
        "workplace-first-aid",
        AchievementFields(
            name="Workplace First Aid",
            description=(
                "Gives first aid at work: assesses an incident, performs CPR and uses a "
                "defibrillator, treats wounds, burns and fractures until help arrives."
            ),
            criteria_narrative=(
                "Attended the two-day course and passed the practical assessment of CPR, "
                "the recovery position and the use of an AED."
            ),
            criteria_url="https://frameworks.example.org/first-aid/workplace-syllabus",
            achievement_type="Certificate",
            alignments=(
                AlignmentSpec(
                    "Give first aid",
                    "https://frameworks.example.org/occupational-safety/first-aid",
                    target_framework="Occupational Safety Framework (example)",
                    target_code="OS-1.3",
                    target_type="ceasn:Competency",
                ),
            ),
            tags=("first aid", "health and safety"),
            validity=Validity(months=36),
        ),
        _learners(
            ("Florence Nightingale", 5),
            ("Mary Seacole", 5),
            ("Clara Barton", 5),
            ("Virginia Apgar", 20),
            ("Henry Dunant", 20),
        ),
    ),
)

#: The credential shown first, the one revoked and the one suspended: (achievement, row).
SHOWN = ("python-data-analysis", 0)
REVOKED = ("sql-basics", 2)
SUSPENDED = ("workplace-first-aid", 1)


@dataclass(frozen=True)
class DemoUrls:
    """Where to look at what the demo made (served by ``microcred serve``)."""

    did_document: str
    profile: str
    credential: str
    revoked: str
    suspended: str
    status_list: str
    docs: str
    console: str
    verifier: str


@dataclass(frozen=True)
class DemoResult:
    org: Organisation
    did: str
    owner_email: str
    #: The owner's password, only on the run that created the owner (it is not kept).
    owner_password: str | None
    achievements: tuple[Achievement, ...]
    #: Credentials of the cohort, in the order of :data:`ACHIEVEMENTS` and their learners.
    credentials: tuple[StoredCredential, ...]
    #: How many of them this run issued (0 when the demo was set up already).
    issued: int
    shown: StoredCredential
    revoked: StoredCredential
    suspended: StoredCredential
    #: Whether this run changed anything at all.
    changed: bool
    urls: DemoUrls


def idempotency_key(achievement_key: str, email: str) -> str:
    return f"demo:{achievement_key}:{email}"


def new_password() -> str:
    return secrets.token_urlsafe(12)


def set_up_demo(
    platform: Platform,
    *,
    progress: DemoProgress | None = None,
    password: Callable[[], str] = new_password,
) -> DemoResult:
    """Make (or find) the demo organisation, its achievements and its cohort."""
    org, owner_password = _organisation(platform, password)
    changed = owner_password is not None
    achievements: list[Achievement] = []
    for spec in ACHIEVEMENTS:
        achievement, made = _achievement(platform, org, spec.fields)
        achievements.append(achievement)
        changed = changed or made
    issued = 0
    for spec, achievement in zip(ACHIEVEMENTS, achievements, strict=True):
        issued += _award_cohort(platform, org, spec, achievement, progress)
    credentials = _credentials(platform, org)
    revoked = _find(credentials, REVOKED)
    if not revoked.revoked:
        revoked = revoke(platform, SYSTEM, revoked.id, REVOKE_REASON)
        changed = True
    suspended = _find(credentials, SUSPENDED)
    if not suspended.suspended and not suspended.revoked:
        suspended = suspend(platform, SYSTEM, suspended.id, SUSPEND_REASON)
        changed = True
    by_id = {c.id: c for c in (revoked, suspended)}
    credentials = [by_id.get(c.id, c) for c in credentials]
    shown = _find(credentials, SHOWN)
    return DemoResult(
        org=org,
        did=did_of(platform, org),
        owner_email=OWNER_EMAIL,
        owner_password=owner_password,
        achievements=tuple(achievements),
        credentials=tuple(credentials),
        issued=issued,
        shown=shown,
        revoked=revoked,
        suspended=suspended,
        changed=changed or issued > 0,
        urls=_urls(platform, org, shown, revoked, suspended),
    )


def _organisation(
    platform: Platform, password: Callable[[], str]
) -> tuple[Organisation, str | None]:
    with platform.uow() as uow:
        org = uow.organisations.by_slug(DEMO_SLUG)
        owner = uow.members.user_by_email(OWNER_EMAIL)
    if org is None:
        secret = password() if owner is None else None  # an existing user keeps theirs
        try:
            org = create_organisation(
                platform,
                name=DEMO_NAME,
                slug=DEMO_SLUG,
                owner_email=OWNER_EMAIL,
                owner_password=secret,
            )
        except Conflict:  # made meanwhile by another run of the demo
            return _organisation(platform, password)
        return org, secret
    if org.name != DEMO_NAME:
        raise Conflict(
            f"the slug {DEMO_SLUG!r} belongs to another organisation ({org.name!r}); "
            "the demo needs it"
        )
    return org, None


def _achievement(
    platform: Platform, org: Organisation, fields: AchievementFields
) -> tuple[Achievement, bool]:
    """The published achievement named like ``fields`` (publishing a draft left by an
    interrupted run), or a new one; and whether anything was made or changed."""
    same = [a for a in list_achievements(platform, SYSTEM, org.id) if a.fields.name == fields.name]
    for state in (AchievementState.PUBLISHED, AchievementState.DRAFT):
        found = next((a for a in same if a.state is state), None)
        if found is not None and state is AchievementState.PUBLISHED:
            return found, False
        if found is not None:
            return publish_achievement(platform, SYSTEM, found.id), True
    draft = create_achievement(platform, SYSTEM, org.id, fields)
    return publish_achievement(platform, SYSTEM, draft.id), True


def cohort_csv(spec: DemoAchievement, today: datetime) -> bytes:
    """The bulk award file of one achievement's learners (fixed idempotency keys)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["email", "name", "issued_on", "idempotency_key"])
    for learner in spec.learners:
        issued_on = (today - timedelta(days=learner.days_ago)).strftime("%Y-%m-%d")
        key = idempotency_key(spec.key, learner.email)
        writer.writerow([learner.email, learner.name, issued_on, key])
    return out.getvalue().encode("utf-8")


def _award_cohort(
    platform: Platform,
    org: Organisation,
    spec: DemoAchievement,
    achievement: Achievement,
    progress: DemoProgress | None,
) -> int:
    def report(done: int, total: int) -> None:
        if progress is not None:
            progress(spec.fields.name, done, total)

    data = cohort_csv(spec, platform.clock())
    result = bulk_award(platform, SYSTEM, org.id, achievement.id, data, progress=report)
    if result.errors:
        raise InvalidInput("; ".join(str(e) for e in result.errors))
    return len(result.issued)


def _credentials(platform: Platform, org: Organisation) -> list[StoredCredential]:
    found: list[StoredCredential] = []
    with platform.uow() as uow:
        for spec in ACHIEVEMENTS:
            for learner in spec.learners:
                key = idempotency_key(spec.key, learner.email)
                credential = uow.credentials.by_idempotency_key(org.id, key)
                if credential is None:  # pragma: no cover - bulk_award issued every row
                    raise NotFound(f"the demo credential {key} is missing")
                found.append(credential)
    return found


def _find(credentials: Sequence[StoredCredential], which: tuple[str, int]) -> StoredCredential:
    key, row = which
    spec = next(s for s in ACHIEVEMENTS if s.key == key)
    wanted = idempotency_key(key, spec.learners[row].email)
    return next(c for c in credentials if c.idempotency_key == wanted)


def _urls(
    platform: Platform,
    org: Organisation,
    shown: StoredCredential,
    revoked: StoredCredential,
    suspended: StoredCredential,
) -> DemoUrls:
    base = platform.base_url.rstrip("/")
    with platform.uow() as uow:
        entries = uow.status.entries_for(revoked.id)
    entry = next(e for e in entries if e.purpose is StatusPurpose.REVOCATION)
    return DemoUrls(
        did_document=f"{base}/orgs/{org.slug}/did.json",
        profile=f"{base}/orgs/{org.slug}",
        credential=f"{base}/credentials/{shown.id}",
        revoked=f"{base}/credentials/{revoked.id}",
        suspended=f"{base}/credentials/{suspended.id}",
        status_list=status_list_url(base, entry.list_id),
        docs=f"{base}/docs",
        console=f"{base}/console/{org.slug}",
        verifier=f"{base}/verify",
    )
