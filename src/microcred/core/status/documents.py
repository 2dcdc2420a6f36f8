"""The issuer's documents: an unsigned status list credential and the status entries."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from microcred.core.status._common import (
    ENTRY_TYPE,
    LIST_CREDENTIAL_TYPE,
    LIST_TYPE,
    MALFORMED,
    VC_V2_CONTEXT,
    aware,
    check_status_size,
    is_int,
    require_url,
    status_error,
)
from microcred.core.status.bitstring import Bitstring
from microcred.core.timeutil import format_datetime


def _list_url(list_id: str) -> str:
    url = require_url(list_id, "the status list id")
    if "#" in url:
        raise status_error(f"the status list id must not have a fragment: {url}", MALFORMED)
    return url


def _purposes(purpose: str | Sequence[str]) -> str | list[str]:
    purposes = [purpose] if isinstance(purpose, str) else list(purpose)
    if not purposes or not all(isinstance(p, str) and p for p in purposes):
        raise status_error("statusPurpose must be one or more non-empty strings", MALFORMED)
    return purpose if isinstance(purpose, str) else purposes


def _validity(valid_from: datetime, valid_until: datetime | None) -> dict[str, str]:
    validity = {"validFrom": format_datetime(aware(valid_from, "valid_from"))}
    if valid_until is not None:
        if aware(valid_until, "valid_until") <= valid_from:
            raise status_error("validUntil must be later than validFrom", MALFORMED)
        validity["validUntil"] = format_datetime(valid_until)
    return validity


def build_status_list_credential(
    list_id: str,
    issuer: str | Mapping[str, Any],
    bitstring: Bitstring,
    *,
    valid_from: datetime,
    status_purpose: str | Sequence[str] = "revocation",
    valid_until: datetime | None = None,
    ttl: int | None = None,
) -> dict[str, Any]:
    """An unsigned ``BitstringStatusListCredential`` that publishes ``bitstring`` at
    ``list_id``; sign it, then serve it at that URL.

    ``statusSize`` and ``statusMessage`` go in each entry (:func:`build_status_list_entry`):
    that is where the specification and the v2 context define them.
    """
    subject: dict[str, Any] = {
        "id": _list_url(list_id) + "#list",
        "type": LIST_TYPE,
        "statusPurpose": _purposes(status_purpose),
        "encodedList": bitstring.encode(),
    }
    if ttl is not None:
        if not is_int(ttl) or ttl < 0:
            raise status_error(
                f"ttl must be milliseconds (an integer >= 0), not {ttl!r}", MALFORMED
            )
        subject["ttl"] = ttl
    return {
        "@context": [VC_V2_CONTEXT],
        "id": list_id,
        "type": ["VerifiableCredential", LIST_CREDENTIAL_TYPE],
        "issuer": dict(issuer) if isinstance(issuer, Mapping) else issuer,
        **_validity(valid_from, valid_until),
        "credentialSubject": subject,
    }


def _message_objects(status_size: int, messages: Sequence[str] | None) -> list[dict[str, str]]:
    count = 1 << status_size
    if messages is None or isinstance(messages, str) or len(messages) != count:
        raise status_error(
            f"statusSize {status_size} needs exactly {count} status messages", MALFORMED
        )
    if not all(isinstance(text, str) for text in messages):
        raise status_error("status messages must be strings", MALFORMED)
    return [{"status": f"0x{value:x}", "message": text} for value, text in enumerate(messages)]


def build_status_list_entry(
    list_id: str,
    index: int,
    *,
    status_purpose: str = "revocation",
    status_size: int = 1,
    status_messages: Sequence[str] | None = None,
    status_reference: str | Sequence[str] | None = None,
) -> dict[str, Any]:
    """The ``BitstringStatusListEntry`` (a ``credentialStatus`` value) of entry ``index``.

    ``status_messages[v]`` is the message of status value ``v``: required when
    ``status_size`` is above 1, with ``2 ** status_size`` items.  Pick ``index`` at random
    (the spec asks for it, so that the index reveals nothing).
    """
    url = _list_url(list_id)
    if not is_int(index) or index < 0:
        raise status_error(f"the index must be an integer >= 0, not {index!r}", MALFORMED)
    if not isinstance(status_purpose, str):
        raise status_error("an entry's statusPurpose must be one string", MALFORMED)
    entry: dict[str, Any] = {
        "id": f"{url}#{index}",
        "type": ENTRY_TYPE,
        "statusPurpose": _purposes(status_purpose),
        "statusListIndex": str(index),
        "statusListCredential": url,
    }
    if check_status_size(status_size) > 1 or status_messages is not None:
        entry["statusSize"] = status_size
        entry["statusMessage"] = _message_objects(status_size, status_messages)
    if status_reference is not None:
        references = [status_reference] if isinstance(status_reference, str) else status_reference
        for reference in references:
            require_url(reference, "statusReference")
        entry["statusReference"] = (
            status_reference if isinstance(status_reference, str) else list(status_reference)
        )
    return entry
