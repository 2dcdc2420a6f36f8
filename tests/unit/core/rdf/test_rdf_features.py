"""JSON-LD 1.1 features the walker handles, each compared with pyld's canonical form."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from microcred.core.loader import DocumentLoader
from microcred.core.rdf import Canonicalizer, canonize, to_rdf_dataset

EX = "https://example.com/"
V2 = "https://www.w3.org/ns/credentials/v2"

FEATURES: dict[str, Any] = {
    "vocab and compact IRIs": {
        "@context": {"@vocab": EX, "ex": EX + "ns#", "schema": "https://schema.org/"},
        "@id": EX + "s",
        "@type": ["Thing", "schema:Person"],
        "name": "x",
        "ex:age": 7,
        "schema:knows": {"@id": "ex:bob"},
    },
    "base and relative IRIs": {
        "@context": {"@base": "https://example.org/docs/", "@vocab": EX},
        "@id": "a/b",
        "link": {"@id": "../c?q#f"},
    },
    "coercion to IRIs and vocabulary terms": {
        "@context": {
            "@vocab": EX,
            "Red": EX + "colors#red",
            "link": {"@type": "@id"},
            "color": {"@type": "@vocab"},
        },
        "@id": EX + "s",
        "link": ["https://example.org/a", "_:b0"],
        "color": "Red",
    },
    "typed values and default language": {
        "@context": {
            "@vocab": EX,
            "@language": "en",
            "date": {"@type": "http://www.w3.org/2001/XMLSchema#date"},
            "plain": {"@language": None},
            "german": {"@language": "de"},
        },
        "@id": EX + "s",
        "date": "2024-01-01",
        "label": "hello",
        "plain": "none",
        "german": "hallo",
        "other": {"@value": "bonjour", "@language": "FR"},
        "flag": False,
        "typed": {"@value": "5", "@type": "http://www.w3.org/2001/XMLSchema#integer"},
    },
    "lists and lists of lists": {
        "@context": {"@vocab": EX, "items": {"@container": "@list"}},
        "@id": EX + "s",
        "items": ["a", {"@id": EX + "b"}, ["c", "d"], []],
        "other": {"@list": []},
        "single": {"@list": "one"},
    },
    "set objects": {
        "@context": {"@vocab": EX},
        "@id": EX + "s",
        "p": {"@set": ["a", "b"]},
    },
    "json literals": {
        "@context": {"@vocab": EX, "data": {"@type": "@json"}},
        "@id": EX + "s",
        "data": {"b": [1, "two", None], "a": True},
    },
    "graph containers": {
        "@context": {"@vocab": EX, "claims": {"@container": "@graph"}},
        "@id": EX + "s",
        "claims": [{"@id": EX + "c1", "p": "x"}, {"p": "y"}],
    },
    "explicit named graphs": {
        "@context": {"@vocab": EX},
        "@id": EX + "g",
        "@graph": [{"@id": EX + "a", "p": "x"}, {"@id": EX + "b", "p": "y"}],
    },
    "top-level graph": {
        "@context": {"@vocab": EX},
        "@graph": [{"@id": EX + "a", "p": "x"}, {"@id": EX + "b", "p": "y"}],
    },
    "type-scoped contexts do not propagate": {
        "@context": {
            "@vocab": EX,
            "Outer": {"@id": EX + "Outer", "@context": {"name": EX + "outerName"}},
        },
        "@type": "Outer",
        "name": "outer",
        "child": {"name": "inner"},
    },
    "property-scoped contexts propagate": {
        "@context": {
            "@vocab": EX,
            "child": {"@id": EX + "child", "@context": {"name": EX + "childName"}},
        },
        "name": "outer",
        "child": {"name": "inner", "grandchild": {"name": "deeper"}},
    },
    "propagate false": {
        "@context": {"@vocab": EX},
        "child": {
            "@context": {"@propagate": False, "name": EX + "local"},
            "name": "here",
            "next": {"name": "there"},
        },
    },
    "reverse properties": {
        "@context": {"@vocab": EX, "parentOf": {"@reverse": EX + "childOf"}},
        "@id": EX + "parent",
        "parentOf": [{"@id": EX + "c1"}, {"@id": EX + "c2", "name": "two"}],
        "@reverse": {"knows": {"@id": EX + "friend"}},
    },
    "nest": {
        "@context": {"@vocab": EX, "details": "@nest"},
        "@id": EX + "s",
        "details": {"name": "nested", "more": {"details": {"age": 3}}},
    },
    "included": {
        "@context": {"@vocab": EX},
        "@id": EX + "s",
        "p": "x",
        "@included": [{"@id": EX + "i", "q": "y"}],
    },
    "language maps": {
        "@context": {"@vocab": EX, "label": {"@container": "@language"}},
        "@id": EX + "s",
        "label": {"en": "hello", "de": ["hallo", "servus"], "@none": "plain"},
    },
    "index maps": {
        "@context": {"@vocab": EX, "byKey": {"@container": "@index"}},
        "@id": EX + "s",
        "byKey": {"a": {"@id": EX + "a"}, "b": ["x", "y"]},
    },
    "id maps": {
        "@context": {"@vocab": EX, "byId": {"@container": "@id"}},
        "@id": EX + "s",
        "byId": {EX + "a": {"name": "a"}, "@none": {"name": "anonymous"}},
    },
    "type maps": {
        "@context": {"@vocab": EX, "byType": {"@container": "@type"}},
        "@id": EX + "s",
        "byType": {"Person": {"name": "p"}, "Place": EX + "somewhere"},
    },
    "graph id maps": {
        "@context": {"@vocab": EX, "graphs": {"@container": ["@graph", "@id"]}},
        "@id": EX + "s",
        "graphs": {EX + "g1": {"p": "x"}},
    },
    "graph index maps": {
        "@context": {"@vocab": EX, "graphs": {"@container": ["@graph", "@index"]}},
        "@id": EX + "s",
        "graphs": {"first": {"p": "x"}, "second": {"p": "y"}},
    },
    "keyword aliases": {
        "@context": {"@vocab": EX, "ident": "@id", "kind": "@type", "val": "@value"},
        "ident": EX + "s",
        "kind": "Thing",
        "p": {"val": "v"},
    },
    "blank node identifiers": {
        "@context": {"@vocab": EX},
        "@graph": [
            {"@id": "_:a", "knows": {"@id": "_:b"}},
            {"@id": "_:b", "knows": {"@id": "_:a"}},
        ],
    },
    "a presentation with an embedded credential": {
        "@context": [V2],
        "type": "VerifiablePresentation",
        "holder": "did:example:holder",
        "verifiableCredential": {
            "@context": [V2],
            "id": "urn:uuid:1",
            "type": "VerifiableCredential",
            "issuer": "did:example:issuer",
            "credentialSubject": {"id": "did:example:s", "name": "n"},
        },
    },
    "direction as i18n datatype": {
        "@context": {"@vocab": EX, "@direction": "rtl", "@language": "ar"},
        "@id": EX + "s",
        "title": "x",
        "explicit": {"@value": "y", "@direction": "ltr"},
    },
}


#: Features pyld gets wrong (no property-valued indexes; @import of a cached context
#: fails), with the result the JSON-LD 1.1 specification gives.
PYLD_GAPS: dict[str, tuple[Any, str]] = {
    "property-valued index maps": (
        {
            "@context": {"@vocab": EX, "byTag": {"@container": "@index", "@index": "tag"}},
            "@id": EX + "s",
            "byTag": {"red": {"@id": EX + "a"}, "blue": {"name": "b"}},
        },
        f'<{EX}a> <{EX}tag> "red" .\n'
        f"<{EX}s> <{EX}byTag> <{EX}a> .\n"
        f"<{EX}s> <{EX}byTag> _:c14n0 .\n"
        f'_:c14n0 <{EX}name> "b" .\n'
        f'_:c14n0 <{EX}tag> "blue" .\n',
    ),
    "imported context": (
        {
            "@context": {"@import": V2, "extra": EX + "extra"},
            "@id": EX + "s",
            "name": "n",
            "extra": "e",
        },
        f'<{EX}s> <{EX}extra> "e" .\n<{EX}s> <https://schema.org/name> "n" .\n',
    ),
}


@pytest.mark.parametrize("name", sorted(PYLD_GAPS))
def test_feature_pyld_lacks(loader: DocumentLoader, name: str) -> None:
    document, expected = PYLD_GAPS[name]
    assert canonize(document, loader) == expected


@pytest.mark.parametrize("name", sorted(FEATURES))
def test_feature_matches_pyld(
    loader: DocumentLoader, reference: Callable[[Any], str], name: str
) -> None:
    document = FEATURES[name]
    assert canonize(document, loader) == reference(document)


def test_expanded_input_gives_the_same_dataset(loader: DocumentLoader) -> None:
    compact = FEATURES["lists and lists of lists"]
    expanded = [
        {
            "@id": EX + "s",
            EX + "items": [
                {
                    "@list": [
                        {"@value": "a"},
                        {"@id": EX + "b"},
                        {"@list": [{"@value": "c"}, {"@value": "d"}]},
                        {"@list": []},
                    ]
                }
            ],
            EX + "other": [{"@list": []}],
            EX + "single": [{"@list": [{"@value": "one"}]}],
        }
    ]
    assert canonize(expanded, loader) == canonize(compact, loader)  # type: ignore[arg-type]


def test_to_rdf_dataset_gives_quads(loader: DocumentLoader) -> None:
    quads = to_rdf_dataset({"@context": {"@vocab": EX}, "@id": EX + "s", "p": "x"}, loader)
    assert quads == [(f"<{EX}s>", f"<{EX}p>", '"x"', "")]


def test_base_given_by_the_caller(loader: DocumentLoader) -> None:
    canonicalizer = Canonicalizer(loader)
    document = {"@context": {"@vocab": EX}, "@id": "doc", "p": "x"}
    text = canonicalizer.canonize(document, base="https://example.org/dir/")
    assert text == f'<https://example.org/dir/doc> <{EX}p> "x" .\n'
