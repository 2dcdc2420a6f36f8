"""Integrity of related resources (VC Data Model 2.0, section 5.3).

Each ``relatedResource`` object names a resource by ``id`` and gives its digest as
``digestSRI`` (Subresource Integrity metadata such as ``sha384-<base64>``) and/or
``digestMultibase`` (Data Integrity 1.0 section 2.6: one or more Multibase-encoded
Multihash values).  A verifier that holds a resource computes its digest over the exact
bytes it holds and compares; a resource it cannot retrieve is reported, not refused.

Decisions where the specifications leave room:

* ``digestSRI`` may list several whitespace-separated hashes.  As in SRI's matching
  algorithm, only the strongest algorithm listed counts, and one hash of that algorithm
  matching is enough (several let an issuer accept more than one version).  Unlike a
  browser, which skips unknown algorithms, a verifier refuses a token it cannot read
  (algorithm other than sha256, sha384 or sha512, bad base64, wrong length); SRI options
  after ``?`` are ignored, as SRI says.
* ``digestMultibase`` accepts the ``z`` (base58btc) and ``u`` (base64url) headers and the
  Multihash codes of Controlled Identifiers 1.0 (sha2-256, sha2-384, sha3-256, sha3-384)
  plus sha2-512 and sha3-512; a bare digest without a Multihash header is malformed.
  When it lists several values, every one must match.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from microcred.core import multibase
from microcred.core.documents.issues import Collector, Issue, each, join_path
from microcred.core.documents.values import describe
from microcred.core.errors import InputError, KeyFormatError, MicrocredError
from microcred.core.report import Problem

#: ``retrieve(url) -> the exact bytes of the resource``; a MicrocredError when unavailable.
Retrieve = Callable[[str], bytes]

#: SRI algorithms, weakest first, with their digest sizes.
SRI_ALGORITHMS = MappingProxyType({"sha256": 32, "sha384": 48, "sha512": 64})
#: Multihash code -> (spec name, hashlib name, digest size).
MULTIHASHES = MappingProxyType(
    {
        0x12: ("sha2-256", "sha256", 32),
        0x20: ("sha2-384", "sha384", 48),
        0x13: ("sha2-512", "sha512", 64),
        0x16: ("sha3-256", "sha3_256", 32),
        0x15: ("sha3-384", "sha3_384", 48),
        0x14: ("sha3-512", "sha3_512", 64),
    }
)
#: CSP 3 ``base64-value``, which SRI uses: either base64 alphabet, up to two ``=``.
_BASE64_VALUE = re.compile(r"[A-Za-z0-9+/_-]+={0,2}")
_BASE64URL = re.compile(r"[A-Za-z0-9_-]+")
_URL_TO_STANDARD = str.maketrans("-_", "+/")

# The VC Data Model's problem types (PARSING_ERROR, CRYPTOGRAPHIC_SECURITY_ERROR,
# MALFORMED_VALUE_ERROR, RANGE_ERROR) name none for related resources.  A digest that
# does not match means the resource changed since issuance, the "modification ...
# potential tampering detected" of CRYPTOGRAPHIC_SECURITY_ERROR; an unreadable digest is
# a MALFORMED_VALUE_ERROR.
MISMATCH = Problem.CRYPTOGRAPHIC_SECURITY_ERROR


@dataclass(frozen=True)
class Digest:
    """One digest an issuer gave: the algorithm (as the spec names it) and its bytes."""

    name: str
    algorithm: str
    value: bytes

    def of(self, content: bytes) -> bytes:
        return hashlib.new(self.algorithm, content).digest()


@dataclass
class RelatedResourceResult:
    """``checked`` lists ``"<id> (<algorithms>)"`` for each resource whose digests match."""

    checked: list[str] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)


def parse_sri(value: Any) -> list[Digest]:
    """The hashes of SRI integrity metadata; :class:`InputError` names what is wrong."""
    if not isinstance(value, str) or not value.split():
        raise InputError(f"it must be SRI metadata such as sha384-<base64>, not {describe(value)}")
    return [_sri_hash(token.split("?", 1)[0]) for token in value.split()]


def _sri_hash(token: str) -> Digest:
    algorithm, _, encoded = token.partition("-")
    size = SRI_ALGORITHMS.get(algorithm)
    if size is None:
        raise InputError(f"{token[:20]!r} does not name sha256, sha384 or sha512")
    if not _BASE64_VALUE.fullmatch(encoded):
        raise InputError(f"the {algorithm} hash is not base64")
    try:
        raw = base64.b64decode(_padded(encoded.translate(_URL_TO_STANDARD)), validate=True)
    except binascii.Error as exc:
        raise InputError(f"the {algorithm} hash is not base64") from exc
    if len(raw) != size:
        raise InputError(f"the {algorithm} hash has {len(raw)} bytes instead of {size}")
    return Digest(algorithm, algorithm, raw)


def _padded(text: str) -> str:
    body = text.rstrip("=")
    return body + "=" * (-len(body) % 4)


def parse_digest_multibase(value: Any) -> list[Digest]:
    """The digests of a ``digestMultibase`` string or list; :class:`InputError` if unreadable."""
    values = value if isinstance(value, list) else [value]
    if not values:
        raise InputError("it is an empty list")
    return [_multihash(item) for item in values]


def _multihash(value: Any) -> Digest:
    if not isinstance(value, str):
        raise InputError(f"each value must be a Multibase string, not {describe(value)}")
    if value.startswith("u") and not _BASE64URL.fullmatch(value[1:]):
        raise InputError("it is not base64url (no padding)")
    try:
        raw = multibase.decode(value)
    except KeyFormatError as exc:
        raise InputError(str(exc)) from exc
    known = MULTIHASHES.get(raw[0]) if len(raw) > 2 else None
    if known is None:
        raise InputError(
            "it is not a Multihash of sha2-256/384/512 or sha3-256/384/512 (a bare digest "
            "needs the Multihash header and length in front)"
        )
    name, algorithm, size = known
    if raw[1] != size or len(raw) != size + 2:
        raise InputError(f"its {name} digest does not have {size} bytes")
    return Digest(name, algorithm, raw[2:])


def check_related_resources(
    document: Mapping[str, Any],
    retrieve: Retrieve,
    served: Callable[[str], Mapping[str, bytes]] = lambda url: {},
) -> RelatedResourceResult:
    """Compare the digests of every ``relatedResource`` with the resource ``retrieve`` gives.

    A malformed digest or a mismatch is an error; a resource that cannot be retrieved is a
    warning (its digest is not checked).  ``served(url)`` may name digests (by hash name)
    of other bytes of the same resource that also match: what a URL serves when the copy
    ``retrieve`` gives differs from it in bytes only.  Entries without a string ``id`` or
    without any digest are left to :func:`~microcred.core.documents.validate_credential`.
    """
    result = RelatedResourceResult()
    out = Collector(result.issues)
    for where, item in each(document.get("relatedResource"), "relatedResource"):
        if isinstance(item, Mapping) and isinstance(item.get("id"), str):
            _check_resource(item, where, retrieve, served, result, out)
    return result


def _check_resource(
    item: Mapping[str, Any],
    where: str,
    retrieve: Retrieve,
    served: Callable[[str], Mapping[str, bytes]],
    result: RelatedResourceResult,
    out: Collector,
) -> None:
    digests = _digests(item, where, out)
    if not digests:
        return
    url = item["id"]
    try:
        content = retrieve(url)
    except MicrocredError as exc:
        # A warning carries the collector's default code; the check reports none for it.
        out.warning(where, f"the digest of {url} was not checked: {exc}")
        return
    matched = True
    for key, given in digests.items():
        wrong = _mismatch(key, given, content, served(url))
        if wrong is not None:
            computed = base64.b64encode(wrong.of(content)).decode()
            out.error(
                join_path(where, key),
                f"{key} does not match {url} as this verifier holds it (its {wrong.name} "
                f"digest is {computed} in base64)",
                MISMATCH,
            )
            matched = False
    if matched:
        names = sorted({d.name for given in digests.values() for d in given})
        result.checked.append(f"{url} ({', '.join(names)})")


def _digests(item: Mapping[str, Any], where: str, out: Collector) -> dict[str, list[Digest]]:
    """The digests of one resource by key; none at all if any of them is malformed."""
    found: dict[str, list[Digest]] = {}
    malformed = False
    for key, parse in (("digestSRI", parse_sri), ("digestMultibase", parse_digest_multibase)):
        if key not in item:
            continue
        try:
            found[key] = parse(item[key])
        except InputError as exc:
            out.error(join_path(where, key), f"{key} is malformed: {exc}")
            malformed = True
    return {} if malformed else found


def _mismatch(
    key: str, given: list[Digest], content: bytes, served: Mapping[str, bytes]
) -> Digest | None:
    """The digest that does not match ``content`` (nor the ``served`` digests), if any
    (SRI: see the module notes)."""

    def matches(d: Digest) -> bool:
        return d.value == d.of(content) or d.value == served.get(d.algorithm)

    if key == "digestSRI":
        strongest = max(SRI_ALGORITHMS[d.algorithm] for d in given)
        given = [d for d in given if SRI_ALGORITHMS[d.algorithm] == strongest]
        if any(matches(d) for d in given):
            return None
    return next((d for d in given if not matches(d)), None)
