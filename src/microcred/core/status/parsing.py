"""Validating untrusted status entries and status list credentials.

Every function here raises :class:`~microcred.core.errors.StatusListError` for a document
that breaks the specification; its message names the field, its ``problem`` is the spec's
code (``MALFORMED_VALUE_ERROR`` for a malformed value).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from microcred.core.report import Problem
from microcred.core.status._common import (
    ENTRY_TYPE,
    LIST_CREDENTIAL_TYPE,
    LIST_TYPE,
    MALFORMED,
    VERIFICATION,
    aware,
    check_status_size,
    has_type,
    is_url,
    quote,
    require_url,
    status_error,
)
from microcred.core.status.bitstring import Bitstring
from microcred.core.timeutil import format_datetime, parse_datetime

#: ``statusListIndex`` values with more digits than this are outside every supported list.
MAX_INDEX_DIGITS = 20

_DIGITS = re.compile(r"[0-9]+")
_HEX_STATUS = re.compile(r"0x[0-9a-fA-F]{1,8}")


@dataclass(frozen=True)
class StatusEntry:
    """A validated ``BitstringStatusListEntry``."""

    list_url: str
    index: int
    purpose: str
    size: int = 1
    #: Status value -> message; empty when the entry has no ``statusMessage``.
    messages: Mapping[int, str] = field(default_factory=dict)
    id: str | None = None
    references: tuple[str, ...] = ()

    def message(self, value: int) -> str:
        """The message of status ``value`` ("set" / "unset" without ``statusMessage``)."""
        if self.messages:
            return self.messages.get(value, "undefined")
        return "set" if value else "unset"


def _entry_index(value: object) -> int:
    if not isinstance(value, str) or not _DIGITS.fullmatch(value):
        raise status_error(
            f"statusListIndex must be a string of base-10 digits, not {value!r:.60}", MALFORMED
        )
    digits = value.lstrip("0") or "0"
    if len(digits) > MAX_INDEX_DIGITS:
        raise status_error(
            f"statusListIndex {digits[:24]}... is beyond every status list", Problem.RANGE_ERROR
        )
    return int(digits)


def _message_item(item: object, count: int) -> tuple[int, str]:
    status = item.get("status") if isinstance(item, Mapping) else None
    text = item.get("message") if isinstance(item, Mapping) else None
    if not isinstance(status, str) or not _HEX_STATUS.fullmatch(status):
        raise status_error(
            'each statusMessage item needs a hexadecimal status such as "0x1"', MALFORMED
        )
    if not isinstance(text, str):
        raise status_error(f"statusMessage item {status} has no message string", MALFORMED)
    if int(status, 16) >= count:
        raise status_error(f"statusMessage status {status} does not fit statusSize", MALFORMED)
    return int(status, 16), text


def _entry_messages(raw: object, size: int) -> dict[int, str]:
    count = 1 << size
    if not isinstance(raw, list) or len(raw) != count:
        raise status_error(
            f"statusMessage must be an array of {count} items for statusSize {size}", MALFORMED
        )
    messages = dict(_message_item(item, count) for item in raw)
    if len(messages) != count:
        raise status_error("statusMessage repeats a status value", MALFORMED)
    return messages


def _entry_size_and_messages(entry: Mapping[str, Any]) -> tuple[int, dict[int, str]]:
    size = check_status_size(entry.get("statusSize", 1))
    if "statusMessage" in entry:
        return size, _entry_messages(entry["statusMessage"], size)
    if size > 1:
        raise status_error(f"statusMessage is required when statusSize is {size}", MALFORMED)
    return size, {}


def _entry_references(value: object) -> tuple[str, ...]:
    if value is None:
        return ()
    references = value if isinstance(value, list) else [value]
    return tuple(require_url(reference, "statusReference") for reference in references)


def _entry_id(value: object, list_url: str) -> str | None:
    if value is not None and (not is_url(value) or value == list_url):
        raise status_error(
            "the credentialStatus id must be a URL other than the statusListCredential",
            MALFORMED,
        )
    return None if value is None else str(value)


def parse_status_entry(entry: object) -> StatusEntry:
    """Validate one untrusted ``BitstringStatusListEntry``."""
    if not isinstance(entry, Mapping):
        raise status_error("a credentialStatus entry must be a JSON object", MALFORMED)
    if not has_type(entry, ENTRY_TYPE):
        raise status_error(f"the credentialStatus type must be {ENTRY_TYPE}", MALFORMED)
    purpose = entry.get("statusPurpose")
    if not isinstance(purpose, str) or not purpose:
        raise status_error("statusPurpose must be a non-empty string", MALFORMED)
    index = _entry_index(entry.get("statusListIndex"))
    url = require_url(entry.get("statusListCredential"), "statusListCredential")
    entry_id = _entry_id(entry.get("id"), url)
    size, messages = _entry_size_and_messages(entry)
    references = _entry_references(entry.get("statusReference"))
    return StatusEntry(url, index, purpose, size, messages, entry_id, references)


def parse_credential_status(credential_status: object) -> list[StatusEntry]:
    """Validate a ``credentialStatus`` value: one entry or a list of them."""
    entries = credential_status if isinstance(credential_status, list) else [credential_status]
    return [parse_status_entry(entry) for entry in entries]


@dataclass(frozen=True)
class StatusList:
    """A validated ``BitstringStatusListCredential`` (its list not yet decoded)."""

    id: str | None
    purposes: tuple[str, ...]
    encoded_list: str
    valid_from: datetime | None = None
    valid_until: datetime | None = None

    def bitstring(self, status_size: int = 1) -> Bitstring:
        """Decode the list (see :meth:`Bitstring.decode`)."""
        return Bitstring.decode(self.encoded_list, status_size=status_size)


def _list_subject(document: Mapping[str, Any]) -> Mapping[str, Any]:
    if not has_type(document, LIST_CREDENTIAL_TYPE):
        raise status_error(
            f"the status list credential's type must include {LIST_CREDENTIAL_TYPE}", MALFORMED
        )
    subject = document.get("credentialSubject")
    if not isinstance(subject, Mapping) or not has_type(subject, LIST_TYPE):
        raise status_error(
            f"the status list's credentialSubject must have type {LIST_TYPE}", MALFORMED
        )
    if not isinstance(subject.get("encodedList"), str):
        raise status_error("the status list has no encodedList string", MALFORMED)
    return subject


def _list_purposes(value: object) -> tuple[str, ...]:
    purposes = [value] if isinstance(value, str) else value
    if (
        not isinstance(purposes, list)
        or not purposes
        or not all(isinstance(purpose, str) and purpose for purpose in purposes)
    ):
        raise status_error("the status list's statusPurpose must be one or more strings", MALFORMED)
    return tuple(purposes)


def _list_time(document: Mapping[str, Any], name: str) -> datetime | None:
    if name not in document:
        return None
    moment = parse_datetime(document[name])
    if moment is None:
        raise status_error(f"the status list's {name} is not a dateTimeStamp", MALFORMED)
    return moment


def _check_window(status_list: StatusList, now: datetime) -> None:
    if status_list.valid_from is not None and now < status_list.valid_from:
        raise status_error(
            f"the status list is not valid until {format_datetime(status_list.valid_from)}",
            VERIFICATION,
        )
    if status_list.valid_until is not None and now > status_list.valid_until:
        raise status_error(
            f"the status list expired at {format_datetime(status_list.valid_until)}",
            VERIFICATION,
        )


def _check_list_id(list_id: str | None, url: str) -> None:
    if list_id is not None and list_id not in (url, url.partition("?")[0]):
        raise status_error(
            f"the status list credential's id {quote(list_id)} is not {url}", VERIFICATION
        )


def parse_status_list_credential(
    document: object, *, now: datetime, purpose: str | None = None, url: str | None = None
) -> StatusList:
    """Validate an untrusted status list credential's shape and validity window.

    With ``purpose`` (the entry's), the list must serve that purpose; with ``url`` (the
    entry's ``statusListCredential``), a list ``id`` must be that URL, less any query.  The
    list's proof is not checked here.  ``now`` must be timezone-aware.
    """
    if not isinstance(document, Mapping):
        raise status_error("the status list credential is not a JSON object", MALFORMED)
    subject = _list_subject(document)
    list_id = document.get("id")
    if list_id is not None and not isinstance(list_id, str):
        raise status_error("the status list credential's id must be a string", MALFORMED)
    status_list = StatusList(
        list_id,
        _list_purposes(subject.get("statusPurpose")),
        subject["encodedList"],
        _list_time(document, "validFrom"),
        _list_time(document, "validUntil"),
    )
    if url is not None:
        _check_list_id(list_id, url)
    _check_window(status_list, aware(now))
    if purpose is not None and purpose not in status_list.purposes:
        serves = ", ".join(map(quote, status_list.purposes))
        raise status_error(f"the status list is for {serves}, not {quote(purpose)}", VERIFICATION)
    return status_list
