"""Issuing credentials the caller wrote (W3C VC-API ``POST /credentials/issue``), and
finding an organisation's credentials by the ``id`` they carry.

The caller gives the whole unsigned credential; the platform checks it, makes sure its
issuer is the organisation's DID (did:web or did:key), optionally gives it
``BitstringStatusListEntry`` positions in the organisation's status lists, signs it with
the organisation's current key and keeps it, so that ``GET /credentials/<id>`` serves it
and revocation works as for awards.  VC Data Model 1.1 inputs are accepted: their
``issuanceDate`` is kept (added when missing), and the Data Integrity and status contexts
are appended to ``@context`` when the terms the platform adds would otherwise be
undefined.

A caller-written credential belongs to no achievement: its ``achievement_id`` is NULL
(nullable since migration 0002).  Before that revision such credentials pointed at a
hidden, *retired* placeholder achievement per organisation (:func:`placeholder_id`);
those rows are kept as they were, so :func:`is_vcapi` and :func:`is_placeholder` still
recognise them, but no placeholder is created any more.

A caller-written credential is kept under the idempotency key ``vc-api:<sha256 of its
id>``: the same credential id cannot be issued twice by one organisation (409), and
:func:`find_in_org` finds it by that id.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from microcred.core.documents import validate_document
from microcred.core.documents.constants import VC1_CONTEXT, VC2_CONTEXT
from microcred.core.errors import MicrocredError
from microcred.core.issue import issue, issue_jwt
from microcred.core.loader import DocumentLoader
from microcred.core.timeutil import parse_datetime
from microcred.core.verify import issuer_id
from microcred.domain.achievements import Achievement
from microcred.domain.awards import StatusPurpose, StoredCredential, is_did
from microcred.domain.model import Actor, AuditEntry, Role
from microcred.services.errors import Conflict, InvalidInput, ServiceError
from microcred.services.keys import Signer, get_org, signer_for
from microcred.services.organisations import SIGNING_SUITES, Platform
from microcred.services.ports import UnitOfWork
from microcred.services.status import allocate, status_list_url

#: Appended to a VC 1.1 ``@context`` so that ``DataIntegrityProof`` and its terms exist.
DATA_INTEGRITY_CONTEXT = "https://w3id.org/security/data-integrity/v2"
DATA_INTEGRITY_CONTEXTS = frozenset(
    {DATA_INTEGRITY_CONTEXT, "https://w3id.org/security/data-integrity/v1"}
)
#: Appended to a VC 1.1 ``@context`` that gets a ``BitstringStatusListEntry``.
STATUS_CONTEXT = "https://www.w3.org/ns/credentials/status/v1"
#: ``credentialStatus`` types a caller may ask for through ``options.credentialStatus``.
STATUS_ENTRY_TYPE = "BitstringStatusListEntry"
KEY_PREFIX = "vc-api:"
#: The namespace of the (pre-0002) placeholder achievements' ids (uuid5 of the org's id).
PLACEHOLDER_NAMESPACE = uuid.UUID("5d1f3c1e-7f0b-4c59-9a57-6a0a5b8f2e11")
MAX_REASON = 1_000
#: At most this many ``statusReference`` URLs per ``options.credentialStatus`` item.
MAX_STATUS_REFERENCES = 10
MAX_URL = 2_000


class MalformedCredential(ServiceError):
    """The credential (or the request around it) is not a well-formed credential; the
    HTTP interface answers 400, as the VC-API asks for invalid input."""


@dataclass(frozen=True)
class IssueOptions:
    """What ``options`` of an issue request ask for."""

    #: ``eddsa-rdfc-2022``, ``eddsa-jcs-2022`` or ``jose``; None: the organisation's suite.
    suite: str | None = None
    #: One ``BitstringStatusListEntry`` per purpose (none: no status entry).
    status_purposes: tuple[StatusPurpose, ...] = ()
    #: The ``statusReference`` (one URL or a list of them) the entry of a purpose gets.
    status_references: tuple[tuple[StatusPurpose, str | tuple[str, ...]], ...] = ()
    #: The ``statusMessage`` (``(status, message)`` of 0x0 and 0x1) of a purpose's entry.
    status_messages: tuple[tuple[StatusPurpose, tuple[tuple[str, str], ...]], ...] = ()

    def status_reference(self, purpose: StatusPurpose) -> str | list[str] | None:
        """The ``statusReference`` value of the entry of ``purpose``, if it has one."""
        for named, reference in self.status_references:
            if named == purpose:
                return reference if isinstance(reference, str) else list(reference)
        return None

    def status_message(self, purpose: StatusPurpose) -> list[dict[str, str]] | None:
        """The ``statusMessage`` value of the entry of ``purpose``, if it has one."""
        for named, messages in self.status_messages:
            if named == purpose:
                return [{"status": status, "message": text} for status, text in messages]
        return None


def placeholder_id(org_id: str) -> str:
    """The id of the organisation's placeholder achievement, which credentials issued
    through the VC-API before migration 0002 point to (see the module text)."""
    return str(uuid.uuid5(PLACEHOLDER_NAMESPACE, org_id))


def is_placeholder(achievement: Achievement) -> bool:
    """Whether ``achievement`` is a (pre-0002) placeholder, which stays hidden."""
    return achievement.id == placeholder_id(achievement.org_id)


def is_vcapi(credential: StoredCredential) -> bool:
    """Whether the caller wrote the credential (VC-API): it belongs to no achievement."""
    achievement_id: str | None = credential.achievement_id
    return achievement_id is None or achievement_id == placeholder_id(credential.org_id)


def document_key(credential_id: str) -> str:
    """The idempotency key a caller-written credential with this ``id`` is kept under."""
    return KEY_PREFIX + hashlib.sha256(credential_id.encode("utf-8")).hexdigest()


def credential_url(base_url: str, record_id: str) -> str:
    return f"{base_url.rstrip('/')}/credentials/{record_id}"


def find_in_org(
    uow: UnitOfWork, platform: Platform, org_id: str, credential_id: str
) -> StoredCredential | None:
    """The organisation's credential whose record id, URL or (caller-written) ``id`` is
    ``credential_id``; None when the organisation has none."""
    prefix = credential_url(platform.base_url, "")
    record = uow.credentials.get(credential_id.removeprefix(prefix))
    if record is not None and record.org_id == org_id:
        return record
    return uow.credentials.by_idempotency_key(org_id, document_key(credential_id))


# --------------------------------------------------------------------------- options


def parse_options(options: object) -> IssueOptions:
    """Read ``options``: ``cryptosuite`` (or ``suite``) and ``credentialStatus`` (an object
    or a list of objects of type ``BitstringStatusListEntry``, each with an optional
    ``statusPurpose``: ``revocation``, ``suspension`` or a list of them; without one the
    credential gets both; an optional ``statusReference``, an http(s) URL or a list of
    them, and an optional ``statusMessage``, the messages of status 0x0 and 0x1 as the
    specification writes them, both copied into the entries of that item).  Other members
    are ignored."""
    if options is None:
        return IssueOptions()
    if not isinstance(options, Mapping):
        raise MalformedCredential("options must be a JSON object")
    suite = options.get("cryptosuite", options.get("suite"))
    if suite is not None and (not isinstance(suite, str) or suite not in SIGNING_SUITES):
        raise InvalidInput(
            f"options.cryptosuite: {str(suite)[:60]!r} is not supported; "
            f"choose one of {', '.join(SIGNING_SUITES)}"
        )
    return _status_options(suite, options.get("credentialStatus"))


def _status_options(suite: str | None, value: object) -> IssueOptions:
    if value is None:
        return IssueOptions(suite)
    items = value if isinstance(value, list) else [value]
    purposes: list[StatusPurpose] = []
    references: dict[StatusPurpose, str | tuple[str, ...]] = {}
    messages: dict[StatusPurpose, tuple[tuple[str, str], ...]] = {}
    for index, item in enumerate(items):
        where = "options.credentialStatus" + (f"[{index}]" if isinstance(value, list) else "")
        if not isinstance(item, Mapping):
            raise MalformedCredential(
                f'{where} must be an object such as {{"type": "{STATUS_ENTRY_TYPE}"}}'
            )
        kind = item.get("type")
        if kind != STATUS_ENTRY_TYPE:
            raise InvalidInput(
                f"{where}.type: {str(kind)[:60]!r} is not supported; the platform "
                f"publishes {STATUS_ENTRY_TYPE} entries"
            )
        named = _purposes_of(item.get("statusPurpose"), f"{where}.statusPurpose")
        purposes.extend(named)
        reference = _status_reference(item.get("statusReference"), f"{where}.statusReference")
        if reference is not None:
            references.update(dict.fromkeys(named, reference))
        message = _status_message(item.get("statusMessage"), f"{where}.statusMessage")
        if message is not None:
            messages.update(dict.fromkeys(named, message))
    return IssueOptions(
        suite, tuple(dict.fromkeys(purposes)), tuple(references.items()), tuple(messages.items())
    )


#: The status values of a one-bit entry, as a ``statusMessage`` names them.
_ONE_BIT = ("0x0", "0x1")
MAX_STATUS_MESSAGE = 200


def _status_message(value: object, where: str) -> tuple[tuple[str, str], ...] | None:
    """A ``statusMessage`` option: the two messages of a one-bit entry (statusSize 1),
    ``[{"status": "0x0", "message": …}, {"status": "0x1", "message": …}]``."""
    if value is None:
        return None
    shape = '[{"status": "0x0", "message": "…"}, {"status": "0x1", "message": "…"}]'
    if not isinstance(value, list) or len(value) != len(_ONE_BIT):
        raise InvalidInput(f"{where}: give the two messages of a one-bit entry, {shape}")
    found: dict[str, str] = {}
    for item in value:
        status = item.get("status") if isinstance(item, Mapping) else None
        text = item.get("message") if isinstance(item, Mapping) else None
        if not isinstance(status, str) or status.lower() not in _ONE_BIT:
            raise InvalidInput(f"{where}: each item's status is 0x0 or 0x1, as in {shape}")
        if not isinstance(text, str) or not 0 < len(text) <= MAX_STATUS_MESSAGE:
            raise InvalidInput(
                f"{where}: each message is text of 1 to {MAX_STATUS_MESSAGE} characters"
            )
        if not text.isprintable():
            raise InvalidInput(f"{where}: a message holds a control character")
        found[status.lower()] = text
    if len(found) != len(_ONE_BIT):
        raise InvalidInput(f"{where}: name status 0x0 once and 0x1 once, as in {shape}")
    return tuple((status, found[status]) for status in _ONE_BIT)


def _status_reference(value: object, where: str) -> str | tuple[str, ...] | None:
    """A ``statusReference`` option: None, one http(s) URL or a non-empty list of them."""
    if value is None:
        return None
    urls = value if isinstance(value, list) else [value]
    if not urls or len(urls) > MAX_STATUS_REFERENCES:
        raise InvalidInput(f"{where}: give one URL or a list of 1 to {MAX_STATUS_REFERENCES}")
    checked: list[str] = []
    for url in urls:
        if not isinstance(url, str) or not _is_web_url(url):
            raise InvalidInput(f"{where}: {str(url)[:80]!r} is not an http(s) URL")
        checked.append(url)
    return checked[0] if isinstance(value, str) else tuple(checked)


def _is_web_url(value: str) -> bool:
    if len(value) > MAX_URL or not value.isprintable():
        return False
    if any(c.isspace() for c in value):
        return False
    try:
        parts = urlsplit(value)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def _purposes_of(value: object, where: str) -> list[StatusPurpose]:
    if value is None:
        return [StatusPurpose.REVOCATION, StatusPurpose.SUSPENSION]
    names = value if isinstance(value, list) else [value]
    known = {p.value: p for p in StatusPurpose}
    found = []
    for name in names:
        if not isinstance(name, str) or name not in known:
            raise InvalidInput(
                f"{where}: {str(name)[:60]!r} is not supported; use revocation or suspension"
            )
        found.append(known[name])
    return found


# --------------------------------------------------------------------------- issuing


def issue_credential(
    platform: Platform,
    actor: Actor,
    org_id: str,
    credential: object,
    options: IssueOptions,
    *,
    loader: DocumentLoader | None = None,
) -> StoredCredential:
    """Sign and keep a caller-written credential as organisation ``org_id`` (issuer role).

    Raises :class:`MalformedCredential` for a credential that is not well-formed (or that
    cannot be signed as it is), :class:`InvalidInput` for one whose issuer is not the
    organisation's DID or that asks for something the platform does not do, and
    :class:`Conflict` when the organisation already issued a credential with its ``id``.
    """
    actor.require(org_id, Role.ISSUER)
    submitted = _submitted(platform, credential)
    now = platform.clock()
    with platform.uow() as uow:
        signer = signer_for(platform, uow, get_org(uow, org_id), loader)
        record_id = str(uuid.uuid4())
        version = _version(submitted)
        suite = _suite(options, signer.suite, version)
        document = _completed(platform, submitted, record_id, version, suite, options, now)
        _check(document, signer.did, platform.base_url)
        record = _record(record_id, org_id, document, now)
        if not uow.credentials.add(record):
            raise Conflict(
                f"the organisation already issued a credential with id {document['id']!r}; "
                "give each credential its own id"
            )
        entries = [
            _with_options(
                allocate(uow, platform, signer, record_id, purpose, now).entry(platform.base_url),
                options,
                purpose,
            )
            for purpose in options.status_purposes
        ]
        if entries:
            _add_status(document, entries)
        signed, jwt = _signed(document, signer, suite, now)
        uow.credentials.set_document(record_id, signed, jwt)
        detail = {"via": "vc-api", "credential_id": document["id"], "suite": suite}
        uow.audit.append(
            AuditEntry(org_id, actor.label, "credential.issue", record_id, detail, now)
        )
        uow.commit()
    return replace(record, document=signed, jwt=jwt)


def _submitted(platform: Platform, credential: object) -> Mapping[str, Any]:
    """The caller's credential, if it is one this endpoint may sign."""
    if not isinstance(credential, Mapping):
        raise MalformedCredential("credential must be a JSON object")
    if "proof" in credential:
        raise MalformedCredential("credential already has a proof; send it unsigned")
    given_id = credential.get("id")
    if isinstance(given_id, str) and given_id.startswith(credential_url(platform.base_url, "")):
        raise InvalidInput(
            "credential.id names a credential of this platform; leave id out to be given one"
        )
    return credential


