"""IRI helpers: keyword forms, absolute IRIs and RFC 3986 §5.4 reference resolution."""

from __future__ import annotations

import pytest

from microcred.core.rdf.iri import has_keyword_form, is_absolute_iri, is_keyword, resolve

BASE = "http://a/b/c/d;p?q"

# RFC 3986 §5.4.1 (normal) and §5.4.2 (abnormal) examples.
EXAMPLES = [
    ("g:h", "g:h"),
    ("g", "http://a/b/c/g"),
    ("./g", "http://a/b/c/g"),
    ("g/", "http://a/b/c/g/"),
    ("/g", "http://a/g"),
    ("//g", "http://g"),
    ("?y", "http://a/b/c/d;p?y"),
    ("g?y", "http://a/b/c/g?y"),
    ("#s", "http://a/b/c/d;p?q#s"),
    ("g#s", "http://a/b/c/g#s"),
    ("g?y#s", "http://a/b/c/g?y#s"),
    (";x", "http://a/b/c/;x"),
    ("g;x", "http://a/b/c/g;x"),
    ("g;x?y#s", "http://a/b/c/g;x?y#s"),
    ("", "http://a/b/c/d;p?q"),
    (".", "http://a/b/c/"),
    ("./", "http://a/b/c/"),
    ("..", "http://a/b/"),
    ("../", "http://a/b/"),
    ("../g", "http://a/b/g"),
    ("../..", "http://a/"),
    ("../../", "http://a/"),
    ("../../g", "http://a/g"),
    ("../../../g", "http://a/g"),
    ("../../../../g", "http://a/g"),
    ("/./g", "http://a/g"),
    ("/../g", "http://a/g"),
    ("g.", "http://a/b/c/g."),
    (".g", "http://a/b/c/.g"),
    ("g..", "http://a/b/c/g.."),
    ("..g", "http://a/b/c/..g"),
    ("./../g", "http://a/b/g"),
    ("./g/.", "http://a/b/c/g/"),
    ("g/./h", "http://a/b/c/g/h"),
    ("g/../h", "http://a/b/c/h"),
    ("g;x=1/./y", "http://a/b/c/g;x=1/y"),
    ("g;x=1/../y", "http://a/b/c/y"),
    ("g?y/./x", "http://a/b/c/g?y/./x"),
    ("g?y/../x", "http://a/b/c/g?y/../x"),
    ("g#s/./x", "http://a/b/c/g#s/./x"),
    ("g#s/../x", "http://a/b/c/g#s/../x"),
    ("http:g", "http:g"),
]


@pytest.mark.parametrize(("reference", "expected"), EXAMPLES)
def test_rfc3986_resolution(reference: str, expected: str) -> None:
    assert resolve(reference, BASE) == expected


def test_resolution_against_a_did_base() -> None:
    assert resolve("#key-1", "did:example:123") == "did:example:123#key-1"


def test_keyword_forms() -> None:
    assert is_keyword("@id")
    assert not is_keyword("@foo")
    assert has_keyword_form("@foo")
    assert not has_keyword_form("@foo.bar")
    assert not has_keyword_form("@")


def test_absolute_iris() -> None:
    assert is_absolute_iri("did:example:123")
    assert is_absolute_iri("urn:uuid:1")
    assert not is_absolute_iri("relative/path")
    assert not is_absolute_iri("http://example.com/a b")
