"""Canonical N-Quads terms, escaping (RDFC-1.0 appendix A) and parsing."""

from __future__ import annotations

import pytest

from microcred.core.errors import CanonicalizationError
from microcred.core.rdf.nquads import (
    escape_literal,
    iri_term,
    literal_term,
    parse_nquads,
    quad_line,
    serialize_nquads,
)

XSD = "http://www.w3.org/2001/XMLSchema#"


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [
        ("\b", "\\b"),
        ("\t", "\\t"),
        ("\n", "\\n"),
        ("\f", "\\f"),
        ("\r", "\\r"),
        ('"', '\\"'),
        ("\\", "\\\\"),
        ("\x00", "\\u0000"),
        ("\x07", "\\u0007"),
        ("\x0b", "\\u000B"),
        ("\x1f", "\\u001F"),
        ("\x7f", "\\u007F"),
        ("\ufffe", "\\uFFFE"),
        ("\uffff", "\\uFFFF"),
        ("\ud800", "\\uD800"),
        ("é€😀\u0080", "é€😀\u0080"),
        ("plain text", "plain text"),
    ],
)
def test_literal_escaping(raw: str, escaped: str) -> None:
    assert escape_literal(raw) == escaped


def test_xsd_string_is_written_without_datatype() -> None:
    assert literal_term("a", XSD + "string") == '"a"'
    assert literal_term("a") == '"a"'
    assert literal_term("1", XSD + "integer") == f'"1"^^<{XSD}integer>'
    assert literal_term("chat", language="fr") == '"chat"@fr'


def test_invalid_language_tag_is_refused() -> None:
    with pytest.raises(CanonicalizationError):
        literal_term("x", language="en us")


def test_quad_lines() -> None:
    assert quad_line(("_:a", "<p>", '"o"', "")) == '_:a <p> "o" .\n'
    assert quad_line(("_:a", "<p>", '"o"', "_:g")) == '_:a <p> "o" _:g .\n'


def test_serialization_sorts_and_drops_duplicates() -> None:
    quads = [("<b>", "<p>", '"2"', ""), ("<a>", "<p>", '"1"', ""), ("<b>", "<p>", '"2"', "")]
    assert serialize_nquads(quads) == '<a> <p> "1" .\n<b> <p> "2" .\n'


def test_parse_round_trip() -> None:
    text = (
        '<http://e.com/s> <http://e.com/p> "a\\tb\\u0001\\U0001F600" <http://e.com/g> .\n'
        '_:b0 <http://e.com/p> "x"@EN-us .\n'
        f'_:b0 <http://e.com/p> "1"^^<{XSD}integer> .\n'
        f'_:b0 <http://e.com/p> "s"^^<{XSD}string> . # comment\n'
        "\n"
        "# only a comment\n"
        "<http://e.com/s> <http://e.com/p> <http://e.com/\\u00E9> _:g1 .\n"
    )
    quads = parse_nquads(text)
    assert quads == [
        ("<http://e.com/s>", "<http://e.com/p>", '"a\\tb\\u0001😀"', "<http://e.com/g>"),
        ("_:b0", "<http://e.com/p>", '"x"@en-us', ""),
        ("_:b0", "<http://e.com/p>", f'"1"^^<{XSD}integer>', ""),
        ("_:b0", "<http://e.com/p>", '"s"', ""),
        ("<http://e.com/s>", "<http://e.com/p>", iri_term("http://e.com/é"), "_:g1"),
    ]


def test_parse_error_names_the_line() -> None:
    with pytest.raises(CanonicalizationError, match="line 2"):
        parse_nquads("<a:s> <a:p> <a:o> .\n<a:s> <a:p> .\n")
