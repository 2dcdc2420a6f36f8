"""Numbers, booleans and JSON literals (JSON-LD 1.1 §8.6, as jsonld.js writes them)."""

from __future__ import annotations

import pytest

from microcred.core.errors import CanonicalizationError
from microcred.core.rdf.values import (
    double_lexical,
    is_double,
    json_literal,
    number_literal,
    scalar_literal,
)

XSD = "http://www.w3.org/2001/XMLSchema#"


@pytest.mark.parametrize(
    ("number", "lexical"),
    [
        (1.5, "1.5E0"),
        (0.1, "1.0E-1"),
        (-0.0, "0.0E0"),
        (0.0, "0.0E0"),
        (1e21, "1.0E21"),
        (10**21, "1.0E21"),
        (123456789.123, "1.23456789123E8"),
        (-1.5e-7, "-1.5E-7"),
        (5e-324, "4.940656458412465E-324"),
        (1.7976931348623157e308, "1.797693134862316E308"),
        # A tie at the 16th digit: JavaScript's toExponential rounds up (pyld rounds to even).
        (1234567890123456.5, "1.234567890123457E15"),
        (-1234567890123456.5, "-1.234567890123457E15"),
    ],
)
def test_double_lexical_form(number: float, lexical: str) -> None:
    assert double_lexical(number) == lexical


@pytest.mark.parametrize(
    ("number", "literal"),
    [
        (5, f'"5"^^<{XSD}integer>'),
        (5.0, f'"5"^^<{XSD}integer>'),
        (-0.0, f'"0"^^<{XSD}integer>'),
        (1e20, f'"100000000000000000000"^^<{XSD}integer>'),
        (12345678901234567890, f'"12345678901234567890"^^<{XSD}integer>'),
        (10**21, f'"1.0E21"^^<{XSD}double>'),
        (2.5, f'"2.5E0"^^<{XSD}double>'),
    ],
)
def test_number_literal(number: float, literal: str) -> None:
    assert number_literal(number, None) == literal


def test_typed_numbers_keep_their_datatype() -> None:
    assert number_literal(5, XSD + "double") == f'"5.0E0"^^<{XSD}double>'
    assert number_literal(2.5, XSD + "float") == f'"2.5E0"^^<{XSD}float>'
    assert number_literal(7, XSD + "nonNegativeInteger") == f'"7"^^<{XSD}nonNegativeInteger>'


def test_booleans() -> None:
    assert scalar_literal(True, None) == f'"true"^^<{XSD}boolean>'
    assert scalar_literal(False, XSD + "string") == '"false"'


def test_is_double() -> None:
    assert is_double(0.5)
    assert not is_double(3.0)
    assert is_double(10**21)
    assert not is_double(10**21 - 1)


def test_too_large_integer_is_an_error() -> None:
    with pytest.raises(CanonicalizationError):
        number_literal(10**400, None)


def test_json_literal_is_jcs() -> None:
    rdf_json = "http://www.w3.org/1999/02/22-rdf-syntax-ns#JSON"
    literal = json_literal({"b": [1, 2.5, "x\n"], "a": None, "é": True})
    assert literal == f'"{{\\"a\\":null,\\"b\\":[1,2.5,\\"x\\\\n\\"],\\"é\\":true}}"^^<{rdf_json}>'
    assert json_literal(None) == f'"null"^^<{rdf_json}>'
