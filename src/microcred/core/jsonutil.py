"""Bounded parsing of untrusted JSON.

Every credential that crosses a trust boundary is parsed through :func:`parse_json`: it
bounds the size (1 MB by default) and the nesting depth (64), requires UTF-8 and refuses
duplicate keys, NaN and Infinity (none of them is valid in a credential).
"""

from __future__ import annotations

import json
from typing import Any

from microcred.core.errors import InputError

MAX_BYTES = 1_000_000
MAX_DEPTH = 64


def _no_constants(name: str) -> Any:
    raise InputError(f"invalid JSON: {name} is not a JSON number")


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise InputError(f"invalid JSON: duplicate key {key!r}")
        result[key] = value
    return result


def _scan_depth(text: str, max_depth: int) -> None:
    """Refuse nesting deeper than ``max_depth`` before the parser recurses into it."""
    depth = 0
    in_string = False
    escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > max_depth:
                raise InputError(f"JSON nested deeper than {max_depth} levels")
        elif char in "]}":
            depth -= 1


def decode_text(data: bytes | str, *, max_bytes: int = MAX_BYTES) -> str:
    """Bound the size of ``data`` and decode it as UTF-8 (a leading BOM is dropped)."""
    size = len(data.encode("utf-8", "surrogatepass")) if isinstance(data, str) else len(data)
    if size > max_bytes:
        raise InputError(f"input is {size:,} bytes; the limit is {max_bytes:,} bytes")
    if isinstance(data, str):
        return data
    try:
        return data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        raise InputError(f"input is not valid UTF-8 (byte {exc.start})") from exc


def parse_json(data: bytes | str, *, max_bytes: int = MAX_BYTES, max_depth: int = MAX_DEPTH) -> Any:
    """Parse untrusted JSON within the given bounds, or raise :class:`InputError`."""
    text = decode_text(data, max_bytes=max_bytes)
    _scan_depth(text, max_depth)
    try:
        return json.loads(text, object_pairs_hook=_pairs, parse_constant=_no_constants)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"
        ) from exc


def check_depth(value: Any, max_depth: int = MAX_DEPTH) -> None:
    """Refuse an already parsed value nested deeper than ``max_depth``."""
    level = [value]
    for _ in range(max_depth):
        level = [
            child
            for item in level
            if isinstance(item, dict | list)
            for child in (item.values() if isinstance(item, dict) else item)
            if isinstance(child, dict | list)
        ]
        if not level:
            return
    raise InputError(f"JSON nested deeper than {max_depth} levels")
