from __future__ import annotations

import json
import struct
import zlib
from typing import Any
from xml.etree import ElementTree

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from microcred.core.baking import (
    NO_CREDENTIAL,
    OB3_NAMESPACE,
    bake_png,
    bake_svg,
    extract_credential,
    extract_png,
    extract_svg,
)
from microcred.core.errors import BakingError

JWS = "eyJhbGciOiJFZERTQSIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJkaWQ6ZXhhbXBsZToxIn0.c2lnbmF0dXJl"
CREDENTIAL: dict[str, Any] = {
    "@context": ["https://www.w3.org/ns/credentials/v2"],
    "type": ["VerifiableCredential", "OpenBadgeCredential"],
    "issuer": {"id": "did:example:issuer", "name": "École ]]> Polytechnique"},
    "credentialSubject": {"id": "did:example:alice"},
}
SVG = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b"<!-- a badge -->\n"
    b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 512 512" data-x="a>b">\n'
    b'  <circle cx="256" cy="256" r="200"/>\n'
    b"</svg>\n"
)


def chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png(*extra: bytes) -> bytes:
    header = struct.pack(">IIBBBBB", 1, 1, 8, 6, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\x33\x66\x99\xff"))
        + b"".join(extra)
        + chunk(b"IEND", b"")
    )


def itxt(keyword: bytes, text: bytes, *, compressed: bool = False) -> bytes:
    body = zlib.compress(text) if compressed else text
    flag = b"\x01" if compressed else b"\x00"
    return chunk(b"iTXt", keyword + b"\x00" + flag + b"\x00" + b"en\x00\x00" + body)


def chunk_types(data: bytes) -> list[bytes]:
    types, offset = [], 8
    while offset < len(data):
        (length,) = struct.unpack_from(">I", data, offset)
        types.append(data[offset + 4 : offset + 8])
        offset += 12 + length
    return types


# ------------------------------------------------------------------------------ PNG


def test_png_round_trip_of_a_json_credential() -> None:
    baked = bake_png(png(), CREDENTIAL)
    assert chunk_types(baked) == [b"IHDR", b"IDAT", b"iTXt", b"IEND"]
    assert b"iTXtopenbadgecredential\x00\x00\x00\x00\x00{" in baked  # uncompressed, no language
    text = extract_png(baked)
    assert json.loads(text) == CREDENTIAL
    assert "École" in text  # iTXt is UTF-8


def test_png_round_trip_of_a_jws() -> None:
    assert extract_png(bake_png(png(), JWS)) == JWS


def test_png_json_text_is_baked_as_given() -> None:
    text = json.dumps(CREDENTIAL, indent=2, ensure_ascii=False)
    assert extract_png(bake_png(png(), text)) == text


def test_png_baking_replaces_the_existing_credential() -> None:
    legacy = chunk(b"tEXt", b"openbadges\x00https://example.org/assertions/1")
    baked = bake_png(bake_png(png(legacy), CREDENTIAL), JWS)
    assert chunk_types(baked).count(b"iTXt") == 1
    assert b"tEXt" not in chunk_types(baked)
    assert extract_png(baked) == JWS


def test_png_keeps_other_text_chunks() -> None:
    comment = chunk(b"tEXt", b"Comment\x00made by hand")
    baked = bake_png(png(comment), JWS)
    assert chunk_types(baked) == [b"IHDR", b"IDAT", b"tEXt", b"iTXt", b"IEND"]


@pytest.mark.parametrize(
    "extra",
    [
        itxt(b"openbadges", JWS.encode()),
        itxt(b"openbadges", JWS.encode(), compressed=True),
        chunk(b"tEXt", b"openbadges\x00" + JWS.encode()),
        chunk(b"zTXt", b"openbadges\x00\x00" + zlib.compress(JWS.encode())),
    ],
    ids=["iTXt", "compressed-iTXt", "tEXt", "zTXt"],
)
def test_png_reads_open_badges_2_chunks(extra: bytes) -> None:
    assert extract_png(png(extra)) == JWS


def test_png_prefers_the_open_badges_3_chunk() -> None:
    both = png(
        itxt(b"openbadges", b"https://example.org/1"), itxt(b"openbadgecredential", JWS.encode())
    )
    assert extract_png(both) == JWS


