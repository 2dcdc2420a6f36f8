from __future__ import annotations

import xml.etree.ElementTree as ET
from io import BytesIO
from pathlib import Path

import pytest
from PIL import Image

from microcred.web.render import fonts
from microcred.web.render.badge import ICONS, badge_png, badge_svg, valid_colour
from microcred.web.render.images import check_png
from microcred.web.render.svg import SVG_NS, sanitize_svg

S = f"{{{SVG_NS}}}"


def _texts(svg: bytes) -> list[str]:
    return [t.text or "" for t in ET.fromstring(svg).iter(S + "text")]


def _pixel(image: Image.Image, xy: tuple[int, int]) -> tuple[int, ...]:
    value = image.getpixel(xy)
    assert isinstance(value, tuple)
    return value


def test_the_svg_is_a_titled_400_square_image() -> None:
    svg = badge_svg("Python basics", "#1d4ed8", "code")
    root = ET.fromstring(svg)
    assert root.tag == S + "svg"
    assert root.get("viewBox") == "0 0 400 400"
    assert root.get("role") == "img"
    assert root.find(S + "title").text == "Python basics"  # type: ignore[union-attr]
    assert _texts(svg) == ["Python basics"]
    assert b'fill="#1d4ed8"' in svg


def test_the_name_is_escaped_and_the_result_passes_the_sanitiser() -> None:
    name = '<script>alert(1)</script> & "quotes"'
    svg = badge_svg(name, "#be123c", "star")
    assert b"<script" not in svg
    assert b"&lt;script&gt;" in svg
    assert ET.fromstring(svg).find(S + "title").text == name  # type: ignore[union-attr]
    assert _texts(svg) == ["<script>alert(1)", '</script> & "qu…']
    sanitize_svg(svg)


@pytest.mark.parametrize("icon", ICONS)
def test_every_icon_renders_in_both_formats(icon: str) -> None:
    svg = badge_svg("Icon", "#0f766e", icon)
    assert ET.fromstring(svg).find(S + "g") is not None
    assert sanitize_svg(svg)
    png = badge_png("Icon", "#0f766e", icon, size=64)
    with Image.open(BytesIO(png)) as image:
        assert image.size == (64, 64)


def test_icons_are_distinct() -> None:
    assert len(ICONS) >= 8
    drawings = {badge_svg("x", "#000000", icon) for icon in ICONS}
    assert len(drawings) == len(ICONS)


def test_long_names_wrap_onto_two_lines_with_an_ellipsis() -> None:
    name = "Introduction to Data Science and Machine Learning with Python"
    svg = badge_svg(name, "#7c3aed", "book")
    first, second = _texts(svg)
    assert first == "Introduction to"
    assert second.endswith("…") and len(second) <= 16
    assert ET.fromstring(svg).find(S + "title").text == name  # type: ignore[union-attr]


def test_whitespace_and_control_characters_are_tidied() -> None:
    svg = badge_svg("  A\x00\x1b  \n b\t ", "#000000", "star")
    assert _texts(svg) == ["A b"]


def test_light_colours_get_dark_ink() -> None:
    assert b'fill="#ffffff"' in badge_svg("x", "#1d4ed8", "star")
    light = badge_svg("x", "#facc15", "star")
    assert b'fill="#1f2933"' in light and b'fill="#ffffff"' not in light


@pytest.mark.parametrize("colour", ["#1d4ed8", "#ABCDEF", "#000000"])
def test_valid_colours(colour: str) -> None:
    assert valid_colour(colour)
    badge_svg("x", colour, "star")


@pytest.mark.parametrize("colour", ["red", "#fff", "#12345g", "", "#1d4ed8 ", "1d4ed8", "#1d4ed80"])
def test_bad_colours_are_refused(colour: str) -> None:
    assert not valid_colour(colour)
    with pytest.raises(ValueError, match="is not a #rrggbb colour"):
        badge_svg("x", colour, "star")
    with pytest.raises(ValueError, match="is not a #rrggbb colour"):
        badge_png("x", colour, "star")


def test_an_unknown_icon_is_refused() -> None:
    with pytest.raises(ValueError, match="there is no icon 'rocket'; choose one of star, "):
        badge_svg("x", "#000000", "rocket")
    with pytest.raises(ValueError, match="there is no icon"):
        badge_png("x", "#000000", "rocket")


def test_the_png_is_a_round_badge_of_the_right_size() -> None:
    png = badge_png("Python basics", "#1d4ed8", "code")
    assert check_png(png)  # a valid PNG by our own upload rules
    with Image.open(BytesIO(png)) as image:
        assert image.format == "PNG" and image.size == (400, 400) and image.mode == "RGBA"
        assert _pixel(image, (2, 2))[3] == 0  # transparent outside the circle
        assert _pixel(image, (60, 200)) == (0x1D, 0x4E, 0xD8, 255)
        ring = _pixel(image, (200, 14))
        assert ring[3] == 255 and ring[:3] != (0x1D, 0x4E, 0xD8)


@pytest.mark.parametrize("size", [16, 128, 1000])
def test_png_sizes(size: int) -> None:
    with Image.open(BytesIO(badge_png("x", "#000000", "globe", size=size))) as image:
        assert image.size == (size, size)


@pytest.mark.parametrize("size", [0, 15, 2049])
def test_png_sizes_out_of_range_are_refused(size: int) -> None:
    with pytest.raises(ValueError, match="between 16 and 2048 pixels"):
        badge_png("x", "#000000", "globe", size=size)


def test_both_formats_are_deterministic() -> None:
    args = ("Zoë's badge: data & things", "#f97316", "heart")
    assert badge_svg(*args) == badge_svg(*args)
    assert badge_png(*args) == badge_png(*args)
    assert badge_png(*args) != badge_png("Other", "#f97316", "heart")


def test_the_png_falls_back_to_pillows_own_font(monkeypatch: pytest.MonkeyPatch) -> None:
    with_system_font = badge_png("Fallback", "#111827", "check")
    monkeypatch.setattr(fonts, "CANDIDATES", ())
    bundled = badge_png("Fallback", "#111827", "check")
    with Image.open(BytesIO(bundled)) as image:
        assert image.size == (400, 400)
    if fonts.CANDIDATES != () or with_system_font == bundled:
        pytest.fail("the fallback font was not used")


def test_a_missing_font_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="does not exist"):
        badge_png("x", "#000000", "star", font_path=tmp_path / "missing.ttf")
