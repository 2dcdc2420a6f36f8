"""Value predicates exported by the package: is_url and parse_timestamp."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from microcred.core.documents import is_url, parse_timestamp, timestamp


@pytest.mark.parametrize(
    "value",
    [
        "https://example.org/a?b=c#d",
        "did:key:z6MkpJySvETLnxhQG9DzEdmKJtysBDjuuTeDfUj1uNNCUqcj",
        "urn:uuid:9c9a36f8-518f-4976-a934-6649502d0008",
        "data:application/vc+jwt,eyJ",
        "mailto:a@example.com",
        "https://例え.jp/パス",
        "https://example.org/%20",
    ],
)
def test_urls(value: str) -> None:
    assert is_url(value)


@pytest.mark.parametrize(
    "value",
    [
        "",
        "fake-issuer",
        "https ://not-a-url",
        "https://exa mple.org",
        "https://example.org/\n",
        "1https://example.org",
        "https:",
        "https://example.org/%zz",
        'https://example.org/"q"',
        "https://example.org/{x}",
        None,
        ["https://example.org"],
        42,
    ],
)
def test_not_urls(value: Any) -> None:
    assert not is_url(value)


def test_parse_timestamp() -> None:
    parsed = parse_timestamp("2024-02-29T23:30:00.5-01:00")
    assert parsed is not None and parsed.has_offset
    assert parsed.instant == datetime(2024, 3, 1, 0, 30, 0, 500000, tzinfo=UTC)


def test_end_of_day_is_midnight_of_the_next_day() -> None:
    parsed = parse_timestamp("2023-12-31T24:00:00Z")
    assert parsed is not None and parsed.instant == datetime(2024, 1, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    "value", ["0000-01-01T00:00:00Z", "-0001-01-01T00:00:00Z", "10000-01-01T00:00:00Z"]
)
def test_years_beyond_python(value: str) -> None:
    parsed = parse_timestamp(value)
    assert parsed is not None and parsed.instant is None


@pytest.mark.parametrize("value", ["9999-12-31T24:00:00Z", "0001-01-01T00:00:00+14:00"])
def test_instants_beyond_python(value: str) -> None:
    parsed = parse_timestamp(value)
    assert parsed is not None and parsed.instant is None


@pytest.mark.parametrize(
    "value", ["2100-02-29T00:00:00Z", "10000-02-30T00:00:00Z", "2024-04-31T00:00:00Z", None]
)
def test_days_that_do_not_exist(value: Any) -> None:
    assert parse_timestamp(value) is None


@given(st.datetimes(timezones=st.just(UTC)))
def test_timestamp_round_trips(moment: datetime) -> None:
    parsed = parse_timestamp(timestamp(moment))
    assert parsed is not None and parsed.instant == moment
