"""W3C Verifiable Credentials Data Model rules: 2.0 in full, and the 1.1 differences.

The version follows the first ``@context`` entry: ``https://www.w3.org/ns/credentials/v2``
(2.0: ``validFrom``/``validUntil``) or ``https://www.w3.org/2018/credentials/v1`` (1.1:
``issuanceDate`` required, ``expirationDate``, and ``id`` required on status, schema and
refresh service objects).  Rules that only JSON-LD processing can see (undefined terms,
protected term redefinitions) belong to :mod:`microcred.core.rdf`.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from microcred.core.documents.constants import VC1_CONTEXT, VC2_CONTEXT
from microcred.core.documents.issues import Collector, Issue, each, join_path
from microcred.core.documents.values import (
    Timestamp,
    describe,
    is_text,
    is_url,
    parse_timestamp,
)
from microcred.core.errors import InputError
from microcred.core.jsonutil import check_depth
from microcred.core.report import Problem

#: Objects that VC Data Model 2.0 requires to carry a ``type``.
TYPED_PROPERTIES = (
    "credentialStatus",
    "credentialSchema",
    "refreshService",
    "termsOfUse",
    "evidence",
)
#: Per version: typed objects whose ``id`` is required (it must be a URL in every case).
_ID_REQUIRED = MappingProxyType(
    {
        2: frozenset({"credentialSchema"}),
        1: frozenset({"credentialStatus", "credentialSchema", "refreshService"}),
    }
)
_VALIDITY = MappingProxyType(
    {2: ("validFrom", "validUntil"), 1: ("issuanceDate", "expirationDate")}
)
_PARSING = Problem.PARSING_ERROR


def validate_credential(document: Any) -> list[Issue]:
    """The ways ``document`` breaks the Verifiable Credentials Data Model (2.0 or 1.1).

    An empty list means the credential follows the model.  Never raises for bad input.
    """
    out = Collector()
    if not check_document(document, "credential", out):
        return out.issues
    version = check_context(document, "", out, "credential")
    check_id(document, "id", "", out)
    check_type(document, "VerifiableCredential", "", out, "credential")
    check_texts(document, "", out)
    check_party(document, "issuer", "", out, required=True)
    _check_subjects(document, out)
    _check_validity(document, version or 2, out)
    check_typed_objects(document, TYPED_PROPERTIES, version or 2, "", out)
    check_proofs(document, "", out)
    _check_related_resources(document, out)
    return out.issues


def check_document(document: Any, what: str, out: Collector) -> bool:
    """Whether ``document`` is a JSON object of bounded depth (an issue otherwise)."""
    if not isinstance(document, Mapping):
        out.error("", f"The {what} must be a JSON object, not {describe(document)}.", _PARSING)
        return False
    try:
        check_depth(document)
    except InputError as exc:
        out.error("", f"The {what} cannot be processed: {exc}.", _PARSING)
        return False
    return True


def check_context(node: Mapping[str, Any], path: str, out: Collector, what: str) -> int | None:
    """``@context``: present, base context first, every entry a URL or an object.

    Returns the data model version the base context names (2 or 1), or ``None``.
    """
    where = join_path(path, "@context")
    if "@context" not in node:
        out.error(where, f"@context is missing; a {what} must list {VC2_CONTEXT} first.", _PARSING)
        return None
    value = node["@context"]
    items = value if isinstance(value, list) else [value]
    for item_path, item in each(value, where):
        if not (is_url(item) or isinstance(item, Mapping)):
            out.error(
                item_path,
                f"@context entries must be URLs or context objects; {describe(item)} is neither.",
                _PARSING,
            )
    if not items:
        out.error(where, f"@context is empty; it must list {VC2_CONTEXT} first.", _PARSING)
        return None
    first = items[0]
    if first == VC2_CONTEXT:
        return 2
    if first == VC1_CONTEXT:
        return 1
    out.error(
        where,
        f"@context must begin with {VC2_CONTEXT} (or {VC1_CONTEXT} for VC 1.1); "
        f"its first entry is {describe(first)}.",
        _PARSING,
    )
    return None


def check_id(node: Mapping[str, Any], key: str, path: str, out: Collector) -> None:
    """If present, ``node[key]`` is a single URL."""
    if key in node:
        check_url(node[key], key, join_path(path, key), out)


def check_url(value: Any, key: str, where: str, out: Collector) -> None:
    """``value`` (of the property ``key``) is a single URL."""
    if isinstance(value, list):
        out.error(where, f"{key} must be a single URL, not a list of {len(value)} values.")
    elif not is_url(value):
        out.error(
            where,
            f"{key} must be a URL (for example https://..., did:... or urn:uuid:...); "
            f"{describe(value)} is not one.",
        )


def check_type(
    node: Mapping[str, Any], required: str, path: str, out: Collector, what: str
) -> None:
    """``type`` is present, holds strings only and includes ``required``."""
    where = join_path(path, "type")
    if "type" not in node:
        out.error(where, f"type is missing; a {what} must have a type that includes {required}.")
        return
    if not check_type_values(node["type"], where, out):
        return
    values = node["type"] if isinstance(node["type"], list) else [node["type"]]
    if required not in values:
        out.error(where, f"type must include {required}; it has {_listing(values)}.")


def check_type_values(value: Any, where: str, out: Collector) -> bool:
    """``type`` has at least one value, and every value is a non-empty string."""
    if value == []:
        out.error(where, "type is an empty list; it needs at least one term or URL.")
        return False
    good = True
    for item_path, item in each(value, where):
        if not isinstance(item, str) or not item.strip():
            out.error(item_path, f"type values must be terms or URLs; {describe(item)} is neither.")
            good = False
    return good


def _listing(values: list[Any]) -> str:
    return ", ".join(describe(v) for v in values) if values else "no values"


def check_texts(node: Mapping[str, Any], path: str, out: Collector) -> None:
    """``name`` and ``description``: a string or language value object(s), if present."""
    for key in ("name", "description"):
        if key in node and not is_text(node[key]):
            out.error(
                join_path(path, key),
                f"{key} must be a string or a language value object with @value; "
                f"{describe(node[key])} is neither.",
            )


def check_party(
    node: Mapping[str, Any], key: str, path: str, out: Collector, *, required: bool
) -> None:
    """``issuer`` or ``holder``: a URL, or an object whose ``id`` is a URL."""
    where = join_path(path, key)
    if key not in node:
        if required:
            out.error(where, f"{key} is missing; it must be a URL or an object with a URL id.")
        return
    check_party_value(node[key], key, where, out)


def check_party_value(value: Any, key: str, where: str, out: Collector) -> None:
    """An issuer or holder value: a URL, or an object whose ``id`` is a URL."""
    if isinstance(value, Mapping):
        if "id" in value:
            check_id(value, "id", where, out)
        else:
            out.error(
                join_path(where, "id"), f"{key}.id is missing; a {key} object needs a URL id."
            )
    elif not is_url(value):
        out.error(
            where, f"{key} must be a URL or an object with a URL id; {describe(value)} is neither."
        )


def _check_subjects(document: Mapping[str, Any], out: Collector) -> None:
    if "credentialSubject" not in document:
        out.error("credentialSubject", "credentialSubject is missing; a credential needs claims.")
        return
    value = document["credentialSubject"]
    if value == []:
        out.error("credentialSubject", "credentialSubject must hold at least one subject.")
    for where, subject in each(value, "credentialSubject"):
        if not isinstance(subject, Mapping):
            out.error(
                where, f"credentialSubject must be an object of claims, not {describe(subject)}."
            )
        elif not subject:
            out.error(where, "credentialSubject has no claims; every subject needs at least one.")
        else:
            check_id(subject, "id", where, out)


def _check_validity(document: Mapping[str, Any], version: int, out: Collector) -> None:
    start_name, end_name = _VALIDITY[version]
    if version == 1 and start_name not in document:
        out.error(start_name, "issuanceDate is missing; a VC 1.1 credential must have one.")
    start = check_timestamp(document, start_name, "", out)
    end = check_timestamp(document, end_name, "", out)
    if start and end and start.instant and end.instant and end.instant < start.instant:
        out.error(
            end_name,
            f"{end_name} ({end.text}) is earlier than {start_name} ({start.text}); a credential "
            "cannot stop being valid before it starts.",
            Problem.RANGE_ERROR,
        )
    _warn_other_version(document, version, out)


def _warn_other_version(document: Mapping[str, Any], version: int, out: Collector) -> None:
    other = 1 if version == 2 else 2
    for name, replacement in zip(_VALIDITY[other], _VALIDITY[version], strict=True):
        if name in document:
            out.warning(
                name,
                f"{name} belongs to VC Data Model {'1.1' if other == 1 else '2.0'}; this "
                f"credential's base context does not define it, use {replacement} instead.",
            )


def check_timestamp(
    node: Mapping[str, Any], key: str, path: str, out: Collector
) -> Timestamp | None:
    """If present, ``node[key]`` is an XML Schema dateTimeStamp (see :func:`check_time`)."""
    return check_time(node[key], key, join_path(path, key), out) if key in node else None


def check_time(value: Any, key: str, where: str, out: Collector) -> Timestamp | None:
    """``value`` is an XML Schema dateTime; without an offset it is read as UTC (a warning)."""
    parsed = parse_timestamp(value)
    if parsed is None:
        out.error(
            where,
            f"{key} must be an XML Schema dateTime such as 2024-01-31T09:00:00Z; "
            f"{describe(value)} is not one.",
        )
    elif not parsed.has_offset:
        out.warning(
            where,
            f"{key} has no time-zone offset, so it is read as UTC; write it with Z or an "
            "offset such as +01:00.",
        )
    return parsed


def check_typed_objects(
    node: Mapping[str, Any], keys: tuple[str, ...], version: int, path: str, out: Collector
) -> None:
    """Each object of ``keys`` (status, schema, terms of use, ...) has a type and URL ids."""
    for key in keys:
        if key not in node:
            continue
        for where, item in _objects(node[key], join_path(path, key), key, out):
            check_object_type(item, key, where, out)
            if "id" in item:
                check_id(item, "id", where, out)
            elif key in _ID_REQUIRED[version]:
                out.error(join_path(where, "id"), f"{key}.id is missing; it must be a URL.")


def _objects(
    value: Any, where: str, key: str, out: Collector
) -> list[tuple[str, Mapping[str, Any]]]:
    """The objects of a one-or-more-objects property (an issue for anything else)."""
    if value == []:
        out.error(where, f"{key} must hold at least one object.")
    found: list[tuple[str, Mapping[str, Any]]] = []
    for item_path, item in each(value, where):
        if isinstance(item, Mapping):
            found.append((item_path, item))
        else:
            out.error(
                item_path, f"{key} entries must be objects with a type, not {describe(item)}."
            )
    return found


def check_object_type(item: Mapping[str, Any], key: str, where: str, out: Collector) -> None:
    """A nested object (status, proof, ...) names its ``type``."""
    if "type" not in item:
        out.error(join_path(where, "type"), f"{key}.type is missing; every {key} needs a type.")
    else:
        check_type_values(item["type"], join_path(where, "type"), out)


def check_proofs(node: Mapping[str, Any], path: str, out: Collector) -> None:
    """Embedded proofs (a proof set or chain) are objects that name their type."""
    if "proof" in node:
        for where, proof in _objects(node["proof"], join_path(path, "proof"), "proof", out):
            check_object_type(proof, "proof", where, out)


def _check_related_resources(document: Mapping[str, Any], out: Collector) -> None:
    if "relatedResource" not in document:
        return
    seen: set[str] = set()
    for where, item in _objects(
        document["relatedResource"], "relatedResource", "relatedResource", out
    ):
        if isinstance(item.get("id"), str):
            if item["id"] in seen:
                out.error(
                    join_path(where, "id"),
                    f"relatedResource.id {describe(item['id'])} appears twice; each related "
                    "resource must be listed once.",
                )
            seen.add(item["id"])
        if "id" not in item:
            out.error(join_path(where, "id"), "relatedResource.id is missing; it must be a URL.")
        check_id(item, "id", where, out)
        if "digestSRI" not in item and "digestMultibase" not in item:
            out.error(where, "relatedResource needs a digestSRI or a digestMultibase value.")
