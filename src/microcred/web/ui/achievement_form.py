"""The achievement form: its fields to :class:`AchievementFields`, and back for editing."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from starlette.datastructures import FormData

from microcred.domain.achievements import AchievementFields, AlignmentSpec, Validity
from microcred.web.ui.forms import optional, text
from microcred.web.ui.notices import N_

ALIGNMENT_ROWS = 3
ACHIEVEMENT_TYPES = (
    ("", N_("(not set)")),
    ("Badge", N_("Badge")),
    ("Certificate", N_("Certificate")),
    ("Certification", N_("Certification")),
    ("Course", N_("Course")),
    ("Competency", N_("Competency")),
    ("MicroCredential", N_("Micro-credential")),
    ("License", N_("Licence")),
    ("Assessment", N_("Assessment")),
    ("Award", N_("Award")),
)
ALIGNMENT_KEYS = ("target_name", "target_url", "target_framework", "target_code", "target_type")


@dataclass
class Parsed:
    fields: AchievementFields | None
    errors: list[str] = field(default_factory=list)


def _number(form: FormData, name: str, errors: list[str], label: str) -> float | None:
    raw = text(form, name, 40)
    if not raw:
        return None
    try:
        return float(raw)
    except ValueError:
        errors.append(f"{label}: {raw!r} is not a number")
        return None


def _validity(form: FormData, errors: list[str]) -> Validity:
    amount = _number(form, "valid_for", errors, "valid for")
    if amount is None:
        return Validity()
    if amount != int(amount) or amount < 1:
        errors.append("valid for: give a whole number of days or months, 1 or more")
        return Validity()
    unit = text(form, "valid_unit", 10)
    return Validity(months=int(amount)) if unit == "months" else Validity(days=int(amount))


def _alignments(form: FormData, errors: list[str]) -> tuple[AlignmentSpec, ...]:
    found = []
    for row in range(ALIGNMENT_ROWS):
        values = {key: optional(form, f"alignment_{row}_{key}", 2000) for key in ALIGNMENT_KEYS}
        if not any(values.values()):
            continue
        if not values["target_name"] or not values["target_url"]:
            errors.append(f"skill {row + 1}: give both its name and its URL")
            continue
        found.append(AlignmentSpec(**{k: v for k, v in values.items() if v}))
    return tuple(found)


def parse(form: FormData, image: str | None) -> Parsed:
    errors: list[str] = []
    tags = tuple(t.strip() for t in text(form, "tags", 2000).split(",") if t.strip())
    fields = AchievementFields(
        name=text(form, "name", 400),
        description=text(form, "description"),
        criteria_narrative=optional(form, "criteria_narrative"),
        criteria_url=optional(form, "criteria_url", 2000),
        achievement_type=optional(form, "achievement_type", 60),
        image=image,
        image_caption=optional(form, "name", 400) if image else None,
        alignments=_alignments(form, errors),
        tags=tags,
        credits_available=_number(form, "credits_available", errors, "credits"),
        field_of_study=optional(form, "field_of_study", 400),
        specialization=optional(form, "specialization", 400),
        validity=_validity(form, errors),
    )
    if not fields.name:
        errors.append("name: give the achievement a name")
    if not fields.description:
        errors.append("description: say what the achievement stands for")
    return Parsed(None if errors else fields, errors)


def values_of(fields: AchievementFields | None, form: FormData | None = None) -> dict[str, Any]:
    """What the form shows: the submitted values after an error, else the achievement's."""
    if form is not None:
        return {key: text(form, key) for key in form if isinstance(form.get(key), str)}
    if fields is None:
        return {"badge_colour": "#1f5fad", "badge_icon": "award", "image_choice": "generate"}
    values: dict[str, Any] = {
        "name": fields.name,
        "description": fields.description,
        "criteria_narrative": fields.criteria_narrative or "",
        "criteria_url": fields.criteria_url or "",
        "achievement_type": fields.achievement_type or "",
        "tags": ", ".join(fields.tags),
        "credits_available": _plain(fields.credits_available),
        "field_of_study": fields.field_of_study or "",
        "specialization": fields.specialization or "",
        "valid_for": fields.validity.months or fields.validity.days or "",
        "valid_unit": "months" if fields.validity.months else "days",
        "image_choice": "keep" if fields.image else "generate",
        "badge_colour": "#1f5fad",
        "badge_icon": "award",
    }
    for row, alignment in enumerate(fields.alignments[:ALIGNMENT_ROWS]):
        for key in ALIGNMENT_KEYS:
            values[f"alignment_{row}_{key}"] = getattr(alignment, key) or ""
    return values


def _plain(number: float | None) -> str:
    if number is None:
        return ""
    return str(int(number)) if number == int(number) else str(number)
