from __future__ import annotations

import struct
import zlib
from io import BytesIO

import pytest
from PIL import Image, PngImagePlugin

from microcred.core.baking import bake_png
from microcred.web.render.errors import ImageRejected
from microcred.web.render.images import PNG_SIGNATURE, check_png, sniff_image


def _png(mode: str = "RGBA", size: tuple[int, int] = (64, 48), **params: object) -> bytes:
    image = Image.new(mode, size, "red" if mode != "P" else 1)
    out = BytesIO()
    image.save(out, format="PNG", **params)
    return out.getvalue()


def _chunk_types(png: bytes) -> list[bytes]:
    types, offset = [], len(PNG_SIGNATURE)
    while offset < len(png):
        (length,) = struct.unpack(">I", png[offset : offset + 4])
        types.append(png[offset + 4 : offset + 8])
        offset += 12 + length
    return types


def _chunk(kind: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(kind + data)
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


def test_a_clean_png_passes_with_its_pixels() -> None:
    source = _png()
    result = check_png(source)
    with Image.open(BytesIO(result)) as image:
        assert image.format == "PNG"
        assert image.size == (64, 48)
        assert image.mode == "RGBA"
        assert image.getpixel((10, 10)) == (255, 0, 0, 255)


def test_text_chunks_and_metadata_are_removed() -> None:
    info = PngImagePlugin.PngInfo()
    info.add_itxt("openbadges", '{"old": "assertion"}')
    info.add_text("Comment", "hello", zip=True)
    info.add_text("Author", "someone")
    exif = Image.Exif()
    exif[0x010E] = "description"
    source = bake_png(_png(pnginfo=info, exif=exif), {"id": "urn:uuid:old"}) + b"trailing"
    assert {b"iTXt", b"zTXt", b"tEXt", b"eXIf"} <= set(_chunk_types(source[:-8]))
    result = check_png(source)
    assert _chunk_types(result) == [b"IHDR", b"IDAT", b"IEND"]
    assert b"openbadges" not in result and b"urn:uuid:old" not in result
    assert not result.endswith(b"trailing")


def test_palette_transparency_survives() -> None:
    image = Image.new("P", (8, 8), 1)
    image.putpalette([255, 0, 0, 0, 0, 255])
    image.putpixel((0, 0), 0)
    source = BytesIO()
    image.save(source, format="PNG", transparency=1)
    with Image.open(BytesIO(check_png(source.getvalue()))) as result:
        assert result.mode == "P"
        rgba = result.convert("RGBA")
        assert rgba.getpixel((0, 0)) == (255, 0, 0, 255)
        assert rgba.getpixel((1, 1)) == (0, 0, 255, 0)


def test_sixteen_bit_grey_is_kept() -> None:
    result = check_png(_png("I;16"))
    with Image.open(BytesIO(result)) as image:
        assert image.size == (64, 48)


def test_the_result_is_deterministic() -> None:
    source = _png()
    assert check_png(source) == check_png(source)


def test_a_truncated_png_is_refused() -> None:
    source = _png(size=(300, 300))
    with pytest.raises(ImageRejected, match="damaged or truncated"):
        check_png(source[: len(source) // 2])


def test_a_png_with_a_bad_checksum_is_refused() -> None:
    source = bytearray(_png())
    idat = source.index(b"IDAT")
    source[idat + 6] ^= 0xFF
    with pytest.raises(ImageRejected, match="damaged or truncated"):
        check_png(bytes(source))


def test_a_jpeg_is_refused() -> None:
    out = BytesIO()
    Image.new("RGB", (8, 8)).save(out, format="JPEG")
    with pytest.raises(ImageRejected, match="the file is not a PNG image"):
        check_png(out.getvalue())


def test_a_decompression_bomb_header_is_refused_before_decoding() -> None:
    # A valid IHDR for 100,000 x 100,000 pixels and one tiny IDAT: decoding it would need
    # about 40 GB.  It must be refused from the header alone.
    ihdr = struct.pack(">IIBBBBB", 100_000, 100_000, 8, 6, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 1024)
    bomb = PNG_SIGNATURE + _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", idat) + _chunk(b"IEND", b"")
    with pytest.raises(ImageRejected, match=r"100,000 x 100,000 pixels; the limit is 16,777,216"):
        check_png(bomb)


def test_the_pixel_limit_is_a_parameter() -> None:
    source = _png(size=(100, 100))
    with pytest.raises(ImageRejected, match="the limit is 9,999 pixels"):
        check_png(source, max_pixels=9_999)
    check_png(source, max_pixels=10_000)


def test_oversize_is_refused() -> None:
    source = _png()
    with pytest.raises(
        ImageRejected, match=rf"the image is {len(source):,} bytes; the limit is 10"
    ):
        check_png(source, max_bytes=10)


@pytest.mark.parametrize(
    "data",
    [PNG_SIGNATURE, PNG_SIGNATURE + _chunk(b"tEXt", b"a\x00b"), b""],
)
def test_a_png_without_a_header_chunk_is_refused(data: bytes) -> None:
    with pytest.raises(ImageRejected):
        check_png(data)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (_png(), "image/png"),
        (b'<svg xmlns="http://www.w3.org/2000/svg"/>', "image/svg+xml"),
        (b'\xef\xbb\xbf  <?xml version="1.0"?>\n<!-- x -->\n<svg/>', "image/svg+xml"),
        (b'<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "x">\n<svg/>', "image/svg+xml"),
        (b"<?xml version='1.0'?><html/>", None),
        (b"\xff\xd8\xff\xe0", None),
        (b"GIF89a", None),
        (b"", None),
    ],
)
def test_sniff_image(data: bytes, expected: str | None) -> None:
    assert sniff_image(data) == expected
