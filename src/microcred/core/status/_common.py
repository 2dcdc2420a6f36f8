"""Constants and small helpers shared by the status list modules."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any, TypeGuard
from urllib.parse import urlsplit

from microcred.core.errors import StatusListError
from microcred.core.report import Problem

VC_V2_CONTEXT = "https://www.w3.org/ns/credentials/v2"
LIST_CREDENTIAL_TYPE = "BitstringStatusListCredential"
LIST_TYPE = "BitstringStatusList"
ENTRY_TYPE = "BitstringStatusListEntry"

#: The spec's minimum number of entries of a list (16 KB of single-bit entries).
MIN_ENTRIES = 131_072
#: The spec's minimum size of an uncompressed bitstring.
MIN_BYTES = 16_384
#: Hard cap on a decompressed bitstring: a larger one is refused as a decompression bomb.
MAX_DECOMPRESSED_BYTES = 16 * 1024 * 1024
#: Largest ``encodedList`` accepted (more than the base64url form of a 16 MiB GZIP member).
MAX_ENCODED_CHARS = 24_000_000
#: Largest ``statusSize`` supported (the spec sets no maximum).
MAX_STATUS_SIZE = 16

MALFORMED = Problem.MALFORMED_VALUE_ERROR
VERIFICATION = Problem.STATUS_VERIFICATION_ERROR

_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[^\s\x00-\x1f\x7f]+")
_MAX_URL = 2048
_MAX_QUOTED = 200


def status_error(message: str, problem: Problem) -> StatusListError:
    """A :class:`StatusListError` carrying the spec problem code ``problem``."""
    error = StatusListError(message)
    error.problem = problem.value
    return error


def quote(text: str) -> str:
    """Untrusted text, quoted with control characters escaped and its length bounded."""
    return json.dumps(text[:_MAX_QUOTED], ensure_ascii=False)


def is_int(value: object) -> TypeGuard[int]:
    """An ``int`` that is not a ``bool``."""
    return isinstance(value, int) and not isinstance(value, bool)


def is_url(value: object) -> bool:
    """An absolute URL (``http``/``https`` ones with a host), without spaces or controls."""
    if not isinstance(value, str) or len(value) > _MAX_URL or not _URL.fullmatch(value):
        return False
    try:
        parts = urlsplit(value)
    except ValueError:
        return False
    return parts.scheme.lower() not in ("http", "https") or bool(parts.hostname)


def require_url(value: object, name: str) -> str:
    if not is_url(value):
        raise status_error(f"{name} must be an absolute URL, not {value!r:.80}", MALFORMED)
    return str(value)


def has_type(document: Mapping[str, Any], name: str) -> bool:
    """Whether ``document.type`` is ``name`` or a list that includes it."""
    types = document.get("type")
    return types == name or (isinstance(types, list) and name in types)


def check_status_size(status_size: object) -> int:
    if not is_int(status_size) or status_size < 1:
        raise status_error(
            f"statusSize must be an integer of at least 1, not {status_size!r:.40}", MALFORMED
        )
    if status_size > MAX_STATUS_SIZE:
        raise status_error(
            f"statusSize {status_size} is not supported (the largest is {MAX_STATUS_SIZE})",
            VERIFICATION,
        )
    return status_size


def aware(moment: datetime, name: str = "now") -> datetime:
    """``moment``, which must be timezone-aware (a naive one is a caller mistake)."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be a timezone-aware datetime")
    return moment
