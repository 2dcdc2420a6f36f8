"""Uploaded raster images: PNG checked, decoded and written out again.

Re-encoding keeps the pixels and nothing else a PNG can carry: text chunks (including an
old ``openbadges`` or ``openbadgecredential`` credential, which a fresh bake replaces),
EXIF, timestamps and any bytes hidden after the image data.
"""

from __future__ import annotations

import struct
import zlib
from io import BytesIO

from PIL import Image

from microcred.web.render.errors import ImageRejected

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
PNG = "image/png"
SVG = "image/svg+xml"
MAX_BYTES = 1_000_000
MAX_PIXELS = 4096 * 4096
#: Modes Pillow writes to PNG as they are; anything else (16-bit, say) becomes RGBA.
PNG_MODES = frozenset({"1", "L", "LA", "P", "RGB", "RGBA", "I;16"})
#: How far into a file to look for an ``<svg`` start tag when sniffing.
SNIFF_BYTES = 4096
_DECODE_ERRORS = (OSError, SyntaxError, ValueError, EOFError, struct.error, zlib.error)


def check_png(data: bytes, *, max_bytes: int = MAX_BYTES, max_pixels: int = MAX_PIXELS) -> bytes:
    """``data`` as a clean PNG holding only the picture, or :class:`ImageRejected`."""
    if len(data) > max_bytes:
        raise ImageRejected(f"the image is {len(data):,} bytes; the limit is {max_bytes:,}")
    if not data.startswith(PNG_SIGNATURE):
        raise ImageRejected("the file is not a PNG image")
    width, height = _header_size(data)
    if width * height > max_pixels:
        raise ImageRejected(
            f"the PNG is {width:,} x {height:,} pixels; the limit is {max_pixels:,} pixels"
        )
    return _encode(_decode(data))


def sniff_image(data: bytes) -> str | None:
    """``"image/png"``, ``"image/svg+xml"`` or ``None``, from the first bytes only.

    A guess to pick the right checker; :func:`check_png` and ``sanitize_svg`` decide.
    """
    if data.startswith(PNG_SIGNATURE):
        return PNG
    head = data[:SNIFF_BYTES].removeprefix(b"\xef\xbb\xbf").lstrip().lower()
    if head.startswith((b"<?xml", b"<svg", b"<!--", b"<!doctype svg")) and b"<svg" in head:
        return SVG
    return None


def _header_size(data: bytes) -> tuple[int, int]:
    # A PNG must start with its IHDR chunk, whose data begins with the width and height.
    # Reading them here refuses a huge image (a "decompression bomb": a few bytes that
    # inflate to gigabytes) before Pillow allocates anything or warns about it.
    if len(data) < 33 or data[12:16] != b"IHDR":
        raise ImageRejected("the PNG does not start with an IHDR header chunk")
    width, height = struct.unpack(">II", data[16:24])
    if width == 0 or height == 0:
        raise ImageRejected("the PNG has a width or height of zero")
    return int(width), int(height)


def _decode(data: bytes) -> Image.Image:
    try:
        with Image.open(BytesIO(data), formats=["PNG"]) as probe:
            probe.verify()  # checksums of every chunk; the image cannot be used afterwards
        image = Image.open(BytesIO(data), formats=["PNG"])
        image.load()
    except Image.DecompressionBombError:
        raise ImageRejected("the PNG has too many pixels") from None
    except _DECODE_ERRORS:
        raise ImageRejected("the PNG is damaged or truncated and cannot be read") from None
    return image


def _encode(image: Image.Image) -> bytes:
    if image.mode not in PNG_MODES:
        image = image.convert("RGBA")
    out = BytesIO()
    # Pillow writes text chunks only when given a ``pnginfo`` and EXIF only when given
    # ``exif``; passing neither leaves them out.
    image.save(out, format="PNG")
    return out.getvalue()
