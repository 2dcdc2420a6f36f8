"""Achievements: create a draft, edit it, publish it, retire it.

A published achievement never changes: editing it makes a new draft version (same
lineage, version + 1); publishing that version supersedes the one before, and only the
published version of a lineage can be awarded.  Every change is audited.
"""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, datetime

from microcred.core.documents import (
    Criteria,
    Image,
    ResultDescription,
    build_achievement,
    build_open_badge_credential,
    hash_identity,
)
from microcred.core.errors import DocumentError
from microcred.domain.achievements import (
    Achievement,
    AchievementFields,
    AchievementState,
    problems,
    transition_problem,
)
from microcred.domain.model import Actor, AuditEntry, Role
from microcred.services.errors import Conflict, InvalidInput, NotFound
from microcred.services.keys import get_org
from microcred.services.organisations import Platform
from microcred.services.ports import UnitOfWork

Json = dict[str, object]


def achievement_url(base_url: str, slug: str, achievement_id: str) -> str:
    return f"{base_url.rstrip('/')}/orgs/{slug}/achievements/{achievement_id}"


def achievement_document(url: str, fields: AchievementFields) -> Json:
    """The Open Badges 3.0 ``Achievement`` of one version, whose id is ``url``."""
    return build_achievement(
        id=url,
        name=fields.name.strip(),
        description=fields.description.strip(),
        criteria=Criteria(narrative=fields.criteria_narrative, id=fields.criteria_url),
        achievement_type=fields.achievement_type,
        image=Image(fields.image, fields.image_caption) if fields.image else None,
        alignments=fields.alignments,
        tags=fields.tags,
        result_descriptions=[
            ResultDescription(
                f"{url}#result-{index}",
                r.name,
                r.result_type,
                r.allowed_values,
                r.required_value,
                r.value_min,
                r.value_max,
            )
            for index, r in enumerate(fields.result_descriptions, start=1)
        ],
        credits_available=fields.credits_available,
        field_of_study=fields.field_of_study,
        specialization=fields.specialization,
    )


def check_fields(fields: AchievementFields, url: str = "https://example.org/a/1") -> None:
    """Raise :class:`InvalidInput` naming every bad field; then check that a credential
    awarding the achievement would be valid Open Badges 3.0."""
    found = problems(fields)
    if found:
        raise InvalidInput("; ".join(found))
    try:
        build_open_badge_credential(
            id="urn:uuid:00000000-0000-4000-8000-000000000000",
            issuer="did:example:issuer",
            achievement=achievement_document(url, fields),
            recipient=hash_identity("probe@example.org", "salt"),
            valid_from=datetime(2026, 1, 1, tzinfo=UTC),
            name=fields.name,
        )
    except DocumentError as exc:
        raise InvalidInput(f"the achievement would not make a valid credential: {exc}") from exc


def create_achievement(
    platform: Platform, actor: Actor, org_id: str, fields: AchievementFields
) -> Achievement:
    """A new achievement, as a draft (version 1 of a new lineage)."""
    actor.require(org_id, Role.ISSUER)
    check_fields(fields)
    now = platform.clock()
    new_id = str(uuid.uuid4())
    achievement = Achievement(new_id, org_id, new_id, 1, AchievementState.DRAFT, fields, now)
    with platform.uow() as uow:
        get_org(uow, org_id)
        uow.achievements.add(achievement)
        _audit(uow, actor, achievement, "achievement.create", now)
        uow.commit()
    return achievement


def edit_achievement(
    platform: Platform, actor: Actor, achievement_id: str, fields: AchievementFields
) -> Achievement:
    """Change a draft in place; editing a published (or superseded) version makes a new
    draft version instead, leaving what was published untouched."""
    check_fields(fields)
    now = platform.clock()
    with platform.uow() as uow:
        current = _get(uow, actor, achievement_id)
        if current.state is AchievementState.RETIRED:
            raise Conflict("a retired achievement cannot be edited")
        if current.editable_in_place:
            edited = replace(current, fields=fields)
            uow.achievements.save(edited)
            _audit(uow, actor, edited, "achievement.edit", now)
        else:
            edited = _new_version(uow, current, fields, now)
            _audit(uow, actor, edited, "achievement.version", now)
        uow.commit()
    return edited


def _new_version(
    uow: UnitOfWork, current: Achievement, fields: AchievementFields, now: datetime
) -> Achievement:
    versions = uow.achievements.lineage(current.lineage_id)
    draft = next((v for v in versions if v.state is AchievementState.DRAFT), None)
    if draft is not None:
        raise Conflict(f"version {draft.version} ({draft.id}) is a draft already: edit it")
    version = uow.achievements.latest_version(current.lineage_id) + 1
    edited = Achievement(
        str(uuid.uuid4()),
        current.org_id,
        current.lineage_id,
        version,
        AchievementState.DRAFT,
        fields,
        now,
    )
    uow.achievements.add(edited)
    return edited


def publish_achievement(platform: Platform, actor: Actor, achievement_id: str) -> Achievement:
    """Make a draft awardable; the lineage's previously published version is superseded."""
    now = platform.clock()
    with platform.uow() as uow:
        draft = _get(uow, actor, achievement_id)
        _require(draft, AchievementState.PUBLISHED)
        org = get_org(uow, draft.org_id)
        check_fields(draft.fields, achievement_url(platform.base_url, org.slug, draft.id))
        for older in uow.achievements.lineage(draft.lineage_id):
            if older.state is AchievementState.PUBLISHED:
                uow.achievements.save(replace(older, state=AchievementState.SUPERSEDED))
                _audit(uow, actor, older, "achievement.supersede", now)
        published = replace(draft, state=AchievementState.PUBLISHED)
        uow.achievements.save(published)
        _audit(uow, actor, published, "achievement.publish", now)
        uow.commit()
    return published


def retire_achievement(platform: Platform, actor: Actor, achievement_id: str) -> Achievement:
    """No more awards of this version (credentials already issued stay as they are)."""
    now = platform.clock()
    with platform.uow() as uow:
        current = _get(uow, actor, achievement_id)
        _require(current, AchievementState.RETIRED)
        retired = replace(current, state=AchievementState.RETIRED)
        uow.achievements.save(retired)
        _audit(uow, actor, retired, "achievement.retire", now)
        uow.commit()
    return retired


def get_achievement(platform: Platform, actor: Actor, achievement_id: str) -> Achievement:
    with platform.uow() as uow:
        return _get(uow, actor, achievement_id, Role.VIEWER)


def list_achievements(
    platform: Platform, actor: Actor, org_id: str, state: AchievementState | None = None
) -> list[Achievement]:
    actor.require(org_id, Role.VIEWER)
    with platform.uow() as uow:
        return uow.achievements.for_org(org_id, state)


def _get(
    uow: UnitOfWork, actor: Actor, achievement_id: str, role: Role = Role.ISSUER
) -> Achievement:
    achievement = uow.achievements.get(achievement_id)
    if achievement is None:
        raise NotFound(f"no achievement {achievement_id}")
    actor.require(achievement.org_id, role)
    return achievement


def _require(achievement: Achievement, target: AchievementState) -> None:
    problem = transition_problem(achievement.state, target)
    if problem:
        raise Conflict(problem)


def _audit(uow: UnitOfWork, actor: Actor, a: Achievement, action: str, now: datetime) -> None:
    detail = {"lineage_id": a.lineage_id, "version": a.version, "name": a.fields.name}
    uow.audit.append(AuditEntry(a.org_id, actor.label, action, a.id, detail, now))
