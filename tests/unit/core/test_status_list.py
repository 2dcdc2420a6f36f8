"""Bitstring Status List v1.0: bitstrings, documents, parsing and the status check."""

from __future__ import annotations

import base64
import copy
import gzip
import json
import zlib
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pyld import jsonld

from microcred.core.errors import InputError, StatusListError
from microcred.core.jsonutil import parse_json
from microcred.core.loader import DocumentLoader
from microcred.core.report import Check, Outcome, Problem, VerificationReport
from microcred.core.status_list import (
    MAX_DECOMPRESSED_BYTES,
    MIN_BYTES,
    MIN_ENTRIES,
    Bitstring,
    BitstringStatusChecker,
    build_status_list_credential,
    build_status_list_entry,
    parse_credential_status,
    parse_status_entry,
    parse_status_list_credential,
)

VECTORS = Path(__file__).parents[2] / "vectors" / "bitstring-status-list"
SPEC_ENCODED_LIST = "uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA"
LIST_URL = "https://example.com/credentials/status/3"
OTHER_URL = "https://example.com/credentials/status/4"
ISSUER = "did:example:12345"
NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
MALFORMED = Problem.MALFORMED_VALUE_ERROR
VERIFICATION = Problem.STATUS_VERIFICATION_ERROR
RETRIEVAL = Problem.STATUS_RETRIEVAL_ERROR
LENGTH = Problem.STATUS_LIST_LENGTH_ERROR
RANGE = Problem.RANGE_ERROR


def vector(name: str) -> Any:
    return json.loads((VECTORS / name).read_text(encoding="utf-8"))


def encode_raw(data: bytes) -> str:
    """Multibase base64url of ``data`` (no padding)."""
    return "u" + base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def encode_gzip(data: bytes) -> str:
    return encode_raw(gzip.compress(data, mtime=0))


def status_list(
    url: str = LIST_URL,
    *,
    set_entries: Mapping[int, int] | Sequence[int] = (),
    purpose: str | list[str] = "revocation",
    status_size: int = 1,
    valid_from: datetime = NOW - timedelta(days=1),
    valid_until: datetime | None = None,
) -> dict[str, Any]:
    bitstring = Bitstring(status_size=status_size)
    values = set_entries if isinstance(set_entries, Mapping) else dict.fromkeys(set_entries, 1)
    for index, value in values.items():
        bitstring.set(index, value)
    return build_status_list_credential(
        url,
        ISSUER,
        bitstring,
        valid_from=valid_from,
        valid_until=valid_until,
        status_purpose=purpose,
    )


def credential(*entries: Any) -> dict[str, Any]:
    document: dict[str, Any] = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential"],
        "issuer": ISSUER,
        "credentialSubject": {"id": "did:example:6789"},
    }
    if entries:
        document["credentialStatus"] = entries[0] if len(entries) == 1 else list(entries)
    return document


def entry(index: int = 94567, purpose: str = "revocation", **extra: Any) -> dict[str, Any]:
    return {
        "id": f"{LIST_URL}#{index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": purpose,
        "statusListIndex": str(index),
        "statusListCredential": LIST_URL,
        **extra,
    }


class Fetcher:
    """An in-memory status list store that counts fetches (a fake, not a mock)."""

    def __init__(self, documents: Mapping[str, Any]) -> None:
        self.documents = dict(documents)
        self.calls: list[str] = []

    def __call__(self, url: str) -> Any:
        self.calls.append(url)
        if url not in self.documents:
            raise LookupError(f"no status list is cached for {url}")
        return self.documents[url]


def verifies(document: Mapping[str, Any]) -> VerificationReport:
    return VerificationReport([Check.passed("proof", "The proof verifies")])


def check_one(
    documents: Mapping[str, Any],
    status: Any,
    verify_list: Callable[[Mapping[str, Any]], VerificationReport] | None = verifies,
    now: datetime = NOW,
) -> Check:
    checks = BitstringStatusChecker(Fetcher(documents), verify_list)(credential(status), now)
    assert len(checks) == 1
    assert checks[0].name == "status"
    return checks[0]


def problem_of(excinfo: pytest.ExceptionInfo[StatusListError]) -> str | None:
    return excinfo.value.problem


# ----------------------------------------------------------------------------------------
# Spec vectors


@pytest.mark.parametrize(
    "name", ["spec-ex3-status-list-credential.json", "spec-ex5-status-list-credential.json"]
)
def test_spec_status_lists_have_131072_unset_entries(name: str) -> None:
    document = vector(name)
    parsed = parse_status_list_credential(document, now=NOW, purpose="revocation", url=LIST_URL)
    bitstring = parsed.bitstring()
    assert len(bitstring) == 131_072
    assert bitstring.to_bytes() == bytes(16_384)
    assert not any(bitstring.get(index) for index in range(len(bitstring)))
    assert parsed.purposes == ("revocation",)
    assert parsed.valid_from == datetime(2021, 4, 5, 14, 27, 40, tzinfo=UTC)


def test_an_empty_list_encodes_exactly_as_the_spec_example() -> None:
    assert Bitstring().encode() == SPEC_ENCODED_LIST


def test_spec_example_1_has_revocation_and_suspension_entries() -> None:
    entries = parse_credential_status(
        vector("spec-ex1-credential-simple-entries.json")["credentialStatus"]
    )
    assert [(e.list_url, e.index, e.purpose, e.size) for e in entries] == [
        (LIST_URL, 94567, "revocation", 1),
        (OTHER_URL, 23452, "suspension", 1),
    ]
    assert entries[0].id == f"{LIST_URL}#94567"


def test_spec_example_4_has_one_revocation_entry() -> None:
    (only,) = parse_credential_status(
        vector("spec-ex4-revocable-credential.json")["credentialStatus"]
    )
    assert (only.list_url, only.index, only.purpose) == (LIST_URL, 94567, "revocation")
    assert only.messages == {}
    assert only.message(0) == "unset"
    assert only.message(1) == "set"


