"""An organisation's issuer identity: its did:web, its keys and their rotation."""

from __future__ import annotations

import uuid
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


def _context(org_id: str, key_id: str) -> bytes:
    return f"{org_id}/{key_id}".encode()


def new_key(vault: KeyVault, org: Organisation, did: str, now: datetime) -> StoredKey:
    """A fresh Ed25519 key for ``org``, its seed sealed by the vault."""
    key_id = str(uuid.uuid4())
    pair = Ed25519KeyPair.generate(controller=did)
    fragment = f"key-{now.strftime('%Y%m%d%H%M%S')}-{key_id[:8]}"
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
    return Ed25519KeyPair.from_seed(seed, controller=did, key_id=f"{did}#{key.fragment}")


def current_key(keys: list[StoredKey]) -> StoredKey:
    """The newest key that is neither retired nor compromised: it signs from now on."""
    usable = [k for k in keys if k.retired_at is None and k.compromised_at is None]
    if not usable:
        raise NotFound("the organisation has no usable signing key; rotate to make one")
    return usable[-1]


def did_document(did: str, keys: list[StoredKey]) -> dict[str, Any]:
    """The DID document: every key that ever signed stays listed so that what it signed
    still verifies; a compromised key is listed too (verifiers of this platform refuse what
    it signed after the compromise, see the verification service)."""
    methods = [
        {
            "id": f"{did}#{k.fragment}",
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
