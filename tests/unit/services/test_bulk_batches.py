"""Bulk awards in batches: many rows per transaction, status lists filling up mid-batch,
positions taken by someone else between drawing and claiming, and the template path
giving the same credentials as the fully checked one."""

from __future__ import annotations

import copy

import pytest
from sqlalchemy import Engine, select

from microcred.adapters.db import schema
from microcred.core.loader import DocumentLoader
from microcred.domain.awards import StatusPurpose
from microcred.domain.model import SYSTEM
from microcred.services import award_batches, row_signing, status
from microcred.services.awards import award
from microcred.services.bulk_awards import BATCH_ROWS, bulk_award
from microcred.services.errors import InvalidInput
from microcred.services.keys import Signer
from microcred.services.status import Slot, open_list
from tests.unit.services.issuing_support import World, counts, make_world, verify


@pytest.fixture
def world(engine: Engine, loader: DocumentLoader) -> World:
    return make_world(engine, loader)


def _csv(n: int, prefix: str = "r") -> bytes:
    rows = [
        f"{prefix}{i}@example.org,Row {i},,https://e.example/{i},,2026-02-0{1 + i % 9}"
        if i % 3 == 0
        else f"{prefix}{i}@example.org,,did:example:{prefix}{i},,,"
        for i in range(n)
    ]
    return ("email,name,identifier,evidence_url,narrative,issued_on\n" + "\n".join(rows)).encode()


def _entries(engine: Engine) -> list[tuple[str, int, str]]:
    e = schema.status_entries
    with engine.connect() as connection:
        rows = connection.execute(select(e.c.list_id, e.c.position, e.c.credential_id)).all()
    return [(r.list_id, r.position, r.credential_id) for r in rows]