def test_spec_example_6_uses_two_lists() -> None:
    entries = parse_credential_status(
        vector("spec-ex6-multiple-status-lists.json")["credentialStatus"]
    )
    assert [(e.list_url, e.index, e.purpose) for e in entries] == [
        (LIST_URL, 94567, "revocation"),
        (OTHER_URL, 12345, "suspension"),
    ]


def test_spec_example_7_uses_one_list_twice() -> None:
    entries = parse_credential_status(
        vector("spec-ex7-multiple-entries-one-list.json")["credentialStatus"]
    )
    url = "https://example.com/credentials/status/5"
    assert [(e.list_url, e.index, e.purpose) for e in entries] == [
        (url, 94567, "revocation"),
        (url, 12345, "suspension"),
    ]


def test_spec_example_2_is_not_json_and_is_rejected_clearly() -> None:
    text = (VECTORS / "spec-ex2-credential-complex-entries.txt").read_bytes()
    with pytest.raises(InputError, match=r"invalid JSON at line \d+, column \d+"):
        parse_json(text)


# ----------------------------------------------------------------------------------------
# The bitstring


def test_a_new_bitstring_has_the_minimum_length_and_no_bits_set() -> None:
    bitstring = Bitstring()
    assert len(bitstring) == MIN_ENTRIES == 131_072
    assert bitstring.status_size == 1
    assert bitstring.to_bytes() == bytes(MIN_BYTES)


def test_index_zero_is_the_left_most_bit_of_the_first_byte() -> None:
    bitstring = Bitstring()
    for index in (0, 7, 8, 131_071):
        bitstring.set(index)
    raw = bitstring.to_bytes()
    assert raw[0] == 0b1000_0001
    assert raw[1] == 0b1000_0000
    assert raw[-1] == 0b0000_0001
    assert raw[2:-1] == bytes(len(raw) - 3)


def test_set_get_and_clear() -> None:
    bitstring = Bitstring()
    bitstring.set(9)
    assert (bitstring.get(8), bitstring.get(9), bitstring.get(10)) == (0, 1, 0)
    bitstring.clear(9)
    assert bitstring.get(9) == 0
    assert bitstring.to_bytes() == bytes(MIN_BYTES)


@pytest.mark.parametrize("length", [MIN_ENTRIES, MIN_ENTRIES + 8, 4 * MIN_ENTRIES])
def test_round_trip_keeps_every_set_bit(length: int) -> None:
    indexes = {0, 1, 7, 8, 12_345, length - 1}
    bitstring = Bitstring(length)
    for index in indexes:
        bitstring.set(index)
    decoded = Bitstring.decode(bitstring.encode())
    assert len(decoded) == length
    assert decoded.to_bytes() == bitstring.to_bytes()
    assert {i for i in range(length) if decoded.get(i)} == indexes


def test_encoded_list_is_gzip_in_multibase_base64url_without_padding() -> None:
    bitstring = Bitstring()
    bitstring.set(3)
    encoded = bitstring.encode()
    assert encoded.startswith("u")
    assert "=" not in encoded
    assert set(encoded[1:]) <= set(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    )
    raw = base64.urlsafe_b64decode(encoded[1:] + "=" * (-len(encoded[1:]) % 4))
    assert gzip.decompress(raw) == bitstring.to_bytes()


def test_multi_bit_entries_put_the_most_significant_bit_first() -> None:
    bitstring = Bitstring(status_size=2)
    assert len(bitstring) == MIN_ENTRIES
    assert len(bitstring.to_bytes()) == 2 * MIN_BYTES
    bitstring.set(0, 2)
    bitstring.set(1, 1)
    bitstring.set(3, 3)
    assert bitstring.to_bytes()[0] == 0b10_01_00_11
    bitstring.set(3, 0)
    assert bitstring.to_bytes()[0] == 0b10_01_00_00
    decoded = Bitstring.decode(bitstring.encode(), status_size=2)
    assert [decoded.get(i) for i in range(4)] == [2, 1, 0, 0]
    assert decoded.status_size == 2


@pytest.mark.parametrize("status_size", [3, 8, 16])
def test_wide_entries_round_trip(status_size: int) -> None:
    bitstring = Bitstring(status_size=status_size)
    top = (1 << status_size) - 1
    values = {0: top, 1: 1, 2: top - 1, MIN_ENTRIES - 1: top}
    for index, value in values.items():
        bitstring.set(index, value)
    decoded = Bitstring.decode(bitstring.encode(), status_size=status_size)
    assert {index: decoded.get(index) for index in values} == values
    assert decoded.get(3) == 0


@pytest.mark.parametrize(
    ("length", "problem"),
    [(MIN_ENTRIES - 8, LENGTH), (0, LENGTH), (True, LENGTH), (MIN_ENTRIES + 1, MALFORMED)],
)
def test_bad_lengths_are_refused(length: int, problem: Problem) -> None:
    with pytest.raises(StatusListError) as excinfo:
        Bitstring(length)
    assert problem_of(excinfo) == problem


@pytest.mark.parametrize(
    ("status_size", "problem"), [(0, MALFORMED), (True, MALFORMED), (17, VERIFICATION)]
)
def test_bad_status_sizes_are_refused(status_size: int, problem: Problem) -> None:
    with pytest.raises(StatusListError, match="statusSize") as excinfo:
        Bitstring(status_size=status_size)
    assert problem_of(excinfo) == problem


@pytest.mark.parametrize(
    ("index", "problem"), [(-1, MALFORMED), (False, MALFORMED), (MIN_ENTRIES, RANGE)]
)
def test_bad_indexes_are_refused(index: int, problem: Problem) -> None:
    bitstring = Bitstring()
    for action in (bitstring.get, bitstring.set, bitstring.clear):
        with pytest.raises(StatusListError) as excinfo:
            action(index)
        assert problem_of(excinfo) == problem