def _record(
    record_id: str, org_id: str, document: Mapping[str, Any], now: datetime
) -> StoredCredential:
    """The stored row of a VC-API credential: no achievement; signed once its status
    positions are known."""
    return StoredCredential(
        id=record_id,
        org_id=org_id,
        achievement_id=None,
        idempotency_key=document_key(str(document["id"])),
        document={},
        issued_at=now,
        recipient_did=_subject_did(document),
        valid_until=_valid_until(document),
    )


def _signed(
    document: dict[str, Any], signer: Signer, suite: str, now: datetime
) -> tuple[dict[str, Any], str | None]:
    """The signed credential (and its compact JWS for the ``jose`` suite)."""
    try:
        if suite == "jose":
            return document, issue_jwt(document, key=signer.pair, loader=signer.loader)
        return issue(document, key=signer.pair, suite=suite, loader=signer.loader, now=now), None
    except MicrocredError as exc:
        raise MalformedCredential(f"the credential cannot be signed: {exc}") from exc


def _version(credential: Mapping[str, Any]) -> int | None:
    contexts = credential.get("@context")
    first = contexts[0] if isinstance(contexts, list) and contexts else contexts
    return {VC2_CONTEXT: 2, VC1_CONTEXT: 1}.get(first) if isinstance(first, str) else None


