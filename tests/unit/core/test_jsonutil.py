from __future__ import annotations

import pytest

from microcred.core.errors import InputError
from microcred.core.jsonutil import check_depth, decode_text, parse_json


def test_parses_bounded_json() -> None:
    assert parse_json(b'{"a": [1, 2, {"b": "\\u00e9"}]}') == {"a": [1, 2, {"b": "é"}]}


def test_drops_utf8_bom() -> None:
    assert parse_json(b"\xef\xbb\xbf{}") == {}


def test_refuses_oversized_input() -> None:
    with pytest.raises(InputError, match="limit is 1,000,000 bytes"):
        parse_json(b'"' + b"a" * 1_000_000 + b'"')


def test_refuses_oversized_text() -> None:
    with pytest.raises(InputError, match="limit"):
        decode_text("é" * 600_000)


def test_refuses_deep_nesting() -> None:
    with pytest.raises(InputError, match="deeper than 64"):
        parse_json("[" * 65 + "]" * 65)


def test_accepts_depth_64_and_brackets_in_strings() -> None:
    assert parse_json("[" * 64 + "]" * 64) is not None
    assert parse_json('{"a": "[[[[\\"{{{"}', max_depth=2) == {"a": '[[[["{{{'}


def test_refuses_invalid_utf8() -> None:
    with pytest.raises(InputError, match="not valid UTF-8 \\(byte 7\\)"):
        parse_json(b'{"a": "\xff"}')


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"a": 1, "a": 2}', "duplicate key 'a'"),
        ('{"a": NaN}', "NaN is not a JSON number"),
        ('{"a": ', "invalid JSON at line 1"),
    ],
)
def test_refuses_invalid_json(text: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        parse_json(text)


def test_check_depth_of_parsed_values() -> None:
    value: object = "leaf"
    for _ in range(65):
        value = {"x": [value]} if isinstance(value, str) else [value]
    with pytest.raises(InputError):
        check_depth(value)
    check_depth({"a": [{"b": 1}]})