@pytest.mark.parametrize(("status_size", "value"), [(1, 2), (2, 4), (2, -1), (1, True)])
def test_values_that_do_not_fit_are_refused(status_size: int, value: int) -> None:
    bitstring = Bitstring(status_size=status_size)
    with pytest.raises(StatusListError, match="does not fit") as excinfo:
        bitstring.set(0, value)
    assert problem_of(excinfo) == RANGE
    assert bitstring.get(0) == 0


# ----------------------------------------------------------------------------------------
# Decoding untrusted encodedList values


def gzip_with_trailing_data() -> str:
    return encode_raw(gzip.compress(bytes(MIN_BYTES), mtime=0) + b"junk")


def gzip_with_bad_checksum() -> str:
    data = bytearray(gzip.compress(bytes(MIN_BYTES), mtime=0))
    data[-8] ^= 0xFF
    return encode_raw(bytes(data))


def truncated_gzip() -> str:
    return encode_raw(gzip.compress(bytes(MIN_BYTES), mtime=0)[:-4])


@pytest.mark.parametrize(
    ("encoded", "message"),
    [
        (None, "must be a string"),
        (b"uH4sI", "must be a string"),
        (12, "must be a string"),
        ("", "starts with 'u'"),
        ("z" + SPEC_ENCODED_LIST[1:], "starts with 'u'"),
        ("H4sIAAAAAAAAA", "starts with 'u'"),
        (SPEC_ENCODED_LIST + "==", "not unpadded base64url"),
        ("uH4sI+AAA/AAA", "not unpadded base64url"),
        ("uH4s IAAA", "not unpadded base64url"),
        ("uH4sI!AAAA", "not unpadded base64url"),
        ("uH4sIA", "its length is wrong"),
        ("u", "is empty after its 'u'"),
        (encode_raw(b"not gzip at all"), "not valid GZIP"),
        (encode_raw(zlib.compress(bytes(MIN_BYTES))), "not valid GZIP"),
        (gzip_with_bad_checksum(), "not valid GZIP"),
        (truncated_gzip(), "truncated"),
        (gzip_with_trailing_data(), "after the end of its GZIP stream"),
    ],
)
def test_malformed_encoded_lists_are_refused(encoded: Any, message: str) -> None:
    with pytest.raises(StatusListError, match=message) as excinfo:
        Bitstring.decode(encoded)
    assert problem_of(excinfo) == MALFORMED


def test_an_overlong_encoded_list_is_refused_before_decoding() -> None:
    with pytest.raises(StatusListError, match="longer than") as excinfo:
        Bitstring.decode("u" + "A" * 24_000_004)
    assert problem_of(excinfo) == MALFORMED


def test_a_decompression_bomb_is_refused() -> None:
    bomb = encode_gzip(bytes(MAX_DECOMPRESSED_BYTES + 1))
    assert len(bomb) < 50_000
    with pytest.raises(StatusListError, match="expands to more than") as excinfo:
        Bitstring.decode(bomb)
    assert problem_of(excinfo) == MALFORMED


def test_a_list_at_the_size_cap_is_accepted() -> None:
    decoded = Bitstring.decode(encode_gzip(bytes(MAX_DECOMPRESSED_BYTES)))
    assert len(decoded) == MAX_DECOMPRESSED_BYTES * 8


@pytest.mark.parametrize(
    ("size_in_bytes", "status_size"), [(MIN_BYTES - 1, 1), (0, 1), (MIN_BYTES, 2)]
)
def test_too_short_lists_raise_a_length_error(size_in_bytes: int, status_size: int) -> None:
    with pytest.raises(StatusListError, match="at least 131,072 entries") as excinfo:
        Bitstring.decode(encode_gzip(bytes(size_in_bytes)), status_size=status_size)
    assert problem_of(excinfo) == LENGTH


def test_a_list_written_by_another_gzip_decodes() -> None:
    data = bytearray(MIN_BYTES)
    data[0] = 0x40
    decoded = Bitstring.decode(encode_gzip(bytes(data)))
    assert (decoded.get(0), decoded.get(1), decoded.get(2)) == (0, 1, 0)


# ----------------------------------------------------------------------------------------
# Building documents


def test_status_list_credential_document() -> None:
    bitstring = Bitstring()
    bitstring.set(42)
    document = build_status_list_credential(
        LIST_URL,
        {"id": ISSUER, "name": "Example University"},
        bitstring,
        valid_from=datetime(2025, 1, 2, 3, 4, 5, 678, tzinfo=UTC),
        valid_until=datetime(2025, 2, 1, tzinfo=UTC),
        ttl=86_400_000,
    )
    assert document == {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": LIST_URL,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": {"id": ISSUER, "name": "Example University"},
        "validFrom": "2025-01-02T03:04:05Z",
        "validUntil": "2025-02-01T00:00:00Z",
        "credentialSubject": {
            "id": f"{LIST_URL}#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": bitstring.encode(),
            "ttl": 86_400_000,
        },
    }
    parsed = parse_status_list_credential(document, now=NOW - timedelta(days=140), url=LIST_URL)
    assert parsed.bitstring().get(42) == 1


def test_status_list_credential_with_several_purposes_and_no_end() -> None:
    document = status_list(purpose=["revocation", "suspension"])
    assert document["credentialSubject"]["statusPurpose"] == ["revocation", "suspension"]
    assert "validUntil" not in document
    assert "ttl" not in document["credentialSubject"]
    assert document["issuer"] == ISSUER


