"""Bulk awards cut into parts awarded by several processes at once: the same outcome as in
one process (each row once, each status position once, one audit entry and one email job
per credential), in file order, and a second run issues nothing."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import Engine, select

from microcred.adapters.db import schema
from microcred.adapters.parallel import ForkParallel
from microcred.core.loader import DocumentLoader
from microcred.domain.model import SYSTEM
from microcred.services.bulk_awards import BATCH_ROWS, bulk_award
from tests.unit.services.issuing_support import World, counts, make_world, verify


@pytest.fixture
def world(engine: Engine, loader: DocumentLoader) -> World:
    made = make_world(engine, loader)
    made.platform = replace(made.platform, parallel=ForkParallel(engine, 3))
    return made


def _csv(n: int, *, duplicate_of: int | None = None) -> bytes:
    rows = [f"p{i}@example.org,Person {i}" for i in range(n)]
    if duplicate_of is not None:
        rows.append(rows[duplicate_of])  # the same recipient again, in another part
    return ("email,name\n" + "\n".join(rows) + "\n").encode()


def _audited(engine: Engine) -> list[str]:
    a = schema.audit_log
    with engine.connect() as connection:
        query = select(a.c.subject).where(a.c.action == "credential.award")
        return [str(s) for s in connection.execute(query).scalars()]


def _mailed(engine: Engine) -> dict[str, str]:
    """Credential id -> the address its claim email goes to."""
    with engine.connect() as connection:
        payloads = connection.execute(select(schema.jobs.c.payload)).scalars()
        return {p["credential_id"]: p["email"] for p in payloads}


def test_three_processes_issue_each_row_once_in_file_order(world: World, engine: Engine) -> None:
    n = 3 * BATCH_ROWS + 11
    seen: list[tuple[int, int]] = []
    result = bulk_award(
        world.platform,
        SYSTEM,
        world.org.id,
        world.achievement_id,
        _csv(n, duplicate_of=0),
        progress=lambda done, total: seen.append((done, total)),
    )
    assert len(result.issued) == n and not result.errors and result.pending == 0
    assert len(result.already_issued) == 1 and result.already_issued[0] == result.issued[0]
    assert counts(engine) == {"credentials": n, "status_entries": 2 * n, "jobs": n}
    assert sorted(_audited(engine)) == sorted(result.issued)
    assert seen[-1] == (n + 1, n + 1) and [d for d, _ in seen] == sorted(d for d, _ in seen)
    with world.platform.uow() as uow:
        stored = [uow.credentials.get(i) for i in result.issued]
        lists = uow.status.lists_for_org(world.org.id)
    emails = [c.idempotency_key for c in stored if c is not None]
    assert len(set(emails)) == n
    positions = {
        (s["statusListCredential"], s["statusListIndex"])
        for c in stored
        if c is not None
        for s in c.document["credentialStatus"]
    }
    assert len(positions) == 2 * n
    assert sorted(r.used for r in lists) == [n, n]
    for credential in stored[:: max(1, n // 6)]:
        assert credential is not None and verify(world, credential).verified
    mailed = _mailed(engine)
    assert [mailed[i] for i in result.issued] == [f"p{i}@example.org" for i in range(n)]
    again = bulk_award(world.platform, SYSTEM, world.org.id, world.achievement_id, _csv(n))
    assert again.issued == [] and again.already_issued == result.issued


def test_one_process_and_small_files_do_not_fork(world: World, engine: Engine) -> None:
    few = bulk_award(world.platform, SYSTEM, world.org.id, world.achievement_id, _csv(3))
    single = bulk_award(
        world.platform,
        SYSTEM,
        world.org.id,
        world.achievement_id,
        _csv(2 * BATCH_ROWS).replace(b"p", b"q"),
        processes=1,
    )
    assert len(few.issued) == 3 and len(single.issued) == 2 * BATCH_ROWS
    assert counts(engine)["credentials"] == 3 + 2 * BATCH_ROWS


def test_a_row_repeated_in_a_later_batch_of_one_process_is_the_earlier_ones(
    world: World, engine: Engine
) -> None:
    """Both rows are read ahead together (one look-ahead covers several batches): the
    later one is found issued only when its batch is written, and reported as the
    earlier row's credential."""
    data = _csv(BATCH_ROWS + 5, duplicate_of=3)
    result = bulk_award(
        world.platform, SYSTEM, world.org.id, world.achievement_id, data, processes=1
    )
    assert len(result.issued) == BATCH_ROWS + 5 and not result.errors
    assert result.already_issued == [result.issued[3]]
    assert counts(engine)["credentials"] == BATCH_ROWS + 5
    assert len(_audited(engine)) == BATCH_ROWS + 5 and len(_mailed(engine)) == BATCH_ROWS + 5
