"""An organisation's issuer identity: its DID (did:web or did:key), its keys and their
rotation.

:func:`organisation_did` is the one place that knows the DID methods: every issuer id and
verification method the platform writes comes from it.  A did:web organisation is
``did:web:<host>:orgs:<slug>`` (:func:`issuer_did`), its keys are ``<did>#key-…`` and can
rotate.  A did:key organisation is ``did:key:<multikey>`` of its one key, whose fragment
is that multikey (``did:key:<mk>#<mk>``): its identifier is its key, so the key never
changes.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any
from urllib.parse import quote, urlsplit

from microcred.core.dids import DID_CONTEXT, MULTIKEY_CONTEXT
from microcred.core.keys import Ed25519KeyPair
from microcred.domain.model import Organisation, StoredKey
from microcred.services.errors import NotFound
from microcred.services.ports import KeyVault


def issuer_did(base_url: str, slug: str) -> str:
    """``did:web:<host>[%3Aport]:orgs:<slug>``, served at ``<base>/orgs/<slug>/did.json``."""
    parts = urlsplit(base_url)
    host = quote(parts.netloc, safe="")
    path = [quote(p, safe="") for p in parts.path.split("/") if p]
    return ":".join(["did", "web", host, *path, "orgs", slug])


def organisation_did(base_url: str, org: Organisation, keys: Sequence[StoredKey]) -> str:
    """The organisation's issuer id: its did:web, or for a did:key organisation
    ``did:key:<multikey>`` of its first key (its only one: its key is never replaced)."""
    if not org.is_did_key:
        return issuer_did(base_url, org.slug)
    if not keys:
        raise NotFound(f"the organisation {org.slug!r} has no key, hence no did:key")
    return f"did:key:{keys[0].public_key_multibase}"


def verification_method(did: str, key: StoredKey) -> str:
    """The id of ``key``'s verification method under the organisation's ``did``."""
    return f"{did}#{key.fragment}"


def _context(org_id: str, key_id: str) -> bytes:
    return f"{org_id}/{key_id}".encode()


def new_key(vault: KeyVault, org: Organisation, now: datetime) -> StoredKey:
    """A fresh Ed25519 key for ``org``, its seed sealed by the vault.  Its fragment is
    ``key-<time>-<id>`` under a did:web, the key's multikey under a did:key."""
    key_id = str(uuid.uuid4())
    pair = Ed25519KeyPair.generate()
    fragment = f"key-{now.strftime('%Y%m%d%H%M%S')}-{key_id[:8]}"
    if org.is_did_key:
        fragment = pair.public_key.multibase
    return StoredKey(
        id=key_id,
        org_id=org.id,
        fragment=fragment,
        public_key_multibase=pair.public_key.multibase,
        encrypted_seed=vault.seal(pair.seed, _context(org.id, key_id)),
        created_at=now,
    )


def signing_pair(vault: KeyVault, key: StoredKey, did: str) -> Ed25519KeyPair:
    """The usable key pair of a stored key."""
    seed = vault.open(key.encrypted_seed, _context(key.org_id, key.id))
    return Ed25519KeyPair.from_seed(seed, controller=did, key_id=verification_method(did, key))


def current_key(keys: list[StoredKey]) -> StoredKey:
    """The newest key that is neither retired nor compromised: it signs from now on."""
    usable = [k for k in keys if k.retired_at is None and k.compromised_at is None]
    if not usable:
        raise NotFound("the organisation has no usable signing key; rotate to make one")
    return usable[-1]


def did_document(did: str, keys: list[StoredKey]) -> dict[str, Any]:
    """The did:web DID document: every key that ever signed stays listed so that what it signed
    still verifies; a compromised key is listed too (verifiers of this platform refuse what
    it signed after the compromise, see the verification service)."""
    methods = [
        {
            "id": verification_method(did, k),
            "type": "Multikey",
            "controller": did,
            "publicKeyMultibase": k.public_key_multibase,
        }
        for k in keys
    ]
    ids = [m["id"] for m in methods]
    return {
        "@context": [DID_CONTEXT, MULTIKEY_CONTEXT],
        "id": did,
        "verificationMethod": methods,
        "assertionMethod": ids,
        "authentication": ids,
    }