def test_built_documents_use_only_terms_the_v2_context_defines() -> None:
    loader = DocumentLoader()
    entry_document = build_status_list_entry(
        LIST_URL,
        7,
        status_purpose="message",
        status_size=1,
        status_messages=["ok", "check with the issuer"],
        status_reference="https://example.org/status-dictionary/",
    )
    list_document = build_status_list_credential(
        LIST_URL, ISSUER, Bitstring(), valid_from=NOW, status_purpose=["revocation"], ttl=1000
    )
    for document in (list_document, credential(entry_document)):
        text = json.dumps(jsonld.expand(document, {"documentLoader": loader}))
        assert "issuer-dependent" not in text
        assert "https://www.w3.org/ns/credentials/status#" in text
    expanded = json.dumps(jsonld.expand(credential(entry_document), {"documentLoader": loader}))
    for term in ("statusSize", "statusMessage", "statusReference", "statusListIndex"):
        assert f"https://www.w3.org/ns/credentials/status#{term}" in expanded


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"list_id": "not a url"}, "absolute URL"),
        ({"list_id": "https:///no-host"}, "absolute URL"),
        ({"list_id": f"{LIST_URL}#list"}, "fragment"),
        ({"ttl": -1}, "ttl"),
        ({"ttl": True}, "ttl"),
        ({"status_purpose": []}, "statusPurpose"),
        ({"status_purpose": ["revocation", ""]}, "statusPurpose"),
        ({"valid_until": NOW - timedelta(days=1)}, "validUntil"),
        ({"valid_until": NOW}, "validUntil"),
    ],
)
def test_bad_status_list_credential_arguments(arguments: dict[str, Any], message: str) -> None:
    options: dict[str, Any] = {"list_id": LIST_URL, "valid_from": NOW, **arguments}
    list_id = options.pop("list_id")
    with pytest.raises(StatusListError, match=message) as excinfo:
        build_status_list_credential(list_id, ISSUER, Bitstring(), **options)
    assert problem_of(excinfo) == MALFORMED


@pytest.mark.parametrize("field", ["valid_from", "valid_until"])
def test_naive_datetimes_are_a_caller_mistake(field: str) -> None:
    options: dict[str, Any] = {"valid_from": NOW, field: datetime(2030, 1, 1)}
    with pytest.raises(ValueError, match=f"{field} must be a timezone-aware datetime"):
        build_status_list_credential(LIST_URL, ISSUER, Bitstring(), **options)


def test_status_list_entry_document() -> None:
    document = build_status_list_entry(LIST_URL, 94567)
    assert document == vector("spec-ex4-revocable-credential.json")["credentialStatus"]
    parsed = parse_status_entry(document)
    assert (parsed.list_url, parsed.index, parsed.purpose, parsed.size) == (
        LIST_URL,
        94567,
        "revocation",
        1,
    )


def test_status_list_entry_with_messages() -> None:
    document = build_status_list_entry(
        LIST_URL,
        3,
        status_purpose="message",
        status_size=2,
        status_messages=["pending_review", "accepted", "rejected", "undefined"],
        status_reference=["https://example.org/status-dictionary/"],
    )
    assert document["statusSize"] == 2
    assert document["statusMessage"] == [
        {"status": "0x0", "message": "pending_review"},
        {"status": "0x1", "message": "accepted"},
        {"status": "0x2", "message": "rejected"},
        {"status": "0x3", "message": "undefined"},
    ]
    assert document["statusReference"] == ["https://example.org/status-dictionary/"]
    parsed = parse_status_entry(document)
    assert parsed.size == 2
    assert parsed.messages == {0: "pending_review", 1: "accepted", 2: "rejected", 3: "undefined"}
    assert parsed.message(2) == "rejected"
    assert parsed.references == ("https://example.org/status-dictionary/",)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"index": -1}, "index"),
        ({"index": True}, "index"),
        ({"list_id": "relative/path"}, "absolute URL"),
        ({"status_purpose": ["revocation"]}, "one string"),
        ({"status_purpose": ""}, "statusPurpose"),
        ({"status_size": 2}, "4 status messages"),
        ({"status_size": 2, "status_messages": ["a", "b"]}, "4 status messages"),
        ({"status_messages": "ab"}, "2 status messages"),
        ({"status_messages": ["a", 1]}, "must be strings"),
        ({"status_size": 0}, "statusSize"),
        ({"status_reference": "no url"}, "statusReference"),
        ({"status_reference": [LIST_URL, "no url"]}, "statusReference"),
    ],
)
def test_bad_status_list_entry_arguments(arguments: dict[str, Any], message: str) -> None:
    options: dict[str, Any] = {"list_id": LIST_URL, "index": 1, **arguments}
    with pytest.raises(StatusListError, match=message) as excinfo:
        build_status_list_entry(options.pop("list_id"), options.pop("index"), **options)
    assert problem_of(excinfo) == MALFORMED


# ----------------------------------------------------------------------------------------
# Parsing untrusted entries


def test_an_entry_type_may_be_a_list_and_the_index_may_have_leading_zeros() -> None:
    parsed = parse_status_entry(entry(type=["BitstringStatusListEntry"], statusListIndex="007"))
    assert parsed.index == 7


def test_an_entry_without_id_is_accepted() -> None:
    document = entry()
    del document["id"]
    assert parse_status_entry(document).id is None


def test_a_single_entry_parses_as_a_list_of_one() -> None:
    assert [e.index for e in parse_credential_status(entry(5))] == [5]


def without(name: str) -> dict[str, Any]:
    document = entry()
    del document[name]
    return document


