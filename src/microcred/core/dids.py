"""DIDs and verification methods: ``did:key`` (offline), ``did:web`` (through an injected
fetcher), plain https controller documents, and the 1EdTech ``<url>#<multibase key>``
convention used by the Open Badges 3.0 examples.
"""

from __future__ import annotations

import functools
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, unquote, urlsplit

from microcred.core.errors import InputError, KeyFormatError, ResolutionError
from microcred.core.jsonutil import parse_json
from microcred.core.keys import Ed25519PublicKey
from microcred.core.loader import Fetcher

DID_CONTEXT = "https://www.w3.org/ns/did/v1"
MULTIKEY_CONTEXT = "https://w3id.org/security/multikey/v1"
ED25519_2020_CONTEXT = "https://w3id.org/security/suites/ed25519-2020/v1"
RELATIONSHIPS = (
    "authentication",
    "assertionMethod",
    "keyAgreement",
    "capabilityInvocation",
    "capabilityDelegation",
)
MAX_DID_DOCUMENT_BYTES = 256_000


@dataclass(frozen=True)
class VerificationMethod:
    """A resolved verification method and the relationships its controller grants it."""

    id: str
    type: str
    controller: str
    #: The Ed25519 key (Multikey / Ed25519VerificationKey2020), if it is one.
    public_key: Ed25519PublicKey | None
    #: The public JWK (JsonWebKey / JsonWebKey2020 methods), for VC-JOSE.
    jwk: Mapping[str, Any] | None = None
    #: Proof purposes the controller document authorises for this method.
    purposes: frozenset[str] = field(default_factory=frozenset)
    #: True when the key was read from the URL itself (1EdTech convention), not from a
    #: controller document, so relationships could not be checked.
    from_url_convention: bool = False


def did_key_document(multikey: str) -> dict[str, Any]:
    """The DID document of ``did:key:<multikey>`` (Ed25519 only), built offline."""
    key = Ed25519PublicKey.from_multibase(multikey)
    did = f"did:key:{key.multibase}"
    vm_id = f"{did}#{key.multibase}"
    return {
        "@context": [DID_CONTEXT, MULTIKEY_CONTEXT],
        "id": did,
        "verificationMethod": [
            {
                "id": vm_id,
                "type": "Multikey",
                "controller": did,
                "publicKeyMultibase": key.multibase,
            }
        ],
        **{
            relationship: [vm_id]
            for relationship in RELATIONSHIPS
            if relationship != "keyAgreement"
        },
    }


def did_web_url(did: str) -> str:
    """The https URL of a ``did:web`` DID document."""
    parts = did.split(":")
    if len(parts) < 3 or parts[0] != "did" or parts[1] != "web" or not parts[2]:
        raise ResolutionError(f"{did!r} is not a did:web identifier")
    host = unquote(parts[2])
    if "/" in host or "@" in host:
        raise ResolutionError(f"{did!r} has an invalid host")
    path = "/".join(quote(unquote(p), safe="") for p in parts[3:]) or ".well-known"
    return f"https://{host}/{path}/did.json"


