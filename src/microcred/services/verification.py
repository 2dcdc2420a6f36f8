"""Verification as this platform does it: its own status lists and keys are known.

* :func:`platform_verifier` gives a verifier a status checker that reads this platform's
  status lists (``<base>/status/<id>``) from the database and every other list through
  the allow-listed fetcher, and verifies each list with the same verifier (whose resolver
  knows the platform's DID documents).  A list of this platform counts only for a
  credential of the same issuer: another organisation's list is refused.  Without a
  fetcher, an entry naming another server's list is a warning (not checked), as in the
  core verifier without a status source.
* :func:`key_compromise_check` refuses a credential signed by a key of this platform
  that was marked compromised, unless the platform's records show that it issued exactly
  that credential before the moment of compromise (the proof's ``created`` is what the
  signer claims, so it cannot tell).
* :func:`verify_submitted_credential` verifies what a caller sends: a credential, a
  VC-JOSE token or an ``EnvelopedVerifiableCredential`` (whose ``data:`` URL is unwrapped).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime
from typing import Any
from urllib.parse import unquote

from microcred.core.errors import DocumentLoaderError, InputError
from microcred.core.jose import credential_of
from microcred.core.jsonutil import parse_json
from microcred.core.jws import decode_compact, looks_like_compact
from microcred.core.loader import Fetcher
from microcred.core.report import Check, Problem, VerificationReport
from microcred.core.status_list import BitstringStatusChecker
from microcred.core.verify import Verifier, issuer_id, verify_credential
from microcred.domain.awards import StoredCredential
from microcred.domain.model import Organisation, StoredKey, valid_slug
from microcred.services.identity import issuer_did
from microcred.services.keys import signing_method, trusted_at
from microcred.services.organisations import Platform
from microcred.services.status import status_list_credential, status_list_url
from microcred.services.vcapi_issuing import find_in_org

#: The largest status list credential fetched from elsewhere.
MAX_LIST_BYTES = 30_000_000
ENVELOPED = "EnvelopedVerifiableCredential"
#: Media types of an enveloped credential's ``data:`` URL that hold a compact JWS.
ENVELOPE_MEDIA_TYPES = ("application/vc+jwt", "application/vc-ld+jwt", "application/vc+ld+json+jwt")


# --------------------------------------------------------------------------- status


def platform_verifier(platform: Platform, verifier: Verifier, fallback: Fetcher | None) -> Verifier:
    """``verifier`` with the platform's status checker (lists are verified by
    ``verifier`` itself, without a status check of their own)."""
    lists = replace(verifier, status_checker=None)
    return replace(verifier, status_checker=PlatformStatusChecker(platform, lists, fallback))


class PlatformStatusChecker:
    """``checker(credential, now)``: the Bitstring Status List check, reading this
    platform's lists from the database and other lists through ``fallback``."""

    def __init__(self, platform: Platform, lists: Verifier, fallback: Fetcher | None) -> None:
        self._platform = platform
        self._lists = lists
        self._fallback = fallback
        self._prefix = status_list_url(platform.base_url, "")

    def own_list_id(self, url: str) -> str | None:
        """The id of the platform's list at ``url``, if it is one."""
        if not url.startswith(self._prefix):
            return None
        list_id = url[len(self._prefix) :]
        if not list_id or any(c in list_id for c in "/?#"):
            return None
        return list_id

    def __call__(self, credential: Mapping[str, Any], now: datetime) -> list[Check]:
        unchecked: list[Check] = []
        if self._fallback is None and isinstance(credential, Mapping):
            credential, unchecked = self._without_remote_lists(credential)
            if unchecked and not credential.get("credentialStatus"):
                return unchecked
        return [*self._check(credential, now), *unchecked]

    def _without_remote_lists(
        self, credential: Mapping[str, Any]
    ) -> tuple[Mapping[str, Any], list[Check]]:
        """Without a fetcher, entries naming another server's list are not checked (a
        warning, as the core verifier says without a status source); the rest are."""
        status = credential.get("credentialStatus")
        entries = status if isinstance(status, list) else [status]
        kept, unchecked = [], []
        for entry in entries:
            url = entry.get("statusListCredential") if isinstance(entry, Mapping) else None
            if isinstance(url, str) and self.own_list_id(url) is None:
                unchecked.append(
                    Check.warning(
                        "status",
                        f"The status list {url[:200]} was not checked: this verifier fetches "
                        "nothing from other servers (allow its host to check it).",
                        Problem.STATUS_RETRIEVAL_ERROR,
                    )
                )
            else:
                kept.append(entry)
        if not unchecked:
            return credential, []
        return {**credential, "credentialStatus": kept}, unchecked

    def _check(self, credential: Mapping[str, Any], now: datetime) -> list[Check]:
        issuer = issuer_id(credential) if isinstance(credential, Mapping) else None
        own: dict[int, str] = {}

        def fetch(url: str) -> Mapping[str, Any]:
            list_id = self.own_list_id(url)
            if list_id is None:
                return self._fetch_remote(url)
            document = status_list_credential(self._platform, list_id)
            own[id(document)] = url
            return document

        def verify(document: Mapping[str, Any]) -> VerificationReport:
            report = verify_credential(document, verifier=self._lists)
            publisher = issuer_id(document)
            if id(document) in own and publisher != issuer:
                report.add(
                    Check.failed(
                        "issuer",
                        f"The status list {own[id(document)]} is published by {publisher}, "
                        f"not by the credential's issuer {issuer}.",
                    )
                )
            return report

        return BitstringStatusChecker(fetch, verify)(credential, now)

    def _fetch_remote(self, url: str) -> Mapping[str, Any]:
        if self._fallback is None:  # pragma: no cover - such entries are left out above
            raise DocumentLoaderError(f"refusing to fetch {url}: fetching is not enabled")
        document = parse_json(self._fallback(url), max_bytes=MAX_LIST_BYTES)
        if not isinstance(document, Mapping):
            raise DocumentLoaderError(f"{url} is not a JSON object")
        return document


