"""Baking credentials into PNG and SVG images, and reading them back (OB 3.0 §5.3, OB 2.0
Baking Specification).

* PNG: an uncompressed ``iTXt`` chunk with keyword ``openbadgecredential`` (OB 3.0) holds
  the credential JSON or its compact JWS.  Reading also accepts OB 2.0's ``openbadges``
  keyword (``iTXt``, compressed ``iTXt``, ``zTXt`` or legacy ``tEXt``).
* SVG: an ``<openbadges:credential>`` element (namespace ``https://purl.imsglobal.org/ob/v3p0``)
  as the first child of the root holds the JSON in CDATA, or the JWS in a ``verify``
  attribute.  Reading also accepts OB 2.0's ``<openbadges:assertion>`` (``http://openbadges.org``).

Everything is done by hand with the standard library.  SVG is parsed with expat, with any
DOCTYPE refused outright: without a DTD no entity can be declared, so neither entity
expansion ("billion laughs") nor external entities (XXE) can happen.  Baking edits the
SVG's bytes in place, so the rest of the image is kept exactly as it was.
"""

from __future__ import annotations

import json
import re
import struct
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, NoReturn
from xml.parsers import expat

from microcred.core.errors import BakingError, InputError
from microcred.core.jsonutil import decode_text, parse_json
from microcred.core.jws import looks_like_compact

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
MAX_IMAGE_BYTES = 10_000_000
MAX_CHUNKS = 100_000
MAX_TEXT_BYTES = 1_000_000
KEYWORD = b"openbadgecredential"
KEYWORD_V2 = b"openbadges"
_TEXT_CHUNKS = (b"iTXt", b"tEXt", b"zTXt")
OB3_NAMESPACE = "https://purl.imsglobal.org/ob/v3p0"
OB2_NAMESPACE = "http://openbadges.org"
SVG_NAMESPACE = "http://www.w3.org/2000/svg"
NO_CREDENTIAL = "the image holds no Open Badges credential"
#: A start or end tag from its "<": the name (empty in an end tag), then the attributes, whose
#: quoted values may hold ">", up to the closing ">".
_TAG = re.compile(rb"""<([^ \t\r\n/>]*)(?:[^"'>]|"[^"]*"|'[^']*')*>""")


# --------------------------------------------------------------------------- PNG


@dataclass(frozen=True)
class _Chunk:
    kind: bytes
    data: bytes
    raw: bytes


def bake_png(png: bytes, credential: Mapping[str, Any] | str) -> bytes:
    """The PNG with the credential in an ``openbadgecredential`` iTXt chunk before IEND.

    Any Open Badges text chunk already in the image (OB 3.0 or 2.0) is replaced.
    """
    text = _credential_text(credential, ascii_only=False)
    chunks = [c for c in _png_chunks(png) if _chunk_keyword(c) not in (KEYWORD, KEYWORD_V2)]
    # keyword NUL, compression flag 0, method 0, empty language NUL, empty translation NUL
    itxt = KEYWORD + b"\x00" + b"\x00\x00" + b"\x00" + b"\x00" + text.encode("utf-8")
    baked = [c.raw for c in chunks[:-1]] + [_chunk_bytes(b"iTXt", itxt), chunks[-1].raw]
    return PNG_SIGNATURE + b"".join(baked)


def extract_png(png: bytes) -> str:
    """The credential text baked in a PNG (OB 3.0 first, then OB 2.0), or :class:`BakingError`."""
    chunks = [c for c in _png_chunks(png) if _chunk_keyword(c) in (KEYWORD, KEYWORD_V2)]
    for keyword in (KEYWORD, KEYWORD_V2):
        found = [c for c in chunks if _chunk_keyword(c) == keyword]
        itxt = [c for c in found if c.kind == b"iTXt"]
        if len(itxt) > 1:
            raise BakingError(
                f"the image has {len(itxt)} {keyword.decode()!r} iTXt chunks; only one is allowed"
            )
        if found:
            return _chunk_text((itxt or found)[0])
    raise BakingError(NO_CREDENTIAL)


