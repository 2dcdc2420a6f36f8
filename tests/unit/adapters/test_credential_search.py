"""Searching an organisation's credentials in the database (SQLite and PostgreSQL): by
names in the document, record id, recipient DID or email hash, by state at a moment,
newest first and a page at a time, over every credential (not only the newest)."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, insert

from microcred.adapters.db import schema as t
from microcred.adapters.db.credentials import CredentialRepository
from microcred.domain.awards import StoredCredential
from microcred.domain.credential_search import CredentialState

NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)
ORG, OTHER = "00000000-0000-4000-8000-0000000000c1", "00000000-0000-4000-8000-0000000000c2"


@pytest.fixture
def repository(engine: Engine) -> Iterator[CredentialRepository]:
    with engine.begin() as connection:
        for org in (ORG, OTHER):
            connection.execute(
                insert(t.organisations).values(id=org, slug=org[-4:], name=org, created_at=NOW)
            )
    with engine.connect() as connection:
        yield CredentialRepository(connection)
        connection.rollback()


def _credential(
    n: int,
    *,
    achievement: str = "Data Analysis",
    person: str | None = None,
    org: str = ORG,
    **changes: object,
) -> StoredCredential:
    record_id = str(uuid.uuid4())
    subject: dict[str, object] = {"achievement": {"name": achievement}}
    if person is not None:
        subject["identifier"] = [{"identityType": "name", "identityHash": person}]
    document = {"id": f"https://b.example/credentials/{record_id}", "credentialSubject": subject}
    fields: dict[str, object] = {"issued_at": NOW - timedelta(hours=n)}
    fields.update(changes)
    return StoredCredential(record_id, org, None, f"k{n}", document, **fields)  # type: ignore[arg-type]


def _ids(found: tuple[list[StoredCredential], int]) -> list[str]:
    return [c.id for c in found[0]]


def test_a_query_finds_names_ids_and_dids_in_any_case(repository: CredentialRepository) -> None:
    made = [
        _credential(0, achievement="Public Speaking", person="Ada Lovelace"),
        _credential(1, recipient_did="did:example:Grace"),
        _credential(2, person="Alan Turing"),
        _credential(3, achievement="Wild_card 100% sure"),
    ]
    repository.add_many([*made, _credential(4, person="Ada Lovelace", org=OTHER)])

    def search(text: str) -> list[str]:
        return _ids(repository.search(ORG, text=text, now=NOW))

    assert search("public speaking") == [made[0].id]
    assert search("lovelace") == [made[0].id]  # not the other organisation's
    assert search("did:example:grace") == [made[1].id]
    assert search(made[2].id[:13]) == [made[2].id]
    assert search("100%") == [made[3].id] and search("d_c") == [made[3].id]
    assert search("%") == [made[3].id]  # a literal per cent sign, not a wildcard
    assert search("_") == [made[3].id]
    assert search("nobody") == []
    assert search("") == [c.id for c in made]  # newest first


def test_an_email_hash_matches_exactly(repository: CredentialRepository) -> None:
    email_hash = hashlib.sha256(b"ada@example.org").hexdigest()
    ada = _credential(0, recipient_email_hash=email_hash)
    repository.add_many([ada, _credential(1)])
    found = repository.search(ORG, text="ada@example.org", email_hash=email_hash, now=NOW)
    assert _ids(found) == [ada.id] and found[1] == 1


def test_states_at_a_moment(repository: CredentialRepository) -> None:
    active = _credential(0)
    still_valid = _credential(1, valid_until=NOW + timedelta(days=1))
    expired = _credential(2, valid_until=NOW - timedelta(seconds=1))
    revoked = _credential(3, revoked=True, valid_until=NOW - timedelta(days=1))
    suspended = _credential(4, suspended=True)
    repository.add_many([active, still_valid, expired, revoked, suspended])

    def ids(state: CredentialState) -> set[str]:
        return set(_ids(repository.search(ORG, state=state, now=NOW)))

    assert ids(CredentialState.ACTIVE) == {active.id, still_valid.id}
    assert ids(CredentialState.EXPIRED) == {expired.id}
    assert ids(CredentialState.REVOKED) == {revoked.id}
    assert ids(CredentialState.SUSPENDED) == {suspended.id}
    later = repository.search(ORG, state=CredentialState.EXPIRED, now=NOW + timedelta(days=2))
    assert set(_ids(later)) == {expired.id, still_valid.id}


def test_pages_cover_every_credential_oldest_included(repository: CredentialRepository) -> None:
    made = [_credential(n) for n in range(23)]
    repository.add_many(made)
    pages = [repository.search(ORG, now=NOW, offset=o, limit=10) for o in (0, 10, 20)]
    assert [found[1] for found in pages] == [23, 23, 23]
    assert [i for found in pages for i in _ids(found)] == [c.id for c in made]
    oldest = _ids(repository.search(ORG, text=made[-1].id, now=NOW))
    assert oldest == [made[-1].id]


def test_a_new_document_is_searched_from_then_on(repository: CredentialRepository) -> None:
    credential = _credential(0, achievement="Old Name")
    repository.add(credential)
    renamed = {**credential.document, "name": "Renamed Credential"}
    repository.set_document(credential.id, renamed, None)
    assert _ids(repository.search(ORG, text="renamed", now=NOW)) == [credential.id]
    repository.set_documents([(credential.id, {"name": "Third"}, None)])
    assert _ids(repository.search(ORG, text="renamed", now=NOW)) == []
    assert _ids(repository.search(ORG, text="third", now=NOW)) == [credential.id]


def test_reading_a_credential_leaves_the_search_text_out(
    repository: CredentialRepository,
) -> None:
    credential = _credential(0)
    repository.add(credential)
    assert repository.get(credential.id) == credential
    assert repository.for_org(ORG) == [credential]