MALFORMED_ENTRIES: list[tuple[Any, str]] = [
    ("BitstringStatusListEntry", "must be a JSON object"),
    (["not", "an", "object"], "must be a JSON object"),
    (without("type"), "type must be BitstringStatusListEntry"),
    (entry(type="StatusList2021Entry"), "type must be BitstringStatusListEntry"),
    (without("statusPurpose"), "statusPurpose"),
    (entry(statusPurpose=""), "statusPurpose"),
    (entry(statusPurpose=["revocation"]), "statusPurpose"),
    (without("statusListIndex"), "statusListIndex"),
    (entry(statusListIndex=94567), "statusListIndex"),
    (entry(statusListIndex="-1"), "statusListIndex"),
    (entry(statusListIndex="1.5"), "statusListIndex"),
    (entry(statusListIndex=""), "statusListIndex"),
    (entry(statusListIndex=" 12"), "statusListIndex"),
    (entry(statusListIndex="0x10"), "statusListIndex"),
    (entry(statusListIndex="\u0661\u0662"), "statusListIndex"),
    (without("statusListCredential"), "statusListCredential"),
    (entry(statusListCredential="example.com/status/3"), "statusListCredential"),
    (entry(statusListCredential="https://"), "statusListCredential"),
    (entry(statusListCredential="https://[::1/list"), "statusListCredential"),
    (entry(statusListCredential="https://example.com/a b"), "statusListCredential"),
    (entry(statusListCredential="https://example.com/\x00"), "statusListCredential"),
    (entry(statusListCredential="https://e.com/" + "a" * 2100), "statusListCredential"),
    (entry(statusListCredential=[LIST_URL]), "statusListCredential"),
    (entry(id=LIST_URL), "id must be a URL other than"),
    (entry(id="not a url"), "id must be a URL other than"),
    (entry(statusSize=0), "statusSize"),
    (entry(statusSize="2"), "statusSize"),
    (entry(statusSize=True), "statusSize"),
    (entry(statusSize=1.0), "statusSize"),
    (entry(statusSize=2), "statusMessage is required"),
    (entry(statusMessage=[{"status": "0x0", "message": "a"}]), "array of 2 items"),
    (entry(statusMessage={"status": "0x0", "message": "a"}), "array of 2 items"),
    (entry(statusMessage=["a", "b"]), "hexadecimal status"),
    (entry(statusMessage=[{"status": "0", "message": "a"}] * 2), "hexadecimal status"),
    (entry(statusMessage=[{"status": 0, "message": "a"}] * 2), "hexadecimal status"),
    (
        entry(statusMessage=[{"status": "0x0", "message": "a"}, {"status": "0x1"}]),
        "no message string",
    ),
    (
        entry(statusMessage=[{"status": "0x0", "message": "a"}, {"status": "0x2", "message": ""}]),
        "does not fit statusSize",
    ),
    (
        entry(statusMessage=[{"status": "0x1", "message": "a"}, {"status": "0x1", "message": "b"}]),
        "repeats a status value",
    ),
    (entry(statusReference="not a url"), "statusReference"),
    (entry(statusReference=["https://example.org/", 5]), "statusReference"),
]


@pytest.mark.parametrize(("document", "field"), MALFORMED_ENTRIES)
def test_malformed_entries_name_the_field(document: Any, field: str) -> None:
    with pytest.raises(StatusListError, match=field) as excinfo:
        parse_status_entry(document)
    assert problem_of(excinfo) == MALFORMED


def test_a_malformed_entry_in_a_list_is_refused() -> None:
    with pytest.raises(StatusListError, match="statusListIndex"):
        parse_credential_status([entry(), entry(statusListIndex="x")])


def test_an_index_beyond_every_list_is_a_range_error() -> None:
    with pytest.raises(StatusListError, match="beyond every status list") as excinfo:
        parse_status_entry(entry(statusListIndex="9" * 5000))
    assert problem_of(excinfo) == RANGE


def test_unsupported_status_size_is_a_verification_error() -> None:
    with pytest.raises(StatusListError, match="not supported") as excinfo:
        parse_status_entry(entry(statusSize=40))
    assert problem_of(excinfo) == VERIFICATION


def test_other_url_schemes_are_urls() -> None:
    parsed = parse_status_entry(
        entry(statusListCredential="urn:uuid:2b2b9a8e-3c5a-4a7e-9a11-6f7b4c3e2d10")
    )
    assert parsed.list_url.startswith("urn:uuid:")


# ----------------------------------------------------------------------------------------
# Parsing untrusted status list credentials


def changed(document: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    """A copy of ``document`` with ``path`` (dot-separated) set to ``value`` (or deleted)."""
    result = copy.deepcopy(document)
    *parents, last = path.split(".")
    target = result
    for name in parents:
        target = target[name]
    if value is DELETE:
        del target[last]
    else:
        target[last] = value
    return result


DELETE = object()


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        ("type", DELETE, "type must include BitstringStatusListCredential"),
        ("type", "VerifiableCredential", "type must include BitstringStatusListCredential"),
        ("credentialSubject", DELETE, "credentialSubject must have type BitstringStatusList"),
        ("credentialSubject", [], "credentialSubject must have type BitstringStatusList"),
        ("credentialSubject.type", "StatusList2021", "must have type BitstringStatusList"),
        ("credentialSubject.encodedList", DELETE, "no encodedList"),
        ("credentialSubject.encodedList", 5, "no encodedList"),
        ("credentialSubject.statusPurpose", DELETE, "statusPurpose"),
        ("credentialSubject.statusPurpose", [], "statusPurpose"),
        ("credentialSubject.statusPurpose", ["revocation", 3], "statusPurpose"),
        ("credentialSubject.statusPurpose", "", "statusPurpose"),
        ("id", 42, "id must be a string"),
        ("validFrom", "2021-04-05", "validFrom is not a dateTimeStamp"),
        ("validFrom", "2021-04-05T14:27:40", "validFrom is not a dateTimeStamp"),
        ("validUntil", 1700000000, "validUntil is not a dateTimeStamp"),
    ],
)
def test_malformed_status_list_credentials(path: str, value: Any, message: str) -> None:
    document = changed(vector("spec-ex3-status-list-credential.json"), path, value)
    with pytest.raises(StatusListError, match=message) as excinfo:
        parse_status_list_credential(document, now=NOW)
    assert problem_of(excinfo) == MALFORMED


def test_a_status_list_credential_must_be_an_object() -> None:
    with pytest.raises(StatusListError, match="not a JSON object") as excinfo:
        parse_status_list_credential([], now=NOW)
    assert problem_of(excinfo) == MALFORMED