def _png_chunks(png: bytes) -> list[_Chunk]:
    """Every chunk of a PNG, with its length and CRC checked; IHDR first, IEND last."""
    if not isinstance(png, bytes | bytearray) or not bytes(png).startswith(PNG_SIGNATURE):
        raise BakingError("the data is not a PNG image (its signature is missing)")
    if len(png) > MAX_IMAGE_BYTES:
        raise BakingError(f"the image is {len(png):,} bytes; the limit is {MAX_IMAGE_BYTES:,}")
    chunks: list[_Chunk] = []
    offset = len(PNG_SIGNATURE)
    while not chunks or chunks[-1].kind != b"IEND":
        if len(chunks) >= MAX_CHUNKS:
            raise BakingError(f"the PNG has more than {MAX_CHUNKS:,} chunks")
        chunk = _read_chunk(bytes(png), offset)
        chunks.append(chunk)
        offset += len(chunk.raw)
    if chunks[0].kind != b"IHDR":
        raise BakingError("the PNG does not start with an IHDR chunk")
    if offset != len(png):
        raise BakingError(f"the PNG has {len(png) - offset:,} bytes of data after its IEND chunk")
    return chunks


def _read_chunk(png: bytes, offset: int) -> _Chunk:
    if offset + 12 > len(png):
        raise BakingError(f"the PNG is truncated at byte {offset:,} (no IEND chunk)")
    (length,) = struct.unpack_from(">I", png, offset)
    kind = png[offset + 4 : offset + 8]
    if not kind.isalpha() or not kind.isascii():
        raise BakingError(f"the PNG has an invalid chunk type at byte {offset:,}")
    end = offset + 12 + length
    if length > 0x7FFFFFFF or end > len(png):
        raise BakingError(f"the PNG chunk {kind.decode()} at byte {offset:,} runs past the end")
    data = png[offset + 8 : end - 4]
    (crc,) = struct.unpack_from(">I", png, end - 4)
    if zlib.crc32(kind + data) != crc:
        raise BakingError(f"the PNG chunk {kind.decode()} at byte {offset:,} is corrupt (bad CRC)")
    return _Chunk(kind, data, png[offset:end])


