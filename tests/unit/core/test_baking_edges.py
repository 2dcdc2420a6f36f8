"""Baking: malformed text chunks, SVG encodings and credentials that cannot be baked."""

from __future__ import annotations

import json
import zlib
from typing import Any, cast

import pytest

from microcred.core.baking import bake_png, bake_svg, extract_credential, extract_png, extract_svg
from microcred.core.errors import BakingError
from tests.unit.core.test_baking import JWS, SVG, chunk, png

KEYWORD = b"openbadgecredential\x00"


def itxt(body: bytes) -> bytes:
    """An iTXt chunk: keyword NUL, then ``body`` (flag, method, language, translation, text)."""
    return chunk(b"iTXt", KEYWORD + body)


# ------------------------------------------------------------------------------ PNG text


@pytest.mark.parametrize(
    ("extra", "words"),
    [
        (itxt(b"\x00"), "the iTXt chunk is truncated"),
        (itxt(b""), "the iTXt chunk is truncated"),
        (itxt(b"\x02\x00\x00\x00" + JWS.encode()), "the iTXt chunk is malformed"),  # flag 2
        (itxt(b"\x01\x01\x00\x00" + zlib.compress(b"{}")), "the iTXt chunk is malformed"),
        (itxt(b"\x00\x00en-GB"), "the iTXt chunk is malformed"),  # no translated keyword
        (itxt(b"\x01\x00\x00\x00not zlib at all"), "compressed text chunk is corrupt"),
        (
            chunk(b"zTXt", KEYWORD + b"\x00" + zlib.compress(JWS.encode())[:-6]),
            "larger than 1,000,000 bytes or cut off",
        ),
        (itxt(b"\x00\x00\x00\x00\xff\xfe{}"), "unreadable: input is not valid UTF-8 (byte 0)"),
        (itxt(b"\x00\x00\x00\x00 \n\t "), "the baked credential is empty"),
        (
            chunk(b"tEXt", b"openbadges\x00" + b"x" * 1_000_001),
            "unreadable: input is 1,000,001 bytes; the limit is 1,000,000",
        ),
    ],
)
def test_unreadable_png_text_chunks(extra: bytes, words: str) -> None:
    with pytest.raises(BakingError) as caught:
        extract_png(png(extra))
    assert words in str(caught.value)


def test_png_text_in_latin_1_is_read_as_latin_1() -> None:
    # tEXt is Latin-1 (OB 2.0 hosted URLs): byte 0xE9 is "é", not a broken UTF-8 sequence.
    legacy = chunk(b"tEXt", b"openbadges\x00https://example.org/caf\xe9")
    assert extract_png(png(legacy)) == "https://example.org/café"


# ------------------------------------------------------------------------------ what is baked


@pytest.mark.parametrize(
    ("credential", "words"),
    [
        ([1, 2], "must be a JSON object or a compact JWS"),
        (b"{}", "must be a JSON object or a compact JWS"),
        ({"n": float("nan")}, "cannot be written as JSON"),
        ({"when": object()}, "cannot be written as JSON"),
        ({"name": "x" * 1_000_001}, "larger than 1,000,000 bytes"),
    ],
)
def test_credentials_that_cannot_be_baked(credential: Any, words: str) -> None:
    for bake, image in ((bake_png, png()), (bake_svg, SVG)):
        with pytest.raises(BakingError) as caught:
            bake(cast(Any, image), credential)
        assert words in str(caught.value)


def test_json_text_in_an_svg_is_rewritten_as_ascii() -> None:
    text = json.dumps({"name": "École ]]> Polytechnique", "n": 1}, indent=2, ensure_ascii=False)
    baked = bake_svg(SVG, text)
    baked.decode("ascii")  # the element is pure ASCII, whatever the SVG's encoding
    assert b"\\u00c9cole ]]\\u003e Polytechnique" in baked
    assert json.loads(extract_svg(baked)) == json.loads(text)


# ------------------------------------------------------------------------------ SVG encodings


def test_latin_1_svg_is_baked_byte_for_byte() -> None:
    latin = (
        b'<?xml version="1.0" encoding="ISO-8859-1"?>\n'
        b'<svg xmlns="http://www.w3.org/2000/svg"><title>Caf\xe9</title></svg>'
    )
    baked = bake_svg(latin, {"name": "Café"})
    assert b"<title>Caf\xe9</title>" in baked
    assert json.loads(extract_svg(baked)) == {"name": "Café"}


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-be"])
def test_utf_16_svg_is_refused_rather_than_corrupted(codec: str) -> None:
    # Baking edits bytes in place; in UTF-16 that used to yield an SVG no parser could read.
    text = SVG.decode().replace('encoding="UTF-8"', 'encoding="UTF-16"')
    for action in (
        lambda: bake_svg(text.encode(codec), JWS),
        lambda: extract_svg(text.encode(codec)),
    ):
        with pytest.raises(BakingError, match="only UTF-8 and other ASCII-compatible encodings"):
            action()


def test_attributes_holding_quotes_and_brackets_do_not_confuse_baking() -> None:
    svg = b"<svg xmlns='http://www.w3.org/2000/svg' data-a='say \"hi\" />' data-b=\"it's >\"\n/>"
    baked = bake_svg(svg, JWS)
    assert baked == (
        b'<svg xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"'
        b" xmlns='http://www.w3.org/2000/svg' data-a='say \"hi\" />' data-b=\"it's >\"\n>"
        b'<openbadges:credential verify="' + JWS.encode() + b'"></openbadges:credential></svg>'
    )
    assert extract_credential(baked) == JWS
    # A credential element whose attribute holds ">" is removed whole when baking again.
    odd = baked.replace(b"<openbadges:credential ", b"<openbadges:credential data-x='a>b' ")
    rebaked = bake_svg(odd, {"id": "urn:uuid:1"})
    assert b"data-x" not in rebaked
    assert json.loads(extract_svg(rebaked)) == {"id": "urn:uuid:1"}