def test_png_with_two_credentials_is_refused() -> None:
    twice = png(itxt(b"openbadgecredential", JWS.encode()), itxt(b"openbadgecredential", b"{}"))
    with pytest.raises(BakingError, match="only one"):
        extract_png(twice)


def test_png_without_a_credential() -> None:
    with pytest.raises(BakingError) as caught:
        extract_png(png(chunk(b"tEXt", b"Comment\x00hello")))
    assert str(caught.value) == NO_CREDENTIAL


def test_png_with_a_corrupt_crc() -> None:
    baked = bytearray(bake_png(png(), JWS))
    baked[baked.index(b"iTXt") + 30] ^= 0x01  # flip one bit of the baked text
    with pytest.raises(BakingError, match="CRC"):
        extract_png(bytes(baked))


@pytest.mark.parametrize("keep", [8, 20, 45, -5])
def test_truncated_png(keep: int) -> None:
    with pytest.raises(BakingError):
        extract_png(bake_png(png(), JWS)[:keep])


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"GIF89a" + b"\x00" * 20, "not a PNG"),
        (png() + b"trailing", "after its IEND"),
        (png()[:8] + chunk(b"IDAT", b"") + chunk(b"IEND", b""), "IHDR"),
        (png()[:12] + b"I$DR" + png()[16:], "chunk type"),
        (png()[:8] + struct.pack(">I", 0xFFFFFFF0) + png()[12:], "past the end"),
        (png(b"".join(chunk(b"tEXt", b"a\x00b") for _ in range(100_001))), "chunks"),
        (png(chunk(b"tEXt", b"x" * 10_000_001)), "limit"),
    ],
)
def test_malformed_png_is_refused(data: bytes, words: str) -> None:
    with pytest.raises(BakingError, match=words):
        extract_png(data)


def test_png_decompression_bomb_is_refused() -> None:
    bomb = itxt(b"openbadgecredential", b"0" * 5_000_000, compressed=True)
    with pytest.raises(BakingError, match="larger than"):
        extract_png(png(bomb))


@pytest.mark.parametrize("credential", ["not a credential", "[1, 2]", "x" * 1_000_001])
def test_baking_refuses_what_is_no_credential(credential: str) -> None:
    with pytest.raises(BakingError):
        bake_png(png(), credential)
    with pytest.raises(BakingError):
        bake_svg(SVG, credential)


# ------------------------------------------------------------------------------ SVG


def test_svg_round_trip_of_a_json_credential() -> None:
    baked = bake_svg(SVG, CREDENTIAL)
    root = ElementTree.fromstring(baked)
    first = root[0]
    assert first.tag == f"{{{OB3_NAMESPACE}}}credential"
    assert b'<svg xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0" xmlns=' in baked
    assert b"<openbadges:credential><![CDATA[{" in baked
    assert json.loads(extract_svg(baked)) == CREDENTIAL


def test_svg_keeps_everything_else_byte_for_byte() -> None:
    baked = bake_svg(SVG, JWS)
    element = f'<openbadges:credential verify="{JWS}"></openbadges:credential>'.encode()
    declaration = f' xmlns:openbadges="{OB3_NAMESPACE}"'.encode()
    assert baked.replace(element, b"").replace(declaration, b"") == SVG
    assert extract_svg(baked) == JWS


def test_svg_baking_replaces_the_existing_credential() -> None:
    baked = bake_svg(bake_svg(SVG, CREDENTIAL), JWS)
    assert baked.count(b"<openbadges:credential") == 1
    assert baked.count(b"xmlns:openbadges") == 1
    assert extract_svg(baked) == JWS


def test_svg_with_a_self_closing_root() -> None:
    baked = bake_svg('<svg xmlns="http://www.w3.org/2000/svg" width="1"/>', JWS)
    assert baked.endswith(b"></openbadges:credential></svg>")
    assert extract_svg(baked) == JWS


def test_svg_reads_open_badges_2() -> None:
    hosted = (
        b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="http://openbadges.org">'
        b'<openbadges:assertion verify="https://example.org/assertions/123"/><g/></svg>'
    )
    assert extract_svg(hosted) == "https://example.org/assertions/123"
    embedded = hosted.replace(
        b"/><g/>",
        b'><![CDATA[ {"id": "https://example.org/assertions/123"} ]]></openbadges:assertion>',
    )
    assert json.loads(extract_svg(embedded)) == {"id": "https://example.org/assertions/123"}