def _chunk_bytes(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _chunk_keyword(chunk: _Chunk) -> bytes | None:
    if chunk.kind not in _TEXT_CHUNKS:
        return None
    keyword, separator, _ = chunk.data.partition(b"\x00")
    return keyword if separator else None


def _chunk_text(chunk: _Chunk) -> str:
    body = chunk.data.partition(b"\x00")[2]
    if chunk.kind == b"tEXt":
        return _decoded(body.decode("latin-1"))
    if chunk.kind == b"zTXt":
        return _decoded(_inflate(body[1:]).decode("latin-1"))
    if len(body) < 2:
        raise BakingError("the iTXt chunk is truncated")
    compressed, method, rest = body[0], body[1], body[2:]
    _language, _, rest = rest.partition(b"\x00")
    _translated, separator, text = rest.partition(b"\x00")
    if not separator or compressed not in (0, 1) or method != 0:
        raise BakingError("the iTXt chunk is malformed")
    return _decoded(_inflate(text) if compressed else text)


def _inflate(data: bytes) -> bytes:
    inflater = zlib.decompressobj()
    try:
        text = inflater.decompress(data, MAX_TEXT_BYTES + 1)
    except zlib.error as exc:
        raise BakingError(f"the compressed text chunk is corrupt: {exc}") from exc
    if len(text) > MAX_TEXT_BYTES or not inflater.eof:
        raise BakingError(f"the compressed text is larger than {MAX_TEXT_BYTES:,} bytes or cut off")
    return text


def _decoded(text: bytes | str) -> str:
    try:
        value = decode_text(text, max_bytes=MAX_TEXT_BYTES).strip()
    except InputError as exc:
        raise BakingError(f"the baked credential is unreadable: {exc}") from exc
    if not value:
        raise BakingError("the baked credential is empty")
    return value


# --------------------------------------------------------------------------- SVG


@dataclass
class _Element:
    start: int
    end: int = -1
    attributes: dict[str, str] = field(default_factory=dict)
    text: list[str] = field(default_factory=list)
    version: int = 3


@dataclass
class _SvgScan:
    """What the baking code needs to know about an SVG, read with expat."""

    data: bytes
    root_start: int = -1
    root_prefixes: dict[str, str] = field(default_factory=dict)
    badges: list[_Element] = field(default_factory=list)
    _pending: dict[str, str] = field(default_factory=dict)
    _depth: int = 0
    _open: _Element | None = None
    _open_depth: int = -1


def bake_svg(svg: bytes | str, credential: Mapping[str, Any] | str) -> bytes:
    """The SVG with an ``<openbadges:credential>`` first child of the root (OB 3.0 §5.3.2).

    A JWS goes in the ``verify`` attribute; JSON goes in the element's CDATA.  Any Open
    Badges element already in the image (OB 3.0 or 2.0) is removed.
    """
    scan = _scan_svg(svg)
    data = scan.data
    for badge in sorted(scan.badges, key=lambda b: b.start, reverse=True):
        data = data[: badge.start] + data[badge.end :]
    name_end, tag_end = _tag_bounds(data, scan.root_start)
    bound = scan.root_prefixes.get("openbadges")
    element = _svg_element(_credential_text(credential, ascii_only=True), bound)
    if data[tag_end - 1 : tag_end + 1] == b"/>":
        name = data[scan.root_start + 1 : name_end]
        data = data[: tag_end - 1] + b">" + element + b"</" + name + b">" + data[tag_end + 1 :]
    else:
        data = data[: tag_end + 1] + element + data[tag_end + 1 :]
    if bound is None:
        declaration = f' xmlns:openbadges="{OB3_NAMESPACE}"'.encode()
        data = data[:name_end] + declaration + data[name_end:]
    return data


def extract_svg(svg: bytes | str) -> str:
    """The credential baked in an SVG (OB 3.0, else OB 2.0), or :class:`BakingError`.

    For OB 2.0 this is the element's JSON body if it has one, otherwise its ``verify``
    attribute (a JWS or the URL of a hosted assertion).
    """
    badges = _scan_svg(svg).badges
    for version in (3, 2):
        found = [b for b in badges if b.version == version]
        if len(found) > 1:
            raise BakingError(
                f"the image has {len(found)} Open Badges elements; only one is allowed"
            )
        if found:
            return _element_text(found[0])
    raise BakingError(NO_CREDENTIAL)


def _element_text(badge: _Element) -> str:
    body = "".join(badge.text).strip()
    verify = badge.attributes.get("verify", "").strip()
    if badge.version == 3:
        return _decoded(verify or body)
    return _decoded(body or verify)


def _svg_element(text: str, bound: str | None) -> bytes:
    declaration = (
        f' xmlns:openbadges="{OB3_NAMESPACE}"' if bound not in (None, OB3_NAMESPACE) else ""
    )
    if looks_like_compact(text):
        return (
            f'<openbadges:credential{declaration} verify="{text}"></openbadges:credential>'.encode()
        )
    cdata = text.replace("]]>", "]]\\u003e")  # a ">" can only be inside a JSON string
    element = f"<openbadges:credential{declaration}><![CDATA[{cdata}]]></openbadges:credential>"
    return element.encode("ascii")


def _scan_svg(svg: bytes | str) -> _SvgScan:
    data = svg.encode("utf-8") if isinstance(svg, str) else bytes(svg)
    if len(data) > MAX_IMAGE_BYTES:
        raise BakingError(f"the image is {len(data):,} bytes; the limit is {MAX_IMAGE_BYTES:,}")
    if b"\x00" in data:  # XML text never holds U+0000: these bytes are UTF-16 (or not text)
        raise BakingError(
            "the SVG has NUL bytes; only UTF-8 and other ASCII-compatible encodings are "
            "supported, not UTF-16"
        )
    scan = _SvgScan(data)
    parser = _svg_parser(scan)
    try:
        parser.Parse(data, True)
    except expat.ExpatError as exc:
        raise BakingError(
            f"the SVG is not well-formed XML: {expat.ErrorString(exc.code)} "
            f"(line {exc.lineno}, column {exc.offset})"
        ) from exc
    return scan


def _svg_parser(scan: _SvgScan) -> expat.XMLParserType:
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    # The DOCTYPE handler runs before any declaration in it: the entity handlers are a
    # second line of defence that no document can reach.
    parser.StartDoctypeDeclHandler = _refuse_doctype
    parser.EntityDeclHandler = _refuse_doctype
    parser.ExternalEntityRefHandler = _refuse_doctype
    parser.StartNamespaceDeclHandler = lambda prefix, uri: scan._pending.update({prefix or "": uri})
    parser.StartElementHandler = lambda name, attrs: _start(scan, parser, name, attrs)
    parser.EndElementHandler = lambda name: _end(scan, parser)
    parser.CharacterDataHandler = lambda text: _text(scan, text)
    return parser


def _refuse_doctype(*_: Any) -> NoReturn:
    raise BakingError("the SVG has a DOCTYPE declaration; DTDs and entities are refused")


def _start(
    scan: _SvgScan, parser: expat.XMLParserType, name: str, attributes: dict[str, str]
) -> None:
    namespace, _, local = name.rpartition(" ")
    if scan._depth == 0:
        if local != "svg" or namespace not in ("", SVG_NAMESPACE):
            raise BakingError(f"the document is not an SVG image (its root is <{local}>)")
        scan.root_start = parser.CurrentByteIndex
        scan.root_prefixes = dict(scan._pending)
    scan._pending.clear()
    scan._depth += 1
    version = {(OB3_NAMESPACE, "credential"): 3, (OB2_NAMESPACE, "assertion"): 2}.get(
        (namespace, local)
    )
    if version is not None and scan._open is None:
        scan._open = _Element(parser.CurrentByteIndex, attributes=attributes, version=version)
        scan._open_depth = scan._depth
        _, tag_end = _tag_bounds(scan.data, scan._open.start)
        if scan.data[tag_end - 1 : tag_end] == b"/":
            scan._open.end = tag_end + 1


def _end(scan: _SvgScan, parser: expat.XMLParserType) -> None:
    if scan._open is not None and scan._depth == scan._open_depth:
        if scan._open.end < 0:
            scan._open.end = _tag_bounds(scan.data, parser.CurrentByteIndex)[1] + 1
        scan.badges.append(scan._open)
        scan._open = None
    scan._depth -= 1


def _text(scan: _SvgScan, text: str) -> None:
    if scan._open is not None and scan._depth == scan._open_depth:
        scan._open.text.append(text)


def _tag_bounds(data: bytes, start: int) -> tuple[int, int]:
    """(end of the tag name, index of the closing ``>``) of the tag that starts at ``start``.

    Only tags expat has parsed are measured, in an ASCII-compatible encoding: they are whole.
    """
    tag = _TAG.match(data, start)
    if tag is None:  # pragma: no cover - expat has parsed this tag, so it is whole
        raise BakingError("the SVG has a tag that cannot be edited")
    return tag.end(1), tag.end() - 1


# --------------------------------------------------------------------------- both


def extract_credential(data: bytes) -> str:
    """The credential baked in a PNG or SVG image, told apart by content."""
    if bytes(data[:8]) == PNG_SIGNATURE:
        return extract_png(data)
    head = bytes(data[:1024]).lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"<"):
        return extract_svg(data)
    raise BakingError("the data is neither a PNG nor an SVG image")