class Resolver:
    """Resolves verification methods.

    ``did:key`` needs nothing.  ``did:web`` and https controller documents are read from
    ``documents`` (URL → already known document, e.g. the platform's own DIDs) or through
    ``fetcher`` for hosts in ``allowed_hosts`` only.
    """

    def __init__(
        self,
        *,
        documents: Mapping[str, Mapping[str, Any]] | None = None,
        fetcher: Fetcher | None = None,
        allowed_hosts: Collection[str] = (),
    ) -> None:
        self._documents = dict(documents or {})
        self._fetcher = fetcher
        self._allowed_hosts = frozenset(h.lower() for h in allowed_hosts)

    def resolve(self, vm_id: str) -> VerificationMethod:
        """Resolve a verification method id, or raise :class:`ResolutionError`."""
        if not isinstance(vm_id, str) or not vm_id:
            raise ResolutionError("the verification method is not a URL string")
        base, _, fragment = vm_id.partition("#")
        if base.startswith("did:key:"):
            return _did_key_method(vm_id)
        if base.startswith("did:web:"):
            return self._from_document(vm_id, self._document(base, did_web_url(base)))
        if base.startswith("https://") or base.startswith("http://"):
            return self._from_https(vm_id, base, fragment)
        raise ResolutionError(
            f"cannot resolve verification method {vm_id!r}: only did:key, did:web and "
            "https identifiers are supported"
        )

    def _from_https(self, vm_id: str, base: str, fragment: str) -> VerificationMethod:
        known = self._documents.get(base)
        if known is None and fragment.startswith("z6Mk") and not self._can_fetch(base):
            return self._from_url_convention(vm_id, base, fragment)
        return self._from_document(vm_id, self._document(base, base))

    @staticmethod
    def _from_url_convention(vm_id: str, base: str, fragment: str) -> VerificationMethod:
        try:
            key = Ed25519PublicKey.from_multibase(fragment)
        except KeyFormatError as exc:
            raise ResolutionError(f"the key in {vm_id!r} is not an Ed25519 Multikey") from exc
        return VerificationMethod(vm_id, "Multikey", base, key, from_url_convention=True)

    def _can_fetch(self, url: str) -> bool:
        host = (urlsplit(url).hostname or "").lower()
        return self._fetcher is not None and host in self._allowed_hosts

    def _document(self, key: str, url: str) -> Mapping[str, Any]:
        known = self._documents.get(key) or self._documents.get(url)
        if known is not None:
            return known
        if self._fetcher is None or not self._can_fetch(url):
            raise ResolutionError(
                f"cannot resolve {key}: fetching {url} is not allowed (host not on the allow-list)"
            )
        if not url.startswith("https://"):
            raise ResolutionError(f"refusing to fetch {url}: only https is allowed")
        try:
            document = parse_json(self._fetcher(url), max_bytes=MAX_DID_DOCUMENT_BYTES)
        except InputError as exc:
            raise ResolutionError(f"the document at {url} is not usable: {exc}") from exc
        except Exception as exc:
            raise ResolutionError(f"fetching {url} failed: {exc}") from exc
        if not isinstance(document, dict):
            raise ResolutionError(f"the document at {url} is not a JSON object")
        return document

    @staticmethod
    def _from_document(vm_id: str, document: Mapping[str, Any]) -> VerificationMethod:
        base = vm_id.partition("#")[0]
        if document.get("id") == vm_id and "publicKeyMultibase" in document:
            method: Mapping[str, Any] = document  # the URL names the method itself
        else:
            if document.get("id") != base:
                raise ResolutionError(
                    f"the controller document at {base} has id {document.get('id')!r}, "
                    "not the URL it was resolved from"
                )
            method = _find_method(document, vm_id)
        return _method(vm_id, method, _purposes(document, vm_id))


@functools.lru_cache(maxsize=4096)
def _did_key_method(vm_id: str) -> VerificationMethod:
    """did:key resolution is a pure function of the identifier: cache its results."""
    base = vm_id.partition("#")[0]
    return Resolver._from_document(vm_id, did_key_document(base[len("did:key:") :]))


def _find_method(document: Mapping[str, Any], vm_id: str) -> Mapping[str, Any]:
    base = str(document.get("id", ""))
    candidates = _as_list(document.get("verificationMethod"))
    for relationship in RELATIONSHIPS:
        candidates += [m for m in _as_list(document.get(relationship)) if isinstance(m, dict)]
    for method in candidates:
        method_id = method.get("id") if isinstance(method, dict) else None
        if isinstance(method_id, str) and _absolute(method_id, base) == vm_id:
            return dict(method, id=vm_id)
    raise ResolutionError(f"the controller document {base} has no verification method {vm_id}")


def _purposes(document: Mapping[str, Any], vm_id: str) -> frozenset[str]:
    base = str(document.get("id", ""))
    granted = set()
    for relationship in RELATIONSHIPS:
        for entry in _as_list(document.get(relationship)):
            ref = entry.get("id") if isinstance(entry, dict) else entry
            if isinstance(ref, str) and _absolute(ref, base) == vm_id:
                granted.add(relationship)
    return frozenset(granted)


def _method(vm_id: str, method: Mapping[str, Any], purposes: frozenset[str]) -> VerificationMethod:
    kind = method.get("type")
    controller = method.get("controller")
    if not isinstance(controller, str):
        raise ResolutionError(f"the verification method {vm_id} names no controller")
    if kind in ("JsonWebKey", "JsonWebKey2020") and isinstance(method.get("publicKeyJwk"), dict):
        jwk = dict(method["publicKeyJwk"])
        if "d" in jwk:
            raise ResolutionError(f"the verification method {vm_id} exposes a private key")
        return VerificationMethod(vm_id, str(kind), controller, None, jwk, purposes)
    if kind not in ("Multikey", "Ed25519VerificationKey2020"):
        raise ResolutionError(f"the verification method {vm_id} has unsupported type {kind!r}")
    encoded = method.get("publicKeyMultibase")
    try:
        key = Ed25519PublicKey.from_multibase(str(encoded))
    except KeyFormatError as exc:
        raise ResolutionError(f"the key of {vm_id} is not an Ed25519 Multikey: {exc}") from exc
    return VerificationMethod(vm_id, str(kind), controller, key, None, purposes)


def _absolute(ref: str, base: str) -> str:
    return base + ref if ref.startswith("#") else ref


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]