# --------------------------------------------------------------------------- keys


def key_compromise_check(platform: Platform, credential: Mapping[str, Any] | str) -> Check | None:
    """A failing ``issuer`` check when ``credential`` (a document or a compact JWS) was
    signed by a key of this platform at or after the moment it was compromised, or when
    the platform has no record of issuing it before then; None otherwise."""
    document, methods = _signed_by(credential)
    token = credential if isinstance(credential, str) else None
    for method in methods:
        found = _own_key(platform, method)
        if found is None:
            continue
        org, key = found
        if key.compromised_at is None:
            continue
        record = _record(platform, org, document)
        issued = record is not None and _same(record, document, token, method)
        if record is not None and issued and trusted_at(key, record.issued_at):
            continue
        since = key.compromised_at.strftime("%Y-%m-%dT%H:%M:%SZ")
        if record is not None and issued:
            why = f"it was issued on {record.issued_at.strftime('%Y-%m-%dT%H:%M:%SZ')}, after that"
        else:
            why = "this platform has no record of issuing it before then"
        return Check.failed(
            "issuer",
            f"The credential was signed with {method}, a key of {org.name} that is "
            f"compromised since {since}; {why}.",
            Problem.INVALID_VERIFICATION_METHOD,
        )
    return None


def _signed_by(credential: Mapping[str, Any] | str) -> tuple[Mapping[str, Any], list[str]]:
    """The credential document and the verification methods that signed it."""
    if isinstance(credential, str):
        try:
            jws = decode_compact(credential.strip())
        except InputError:
            return {}, []
        document = credential_of(jws.payload)
        kid = jws.header.get("kid")
        if not isinstance(kid, str):
            return document, []
        if kid.startswith("#"):
            kid = f"{issuer_id(document)}{kid}"
        return document, [kid]
    proofs = credential.get("proof")
    items = proofs if isinstance(proofs, list) else [proofs]
    methods = [
        p["verificationMethod"]
        for p in items
        if isinstance(p, Mapping) and isinstance(p.get("verificationMethod"), str)
    ]
    return credential, methods