def _credential_text(credential: Mapping[str, Any] | str, *, ascii_only: bool) -> str:
    """The text to bake: compact JSON for a credential object; a JWS or JSON text as given."""
    if isinstance(credential, str):
        text = credential.strip()
        if len(text) > MAX_TEXT_BYTES:
            raise BakingError(f"the credential is larger than {MAX_TEXT_BYTES:,} bytes")
        if looks_like_compact(text):
            return text
        try:
            credential = parse_json(text, max_bytes=MAX_TEXT_BYTES)
        except InputError as exc:
            raise BakingError(f"the credential is neither a compact JWS nor JSON: {exc}") from exc
        if not isinstance(credential, Mapping):
            raise BakingError("the credential JSON is not an object")
        if not ascii_only:
            return text
    if not isinstance(credential, Mapping):
        raise BakingError("the credential must be a JSON object or a compact JWS")
    try:
        text = json.dumps(
            credential, ensure_ascii=ascii_only, separators=(",", ":"), allow_nan=False
        )
    except (TypeError, ValueError) as exc:
        raise BakingError(f"the credential cannot be written as JSON: {exc}") from exc
    if len(text.encode("utf-8")) > MAX_TEXT_BYTES:
        raise BakingError(f"the credential is larger than {MAX_TEXT_BYTES:,} bytes")
    return text
