"""``/api/v1/orgs/{slug}/achievements``: write, edit, publish and retire achievements.

A published achievement never changes: a PATCH of it makes a new draft version (a new
id, the same ``lineage_id``), which publishing then puts in its place.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response, status
from pydantic import BaseModel, ConfigDict, Field

from microcred.domain.achievements import Achievement, AchievementFields, AchievementState
from microcred.domain.model import Role
from microcred.services.achievements import (
    achievement_url,
    create_achievement,
    edit_achievement,
    list_achievements,
    publish_achievement,
    retire_achievement,
)
from microcred.services.vcapi_issuing import is_placeholder
from microcred.web.api.common import achievement_in, problems
from microcred.web.auth import InOrg
from microcred.web.context import Ctx, WebContext
from microcred.web.routing import StrictJSONRoute

router = APIRouter(
    prefix="/api/v1/orgs/{slug}/achievements",
    tags=["achievements"],
    route_class=StrictJSONRoute,
)

#: Lists (and validity) that JSON ``null`` empties when an achievement is patched.
_EMPTY_WHEN_NULL: dict[str, Any] = {
    "alignments": (),
    "tags": (),
    "result_descriptions": (),
    "validity": {},
}


class Alignment(BaseModel):
    model_config = ConfigDict(extra="forbid")

    target_name: str
    target_url: str
    target_framework: str | None = None
    target_code: str | None = None
    target_type: str | None = Field(default=None, description="e.g. ceasn:Competency")
    target_description: str | None = None


class ResultDescription(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    result_type: str = Field(description="An OB 3.0 ResultType, e.g. LetterGrade.")
    allowed_values: list[str] = Field(default_factory=list)
    required_value: str | None = None
    value_min: str | None = None
    value_max: str | None = None


class ValidityIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    days: int | None = Field(default=None, description="Awards are valid this many days.")
    months: int | None = Field(default=None, description="... or this many months.")


class AchievementPatch(BaseModel):
    """The fields to change; those left out keep their value, ``null`` removes one."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = None
    description: str | None = None
    criteria_narrative: str | None = Field(default=None, description="Markdown.")
    criteria_url: str | None = None
    achievement_type: str | None = Field(default=None, description="e.g. Badge, Course.")
    image: str | None = Field(default=None, description="An http(s) URL or a data: URI.")
    image_caption: str | None = None
    alignments: list[Alignment] | None = None
    tags: list[str] | None = None
    credits_available: float | None = None
    field_of_study: str | None = None
    specialization: str | None = None
    result_descriptions: list[ResultDescription] | None = None
    validity: ValidityIn | None = None


class AchievementIn(AchievementPatch):
    """A new achievement (a draft until it is published)."""

    name: str
    description: str
    alignments: list[Alignment] = Field(default_factory=list)
    tags: list[str] = Field(default_factory=list)
    result_descriptions: list[ResultDescription] = Field(default_factory=list)
    validity: ValidityIn = Field(default_factory=ValidityIn)


class AchievementOut(BaseModel):
    id: str
    lineage_id: str
    version: int
    state: AchievementState
    created_at: datetime
    url: str = Field(description="The public Open Badges 3.0 Achievement (once published).")
    name: str
    description: str
    criteria_narrative: str | None
    criteria_url: str | None
    achievement_type: str | None
    image: str | None
    image_caption: str | None
    alignments: list[Alignment]
    tags: list[str]
    credits_available: float | None
    field_of_study: str | None
    specialization: str | None
    result_descriptions: list[ResultDescription]
    validity: ValidityIn


def _fields(data: dict[str, Any]) -> AchievementFields:
    values = {
        k: (_EMPTY_WHEN_NULL[k] if v is None and k in _EMPTY_WHEN_NULL else v)
        for k, v in data.items()
    }
    return AchievementFields.from_data(values)


def _out(context: WebContext, slug: str, achievement: Achievement) -> AchievementOut:
    data = achievement.fields.to_data()
    return AchievementOut(
        id=achievement.id,
        lineage_id=achievement.lineage_id,
        version=achievement.version,
        state=achievement.state,
        created_at=achievement.created_at,
        url=achievement_url(context.settings.base_url, slug, achievement.id),
        **data,
    )


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    summary="Create an achievement, as a draft (issuers)",
    responses=problems(401, 403, 404, 422),
)
def create(body: AchievementIn, scope: InOrg, context: Ctx, response: Response) -> AchievementOut:
    fields = _fields(body.model_dump())
    achievement = create_achievement(context.platform, scope.actor, scope.org.id, fields)
    response.headers["Location"] = f"/api/v1/orgs/{scope.org.slug}/achievements/{achievement.id}"
    return _out(context, scope.org.slug, achievement)


@router.get(
    "",
    summary="The organisation's achievements, every version (members)",
    responses=problems(401, 403, 404, 422),
)
def list_all(
    scope: InOrg,
    context: Ctx,
    state: Annotated[AchievementState | None, Query(description="Only this state.")] = None,
) -> list[AchievementOut]:
    found = list_achievements(context.platform, scope.actor, scope.org.id, state)
    return [_out(context, scope.org.slug, a) for a in found if not is_placeholder(a)]


@router.get(
    "/{achievement_id}",
    summary="One achievement version (members)",
    responses=problems(401, 403, 404),
)
def get_one(achievement_id: str, scope: InOrg, context: Ctx) -> AchievementOut:
    return _out(context, scope.org.slug, achievement_in(context, scope, achievement_id))


@router.patch(
    "/{achievement_id}",
    summary="Edit a draft, or make a new draft version of a published one (issuers)",
    responses=problems(401, 403, 404, 409, 422),
)
def edit(achievement_id: str, body: AchievementPatch, scope: InOrg, context: Ctx) -> AchievementOut:
    current = achievement_in(context, scope, achievement_id, Role.ISSUER)
    data = current.fields.to_data()
    data.update(body.model_dump(exclude_unset=True))
    edited = edit_achievement(context.platform, scope.actor, current.id, _fields(data))
    return _out(context, scope.org.slug, edited)


@router.post(
    "/{achievement_id}/publish",
    summary="Publish a draft: it can be awarded; the version before is superseded (issuers)",
    responses=problems(401, 403, 404, 409, 422),
)
def publish(achievement_id: str, scope: InOrg, context: Ctx) -> AchievementOut:
    current = achievement_in(context, scope, achievement_id, Role.ISSUER)
    published = publish_achievement(context.platform, scope.actor, current.id)
    return _out(context, scope.org.slug, published)


@router.post(
    "/{achievement_id}/retire",
    summary="Retire a version: no more awards of it (issuers)",
    responses=problems(401, 403, 404, 409),
)
def retire(achievement_id: str, scope: InOrg, context: Ctx) -> AchievementOut:
    current = achievement_in(context, scope, achievement_id, Role.ISSUER)
    retired = retire_achievement(context.platform, scope.actor, current.id)
    return _out(context, scope.org.slug, retired)
