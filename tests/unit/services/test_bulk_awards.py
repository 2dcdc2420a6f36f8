"""Bulk awards from CSV: dry runs, all or nothing, skipping bad rows, re-runs."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine

from microcred.core.loader import DocumentLoader
from microcred.domain.awards import (
    MAX_CSV_BYTES,
    MAX_CSV_ROWS,
    CsvFileError,
    derive_idempotency_key,
    parse_csv,
)
from microcred.domain.model import SYSTEM, PermissionDenied
from microcred.services.bulk_awards import bulk_award
from microcred.services.errors import InvalidInput
from tests.unit.services.issuing_support import T0, World, counts, make_world, verify

GOOD = (
    "email,name,identifier,evidence_url,narrative,issued_on\n"
    "ada@example.org,Ada,did:example:ada,https://e.example/1,Great work,2026-02-01\n"
    "bob@example.org,,,,,\n"
    'cy@example.org,"Cy, Jr.",,,"Two\nlines",2026-02-28T10:00:00Z\n'
)
BAD_ROWS = (
    "x@,Eve,,,,\n"  # line 6
    "dee@example.org,,ada,ftp://nope,,2026-13-01\n"  # line 7
)


@pytest.fixture
def world(engine: Engine, loader: DocumentLoader) -> World:
    return make_world(engine, loader)


def test_dry_run_reports_every_bad_cell_and_changes_nothing(world: World, engine: Engine) -> None:
    result = bulk_award(
        world.platform,
        SYSTEM,
        world.org.id,
        world.achievement_id,
        (GOOD + BAD_ROWS).encode(),
        dry_run=True,
    )
    assert [str(e) for e in result.errors] == [
        'line 6, column email: "x@" is not an email address',
        'line 7, column issued_on: "2026-13-01" is not a date (YYYY-MM-DD) or a date-time '
        "with a timezone",
        'line 7, column identifier: "ada" is not a DID (did:method:…)',
        'line 7, column evidence_url: "ftp://nope" is not an http(s) URL',
    ]
    assert (result.total, result.pending, result.issued) == (5, 3, [])
    assert counts(engine) == {"credentials": 0, "status_entries": 0, "jobs": 0}


def test_all_or_nothing(world: World, engine: Engine) -> None:
    result = bulk_award(
        world.platform, SYSTEM, world.org.id, world.achievement_id, (GOOD + BAD_ROWS).encode()
    )
    assert len(result.errors) == 4 and result.issued == [] and result.pending == 3
    assert counts(engine)["credentials"] == 0


def test_skip_bad_rows_then_rerun_issues_nothing_twice(world: World, engine: Engine) -> None:
    seen: list[tuple[int, int]] = []
    data = (GOOD + BAD_ROWS).encode()
    result = bulk_award(
        world.platform,
        SYSTEM,
        world.org.id,
        world.achievement_id,
        data,
        skip_bad_rows=True,
        progress=lambda d, t: seen.append((d, t)),
    )
    assert len(result.issued) == 3 and len(result.errors) == 4
    assert seen == [(1, 3), (2, 3), (3, 3)]
    assert counts(engine) == {"credentials": 3, "status_entries": 6, "jobs": 3}
    with world.platform.uow() as uow:
        ada = uow.credentials.get(result.issued[0])
        cy = uow.credentials.get(result.issued[2])
    assert ada is not None and cy is not None
    assert ada.recipient_did == "did:example:ada"
    assert ada.document["validFrom"] == "2026-02-01T00:00:00Z"
    assert ada.idempotency_key == derive_idempotency_key(
        world.achievement_id, "ada@example.org", datetime(2026, 2, 1, tzinfo=UTC), "did:example:ada"
    )
    assert cy.document["evidence"][0]["narrative"] == "Two\nlines"
    assert verify(world, ada).verified

    again = bulk_award(
        world.platform, SYSTEM, world.org.id, world.achievement_id, data, skip_bad_rows=True
    )
    assert again.issued == [] and sorted(again.already_issued) == sorted(result.issued)
    assert counts(engine)["credentials"] == 3


def test_a_crash_mid_file_loses_nothing_and_a_rerun_completes(world: World, engine: Engine) -> None:
    def crash_after_two(done: int, total: int) -> None:
        if done == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        bulk_award(
            world.platform,
            SYSTEM,
            world.org.id,
            world.achievement_id,
            GOOD.encode(),
            progress=crash_after_two,
        )
    assert counts(engine)["credentials"] == 2
    dry = bulk_award(
        world.platform, SYSTEM, world.org.id, world.achievement_id, GOOD.encode(), dry_run=True
    )
    assert (dry.pending, len(dry.already_issued)) == (1, 2)
    rest = bulk_award(world.platform, SYSTEM, world.org.id, world.achievement_id, GOOD.encode())
    assert len(rest.issued) == 1 and len(rest.already_issued) == 2
    assert counts(engine)["credentials"] == 3


def test_an_idempotency_key_column_is_used_as_given(world: World) -> None:
    text = "email,idempotency_key\na@example.org,row-1\nb@example.org,row-1\n"
    result = bulk_award(world.platform, SYSTEM, world.org.id, world.achievement_id, text.encode())
    assert len(result.issued) == 1 and len(result.already_issued) == 1
    with world.platform.uow() as uow:
        assert uow.credentials.by_idempotency_key(world.org.id, "row-1") is not None


def test_file_errors_and_roles(world: World) -> None:
    with pytest.raises(InvalidInput, match="line 2: the file is not UTF-8"):
        bulk_award(
            world.platform, SYSTEM, world.org.id, world.achievement_id, b"email\n\xff@example.org\n"
        )
    with pytest.raises(InvalidInput, match="unknown column 'mail'"):
        bulk_award(world.platform, SYSTEM, world.org.id, world.achievement_id, b"mail\nx\n")
    with pytest.raises(PermissionDenied):
        bulk_award(world.platform, world.viewer(), world.org.id, world.achievement_id, b"")


# --------------------------------------------------------------------------- parsing only


def test_parse_limits_and_shapes() -> None:
    with pytest.raises(CsvFileError, match="at most 5,242,880"):
        parse_csv(b"email\n" + b"a" * MAX_CSV_BYTES, T0)
    with pytest.raises(CsvFileError, match="empty"):
        parse_csv(b"", T0)
    with pytest.raises(CsvFileError, match="with at least email"):
        parse_csv(b"name\nAda\n", T0)
    with pytest.raises(CsvFileError, match="'email' is repeated"):
        parse_csv(b"email,email\n", T0)
    with pytest.raises(CsvFileError, match="NUL"):
        parse_csv(b"email\na@b.org\x00\n", T0)
    rows = "".join(f"r{n}@example.org\n" for n in range(MAX_CSV_ROWS + 1))
    with pytest.raises(CsvFileError, match="more than 50,000 rows"):
        parse_csv(("email\n" + rows).encode(), T0)
    parsed = parse_csv(
        "\ufeffEmail , Name\r\n\r\na@example.org,Ann\r\nb@example.org\r\n".encode(), T0
    )
    assert [r.line for r in parsed.rows] == [3]
    assert [str(e) for e in parsed.errors] == ["line 4: 1 cells where the header names 2 columns"]
    future = parse_csv(b"email,issued_on\na@example.org,2026-03-02\n", T0)
    assert [str(e) for e in future.errors] == [
        "line 2, column issued_on: 2026-03-02T00:00:00Z is in the future"
    ]
