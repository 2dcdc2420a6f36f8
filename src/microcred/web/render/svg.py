"""Uploaded SVG images, checked and rebuilt from an allow-list.

An SVG is a document that can run script and load things from the network, so an upload
is parsed with defusedxml (no DTD, hence no entity expansion or external entities) and
then rebuilt element by element:

* things that are only there to attack or track (``<script>``, ``<foreignObject>``,
  ``on*`` handlers, links or ``url(...)`` references to anything outside the image,
  ``javascript:`` URLs) refuse the whole upload with a sentence saying which one;
* anything else not on the allow-list (editor metadata such as ``inkscape:*`` and
  ``sodipodi:*``, ``<metadata>``, an old ``<openbadges:credential>``) is dropped quietly.

The result uses the SVG namespace as the default namespace and is UTF-8.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from defusedxml import (  # type: ignore[import-untyped]
    DTDForbidden,
    EntitiesForbidden,
    ExternalReferenceForbidden,
)
from defusedxml.ElementTree import fromstring  # type: ignore[import-untyped]

from microcred.web.render.errors import ImageRejected

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
XML_NS = "http://www.w3.org/XML/1998/namespace"
MAX_BYTES = 512_000
#: Deeper nesting than any drawing needs; the rebuild below recurses once per level.
MAX_DEPTH = 200

ELEMENTS = frozenset(
    {
        "svg", "g", "path", "rect", "circle", "ellipse", "line", "polyline", "polygon",
        "text", "tspan", "title", "desc", "defs", "linearGradient", "radialGradient",
        "stop", "clipPath", "mask", "use", "symbol", "pattern",
        # Filters for shadows and glows, which badge designs use a lot.  feImage is left
        # out: it can load another file.
        "filter", "feGaussianBlur", "feOffset", "feFlood", "feComposite", "feMerge",
        "feMergeNode", "feBlend", "feColorMatrix", "feDropShadow",
    }
)  # fmt: skip
#: Elements that refuse the upload, whatever their namespace, with the reason why.
REFUSED_ELEMENTS = {
    "script": "which is not allowed",
    "foreignObject": "which can hold HTML and is not allowed",
    "iframe": "which is not allowed",
    "embed": "which is not allowed",
    "object": "which is not allowed",
}
STYLE_PROPERTIES = frozenset(
    {
        "fill", "fill-opacity", "fill-rule", "stroke", "stroke-width", "stroke-opacity",
        "stroke-linecap", "stroke-linejoin", "stroke-miterlimit", "stroke-dasharray",
        "stroke-dashoffset", "opacity", "font-family", "font-size", "font-weight",
        "font-style", "font-variant", "font-stretch", "text-anchor", "text-decoration",
        "dominant-baseline", "letter-spacing", "word-spacing", "stop-color", "stop-opacity",
        "clip-path", "clip-rule", "mask", "display", "visibility", "color", "filter",
        "flood-color", "flood-opacity", "paint-order", "color-interpolation-filters",
        "mix-blend-mode", "white-space",
    }
)  # fmt: skip
ATTRIBUTES = STYLE_PROPERTIES | frozenset(
    {
        "d", "x", "y", "cx", "cy", "r", "rx", "ry", "fx", "fy", "fr", "x1", "y1", "x2", "y2",
        "points", "width", "height", "viewBox", "transform", "id", "class", "style",
        "offset", "gradientUnits", "gradientTransform", "spreadMethod", "clipPathUnits",
        "maskUnits", "maskContentUnits", "patternUnits", "patternContentUnits",
        "patternTransform", "preserveAspectRatio", "version", "href", "dx", "dy", "rotate",
        "textLength", "lengthAdjust", "pathLength", "role", "aria-label", "aria-labelledby",
        "aria-hidden", "lang", "filterUnits", "primitiveUnits", "in", "in2", "result",
        "stdDeviation", "mode", "operator", "k1", "k2", "k3", "k4", "values", "type",
    }
)  # fmt: skip
#: CSS functions a kept ``style`` declaration may call (``url`` only as ``url(#id)``).
CSS_FUNCTIONS = frozenset({"url", "rgb", "rgba", "hsl", "hsla"})
_URL = re.compile(r"""url\s*\(\s*["']?\s*([^"')\s]*)""", re.IGNORECASE)
_CSS_FUNCTION = re.compile(r"([a-z-]+)\s*\(", re.IGNORECASE)
_INVISIBLE = re.compile(r"[\x00-\x20]+")
_NUMBER = re.compile(r"\s*([0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?)\s*(?:px)?\s*")


def sanitize_svg(data: bytes, *, max_bytes: int = MAX_BYTES) -> bytes:
    """``data`` rebuilt from the allow-list, or :class:`ImageRejected` saying why not."""
    root = _parse(data, max_bytes)
    for element in root.iter():
        _refuse_dangerous(element)
    clean = _copy(root)
    clean.set("xmlns", SVG_NS)
    if any("xlink:href" in element.attrib for element in clean.iter()):
        clean.set("xmlns:xlink", XLINK_NS)
    body = bytes(ET.tostring(clean, encoding="utf-8"))
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + body


def svg_size(data: bytes) -> tuple[float, float] | None:
    """The SVG's width and height in user units, from its ``width`` and ``height`` (plain
    numbers or ``px``) or else its ``viewBox``; ``None`` when it states neither."""
    root = _parse(data, MAX_BYTES)
    width, height = _length(root.get("width")), _length(root.get("height"))
    if width and height:  # present and not zero
        return width, height
    box = (root.get("viewBox") or "").replace(",", " ").split()
    try:
        numbers = [float(part) for part in box]
    except ValueError:
        return None
    if len(numbers) != 4 or numbers[2] <= 0 or numbers[3] <= 0:
        return None
    return numbers[2], numbers[3]


def _parse(data: bytes, max_bytes: int) -> ET.Element:
    if len(data) > max_bytes:
        raise ImageRejected(f"the SVG is {len(data):,} bytes; the limit is {max_bytes:,}")
    try:
        root: ET.Element = fromstring(
            data, forbid_dtd=True, forbid_entities=True, forbid_external=True
        )
    except DTDForbidden:
        raise ImageRejected(
            "the SVG has a DOCTYPE declaration, which is not allowed; save it without one"
        ) from None
    except EntitiesForbidden:
        raise ImageRejected("the SVG declares XML entities, which are not allowed") from None
    except ExternalReferenceForbidden:
        raise ImageRejected("the SVG refers to an external file, which is not allowed") from None
    except ET.ParseError as error:
        raise ImageRejected(f"the file is not well-formed XML ({error})") from None
    if root.tag != f"{{{SVG_NS}}}svg":
        raise ImageRejected(
            f"the file's root element is {_shown_tag(root.tag)}, not an <svg> element in the "
            f"SVG namespace ({SVG_NS})"
        )
    return root


def _refuse_dangerous(element: ET.Element) -> None:
    local = _split(element.tag)[1]
    reason = REFUSED_ELEMENTS.get(local)
    if reason is not None:
        raise ImageRejected(f"the SVG contains a <{local}> element, {reason}")
    if local == "style" and (element.text or "").strip():
        raise ImageRejected(
            "the SVG contains a <style> element, which is not allowed; use presentation "
            "attributes (such as fill) or style attributes instead"
        )
    for key, value in element.attrib.items():
        _refuse_attribute(local, key, value)


def _refuse_attribute(element: str, key: str, value: str) -> None:
    namespace, local = _split(key)
    shown = f"xlink:{local}" if namespace == XLINK_NS else local
    where = f"the {shown} attribute of <{element}>"
    if local.lower().startswith("on"):
        raise ImageRejected(
            f"the <{element}> element has an event handler attribute ({shown}), "
            "which is not allowed"
        )
    # Browsers ignore whitespace and control characters inside a URL scheme
    # ("java\tscript:"), so they are removed before looking for one.
    folded = _INVISIBLE.sub("", value).lower()
    if "javascript:" in folded or "vbscript:" in folded:
        raise ImageRejected(f"{where} contains a script URL, which is not allowed")
    if local == "href" and namespace in ("", XLINK_NS) and not value.strip().startswith("#"):
        raise ImageRejected(
            f"{where} refers to {_clip(value)}, outside the image; only references to "
            'elements inside the SVG, starting with "#", are allowed'
        )
    for target in _URL.findall(value):
        if not target.startswith("#"):
            raise ImageRejected(
                f"{where} loads url({_clip(target)}) from outside the image; only "
                "url(#...) references inside the SVG are allowed"
            )


def _copy(element: ET.Element, depth: int = 0) -> ET.Element:
    """A copy of an allowed element with only allowed attributes and children."""
    if depth > MAX_DEPTH:
        raise ImageRejected(f"the SVG nests elements more than {MAX_DEPTH} levels deep")
    clean = ET.Element(_split(element.tag)[1], _clean_attributes(element))
    clean.text = element.text
    for child in element:
        if _allowed(child):
            kept = _copy(child, depth + 1)
            kept.tail = child.tail
            clean.append(kept)
        else:
            _keep_text(clean, child.tail)
    return clean


def _allowed(element: ET.Element) -> bool:
    namespace, local = _split(element.tag)
    return namespace == SVG_NS and local in ELEMENTS


def _keep_text(parent: ET.Element, text: str | None) -> None:
    """Keep the text that followed a dropped child (it matters inside <text>)."""
    if not text:
        return
    if len(parent):
        parent[-1].tail = (parent[-1].tail or "") + text
    else:
        parent.text = (parent.text or "") + text


def _clean_attributes(element: ET.Element) -> dict[str, str]:
    kept: dict[str, str] = {}
    for key, value in element.attrib.items():
        name = _output_name(key)
        if name is None:
            continue
        if "\\" in value:
            # CSS reads presentation attributes and style, and a CSS escape ("\75 rl(")
            # could spell a function that the checks above do not recognise.
            raise ImageRejected(
                f"the {name} attribute of <{_split(element.tag)[1]}> contains a backslash "
                "(a CSS escape), which is not allowed"
            )
        if name == "style":
            value = _clean_style(value)
        if value:
            kept[name] = value
    return kept


def _output_name(key: str) -> str | None:
    namespace, local = _split(key)
    if namespace == "" and local in ATTRIBUTES:
        return local
    if namespace == XLINK_NS and local == "href":
        return "xlink:href"
    if namespace == XML_NS and local in ("space", "lang"):
        return key  # ElementTree writes the XML namespace as "xml:"
    return None


def _clean_style(style: str) -> str:
    """The declarations of a ``style`` attribute that set allowed properties plainly."""
    kept = []
    for declaration in style.split(";"):
        name, colon, value = declaration.partition(":")
        name, value = name.strip().lower(), value.strip()
        if colon and name in STYLE_PROPERTIES and value and _plain_css(value):
            kept.append(f"{name}:{value}")
    return ";".join(kept)


def _plain_css(value: str) -> bool:
    if any(character in value for character in "{}<>@"):
        return False
    functions = {name.lower() for name in _CSS_FUNCTION.findall(value)}
    return functions <= CSS_FUNCTIONS


def _length(value: str | None) -> float | None:
    match = _NUMBER.fullmatch(value or "")
    return float(match.group(1)) if match else None


def _split(name: str) -> tuple[str, str]:
    """``("namespace", "local")`` from ElementTree's ``"{namespace}local"``."""
    if name.startswith("{"):
        namespace, _, local = name[1:].partition("}")
        return namespace, local
    return "", name


def _shown_tag(tag: str) -> str:
    namespace, local = _split(tag)
    return f"<{local}> (no namespace)" if not namespace else f"<{local}> in {namespace}"


def _clip(text: str, limit: int = 60) -> str:
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")
