from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from microcred.core.baking import bake_svg, extract_svg
from microcred.web.render.errors import ImageRejected
from microcred.web.render.svg import SVG_NS, sanitize_svg, svg_size

S = f"{{{SVG_NS}}}"
XLINK = "{http://www.w3.org/1999/xlink}"
HEAD = (
    '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
    'viewBox="0 0 100 100">'
)

CLEAN = f"""<?xml version="1.0" encoding="UTF-8"?>
{HEAD}
  <title>Badge</title>
  <defs>
    <linearGradient id="g"><stop offset="0" stop-color="#123456"/></linearGradient>
    <filter id="f"><feGaussianBlur stdDeviation="2"/></filter>
  </defs>
  <g transform="translate(1 2)" filter="url(#f)">
    <circle cx="50" cy="50" r="40" fill="url(#g)" stroke="#000" stroke-width="2"/>
    <path id="p" d="M10 10 L90 90 Z" fill-rule="evenodd"/>
    <use xlink:href="#p" x="5"/>
    <use href="#p" y="5"/>
    <text x="50" y="90" text-anchor="middle" font-size="12">Hi <tspan>there</tspan>!</text>
  </g>
</svg>""".encode()


def _parse(data: bytes) -> ET.Element:
    return ET.fromstring(data)


def _svg(body: str, head: str = HEAD) -> bytes:
    return f"{head}{body}</svg>".encode()


def test_a_clean_svg_round_trips() -> None:
    result = sanitize_svg(CLEAN)
    assert result.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<svg ')
    assert b' xmlns="http://www.w3.org/2000/svg"' in result
    root = _parse(result)
    assert root.tag == S + "svg"
    assert root.get("viewBox") == "0 0 100 100"
    assert root.find(f"{S}title").text == "Badge"  # type: ignore[union-attr]
    path = root.find(f".//{S}path")
    assert path is not None and path.get("d") == "M10 10 L90 90 Z"
    assert path.get("fill-rule") == "evenodd"
    assert root.find(f".//{S}circle").get("fill") == "url(#g)"  # type: ignore[union-attr]
    uses = root.findall(f".//{S}use")
    assert [u.get(XLINK + "href") or u.get("href") for u in uses] == ["#p", "#p"]
    assert root.find(f".//{S}feGaussianBlur") is not None
    text = root.find(f".//{S}text")
    assert text is not None and "".join(text.itertext()) == "Hi there!"


def test_sanitizing_twice_changes_nothing_more() -> None:
    once = sanitize_svg(CLEAN)
    assert sanitize_svg(once) == once


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("<script>alert(1)</script>", "contains a <script> element"),
        ('<g><script xlink:href="https://x.example/a.js"/></g>', "<script> element"),
        (
            '<h:script xmlns:h="http://www.w3.org/1999/xhtml">alert(1)</h:script>',
            "<script> element",
        ),
        ("<foreignObject><div>x</div></foreignObject>", "<foreignObject> element"),
        ('<rect width="1" height="1" onclick="alert(1)"/>', "event handler attribute (onclick)"),
        ('<a xlink:href="javascript:alert(1)"><rect/></a>', "contains a script URL"),
        ('<a href="JaVa&#x09;Script:alert(1)"><rect/></a>', "contains a script URL"),
        ('<set attributeName="href" to="javascript:alert(1)"/>', "script URL"),
        (
            '<use href="https://evil.example/a.svg#x"/>',
            "href attribute of <use> refers to 'https://evil.example/a.svg#x', outside the image",
        ),
        (
            '<use xlink:href="data:image/svg+xml;base64,PHN2Zz4="/>',
            "xlink:href attribute of <use> refers to 'data:image/svg",
        ),
        (
            '<image href="https://tracker.example/p.png"/>',
            "<image> refers to 'https://tracker.example/p.png', outside",
        ),
        ('<rect style="background:url(https://x.example/)"/>', "loads url('https://x.example/')"),
        ("<rect fill=\"url('https://x.example/#g')\"/>", "the fill attribute of <rect> loads"),
        ('<rect fill="\\75 rl(https://x.example/)"/>', "contains a backslash"),
        ("<style>rect { fill: url(https://x.example/) }</style>", "<style> element"),
    ],
)
def test_dangerous_content_is_refused_with_a_reason(body: str, message: str) -> None:
    with pytest.raises(ImageRejected, match=message.replace("(", r"\(").replace(")", r"\)")):
        sanitize_svg(_svg(body))


def test_an_event_handler_on_the_root_is_refused() -> None:
    data = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'
    with pytest.raises(ImageRejected, match=r"<svg> element has an event handler .*onload"):
        sanitize_svg(data)


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE svg [
  <!ENTITY lol "lol">
  <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<svg xmlns="http://www.w3.org/2000/svg"><text>&lol3;</text></svg>"""

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE svg [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<svg xmlns="http://www.w3.org/2000/svg"><text>&xxe;</text></svg>"""

PUBLIC_DOCTYPE = b"""<?xml version="1.0"?>
<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN"
  "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">
<svg xmlns="http://www.w3.org/2000/svg"/>"""


@pytest.mark.parametrize("data", [BILLION_LAUGHS, EXTERNAL_ENTITY, PUBLIC_DOCTYPE])
def test_any_doctype_is_refused(data: bytes) -> None:
    with pytest.raises(ImageRejected, match="DOCTYPE declaration, which is not allowed"):
        sanitize_svg(data)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b'<html xmlns="http://www.w3.org/1999/xhtml"/>', r"root element is <html> in "),
        (b'<svg width="1"/>', r"root element is <svg> \(no namespace\)"),
        (b"\x89PNG\r\n\x1a\n", "not well-formed XML"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'>", "not well-formed XML"),
    ],
)
def test_other_documents_are_refused(data: bytes, message: str) -> None:
    with pytest.raises(ImageRejected, match=message):
        sanitize_svg(data)


