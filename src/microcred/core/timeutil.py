"""XML Schema dateTime handling for credentials (validFrom, created, ...)."""

from __future__ import annotations

import re
from datetime import UTC, datetime

# dateTimeStamp: a timezone is required; fractional seconds are allowed.
_STAMP = re.compile(r"^-?\d{4,}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
# dateTime (VC 1.1 issuanceDate): the timezone is optional.
_DATETIME = re.compile(r"^-?\d{4,}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$")


def parse_datetime(value: object, *, require_timezone: bool = True) -> datetime | None:
    """Parse an XML Schema dateTime(Stamp); ``None`` if it is not one.

    A value without a timezone (allowed only when ``require_timezone`` is false) is read
    as UTC.
    """
    pattern = _STAMP if require_timezone else _DATETIME
    if not isinstance(value, str) or not pattern.match(value):
        return None
    text = value.replace("Z", "+00:00")
    if "." in text:
        head, _, tail = text.partition(".")
        digits = re.match(r"\d+", tail)
        frac = digits.group(0) if digits else ""
        text = head + "." + (frac + "000000")[:6] + tail[len(frac) :]
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def format_datetime(moment: datetime) -> str:
    """``YYYY-MM-DDThh:mm:ssZ`` in UTC (seconds precision)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def utc_now() -> datetime:
    return datetime.now(UTC)
