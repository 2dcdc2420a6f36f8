"""The dashboard's counts, made by the database, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine

from microcred.core.loader import DocumentLoader
from microcred.domain.model import SYSTEM, Actor, PermissionDenied, Role
from microcred.services.achievements import (
    create_achievement,
    edit_achievement,
    publish_achievement,
)
from microcred.services.awards import award
from microcred.services.dashboard import dashboard, week_starts
from microcred.services.organisations import create_organisation
from microcred.services.status import revoke, suspend
from tests.unit.services.issuing_support import T0, World, fields, make_world

SUNDAY_NOON = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)  # T0
MONDAY = datetime(2026, 2, 23, tzinfo=UTC)


@pytest.fixture
def world(engine: Engine, loader: DocumentLoader) -> World:
    return make_world(engine, loader)


def issue_at(world: World, at: datetime, email: str) -> str:
    world.clock.now = at
    issued = award(
        world.platform, SYSTEM, world.org.id, world.achievement_id, email, idempotency_key=email
    )
    world.clock.now = T0
    return issued.credential.id


def test_weeks_start_on_mondays_this_one_last() -> None:
    starts = week_starts(SUNDAY_NOON)
    assert len(starts) == 12 and starts[-1] == MONDAY
    assert starts[0] == MONDAY - timedelta(weeks=11)
    assert week_starts(MONDAY)[-1] == MONDAY


def test_weekly_counts_are_bounded_to_the_window(world: World) -> None:
    first = MONDAY - timedelta(weeks=11)
    issue_at(world, first - timedelta(microseconds=1), "before@example.org")
    issue_at(world, first, "first@example.org")
    issue_at(world, MONDAY - timedelta(microseconds=1), "sunday@example.org")
    issue_at(world, MONDAY, "monday@example.org")
    issue_at(world, SUNDAY_NOON, "now@example.org")
    other = make_world_in_other_org(world)
    issue_at(other, SUNDAY_NOON, "other@example.org")
    summary = dashboard(world.platform, world.viewer(), world.org.id)
    assert [w.count for w in summary.weeks] == [1] + [0] * 9 + [1, 2]
    assert summary.weeks[-1].start == MONDAY.date()
    assert summary.credentials.total == 5 and summary.issued_in_weeks == 4


def make_world_in_other_org(world: World) -> World:
    org = create_organisation(
        world.platform, name="Other", slug="other", owner_email="o@other.example"
    )
    draft = create_achievement(world.platform, SYSTEM, org.id, fields())
    publish_achievement(world.platform, SYSTEM, draft.id)
    return World(world.platform, world.clock, org, draft.id, world.loader)


def test_counts_by_state_and_expiry(world: World) -> None:
    # the achievement's credentials are valid for 12 months
    soon = [issue_at(world, T0 - timedelta(days=300 - n), f"s{n}@example.org") for n in range(7)]
    later = issue_at(world, T0 - timedelta(days=200), "later@example.org")
    recent = [issue_at(world, T0 - timedelta(days=n), f"r{n}@example.org") for n in (1, 29)]
    revoke(world.platform, SYSTEM, soon[0], "mistake")
    suspend(world.platform, SYSTEM, recent[0], "review")
    suspend(world.platform, SYSTEM, soon[1], "review")
    revoke(world.platform, SYSTEM, soon[1], "mistake")  # revoked wins over suspended
    summary = dashboard(world.platform, world.viewer(), world.org.id)
    counts = summary.credentials
    assert (counts.total, counts.recent, counts.revoked, counts.suspended) == (10, 2, 2, 1)
    assert counts.expiring == 5
    assert [c.id for c in summary.expiring] == soon[2:7]
    assert all(c.name == "Data Literacy" for c in summary.expiring)
    assert later not in [c.id for c in summary.expiring]


def test_achievements_count_once_per_lineage(world: World) -> None:
    edit_achievement(world.platform, SYSTEM, world.achievement_id, fields(name="Data Literacy 2"))
    create_achievement(world.platform, SYSTEM, world.org.id, fields(name="Draft"))
    summary = dashboard(world.platform, world.viewer(), world.org.id)
    assert (summary.achievements, summary.published_achievements) == (2, 1)


def test_the_dashboard_is_for_members(world: World) -> None:
    with pytest.raises(PermissionDenied):
        dashboard(world.platform, Actor("user", "x", "another-org", Role.OWNER), world.org.id)
