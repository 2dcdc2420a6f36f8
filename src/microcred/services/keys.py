"""Signing with an organisation's keys, and their rotation.

:func:`signer_for` gives the organisation's current key and suite, ready to sign inside a
unit of work.  :func:`rotate_key` makes a new key the signer; the old ones stay in the DID
document (what they signed still verifies).  :func:`mark_compromised` records from when a
key can no longer be trusted, replaces it if it was the signer, and lists the credentials
it signed from then on (the operator decides whether to revoke and re-issue them).

A did:key organisation's identifier is its key: both are refused for it (a new key would
be another issuer); such an organisation that needs another key is a new organisation.
"""

from __future__ import annotations

import base64
import functools
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from microcred.core.issue import issue, issue_jwt
from microcred.core.keys import Ed25519KeyPair
from microcred.core.loader import DocumentLoader
from microcred.domain.awards import StoredCredential
from microcred.domain.model import Actor, AuditEntry, Organisation, Role, StoredKey
from microcred.services.errors import Conflict, InvalidInput, NotFound
from microcred.services.identity import (
    current_key,
    new_key,
    organisation_did,
    signing_pair,
    verification_method,
)
from microcred.services.organisations import Platform
from microcred.services.ports import UnitOfWork

#: Status list credentials are JSON documents served as they are: an organisation that
#: signs its credentials with VC-JOSE signs its lists with this Data Integrity suite.
LIST_SUITE_FOR_JOSE = "eddsa-rdfc-2022"


@functools.cache
def shared_loader() -> DocumentLoader:
    """The process's offline document loader, built once (it only reads bundled
    contexts, so one instance serves every caller)."""
    return DocumentLoader()


@dataclass(frozen=True)
class Signer:
    """An organisation's identity and its current key, opened from the vault."""

    org: Organisation
    did: str
    key: StoredKey
    pair: Ed25519KeyPair
    loader: DocumentLoader

    @property
    def suite(self) -> str:
        return self.org.signing_suite

    def sign(self, document: Mapping[str, Any], now: datetime) -> tuple[dict[str, Any], str | None]:
        """The signed document, and the VC-JOSE token when the suite is ``jose`` (then the
        document is the token's unsigned payload)."""
        if self.suite == "jose":
            return dict(document), issue_jwt(document, key=self.pair, loader=self.loader)
        signed = issue(document, key=self.pair, suite=self.suite, loader=self.loader, now=now)
        return signed, None

    def sign_list(self, document: Mapping[str, Any], now: datetime) -> dict[str, Any]:
        """A status list credential, always as a Data Integrity secured JSON document."""
        suite = LIST_SUITE_FOR_JOSE if self.suite == "jose" else self.suite
        return issue(document, key=self.pair, suite=suite, loader=self.loader, now=now)


def signer_for(
    platform: Platform, uow: UnitOfWork, org: Organisation, loader: DocumentLoader | None = None
) -> Signer:
    keys = uow.keys.for_org(org.id)
    did = organisation_did(platform.base_url, org, keys)
    key = current_key(keys)
    pair = signing_pair(platform.vault, key, did)
    return Signer(org, did, key, pair, loader or shared_loader())


def get_org(uow: UnitOfWork, org_id: str) -> Organisation:
    org = uow.organisations.get(org_id)
    if org is None:
        raise NotFound(f"no organisation {org_id}")
    return org


def did_of(platform: Platform, org: Organisation) -> str:
    """The organisation's issuer id (did:web, or the did:key of its key, read from the
    database: the only case that needs it)."""
    keys: list[StoredKey] = []
    if org.is_did_key:
        with platform.uow() as uow:
            keys = uow.keys.for_org(org.id)
    return organisation_did(platform.base_url, org, keys)


def organisation_by_slug(platform: Platform, slug: str) -> Organisation:
    with platform.uow() as uow:
        org = uow.organisations.by_slug(slug)
    if org is None:
        raise NotFound(f"no organisation {slug!r}")
    return org