def test_svg_baking_over_open_badges_2_rebinds_the_prefix_locally() -> None:
    old = (
        b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="http://openbadges.org">'
        b'<openbadges:assertion verify="https://example.org/assertions/123"/><g/></svg>'
    )
    baked = bake_svg(old, JWS)
    assert b"openbadges:assertion" not in baked
    assert ElementTree.fromstring(baked)[0].tag == f"{{{OB3_NAMESPACE}}}credential"
    assert extract_svg(baked) == JWS


def test_script_bearing_svg_round_trip() -> None:
    script = (
        b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)">'
        b'<script><![CDATA[ if (a < b && c > d) { alert("]]]]><![CDATA[>"); } ]]></script>'
        b'<foreignObject><div xmlns="http://www.w3.org/1999/xhtml">&lt;b&gt;</div></foreignObject>'
        b"</svg>"
    )
    baked = bake_svg(script, CREDENTIAL)
    assert json.loads(extract_svg(baked)) == CREDENTIAL
    assert b'alert("]]]]><![CDATA[>")' in baked


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE svg [
  <!ENTITY lol "lol">
  <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<svg xmlns="http://www.w3.org/2000/svg"><text>&lol3;</text></svg>"""
XXE = b"""<?xml version="1.0"?>
<!DOCTYPE svg [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0">
<openbadges:credential>&xxe;</openbadges:credential></svg>"""
PARAMETER_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE svg SYSTEM "http://attacker.example/evil.dtd">
<svg xmlns="http://www.w3.org/2000/svg"/>"""


@pytest.mark.parametrize("svg", [BILLION_LAUGHS, XXE, PARAMETER_ENTITY])
def test_svg_with_a_doctype_is_refused(svg: bytes) -> None:
    with pytest.raises(BakingError, match="DOCTYPE"):
        extract_svg(svg)
    with pytest.raises(BakingError, match="DOCTYPE"):
        bake_svg(svg, JWS)


@pytest.mark.parametrize(
    ("svg", "words"),
    [
        (b'<svg xmlns="http://www.w3.org/2000/svg"><g></svg>', "not well-formed"),
        (b'<svg xmlns="http://www.w3.org/2000/svg">&xxe;</svg>', "not well-formed"),
        (b'<html xmlns="http://www.w3.org/1999/xhtml"/>', "not an SVG"),
        (b"", "not well-formed"),
        (b"<svg>" + b" " * 10_000_001 + b"</svg>", "limit"),
    ],
)
def test_malformed_svg_is_refused(svg: bytes, words: str) -> None:
    with pytest.raises(BakingError, match=words):
        extract_svg(svg)


def test_svg_without_a_credential() -> None:
    with pytest.raises(BakingError) as caught:
        extract_svg(SVG)
    assert str(caught.value) == NO_CREDENTIAL


def test_svg_with_two_credentials_is_refused() -> None:
    element = f'<openbadges:credential verify="{JWS}"/>'.encode()
    twice = bake_svg(SVG, JWS).replace(b"<circle", element + b"<circle")
    with pytest.raises(BakingError, match="only one"):
        extract_svg(twice)


def test_svg_with_an_empty_credential_element() -> None:
    empty = bake_svg(SVG, JWS).replace(f'verify="{JWS}"'.encode(), b"")
    with pytest.raises(BakingError, match="empty"):
        extract_svg(empty)


# ------------------------------------------------------------------------------ sniffing


def test_extract_credential_sniffs_the_format() -> None:
    assert extract_credential(bake_png(png(), JWS)) == JWS
    assert extract_credential(b"\xef\xbb\xbf" + bake_svg(SVG, JWS)) == JWS
    assert extract_credential(b"\n  " + bake_svg(SVG.split(b"\n", 1)[1], JWS)) == JWS
    with pytest.raises(BakingError, match="neither"):
        extract_credential(JWS.encode())


@settings(max_examples=60, deadline=None)
@given(st.dictionaries(st.text(max_size=20), st.text(max_size=40), min_size=1, max_size=5))
def test_any_json_object_round_trips(document: dict[str, str]) -> None:
    assert json.loads(extract_png(bake_png(png(), document))) == document
    assert json.loads(extract_svg(bake_svg(SVG, document))) == document