def _own_key(platform: Platform, method: str) -> tuple[Organisation, StoredKey] | None:
    """The platform's key behind a did:web ``method``; a did:key organisation's key is
    never marked compromised (refused), so its methods are not looked up."""
    prefix = issuer_did(platform.base_url, "")
    did, _, fragment = method.partition("#")
    slug = did[len(prefix) :] if did.startswith(prefix) else ""
    if not fragment or not valid_slug(slug):
        return None
    with platform.uow() as uow:
        org = uow.organisations.by_slug(slug)
        keys = uow.keys.for_org(org.id) if org is not None else []
    key = next((k for k in keys if k.fragment == fragment), None)
    return None if org is None or key is None else (org, key)


def _record(
    platform: Platform, org: Organisation, document: Mapping[str, Any]
) -> StoredCredential | None:
    credential_id = document.get("id")
    if not isinstance(credential_id, str):
        return None
    with platform.uow() as uow:
        return find_in_org(uow, platform, org.id, credential_id)


def _same(
    record: StoredCredential, document: Mapping[str, Any], token: str | None, method: str
) -> bool:
    """Whether ``document`` says exactly what the platform issued (and signed with
    ``method``)."""
    if token is not None:
        return record.jwt is not None and record.jwt == token.strip()
    unsigned = {k: v for k, v in document.items() if k != "proof"}
    kept = {k: v for k, v in record.document.items() if k != "proof"}
    return record.jwt is None and unsigned == kept and signing_method(record) == method


# --------------------------------------------------------------------------- input


def enveloped_token(credential: Mapping[str, Any]) -> str | None:
    """The compact JWS of an ``EnvelopedVerifiableCredential``, None if it holds none."""
    url = credential.get("id")
    if not isinstance(url, str) or not url.startswith("data:"):
        return None
    header, _, data = url[len("data:") :].partition(",")
    if header.split(";")[0].strip().lower() not in ENVELOPE_MEDIA_TYPES:
        return None
    token = unquote(data).strip()
    return token if looks_like_compact(token) else None


def is_enveloped(credential: Mapping[str, Any]) -> bool:
    types = credential.get("type")
    return ENVELOPED in (types if isinstance(types, list) else [types])


def verify_submitted_credential(
    platform: Platform, verifier: Verifier, credential: Mapping[str, Any] | str
) -> VerificationReport:
    """Verify a credential, a compact JWS or an ``EnvelopedVerifiableCredential`` with
    ``verifier``, and refuse what a compromised key of the platform signed."""
    target: Mapping[str, Any] | str = credential
    if isinstance(credential, Mapping) and is_enveloped(credential):
        token = enveloped_token(credential)
        if token is None:
            report = VerificationReport(kind="unknown")
            report.add(
                Check.failed(
                    "parse",
                    "The EnvelopedVerifiableCredential's id must be a data: URL holding a "
                    f"compact JWS ({', '.join(ENVELOPE_MEDIA_TYPES)}).",
                    Problem.PARSING_ERROR,
                )
            )
            return report
        target = token
    report = verify_credential(target, verifier=verifier)
    compromised = key_compromise_check(platform, target)
    if compromised is not None:
        report.add(compromised)
    return report


def presentation_compromise_checks(
    platform: Platform, presentation: Mapping[str, Any]
) -> list[Check]:
    """A failing ``issuer`` check for each credential of a presentation that a
    compromised key of the platform signed (see :func:`key_compromise_check`)."""
    embedded = presentation.get("verifiableCredential")
    checks = []
    for index, item in enumerate(embedded if isinstance(embedded, list) else [embedded], 1):
        if not isinstance(item, Mapping):
            continue
        target: Mapping[str, Any] | str | None = item
        if is_enveloped(item):
            target = enveloped_token(item)
        check = key_compromise_check(platform, target) if target is not None else None
        if check is not None:
            checks.append(
                Check.failed(check.name, f"Credential {index}: {check.message}", check.problem)
            )
    return checks