def rotate_key(platform: Platform, actor: Actor, org_id: str) -> StoredKey:
    """A new key signs from now on; the previous signer is retired (kept in the DID
    document so that what it signed still verifies)."""
    actor.require(org_id, Role.ADMIN)
    now = platform.clock()
    with platform.uow() as uow:
        org = get_org(uow, org_id)
        _refuse_did_key(org, "rotating its key")
        keys = uow.keys.for_org(org_id)
        retired = [k for k in keys if k.retired_at is None and k.compromised_at is None]
        for old in retired:
            uow.keys.retire(old.id, now)
        key = new_key(platform.vault, org, now)
        uow.keys.add(key)
        detail = {"fragment": key.fragment, "retired": [k.fragment for k in retired]}
        uow.audit.append(AuditEntry(org_id, actor.label, "key.rotate", key.id, detail, now))
        uow.commit()
    return key


@dataclass(frozen=True)
class Compromise:
    """What marking a key compromised did."""

    key: StoredKey
    #: The new signer, when the compromised key was the signer.
    replacement: StoredKey | None
    #: Ids of the credentials the key signed at or after the moment of compromise.
    affected: list[str]


def mark_compromised(
    platform: Platform, actor: Actor, org_id: str, key_id: str, at: datetime
) -> Compromise:
    """Record that ``key_id`` is not to be trusted for what it signed from ``at`` on."""
    actor.require(org_id, Role.ADMIN)
    now = platform.clock()
    if at.tzinfo is None or at > now:
        raise InvalidInput("at: give a timezone-aware moment that is not in the future")
    with platform.uow() as uow:
        org = get_org(uow, org_id)
        _refuse_did_key(org, "marking its key compromised")
        keys = uow.keys.for_org(org_id)
        key = next((k for k in keys if k.id == key_id), None)
        if key is None:
            raise NotFound(f"the organisation has no key {key_id}")
        if key.compromised_at is not None:
            raise Conflict(f"the key {key.fragment} was already marked compromised")
        uow.keys.mark_compromised(key.id, at)
        replacement = _replace_signer(platform, uow, org, keys, key, now)
        method = verification_method(organisation_did(platform.base_url, org, keys), key)
        affected = [
            c.id for c in uow.credentials.issued_since(org_id, at) if signing_method(c) == method
        ]
        detail = {"fragment": key.fragment, "at": at.isoformat(), "affected": len(affected)}
        uow.audit.append(AuditEntry(org_id, actor.label, "key.compromised", key.id, detail, now))
        uow.commit()
    return Compromise(key, replacement, affected)


def _refuse_did_key(org: Organisation, doing: str) -> None:
    if org.is_did_key:
        raise Conflict(
            f"the organisation {org.slug!r} issues as a did:key, whose identifier is its key: "
            f"{doing} would give it a new key, hence another issuer; create a new "
            "organisation instead (a did:web organisation's keys can rotate)"
        )


def _replace_signer(
    platform: Platform,
    uow: UnitOfWork,
    org: Organisation,
    keys: list[StoredKey],
    compromised: StoredKey,
    now: datetime,
) -> StoredKey | None:
    usable = [k for k in keys if k.retired_at is None and k.compromised_at is None]
    if not usable or usable[-1].id != compromised.id:
        return None
    key = new_key(platform.vault, org, now)
    uow.keys.add(key)
    detail = {"fragment": key.fragment, "replaces": compromised.fragment}
    uow.audit.append(AuditEntry(org.id, "system:microcred", "key.create", key.id, detail, now))
    return key


def signing_method(credential: StoredCredential) -> str | None:
    """The verification method that signed a stored credential (its proof's, or the
    ``kid`` of its VC-JOSE token)."""
    if credential.jwt:
        header = credential.jwt.split(".", 1)[0]
        try:
            decoded = json.loads(base64.urlsafe_b64decode(header + "=" * (-len(header) % 4)))
        except ValueError:
            return None
        kid = decoded.get("kid") if isinstance(decoded, dict) else None
        return kid if isinstance(kid, str) else None
    proof = credential.document.get("proof")
    proof = proof[0] if isinstance(proof, list) and proof else proof
    method = proof.get("verificationMethod") if isinstance(proof, Mapping) else None
    return method if isinstance(method, str) else None


def trusted_at(key: StoredKey, signed_at: datetime) -> bool:
    """Whether a signature the key made at ``signed_at`` can be trusted: not when it was
    made at or after the moment the key was compromised."""
    return key.compromised_at is None or signed_at < key.compromised_at