def test_batches_fill_small_lists_and_every_credential_verifies(
    world: World, engine: Engine
) -> None:
    for purpose in StatusPurpose:
        open_list(world.platform, SYSTEM, world.org.id, purpose, length=70)
    n = 2 * BATCH_ROWS + 7
    seen: list[int] = []
    result = bulk_award(
        world.platform,
        SYSTEM,
        world.org.id,
        world.achievement_id,
        _csv(n),
        progress=lambda done, total: seen.append(done),
    )
    assert len(result.issued) == n and not result.errors and seen == list(range(1, n + 1))
    assert counts(engine) == {"credentials": n, "status_entries": 2 * n, "jobs": n}
    entries = _entries(engine)
    assert len({(e[0], e[1]) for e in entries}) == 2 * n
    with world.platform.uow() as uow:
        lists = uow.status.lists_for_org(world.org.id)
        used = {record.id: record.used for record in lists}
        for list_id, count in used.items():
            assert count == sum(1 for e in entries if e[0] == list_id)
        assert sorted((r.length, r.used) for r in lists) == [
            (70, 70),
            (70, 70),
            (131_072, n - 70),
            (131_072, n - 70),
        ]
        stored = [uow.credentials.get(i) for i in result.issued]
    for credential in stored:
        assert credential is not None
        named = {
            (s["statusListCredential"].rsplit("/", 1)[1], int(s["statusListIndex"]))
            for s in credential.document["credentialStatus"]
        }
        assert named == {(e[0], e[1]) for e in entries if e[2] == credential.id}
    for credential in stored[:: max(1, n // 12)]:
        assert credential is not None and verify(world, credential).verified
    again = bulk_award(world.platform, SYSTEM, world.org.id, world.achievement_id, _csv(n))
    assert again.issued == [] and again.already_issued == result.issued


def test_template_credentials_match_the_checked_ones(world: World) -> None:
    """A row signed from a template holds what award() would have written."""
    data = b"email,name\nfirst@example.org,First\nsecond@example.org,Second\n"
    result = bulk_award(world.platform, SYSTEM, world.org.id, world.achievement_id, data)
    single = award(
        world.platform,
        SYSTEM,
        world.org.id,
        world.achievement_id,
        "third@example.org",
        "Third",
        idempotency_key="third",
    )
    with world.platform.uow() as uow:
        second = uow.credentials.get(result.issued[1])
    assert second is not None
    expected, got = copy.deepcopy(single.credential.document), copy.deepcopy(second.document)
    for document in (expected, got):
        del document["proof"], document["id"], document["credentialStatus"]
        del document["credentialSubject"]["identifier"]
    assert got == expected and list(got) == list(expected)
    assert verify(world, second).verified


def test_positions_taken_after_the_draw_are_drawn_again(
    world: World, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    bulk_award(world.platform, SYSTEM, world.org.id, world.achievement_id, _csv(3, "a"))
    taken = {(e[0], e[1]) for e in _entries(engine)}
    draw = status.draw_slots

    def stale_draw(*args: object, **kwargs: object) -> list[Slot]:
        """Hand out the positions already taken first (as a concurrent award would)."""
        slots: list[Slot] = draw(*args, **kwargs)  # type: ignore[arg-type]
        stale = sorted(p for lid, p in taken if slots and lid == slots[0].list_id)
        return [Slot(s.list_id, stale[i], s.purpose) for i, s in enumerate(slots[:1])] + [
            s for s in slots[1:] if s.position not in stale
        ]

    monkeypatch.setattr(award_batches, "draw_slots", stale_draw)
    result = bulk_award(world.platform, SYSTEM, world.org.id, world.achievement_id, _csv(5, "b"))
    assert len(result.issued) == 5
    entries = _entries(engine)
    assert len(entries) == 16 and len({(e[0], e[1]) for e in entries}) == 16
    with world.platform.uow() as uow:
        stored = [uow.credentials.get(i) for i in result.issued]
        lists = uow.status.lists_for_org(world.org.id)
    for credential in stored:
        assert credential is not None and verify(world, credential).verified
        named = {int(s["statusListIndex"]) for s in credential.document["credentialStatus"]}
        assert named == {e[1] for e in entries if e[2] == credential.id}
    assert sorted(r.used for r in lists) == [8, 8]


def test_a_row_that_cannot_be_signed_stops_the_file_after_the_rows_before(
    world: World, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    sign = row_signing.sign_row
    calls = {"n": 0}

    def failing(run: award_batches.BatchRun, signer: Signer, item: row_signing.Row) -> None:
        calls["n"] += 1
        if item.row.request.email.startswith("r4@"):
            raise InvalidInput("the credential could not be signed: test")
        sign(run, signer, item)

    monkeypatch.setattr(row_signing, "sign_row", failing)
    result = bulk_award(world.platform, SYSTEM, world.org.id, world.achievement_id, _csv(9))
    assert len(result.issued) == 4 and result.pending == 4
    assert [str(e) for e in result.errors] == ["line 6: the credential could not be signed: test"]
    assert counts(engine) == {"credentials": 4, "status_entries": 8, "jobs": 4}
    skipped = bulk_award(
        world.platform, SYSTEM, world.org.id, world.achievement_id, _csv(9), skip_bad_rows=True
    )
    assert len(skipped.issued) == 4 and len(skipped.already_issued) == 4
    assert counts(engine)["credentials"] == 8


def test_a_row_another_award_issues_while_the_batch_signs_is_reported_as_theirs(
    world: World, engine: Engine
) -> None:
    """Between a batch's read and its write (while it signs, no transaction open) another
    award issues one of its keys: the batch leaves that row out and reports it as already
    issued, under the other award's credential."""
    data = b"email,name,idempotency_key\na@x.org,A,key-a\nb@x.org,B,key-b\nc@x.org,C,key-c\n"
    theirs: list[str] = []

    def meanwhile(done: int, total: int) -> None:
        if done == 1:  # the batch has read (key-c is free) and is signing
            other = award(
                world.platform,
                SYSTEM,
                world.org.id,
                world.achievement_id,
                "c@x.org",
                "C",
                idempotency_key="key-c",
            )
            theirs.append(other.credential.id)

    result = bulk_award(
        world.platform, SYSTEM, world.org.id, world.achievement_id, data, progress=meanwhile
    )
    assert len(result.issued) == 2 and result.already_issued == theirs
    assert not result.errors and result.pending == 0
    assert counts(engine) == {"credentials": 3, "status_entries": 6, "jobs": 3}
    entries = _entries(engine)
    assert len({(e[0], e[1]) for e in entries}) == 6  # no position handed out twice
    with world.platform.uow() as uow:
        lists = uow.status.lists_for_org(world.org.id)
    assert sorted(r.used for r in lists) == [3, 3]