@pytest.mark.parametrize(
    ("now", "message"),
    [
        (datetime(2025, 1, 1, tzinfo=UTC), "not valid until 2025-03-01T00:00:00Z"),
        (datetime(2025, 4, 1, 0, 0, 1, tzinfo=UTC), "expired at 2025-04-01T00:00:00Z"),
    ],
)
def test_a_list_outside_its_validity_window_is_refused(now: datetime, message: str) -> None:
    document = status_list(
        valid_from=datetime(2025, 3, 1, tzinfo=UTC), valid_until=datetime(2025, 4, 1, tzinfo=UTC)
    )
    with pytest.raises(StatusListError, match=message) as excinfo:
        parse_status_list_credential(document, now=now)
    assert problem_of(excinfo) == VERIFICATION
    inside = parse_status_list_credential(document, now=datetime(2025, 4, 1, tzinfo=UTC))
    assert inside.valid_until == datetime(2025, 4, 1, tzinfo=UTC)


def test_a_list_without_validity_dates_is_always_in_its_window() -> None:
    document = changed(vector("spec-ex3-status-list-credential.json"), "validFrom", DELETE)
    parsed = parse_status_list_credential(document, now=datetime(1990, 1, 1, tzinfo=UTC))
    assert (parsed.valid_from, parsed.valid_until) == (None, None)


def test_the_list_must_serve_the_entry_purpose() -> None:
    document = status_list(purpose=["revocation", "suspension"])
    parsed = parse_status_list_credential(document, now=NOW, purpose="suspension")
    assert parsed.purposes == ("revocation", "suspension")
    with pytest.raises(StatusListError, match='is for "revocation", "suspension", not "message"'):
        parse_status_list_credential(document, now=NOW, purpose="message")


def test_the_list_id_must_be_the_url_it_was_fetched_from() -> None:
    document = vector("spec-ex3-status-list-credential.json")
    parse_status_list_credential(document, now=NOW, url=f"{LIST_URL}?timestamp=2024-01-01")
    with pytest.raises(StatusListError, match=f"is not {OTHER_URL}") as excinfo:
        parse_status_list_credential(document, now=NOW, url=OTHER_URL)
    assert problem_of(excinfo) == VERIFICATION
    anonymous = changed(document, "id", DELETE)
    assert parse_status_list_credential(anonymous, now=NOW, url=OTHER_URL).id is None


def test_now_must_be_timezone_aware() -> None:
    document = vector("spec-ex3-status-list-credential.json")
    with pytest.raises(ValueError, match="timezone-aware"):
        parse_status_list_credential(document, now=datetime(2025, 1, 1))


# ----------------------------------------------------------------------------------------
# The status check


def test_no_credential_status_is_skipped() -> None:
    checker = BitstringStatusChecker(Fetcher({}))
    for document in (credential(), {**credential(), "credentialStatus": []}):
        (check,) = checker(document, NOW)
        assert check == Check("status", Outcome.SKIPPED, "The credential has no status entry")


def test_a_credential_that_is_not_an_object_fails() -> None:
    (check,) = BitstringStatusChecker(Fetcher({}))(["credential"], NOW)
    assert (check.outcome, check.problem) == (Outcome.FAIL, MALFORMED)


def test_spec_example_4_is_not_revoked() -> None:
    documents = {LIST_URL: vector("spec-ex3-status-list-credential.json")}
    status = vector("spec-ex4-revocable-credential.json")["credentialStatus"]
    check = check_one(documents, status)
    assert check == Check(
        "status",
        Outcome.PASS,
        f"Not revoked: revocation bit 94567 of {LIST_URL} is 0",
    )


def test_without_verify_list_a_pass_says_the_proof_was_not_checked() -> None:
    documents = {LIST_URL: vector("spec-ex5-status-list-credential.json")}
    check = check_one(documents, entry(), verify_list=None)
    assert check.outcome is Outcome.PASS
    assert check.message.endswith("(the list's proof was not checked)")


def test_a_revoked_credential_fails() -> None:
    documents = {LIST_URL: status_list(set_entries=[94567])}
    check = check_one(documents, entry(), verify_list=None)
    assert check == Check(
        "status",
        Outcome.FAIL,
        f"The issuer revoked this credential (revocation bit 94567 of {LIST_URL} is 1)",
    )


def test_a_neighbouring_bit_does_not_revoke() -> None:
    documents = {LIST_URL: status_list(set_entries=[94566, 94568])}
    assert check_one(documents, entry()).outcome is Outcome.PASS


def test_a_suspended_credential_fails_and_an_unsuspended_one_passes() -> None:
    documents = {LIST_URL: status_list(set_entries=[5], purpose="suspension")}
    suspended = check_one(documents, entry(5, "suspension"))
    assert suspended.outcome is Outcome.FAIL
    assert suspended.message.startswith("The issuer has suspended this credential")
    active = check_one(documents, entry(6, "suspension"))
    assert active.message == f"Not suspended: suspension bit 6 of {LIST_URL} is 0"


def test_an_index_beyond_the_list_is_a_range_error() -> None:
    check = check_one({LIST_URL: status_list()}, entry(MIN_ENTRIES))
    assert (check.outcome, check.problem) == (Outcome.FAIL, RANGE)
    assert "beyond the end of the status list" in check.message
    assert check_one({LIST_URL: status_list()}, entry(MIN_ENTRIES - 1)).outcome is Outcome.PASS


def test_a_huge_index_is_a_range_error() -> None:
    check = check_one({LIST_URL: status_list()}, entry(statusListIndex="1" * 30))
    assert (check.outcome, check.problem) == (Outcome.FAIL, RANGE)


def test_a_list_for_another_purpose_fails() -> None:
    check = check_one({LIST_URL: status_list(purpose="suspension")}, entry())
    assert (check.outcome, check.problem) == (Outcome.FAIL, VERIFICATION)
    assert check.message == (
        f'Status list {LIST_URL}: the status list is for "suspension", not "revocation"'
    )


