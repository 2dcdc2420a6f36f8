"""JSON-LD values as RDF literals (JSON-LD 1.1 §8.6 Object to RDF Conversion).

Numbers follow the specification and jsonld.js rather than pyld: a number with a non-zero
fractional part, or of magnitude 10^21 or more, or typed ``xsd:double``, is written in the
canonical ``xsd:double`` form of JavaScript's ``toExponential(15)`` with trailing zeros
removed (``1.5E0``), ties rounded away from zero as JavaScript does; any other number is an
``xsd:integer`` (``5.0`` is ``"5"``).  ``@json`` values use JCS (RFC 8785, via ``rfc8785``).
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Context, Decimal
from typing import Any

import rfc8785

from microcred.core.rdf.nquads import XSD, escape_literal
from microcred.core.rdf.safe import invalid

XSD_BOOLEAN = XSD + "boolean"
XSD_DOUBLE = XSD + "double"
XSD_INTEGER = XSD + "integer"
RDF_JSON = "http://www.w3.org/1999/02/22-rdf-syntax-ns#JSON"
I18N = "https://www.w3.org/ns/i18n#"

_SIXTEEN_DIGITS = Context(prec=16, rounding=ROUND_HALF_UP)
_LIMIT = 10**21


def typed(lexical: str, datatype: str) -> str:
    """A literal term with a datatype (``xsd:string`` is written as a plain literal)."""
    if datatype == XSD + "string":
        return f'"{escape_literal(lexical)}"'
    return f'"{escape_literal(lexical)}"^^<{datatype}>'


def double_lexical(value: float | int) -> str:
    """The canonical xsd:double form jsonld.js produces (``toExponential(15)``, trimmed)."""
    number = float(value)
    if not math.isfinite(number):
        raise invalid("invalid value object value", f"number {value!r}", "is not finite")
    if number == 0:
        return "0.0E0"
    rounded = _SIXTEEN_DIGITS.plus(Decimal(abs(number)))
    _, digits, exponent = rounded.as_tuple()
    text = "".join(map(str, digits)).rstrip("0") or "0"
    scientific = int(exponent) + len(digits) - 1
    sign = "-" if number < 0 else ""
    return f"{sign}{text[0]}.{text[1:] or '0'}E{scientific}"


def is_double(value: float | int) -> bool:
    """True if the number has a fractional part or a magnitude of 10^21 or more."""
    if isinstance(value, int):
        return abs(value) >= _LIMIT
    return not math.isfinite(value) or value != math.floor(value) or abs(value) >= _LIMIT


def number_literal(value: float | int, datatype: str | None) -> str:
    """A JSON number as a literal; ``datatype`` is the coerced type, if any."""
    try:
        if datatype == XSD_DOUBLE or is_double(value):
            return typed(double_lexical(value), datatype or XSD_DOUBLE)
        return typed(str(int(value)), datatype or XSD_INTEGER)
    except OverflowError as exc:
        raise invalid("invalid value object value", "a number", "is too large") from exc


def boolean_literal(value: bool, datatype: str | None) -> str:
    return typed("true" if value else "false", datatype or XSD_BOOLEAN)


def json_literal(value: Any) -> str:
    """An ``rdf:JSON`` literal holding the JCS form of ``value``."""
    try:
        text = rfc8785.dumps(value).decode("utf-8")
    except Exception as exc:  # rfc8785 raises its own error types for unsupported values
        raise invalid(
            "invalid JSON literal", "a @json value", f"cannot be canonicalized ({exc})"
        ) from exc
    return f'"{escape_literal(text)}"^^<{RDF_JSON}>'


def direction_datatype(language: str | None, direction: str) -> str:
    """The ``i18n-datatype`` form of a language and base direction."""
    return f"{I18N}{(language or '').lower()}_{direction}"


def scalar_literal(value: Any, datatype: str | None) -> str:
    """A boolean or number (not a string) as a literal."""
    if value is True or value is False:
        return boolean_literal(value, datatype)
    return number_literal(value, datatype)