def _suite(options: IssueOptions, org_suite: str, version: int | None) -> str:
    if version != 1:
        return options.suite or org_suite
    if options.suite == "jose":
        raise InvalidInput(
            "options.cryptosuite: VC-JOSE secures VC Data Model 2.0 credentials only; ask for "
            "eddsa-rdfc-2022 or eddsa-jcs-2022 for a VC 1.1 credential"
        )
    # an organisation that signs with VC-JOSE signs VC 1.1 inputs with Data Integrity
    suite = options.suite or org_suite
    return "eddsa-rdfc-2022" if suite == "jose" else suite


def _completed(
    platform: Platform,
    credential: Mapping[str, Any],
    record_id: str,
    version: int | None,
    suite: str,
    options: IssueOptions,
    now: datetime,
) -> dict[str, Any]:
    """The credential as it will be signed: an ``id`` (its URL here when it has none),
    and for VC 1.1 an ``issuanceDate`` and the contexts of the terms the platform adds."""
    document = dict(credential)
    document.setdefault("id", credential_url(platform.base_url, record_id))
    contexts = document.get("@context")
    if version == 1 and isinstance(contexts, list):
        document.setdefault("issuanceDate", now.strftime("%Y-%m-%dT%H:%M:%SZ"))
        added = list(contexts)
        if suite != "jose" and not DATA_INTEGRITY_CONTEXTS & {
            c for c in added if isinstance(c, str)
        }:
            added.append(DATA_INTEGRITY_CONTEXT)
        if options.status_purposes and STATUS_CONTEXT not in added:
            added.append(STATUS_CONTEXT)
        document["@context"] = added
    return document