def test_a_list_that_cannot_be_retrieved_fails() -> None:
    check = check_one({}, entry())
    assert (check.outcome, check.problem) == (Outcome.FAIL, RETRIEVAL)
    assert check.message == (
        f"The status list {LIST_URL} could not be retrieved: "
        f"LookupError: no status list is cached for {LIST_URL}"
    )


def test_a_fetcher_error_without_a_message_is_named() -> None:
    def fetch(url: str) -> Mapping[str, Any]:
        raise TimeoutError

    (check,) = BitstringStatusChecker(fetch)(credential(entry()), NOW)
    assert check.problem == RETRIEVAL
    assert check.message.endswith("could not be retrieved: TimeoutError")


def test_a_fetched_value_that_is_not_an_object_fails() -> None:
    check = check_one({LIST_URL: "<html>Not found</html>"}, entry())
    assert (check.outcome, check.problem) == (Outcome.FAIL, RETRIEVAL)


def test_a_list_whose_proof_fails_fails() -> None:
    def rejects(document: Mapping[str, Any]) -> VerificationReport:
        return VerificationReport(
            [
                Check.passed("parse", "ok"),
                Check.failed("proof", "The signature does not match", "PROOF_VERIFICATION_ERROR"),
            ]
        )

    check = check_one({LIST_URL: status_list()}, entry(), verify_list=rejects)
    assert (check.outcome, check.problem) == (Outcome.FAIL, VERIFICATION)
    assert check.message == (
        f"The status list {LIST_URL} did not verify: The signature does not match"
    )


def test_a_list_verification_with_no_checks_fails() -> None:
    check = check_one(
        {LIST_URL: status_list()}, entry(), verify_list=lambda d: VerificationReport()
    )
    assert check.problem == VERIFICATION
    assert check.message.endswith("did not verify: no checks ran")


def test_a_list_verifier_that_raises_fails() -> None:
    def broken(document: Mapping[str, Any]) -> VerificationReport:
        raise KeyError("proof")

    check = check_one({LIST_URL: status_list()}, entry(), verify_list=broken)
    assert check.problem == VERIFICATION
    assert check.message.endswith("could not be verified: KeyError: 'proof'")


def test_verify_list_sees_the_fetched_document() -> None:
    seen: list[Mapping[str, Any]] = []
    document = status_list()

    def record(list_document: Mapping[str, Any]) -> VerificationReport:
        seen.append(list_document)
        return verifies(list_document)

    assert check_one({LIST_URL: document}, entry(), verify_list=record).outcome is Outcome.PASS
    assert seen == [document]


@pytest.mark.parametrize(
    ("valid_from", "valid_until", "message"),
    [
        (NOW - timedelta(days=30), NOW - timedelta(seconds=1), "the status list expired at"),
        (NOW + timedelta(hours=1), None, "the status list is not valid until"),
    ],
)
def test_a_list_outside_its_window_fails(
    valid_from: datetime, valid_until: datetime | None, message: str
) -> None:
    documents = {LIST_URL: status_list(valid_from=valid_from, valid_until=valid_until)}
    check = check_one(documents, entry())
    assert (check.outcome, check.problem) == (Outcome.FAIL, VERIFICATION)
    assert message in check.message


@pytest.mark.parametrize(
    ("encoded_list", "problem", "reason"),
    [
        ("zNotBase64url", MALFORMED, "encodedList must be multibase base64url"),
        (encode_raw(b"plain bytes"), MALFORMED, "encodedList is not valid GZIP data"),
        (encode_gzip(bytes(100)), LENGTH, "the status list has 800 entries"),
        (encode_gzip(bytes(MAX_DECOMPRESSED_BYTES + 1)), MALFORMED, "encodedList expands to"),
    ],
)
def test_a_malformed_list_fails(encoded_list: str, problem: Problem, reason: str) -> None:
    document = changed(status_list(), "credentialSubject.encodedList", encoded_list)
    check = check_one({LIST_URL: document}, entry())
    assert (check.outcome, check.problem) == (Outcome.FAIL, problem)
    assert check.message.startswith(f"Status list {LIST_URL}: {reason}")


def test_a_list_of_the_wrong_shape_fails() -> None:
    document = changed(status_list(), "type", ["VerifiableCredential"])
    check = check_one({LIST_URL: document}, entry())
    assert (check.outcome, check.problem) == (Outcome.FAIL, MALFORMED)


def test_a_list_published_under_another_id_fails() -> None:
    check = check_one({LIST_URL: status_list(OTHER_URL)}, entry())
    assert (check.outcome, check.problem) == (Outcome.FAIL, VERIFICATION)


def test_a_malformed_entry_fails_and_names_the_field() -> None:
    check = check_one({LIST_URL: status_list()}, entry(statusListIndex=12))
    assert (check.outcome, check.problem) == (Outcome.FAIL, MALFORMED)
    assert check.message.startswith("Invalid credentialStatus entry: statusListIndex")


@pytest.mark.parametrize(
    "status",
    ["revoked", 7, [None], {"type": 5}, {"type": []}, {"type": ["StatusList2021Entry", 1]}],
)
def test_an_entry_that_is_not_an_object_or_has_no_type_name_fails(status: Any) -> None:
    check = check_one({}, status)
    assert (check.outcome, check.problem) == (Outcome.FAIL, MALFORMED)


@pytest.mark.parametrize(
    ("kind", "named"),
    [
        ("StatusList2021Entry", '"StatusList2021Entry"'),
        (["1EdTechRevocationList", "Other"], '"1EdTechRevocationList, Other"'),
    ],
)
def test_an_unknown_status_type_is_a_warning(kind: Any, named: str) -> None:
    fetcher = Fetcher({})
    status = {"id": "https://example.com/status/1", "type": kind}
    (check,) = BitstringStatusChecker(fetcher)(credential(status), NOW)
    assert check == Check(
        "status", Outcome.WARNING, f"status type {named} is not supported; status not checked"
    )
    assert fetcher.calls == []


