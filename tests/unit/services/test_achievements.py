"""Achievements: drafts, versions, publishing and retiring, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine

from microcred.core.loader import DocumentLoader
from microcred.domain.achievements import (
    AchievementState,
    AlignmentSpec,
    ResultSpec,
    Validity,
    add_months,
)
from microcred.domain.model import SYSTEM, AuditEntry, PermissionDenied
from microcred.services.achievements import (
    achievement_document,
    create_achievement,
    edit_achievement,
    get_achievement,
    list_achievements,
    publish_achievement,
    retire_achievement,
)
from microcred.services.awards import award
from microcred.services.errors import Conflict, InvalidInput
from tests.unit.services.issuing_support import World, fields, make_world, verify


@pytest.fixture
def world(engine: Engine, loader: DocumentLoader) -> World:
    return make_world(engine, loader)


def test_a_published_achievement_never_changes(world: World) -> None:
    platform, org = world.platform, world.org
    v1 = get_achievement(platform, world.viewer(), world.achievement_id)
    assert (v1.state, v1.version, v1.lineage_id) == (AchievementState.PUBLISHED, 1, v1.id)
    v2 = edit_achievement(platform, world.issuer(), v1.id, fields(name="Data Literacy II"))
    assert (v2.state, v2.version, v2.lineage_id) == (AchievementState.DRAFT, 2, v1.lineage_id)
    assert v2.id != v1.id
    assert get_achievement(platform, SYSTEM, v1.id) == v1  # untouched
    with pytest.raises(Conflict, match=r"version 2 .* is a draft already"):
        edit_achievement(platform, SYSTEM, v1.id, fields(name="Another"))
    v2 = edit_achievement(platform, SYSTEM, v2.id, fields(name="Data Literacy 2"))  # in place
    assert v2.version == 2 and v2.fields.name == "Data Literacy 2"

    old = award(platform, SYSTEM, org.id, v1.id, "a@example.org", idempotency_key="v1")
    publish_achievement(platform, SYSTEM, v2.id)
    states = {a.version: a.state for a in list_achievements(platform, SYSTEM, org.id)}
    assert states == {1: AchievementState.SUPERSEDED, 2: AchievementState.PUBLISHED}
    with pytest.raises(Conflict, match="superseded"):
        award(platform, SYSTEM, org.id, v1.id, "b@example.org", idempotency_key="again")
    assert verify(world, old.credential).verified  # what was issued stays valid
    new = award(platform, SYSTEM, org.id, v2.id, "b@example.org", idempotency_key="v2")
    assert new.credential.document["credentialSubject"]["achievement"]["name"] == "Data Literacy 2"

    retired = retire_achievement(platform, SYSTEM, v2.id)
    assert retired.state is AchievementState.RETIRED
    with pytest.raises(Conflict, match="retired achievement cannot be edited"):
        edit_achievement(platform, SYSTEM, v2.id, fields())
    with pytest.raises(Conflict, match="a retired achievement cannot become published"):
        publish_achievement(platform, SYSTEM, v2.id)
    actions = [e.action for e in reversed(_audit(world))]
    assert actions[-7:] == [
        "achievement.version",
        "achievement.edit",
        "credential.award",
        "achievement.supersede",
        "achievement.publish",
        "credential.award",
        "achievement.retire",
    ]


def _audit(world: World) -> list[AuditEntry]:
    with world.platform.uow() as uow:
        return [e for e in uow.audit.for_org(world.org.id) if e.action != "key.create"]


def test_every_field_reaches_the_credential(world: World) -> None:
    full = fields(
        criteria_url="https://acme.example/criteria",
        image="data:image/png;base64,iVBORw0KGgo=",
        image_caption="The badge",
        field_of_study="Statistics",
        specialization="Visualisation",
        result_descriptions=(ResultSpec("Grade", "LetterGrade", ("A", "B", "C")),),
        validity=Validity(),
    )
    draft = create_achievement(world.platform, SYSTEM, world.org.id, full)
    publish_achievement(world.platform, SYSTEM, draft.id)
    issued = award(
        world.platform, SYSTEM, world.org.id, draft.id, "f@example.org", idempotency_key="f"
    )
    achievement = issued.credential.document["credentialSubject"]["achievement"]
    assert achievement == achievement_document(achievement["id"], full)
    assert achievement["criteria"] == {
        "id": "https://acme.example/criteria",
        "narrative": "Completed the **four** modules and the final project.",
    }
    assert achievement["alignment"][0]["targetType"] == "ceasn:Competency"
    assert achievement["resultDescription"][0]["allowedValue"] == ["A", "B", "C"]
    assert achievement["creditsAvailable"] == 1.5 and achievement["tag"] == ["data", "literacy"]
    assert achievement["image"] == {
        "id": "data:image/png;base64,iVBORw0KGgo=",
        "type": "Image",
        "caption": "The badge",
    }
    assert "validUntil" not in issued.credential.document  # no validity policy
    assert verify(world, issued.credential).verified


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"name": " "}, "name: required"),
        ({"description": ""}, "description: required"),
        ({"criteria_narrative": None}, "criteria: give a narrative, a URL, or both"),
        ({"criteria_url": "javascript:alert(1)"}, "criteria_url: 'javascript:alert"),
        (
            {"achievement_type": "Trophy"},
            "achievement_type: 'Trophy' is not one of the AchievementType terms",
        ),
        ({"image": "data:text/html;base64,PGgxPg=="}, "image: a data: URI must be"),
        ({"image": "not a url"}, "image: 'not a url' is not an http"),
        (
            {"alignments": (AlignmentSpec("Skill", "skills/1"),)},
            r"alignments\[0\].target_url: 'skills/1' is not an http\(s\) URL",
        ),
        ({"tags": ("a", "a")}, "tags: a tag is repeated"),
        ({"credits_available": -1}, "credits_available: -1 is not a number from 0"),
        ({"validity": Validity(days=1, months=1)}, "validity: give days or months, not both"),
        ({"validity": Validity(months=0)}, "validity.months: 0 is not a whole number"),
        ({"result_descriptions": (ResultSpec("G", "Mark"),)}, r"result_descriptions\[0\]"),
    ],
)
def test_bad_fields_are_named(world: World, changes: dict[str, object], words: str) -> None:
    with pytest.raises(InvalidInput, match=words):
        create_achievement(world.platform, SYSTEM, world.org.id, fields(**changes))
    with pytest.raises(InvalidInput, match=words):
        edit_achievement(world.platform, SYSTEM, world.achievement_id, fields(**changes))
    assert len(list_achievements(world.platform, SYSTEM, world.org.id)) == 1


def test_roles(world: World) -> None:
    with pytest.raises(PermissionDenied):
        create_achievement(world.platform, world.viewer(), world.org.id, fields())
    with pytest.raises(PermissionDenied):
        retire_achievement(world.platform, world.viewer(), world.achievement_id)
    assert len(list_achievements(world.platform, world.viewer(), world.org.id)) == 1
    created = create_achievement(world.platform, world.issuer(), world.org.id, fields())
    assert created.state is AchievementState.DRAFT


def test_months_end_on_the_last_day_of_a_shorter_month() -> None:
    start = datetime(2024, 1, 31, 9, tzinfo=UTC)
    assert add_months(start, 1) == datetime(2024, 2, 29, 9, tzinfo=UTC)
    assert add_months(start, 13) == datetime(2025, 2, 28, 9, tzinfo=UTC)
    assert Validity(months=24).until(start) == datetime(2026, 1, 31, 9, tzinfo=UTC)
    assert Validity().until(start) is None
