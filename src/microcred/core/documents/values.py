"""Value-level predicates shared by the data-model rules: URLs, dateTimes, types, text."""

from __future__ import annotations

import calendar
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")
# Characters an IRI cannot hold: controls, space, DEL and <>"{}|\^`
_NOT_IN_IRI = re.compile(r'[\x00-\x20\x7f<>"{}|\\^`]')
_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")

# XML Schema 1.1 dateTime; the offset is what makes it a dateTimeStamp.
_DATETIME = re.compile(
    r"(?P<date>-?(?:[1-9][0-9]{3,}|0[0-9]{3})-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01]))"
    r"T(?P<time>(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\.[0-9]+)?|24:00:00(?:\.0+)?)"
    r"(?P<offset>Z|[+-](?:(?:0[0-9]|1[0-3]):[0-5][0-9]|14:00))?"
)
_DATE = re.compile(r"-?(?:[1-9][0-9]{3,}|0[0-9]{3})-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])")
_LANGUAGE_TAG = re.compile(r"[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*")
_LANGUAGE_KEYS = frozenset({"@value", "@language", "@direction"})

MAX_SHOWN = 60


def is_url(value: Any) -> bool:
    """A single absolute IRI: a scheme, ``:``, and no character an IRI cannot hold."""
    if not isinstance(value, str):
        return False
    scheme = _SCHEME.match(value)
    if scheme is None or scheme.end() == len(value):
        return False
    if _NOT_IN_IRI.search(value) is not None:
        return False
    return _PERCENT.search(value) is None


def is_data_url(value: Any) -> bool:
    """An RFC 2397 ``data:`` URL (``data:[<media type>][;base64],<data>``)."""
    return is_url(value) and value[:5].lower() == "data:" and "," in value


def is_date(value: Any) -> bool:
    """An XML Schema ``date`` (``YYYY-MM-DD``) that names a real day."""
    return isinstance(value, str) and _DATE.fullmatch(value) is not None and _real_day(value)


def _real_day(date: str) -> bool:
    """Whether a ``[-]YYYY-MM-DD`` date names a day its month has (leap years included)."""
    year_text, month, day = date.rsplit("-", 2)
    year = int(year_text or "0")  # "-YYYY" splits into an empty first part
    if not 1 <= year <= 9999:
        year = 2000 + year % 400  # the Gregorian calendar repeats every 400 years
    return int(day) <= calendar.monthrange(year, int(month))[1]


def is_language_tag(value: Any) -> bool:
    return isinstance(value, str) and _LANGUAGE_TAG.fullmatch(value) is not None


def is_text(value: Any) -> bool:
    """A string, a language value object, or a list of language value objects."""
    if isinstance(value, str):
        return True
    if isinstance(value, list):
        return bool(value) and all(_is_language_value(item) for item in value)
    return _is_language_value(value)


def _is_language_value(value: Any) -> bool:
    return (
        isinstance(value, Mapping)
        and isinstance(value.get("@value"), str)
        and set(value) <= _LANGUAGE_KEYS
    )


def type_values(node: Any) -> list[str]:
    """The string values of a node's ``type`` (empty if there is none or it is malformed)."""
    if not isinstance(node, Mapping):
        return []
    value = node.get("type")
    items = value if isinstance(value, list) else [value]
    return [item for item in items if isinstance(item, str)]


def has_type(node: Any, *names: str) -> bool:
    """Whether the node's ``type`` includes any of ``names``."""
    return bool(set(type_values(node)).intersection(names))


def node_id(value: Any) -> str | None:
    """The identifier of a value that is a URL or an object with an ``id``."""
    if isinstance(value, Mapping):
        value = value.get("id")
    return value if isinstance(value, str) else None


def describe(value: Any) -> str:
    """A short description of a JSON value for a message (strings are shortened)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        shown = value if len(value) <= MAX_SHOWN else value[: MAX_SHOWN - 3] + "..."
        return repr(shown)
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, list):
        return "a list"
    return "an object" if isinstance(value, Mapping) else f"a {type(value).__name__}"


@dataclass(frozen=True)
class Timestamp:
    """A parsed XML Schema dateTime.

    ``instant`` is ``None`` for a year Python cannot represent (before 1 or after 9999);
    a value without an offset is read as UTC, as VC Data Model 2.0 requires.
    """

    text: str
    instant: datetime | None
    has_offset: bool


def parse_timestamp(value: Any) -> Timestamp | None:
    """Parse an XML Schema ``dateTime`` / ``dateTimeStamp``; ``None`` if it is not one."""
    if not isinstance(value, str):
        return None
    match = _DATETIME.fullmatch(value)
    if match is None:
        return None
    date, time, offset = match.group("date", "time", "offset")
    if not _real_day(date):
        return None
    if not 1 <= int(date[:-6] or "0") <= 9999:
        return Timestamp(value, None, offset is not None)
    return Timestamp(value, _instant(date, time, offset or "Z"), offset is not None)


def _instant(date: str, time: str, offset: str) -> datetime | None:
    end_of_day = time.startswith("24:")
    clock, _, fraction = ("00:00:00" if end_of_day else time).partition(".")
    micros = (fraction + "000000")[:6]
    moment = datetime.fromisoformat(f"{date}T{clock}.{micros}{_iso_offset(offset)}")
    try:
        return (moment + timedelta(days=1) if end_of_day else moment).astimezone(UTC)
    except OverflowError:
        return None  # within a day of the years Python can represent


def _iso_offset(offset: str) -> str:
    return "+00:00" if offset == "Z" else offset


def format_timestamp(moment: datetime) -> str:
    """A timezone-aware datetime as a dateTimeStamp in UTC (``...Z``)."""
    text = moment.astimezone(UTC).isoformat()
    return text.removesuffix("+00:00") + "Z"