def message_entry(index: int) -> dict[str, Any]:
    return entry(
        index,
        "message",
        statusSize=2,
        statusMessage=[
            {"status": "0x0", "message": "pending_review"},
            {"status": "0x1", "message": "accepted"},
            {"status": "0x2", "message": "rejected"},
            {"status": "0x3", "message": "undefined"},
        ],
        statusReference="https://example.org/status-dictionary/",
    )


def test_status_messages_are_reported() -> None:
    documents = {LIST_URL: status_list(purpose="message", status_size=2, set_entries={11: 2})}
    pending = check_one(documents, message_entry(10))
    assert pending == Check(
        "status",
        Outcome.PASS,
        f'Status message: message entry 10 of {LIST_URL} is 0x0, "pending_review"',
    )
    rejected = check_one(documents, message_entry(11))
    assert rejected.outcome is Outcome.WARNING
    assert rejected.message == (
        f'Status message: message entry 11 of {LIST_URL} is 0x2, "rejected"'
    )


def test_a_message_list_too_short_for_its_status_size_fails() -> None:
    documents = {LIST_URL: status_list(purpose="message")}
    check = check_one(documents, message_entry(10))
    assert (check.outcome, check.problem) == (Outcome.FAIL, LENGTH)


def test_a_revocation_entry_of_two_bits_fails_for_any_non_zero_value() -> None:
    messages = [{"status": f"0x{v}", "message": m} for v, m in enumerate("abcd")]
    documents = {LIST_URL: status_list(status_size=2, set_entries={4: 1})}
    check = check_one(documents, entry(4, statusSize=2, statusMessage=messages))
    assert check.outcome is Outcome.FAIL
    assert check.message == (
        f'The issuer revoked this credential (revocation entry 4 of {LIST_URL} is 0x1, "b")'
    )


def test_refresh_is_a_warning_when_set() -> None:
    documents = {LIST_URL: status_list(purpose="refresh", set_entries=[1])}
    refresh = check_one(documents, entry(1, "refresh"))
    assert refresh.outcome is Outcome.WARNING
    assert refresh.message.startswith("The issuer offers a newer version of this credential")
    assert check_one(documents, entry(2, "refresh")).outcome is Outcome.PASS


def test_a_custom_purpose_is_a_warning_when_set() -> None:
    documents = {LIST_URL: status_list(purpose="under-review", set_entries=[1])}
    assert check_one(documents, entry(1, "under-review")).outcome is Outcome.WARNING
    unset = check_one(documents, entry(2, "under-review"))
    assert unset == Check(
        "status", Outcome.PASS, f"Status not set: under-review bit 2 of {LIST_URL} is 0"
    )


def test_entries_of_one_list_fetch_it_once() -> None:
    url = "https://example.com/credentials/status/5"
    fetcher = Fetcher(
        {url: status_list(url, purpose=["revocation", "suspension"], set_entries=[12345])}
    )
    document = vector("spec-ex7-multiple-entries-one-list.json")
    checks = BitstringStatusChecker(fetcher, verifies)(document, NOW)
    assert [c.outcome for c in checks] == [Outcome.PASS, Outcome.FAIL]
    assert "suspended" in checks[1].message
    assert fetcher.calls == [url]


def test_a_list_that_failed_once_is_not_fetched_again() -> None:
    fetcher = Fetcher({})
    checks = BitstringStatusChecker(fetcher)(credential(entry(1), entry(2)), NOW)
    assert [c.problem for c in checks] == [RETRIEVAL, RETRIEVAL]
    assert fetcher.calls == [LIST_URL]


def test_entries_of_one_malformed_list_fail_alike() -> None:
    document = changed(status_list(), "credentialSubject.encodedList", encode_raw(b"x"))
    fetcher = Fetcher({LIST_URL: document})
    checks = BitstringStatusChecker(fetcher)(credential(entry(1), entry(2)), NOW)
    assert [c.problem for c in checks] == [MALFORMED, MALFORMED]
    assert checks[0].message == checks[1].message
    assert fetcher.calls == [LIST_URL]


def test_each_entry_gets_its_own_check() -> None:
    documents = {LIST_URL: vector("spec-ex3-status-list-credential.json")}
    document = vector("spec-ex6-multiple-status-lists.json")
    checks = BitstringStatusChecker(Fetcher(documents), verifies)(document, NOW)
    assert [(c.outcome, c.problem) for c in checks] == [
        (Outcome.PASS, None),
        (Outcome.FAIL, RETRIEVAL),
    ]


def test_the_checker_refuses_a_naive_now() -> None:
    checker = BitstringStatusChecker(Fetcher({}))
    with pytest.raises(ValueError, match="timezone-aware"):
        checker(credential(), datetime(2025, 1, 1))


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=12,
)
ENTRY_FIELDS = st.fixed_dictionaries(
    {},
    optional={
        "type": st.sampled_from(["BitstringStatusListEntry", ["BitstringStatusListEntry"]]) | JSON,
        "statusPurpose": st.sampled_from(["revocation", "message"]) | JSON,
        "statusListIndex": st.sampled_from(["0", "131072", "12"]) | JSON,
        "statusListCredential": st.just(LIST_URL) | JSON,
        "statusSize": st.integers(-1, 20) | JSON,
        "statusMessage": JSON,
        "id": JSON,
    },
)


@settings(max_examples=300, deadline=None)
@given(status=ENTRY_FIELDS | JSON, list_document=JSON)
def test_the_checker_never_raises_for_bad_input(status: Any, list_document: Any) -> None:
    documents = {LIST_URL: list_document}
    checks = BitstringStatusChecker(Fetcher(documents), verifies)(credential(status), NOW)
    assert checks
    assert all(c.name == "status" and c.outcome in set(Outcome) for c in checks)
    assert all(c.outcome is not Outcome.PASS for c in checks)