def test_absurd_nesting_is_refused() -> None:
    with pytest.raises(ImageRejected, match="nests elements more than 200 levels deep"):
        sanitize_svg(_svg("<g>" * 5000 + "</g>" * 5000))
    sanitize_svg(_svg("<g>" * 150 + "</g>" * 150))


def test_oversize_is_refused() -> None:
    data = _svg("<rect/>" * 100)
    with pytest.raises(ImageRejected, match=rf"the SVG is {len(data):,} bytes; the limit is 500"):
        sanitize_svg(data, max_bytes=500)
    sanitize_svg(data, max_bytes=len(data))


INKSCAPE = b"""<?xml version="1.0" encoding="UTF-8" standalone="no"?>
<!-- Created with Inkscape (http://www.inkscape.org/) -->
<?xml-stylesheet href="https://x.example/evil.css"?>
<svg xmlns="http://www.w3.org/2000/svg"
   xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape"
   xmlns:sodipodi="http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd"
   xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
   xmlns:cc="http://creativecommons.org/ns#"
   width="210mm" height="297mm" viewBox="0 0 210 297"
   inkscape:version="1.3" sodipodi:docname="badge.svg">
  <sodipodi:namedview id="namedview1" pagecolor="#ffffff" inkscape:zoom="0.7"/>
  <metadata><rdf:RDF><cc:Work rdf:about=""><cc:license rdf:resource="http://x.example/"/>
  </cc:Work></rdf:RDF></metadata>
  <style id="style1"/>
  <g inkscape:label="Layer 1" inkscape:groupmode="layer" id="layer1">
    <path style="fill:#ff0000;stroke:none;-inkscape-stroke:none;position:fixed;filter:blur(2px)"
       d="M 10,10 H 50 V 50 Z" id="path1" sodipodi:nodetypes="cccc"/>
    <text xml:space="preserve">A<sodipodi:flowRoot/> B</text>
  </g>
</svg>"""


def test_editor_metadata_is_dropped() -> None:
    result = sanitize_svg(INKSCAPE)
    for gone in (b"inkscape", b"sodipodi", b"metadata", b"rdf", b"cc:", b"<style", b"evil.css"):
        assert gone not in result
    assert b"<!--" not in result
    root = _parse(result)
    path = root.find(f".//{S}path")
    assert path is not None and path.get("style") == "fill:#ff0000;stroke:none"
    assert path.get("id") == "path1" and path.get("d") == "M 10,10 H 50 V 50 Z"
    assert root.find(f"{S}g").attrib == {"id": "layer1"}  # type: ignore[union-attr]
    text = root.find(f".//{S}text")
    assert text is not None and text.text == "A B"


def test_unknown_svg_elements_are_dropped() -> None:
    result = sanitize_svg(_svg('<animate attributeName="r" to="9"/><switch><rect/></switch>'))
    assert b"animate" not in result and b"switch" not in result and b"rect" not in result


@pytest.mark.parametrize(
    "element",
    [
        '<openbadges:credential xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0" '
        'verify="eyJhbGciOiJFUzI1NiJ9.e30.sig"></openbadges:credential>',
        '<openbadges:assertion xmlns:openbadges="http://openbadges.org">'
        "<![CDATA[{}]]></openbadges:assertion>",
    ],
)
def test_an_old_baked_credential_is_dropped(element: str) -> None:
    result = sanitize_svg(_svg(element + "<rect/>"))
    assert b"openbadges" not in result and b"verify" not in result
    assert _parse(result).find(f"{S}rect") is not None


def test_a_sanitised_upload_can_be_baked_again() -> None:
    upload = bake_svg(CLEAN, {"id": "urn:uuid:old"})
    assert "urn:uuid:old" in extract_svg(upload)
    fresh = bake_svg(sanitize_svg(upload), {"id": "urn:uuid:new"})
    assert extract_svg(fresh) == '{"id":"urn:uuid:new"}'


def test_size_from_width_and_height_or_view_box() -> None:
    assert svg_size(b'<svg xmlns="http://www.w3.org/2000/svg" width="120" height="80px"/>') == (
        120.0,
        80.0,
    )
    assert svg_size(_svg("")) == (100.0, 100.0)
    assert svg_size(INKSCAPE) == (210.0, 297.0)  # millimetres are not user units
    assert svg_size(b'<svg xmlns="http://www.w3.org/2000/svg" width="50%"/>') is None
    with pytest.raises(ImageRejected):
        svg_size(b"<nope/>")
