"""Awards: who receives an achievement, the credentials issued, and bulk CSV files.

:func:`request_problems` checks one award request; :func:`parse_csv` reads a bulk file
(strict UTF-8, bounded) into requests and reports every bad cell by line and column, e.g.
``line 7, column email: "x@" is not an email address``.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from enum import StrEnum
from typing import Any

from microcred.core.documents import is_url
from microcred.core.timeutil import parse_datetime

MAX_CSV_BYTES = 5 * 1024 * 1024
MAX_CSV_ROWS = 50_000
MAX_KEY = 200
MAX_NARRATIVE = 10_000
COLUMNS = ("email", "name", "identifier", "evidence_url", "narrative", "issued_on")
OPTIONAL_COLUMNS = ("idempotency_key",)

_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
_EMAIL = re.compile(rf"[^@\s\"(),:;<>\[\\\]]+@{_LABEL}(?:\.{_LABEL})+")
_DID = re.compile(r"did:[a-z0-9]+:[A-Za-z0-9._:%-]*[A-Za-z0-9._%-](?:[#/?][^\s]*)?")


class StatusPurpose(StrEnum):
    REVOCATION = "revocation"
    SUSPENSION = "suspension"


@dataclass(frozen=True)
class AwardRequest:
    """One recipient of an achievement, as an issuer gives it."""

    email: str
    name: str | None = None
    did: str | None = None
    evidence_url: str | None = None
    narrative: str | None = None
    issued_on: datetime | None = None

    @property
    def normalised_email(self) -> str:
        return self.email.strip().lower()


@dataclass(frozen=True)
class Problem:
    """What is wrong with one field (or CSV column) of a request."""

    column: str
    message: str


def is_email(value: str) -> bool:
    return len(value) <= 320 and _EMAIL.fullmatch(value) is not None


def is_did(value: str) -> bool:
    return len(value) <= 500 and _DID.fullmatch(value) is not None


def request_problems(request: AwardRequest, now: datetime) -> list[Problem]:
    """Everything wrong with ``request``; ``now`` bounds ``issued_on``."""
    found: list[Problem] = []
    email = request.email.strip()
    if not is_email(email):
        found.append(Problem("email", f"{_show(email)} is not an email address"))
    if request.name is not None and not 1 <= len(request.name.strip()) <= 200:
        found.append(Problem("name", "give 1-200 characters"))
    if request.did is not None and not is_did(request.did):
        found.append(Problem("identifier", f"{_show(request.did)} is not a DID (did:method:…)"))
    if request.evidence_url is not None and not _web_url(request.evidence_url):
        found.append(
            Problem("evidence_url", f"{_show(request.evidence_url)} is not an http(s) URL")
        )
    if request.narrative is not None and not 1 <= len(request.narrative) <= MAX_NARRATIVE:
        found.append(Problem("narrative", f"give 1-{MAX_NARRATIVE:,} characters"))
    if request.issued_on is not None and request.issued_on > now:
        stamp = request.issued_on.strftime("%Y-%m-%dT%H:%M:%SZ")
        found.append(Problem("issued_on", f"{stamp} is in the future"))
    return found


def _web_url(value: str) -> bool:
    return len(value) <= 2000 and is_url(value) and value.startswith(("https://", "http://"))


def _show(value: str) -> str:
    shown = value if len(value) <= 60 else value[:57] + "..."
    return '"' + shown.replace("\\", "\\\\").replace('"', '\\"') + '"'


def parse_issued_on(value: str) -> datetime | None:
    """A ``YYYY-MM-DD`` date (midnight UTC) or a dateTimeStamp; None if it is neither."""
    text = value.strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        try:
            return datetime.combine(date.fromisoformat(text), time(), tzinfo=UTC)
        except ValueError:
            return None
    parsed = parse_datetime(text)
    return parsed.astimezone(UTC) if parsed else None


def derive_idempotency_key(
    lineage_id: str, email: str, issued_on: datetime | None, identifier: str | None
) -> str:
    """The key of an award that re-running the same request (or CSV row) finds again."""
    parts = [lineage_id, email.strip().lower(), _stamp(issued_on), identifier or ""]
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()
    return f"derived:{digest}"


def _stamp(moment: datetime | None) -> str:
    return "" if moment is None else moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def check_key(key: str) -> str | None:
    """Why ``key`` cannot be an idempotency key, or None."""
    if not 1 <= len(key) <= MAX_KEY or not key.isprintable():
        return f"give 1-{MAX_KEY} printable characters"
    return None


# --------------------------------------------------------------------------- CSV


class CsvFileError(ValueError):
    """The file as a whole cannot be read (encoding, size, header)."""


@dataclass(frozen=True)
class RowError:
    line: int
    column: str | None
    message: str

    def __str__(self) -> str:
        where = f"line {self.line}" + (f", column {self.column}" if self.column else "")
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class CsvRow:
    line: int
    request: AwardRequest
    idempotency_key: str | None = None


@dataclass
class CsvFile:
    rows: list[CsvRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def bad_lines(self) -> set[int]:
        return {e.line for e in self.errors}


def parse_csv(data: bytes, now: datetime) -> CsvFile:
    """Read a bulk award file: a header naming :data:`COLUMNS` (``email`` required,
    ``idempotency_key`` optional), then one recipient per row.  Raises
    :class:`CsvFileError` for a file that cannot be read at all."""
    reader = csv.reader(io.StringIO(_decode(data), newline=""), strict=True)
    header = _header(reader)
    result = CsvFile()
    start = reader.line_num + 1
    try:
        for cells in reader:
            line, start = start, reader.line_num + 1
            if not any(cell.strip() for cell in cells):
                continue
            if len(result.rows) + len(result.bad_lines) >= MAX_CSV_ROWS:
                raise CsvFileError(f"the file has more than {MAX_CSV_ROWS:,} rows; split it")
            _row(result, header, cells, line, now)
    except csv.Error as exc:
        raise CsvFileError(f"line {reader.line_num}: the CSV is malformed ({exc})") from exc
    return result


def _decode(data: bytes) -> str:
    if len(data) > MAX_CSV_BYTES:
        raise CsvFileError(f"the file is {len(data):,} bytes; at most {MAX_CSV_BYTES:,}")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise CsvFileError(f"line {line}: the file is not UTF-8 (byte {exc.start:,})") from exc
    if "\x00" in text:
        raise CsvFileError("the file holds a NUL character; it is not a text CSV")
    return text.removeprefix("\ufeff")


def _header(reader: Any) -> list[str]:
    try:
        names = [n.strip().lower() for n in next(reader)]
    except StopIteration:
        raise CsvFileError("the file is empty; the first line must name the columns") from None
    except csv.Error as exc:
        raise CsvFileError(f"line 1: the CSV is malformed ({exc})") from exc
    known = COLUMNS + OPTIONAL_COLUMNS
    unknown = [n for n in names if n not in known]
    if unknown:
        raise CsvFileError(
            f"line 1: unknown column {unknown[0]!r}; the columns are {', '.join(known)}"
        )
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise CsvFileError(f"line 1: the column {repeated[0]!r} is repeated")
    if "email" not in names:
        raise CsvFileError("line 1: the header must name the columns, with at least email")
    return names


def _row(result: CsvFile, header: list[str], cells: list[str], line: int, now: datetime) -> None:
    if len(cells) != len(header):
        message = f"{len(cells)} cells where the header names {len(header)} columns"
        result.errors.append(RowError(line, None, message))
        return
    values = {name: cell.strip() or None for name, cell in zip(header, cells, strict=True)}
    errors: list[RowError] = []
    issued_on = _issued_on(values.get("issued_on"), line, errors)
    request = AwardRequest(
        email=values.get("email") or "",
        name=values.get("name"),
        did=values.get("identifier"),
        evidence_url=values.get("evidence_url"),
        narrative=values.get("narrative"),
        issued_on=issued_on,
    )
    errors += [RowError(line, p.column, p.message) for p in request_problems(request, now)]
    key = values.get("idempotency_key")
    key_problem = None if key is None else check_key(key)
    if key_problem:
        errors.append(RowError(line, "idempotency_key", key_problem))
    if errors:
        result.errors.extend(errors)
    else:
        result.rows.append(CsvRow(line, request, key))


def _issued_on(value: str | None, line: int, errors: list[RowError]) -> datetime | None:
    if value is None:
        return None
    parsed = parse_issued_on(value)
    if parsed is None:
        message = f"{_show(value)} is not a date (YYYY-MM-DD) or a date-time with a timezone"
        errors.append(RowError(line, "issued_on", message))
    return parsed


# --------------------------------------------------------------------------- records


@dataclass(frozen=True)
class StoredCredential:
    """An issued credential as the platform keeps it."""

    id: str
    org_id: str
    achievement_id: str | None
    idempotency_key: str
    document: Mapping[str, Any]
    issued_at: datetime
    recipient_email_hash: str | None = None
    recipient_did: str | None = None
    jwt: str | None = None
    revoked: bool = False
    suspended: bool = False
    status_reason: str | None = None
    replaces_id: str | None = None
    claim_token_hash: str | None = None
    valid_until: datetime | None = None


@dataclass(frozen=True)
class StatusListRecord:
    """One status list of an organisation: ``length`` positions that may be allocated."""

    id: str
    org_id: str
    purpose: StatusPurpose
    length: int
    used: int
    created_at: datetime
    updated_at: datetime
    document: Mapping[str, Any] | None = None


@dataclass(frozen=True)
class StatusEntryRecord:
    """A credential's position in a list and its current value (1: revoked/suspended)."""

    list_id: str
    position: int
    credential_id: str
    purpose: StatusPurpose
    value: int
