"""Achievements (what a badge stands for): their fields, versions and life cycle.

An achievement is a *draft* while it is written, *published* once it may be awarded,
*superseded* when a newer version of it is published, and *retired* when it may no longer
be awarded.  A published achievement never changes: editing it makes a new draft version
in the same lineage.  :func:`problems` lists what is wrong with the fields, each message
naming the field (``alignments[1].target_url: ...``).
"""

from __future__ import annotations

import calendar
import math
import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from microcred.core.documents import Alignment, is_url
from microcred.core.documents.obrules import VOCABULARIES


class AchievementState(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    SUPERSEDED = "superseded"
    RETIRED = "retired"


#: The states each state may move to.
TRANSITIONS: Mapping[AchievementState, frozenset[AchievementState]] = {
    AchievementState.DRAFT: frozenset({AchievementState.PUBLISHED, AchievementState.RETIRED}),
    AchievementState.PUBLISHED: frozenset({AchievementState.SUPERSEDED, AchievementState.RETIRED}),
    AchievementState.SUPERSEDED: frozenset({AchievementState.RETIRED}),
    AchievementState.RETIRED: frozenset(),
}

MAX_NAME = 200
MAX_TEXT = 20_000
MAX_LIST = 50
MAX_IMAGE_CHARS = 400_000  # a credential must stay well under the verifier's 1 MB
MAX_DAYS = 36_500
MAX_MONTHS = 1_200
_IMAGE_DATA = re.compile(r"data:image/(png|jpeg|gif|webp|svg\+xml);base64,[A-Za-z0-9+/]+={0,2}")


#: An alignment of the achievement to a framework node (a skill, a standard): the core's
#: Open Badges ``Alignment``, which already holds exactly these fields.
AlignmentSpec = Alignment


@dataclass(frozen=True)
class ResultSpec:
    """A possible result of the achievement (a grade, a score, a status, ...)."""

    name: str
    result_type: str
    allowed_values: tuple[str, ...] = ()
    required_value: str | None = None
    value_min: str | None = None
    value_max: str | None = None


@dataclass(frozen=True)
class Validity:
    """How long an award is valid: N days or N months from its ``validFrom``."""

    days: int | None = None
    months: int | None = None

    def until(self, start: datetime) -> datetime | None:
        """The ``validUntil`` of an award valid from ``start`` (None: no end)."""
        if self.days is not None:
            return start + timedelta(days=self.days)
        if self.months is not None:
            return add_months(start, self.months)
        return None


def add_months(start: datetime, months: int) -> datetime:
    """``start`` plus whole months; the 31st of a shorter month becomes its last day."""
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    return start.replace(year=year, month=month, day=day)


@dataclass(frozen=True)
class AchievementFields:
    """The Open Badges 3.0 ``Achievement`` fields an issuer writes, plus a validity policy."""

    name: str
    description: str
    criteria_narrative: str | None = None
    criteria_url: str | None = None
    achievement_type: str | None = None
    image: str | None = None
    image_caption: str | None = None
    alignments: tuple[AlignmentSpec, ...] = ()
    tags: tuple[str, ...] = ()
    credits_available: float | None = None
    field_of_study: str | None = None
    specialization: str | None = None
    result_descriptions: tuple[ResultSpec, ...] = ()
    validity: Validity = field(default_factory=Validity)

    def to_data(self) -> dict[str, Any]:
        """A JSON-serialisable form (what the database keeps)."""
        return asdict(self)

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> AchievementFields:
        values = dict(data)
        values["alignments"] = tuple(AlignmentSpec(**a) for a in values.get("alignments", ()))
        values["tags"] = tuple(values.get("tags", ()))
        values["result_descriptions"] = tuple(
            ResultSpec(**{**r, "allowed_values": tuple(r.get("allowed_values", ()))})
            for r in values.get("result_descriptions", ())
        )
        values["validity"] = Validity(**values.get("validity", {}))
        return cls(**values)


@dataclass(frozen=True)
class Achievement:
    """One version of an achievement; versions of the same achievement share a lineage."""

    id: str
    org_id: str
    lineage_id: str
    version: int
    state: AchievementState
    fields: AchievementFields
    created_at: datetime

    @property
    def awardable(self) -> bool:
        return self.state is AchievementState.PUBLISHED

    @property
    def editable_in_place(self) -> bool:
        return self.state is AchievementState.DRAFT


def transition_problem(current: AchievementState, target: AchievementState) -> str | None:
    """Why ``current`` may not become ``target``, or None when it may."""
    if target in TRANSITIONS[current]:
        return None
    return f"a {current.value} achievement cannot become {target.value}"


# --------------------------------------------------------------------------- validation


def problems(fields: AchievementFields) -> list[str]:
    """Everything wrong with ``fields``, each message starting with the field's name."""
    found: list[str] = []
    _text(found, "name", fields.name, MAX_NAME, required=True)
    _text(found, "description", fields.description, MAX_TEXT, required=True)
    _criteria(found, fields)
    _term(found, "achievement_type", fields.achievement_type, "AchievementType")
    _image(found, fields.image)
    _text(found, "image_caption", fields.image_caption, MAX_NAME)
    if fields.image_caption and not fields.image:
        found.append("image_caption: give an image too")
    _many(found, "alignments", fields.alignments)
    for index, alignment in enumerate(fields.alignments):
        _alignment(found, f"alignments[{index}]", alignment)
    _tags(found, fields.tags)
    _credits(found, fields.credits_available)
    _text(found, "field_of_study", fields.field_of_study, MAX_NAME)
    _text(found, "specialization", fields.specialization, MAX_NAME)
    _many(found, "result_descriptions", fields.result_descriptions)
    for index, result in enumerate(fields.result_descriptions):
        _result(found, f"result_descriptions[{index}]", result)
    _validity(found, fields.validity)
    return found


def _text(
    found: list[str], name: str, value: str | None, limit: int, *, required: bool = False
) -> None:
    if value is None or not value.strip():
        if required:
            found.append(f"{name}: required, give 1-{limit:,} characters")
        elif value is not None:
            found.append(f"{name}: leave it out or give 1-{limit:,} characters")
        return
    if len(value) > limit:
        found.append(f"{name}: {len(value):,} characters is too long (at most {limit:,})")


def _web_url(value: str) -> bool:
    return is_url(value) and value.lower().startswith(("https://", "http://"))


def _url(found: list[str], name: str, value: str | None, *, required: bool = False) -> None:
    if value is None:
        if required:
            found.append(f"{name}: required, give an http(s) URL")
        return
    if len(value) > 2000 or not _web_url(value):
        found.append(f"{name}: {value[:80]!r} is not an http(s) URL")


def _criteria(found: list[str], fields: AchievementFields) -> None:
    if fields.criteria_narrative is None and fields.criteria_url is None:
        found.append("criteria: give a narrative, a URL, or both")
    _text(found, "criteria_narrative", fields.criteria_narrative, MAX_TEXT)
    _url(found, "criteria_url", fields.criteria_url)


def _term(found: list[str], name: str, value: str | None, vocabulary: str) -> None:
    if value is None:
        return
    terms = VOCABULARIES[vocabulary].terms
    if value not in terms and not re.fullmatch(r"ext:[A-Za-z0-9._-]+", value):
        found.append(
            f"{name}: {value[:80]!r} is not one of the {vocabulary} terms (such as "
            f"{', '.join(sorted(terms)[:3])}) nor an extension term such as ext:MyTerm"
        )


def _image(found: list[str], value: str | None) -> None:
    if value is None:
        return
    if value.startswith("data:"):
        if len(value) > MAX_IMAGE_CHARS:
            found.append(
                f"image: the data: URI has {len(value):,} characters (at most "
                f"{MAX_IMAGE_CHARS:,}); host the image and give its URL"
            )
        elif not _IMAGE_DATA.fullmatch(value):
            found.append(
                "image: a data: URI must be data:image/<png|jpeg|gif|webp|svg+xml>;base64,..."
            )
        return
    _url(found, "image", value)


def _many(found: list[str], name: str, values: tuple[object, ...]) -> None:
    if len(values) > MAX_LIST:
        found.append(f"{name}: {len(values)} given, at most {MAX_LIST}")


def _alignment(found: list[str], where: str, alignment: AlignmentSpec) -> None:
    _text(found, f"{where}.target_name", alignment.target_name, MAX_NAME, required=True)
    _url(found, f"{where}.target_url", alignment.target_url, required=True)
    _text(found, f"{where}.target_framework", alignment.target_framework, MAX_NAME)
    _text(found, f"{where}.target_code", alignment.target_code, MAX_NAME)
    _text(found, f"{where}.target_description", alignment.target_description, MAX_TEXT)
    _term(found, f"{where}.target_type", alignment.target_type, "AlignmentTargetType")


def _tags(found: list[str], tags: tuple[str, ...]) -> None:
    _many(found, "tags", tags)
    for index, tag in enumerate(tags):
        _text(found, f"tags[{index}]", tag, 100, required=True)
    if len(set(tags)) != len(tags):
        found.append("tags: a tag is repeated")


def _credits(found: list[str], value: float | None) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int | float):
        found.append(f"credits_available: {value!r} is not a number")
    elif not math.isfinite(value) or not 0 <= value <= 10_000:
        found.append(f"credits_available: {value!r} is not a number from 0 to 10,000")


def _result(found: list[str], where: str, result: ResultSpec) -> None:
    _text(found, f"{where}.name", result.name, MAX_NAME, required=True)
    _term(found, f"{where}.result_type", result.result_type, "ResultType")
    for name in ("required_value", "value_min", "value_max"):
        _text(found, f"{where}.{name}", getattr(result, name), MAX_NAME)
    for index, value in enumerate(result.allowed_values):
        _text(found, f"{where}.allowed_values[{index}]", value, MAX_NAME, required=True)


def _validity(found: list[str], validity: Validity) -> None:
    if validity.days is not None and validity.months is not None:
        found.append("validity: give days or months, not both")
    for name, value, limit in (
        ("validity.days", validity.days, MAX_DAYS),
        ("validity.months", validity.months, MAX_MONTHS),
    ):
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= limit:
            found.append(f"{name}: {value!r} is not a whole number from 1 to {limit:,}")