def _check(document: Mapping[str, Any], did: str, base_url: str) -> None:
    errors = [i for i in validate_document(document) if i.severity == "error"]
    if errors:
        shown = "; ".join(
            f"credential.{i.path}: {i.message}" if i.path else i.message for i in errors[:5]
        )
        more = f" (and {len(errors) - 5} more)" if len(errors) > 5 else ""
        raise MalformedCredential(shown + more)
    issuer = issuer_id(document)
    if issuer != did:
        raise InvalidInput(
            f"credential.issuer is {str(issuer)[:200]!r}, but this endpoint issues as the "
            f"organisation's DID {did}: set credential.issuer (or credential.issuer.id) to it"
        )
    lists = status_list_url(base_url, "")
    status = document.get("credentialStatus")
    for entry in status if isinstance(status, list) else [status]:
        url = entry.get("statusListCredential") if isinstance(entry, Mapping) else None
        if isinstance(url, str) and url.startswith(lists):
            raise InvalidInput(
                "credential.credentialStatus names a status list of this platform; leave it "
                "out and ask for one with options.credentialStatus"
            )


def _with_options(
    entry: dict[str, Any], options: IssueOptions, purpose: StatusPurpose
) -> dict[str, Any]:
    """The entry with the ``statusMessage`` and ``statusReference`` asked for (a one-bit
    entry: ``statusSize`` stays out, 1 by default)."""
    messages = options.status_message(purpose)
    if messages is not None:
        entry["statusMessage"] = messages
    reference = options.status_reference(purpose)
    if reference is not None:
        entry["statusReference"] = reference
    return entry


def _add_status(document: dict[str, Any], entries: Sequence[dict[str, Any]]) -> None:
    existing = document.get("credentialStatus")
    given = [] if existing is None else existing if isinstance(existing, list) else [existing]
    combined = [*given, *entries]
    document["credentialStatus"] = combined[0] if len(combined) == 1 else combined


def _subject_did(document: Mapping[str, Any]) -> str | None:
    subject = document.get("credentialSubject")
    subject = subject[0] if isinstance(subject, list) and subject else subject
    subject_id = subject.get("id") if isinstance(subject, Mapping) else None
    return subject_id if isinstance(subject_id, str) and is_did(subject_id) else None


def _valid_until(document: Mapping[str, Any]) -> datetime | None:
    for name in ("validUntil", "expirationDate"):
        moment = parse_datetime(document.get(name), require_timezone=False)
        if moment is not None:
            return moment
    return None
