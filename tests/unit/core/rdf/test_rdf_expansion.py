"""Expansion to RDF (JSON-LD 1.1 §5.1, §8): node, value, list and set objects, containers,
``@nest``, ``@reverse``, ``@included`` and ``@graph``, through ``canonize``.

Each feature is a small hand-written document with its exact canonical N-Quads; pyld gives
the same N-Quads unless ``PYLD_DEPARTS`` says why it does not (then the JSON-LD 1.1
specification decides).  Each JSON-LD error and each safe-mode refusal of the walker has a
document that raises it, checked by code and message; ``LENIENT`` shows what is dropped
instead without safe mode.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from microcred.core.errors import CanonicalizationError
from microcred.core.loader import DocumentLoader
from microcred.core.rdf import Canonicalizer, JsonLdError, canonize

EX = "https://example.com/"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
XSD = "http://www.w3.org/2001/XMLSchema#"
I18N = "https://www.w3.org/ns/i18n#"
S = EX + "s"
LOADER = DocumentLoader()


def nq(*statements: str) -> str:
    """Canonical N-Quads of statements written without their final `` .``."""
    return "".join(f"{statement} .\n" for statement in statements)


def doc(context: dict[str, Any] | None = None, /, **body: Any) -> dict[str, Any]:
    """A node ``EX:s`` with a vocabulary mapping to EX and these terms and entries."""
    return {"@context": {"@vocab": EX, **(context or {})}, "@id": S, **body}


# --- features --------------------------------------------------------------------------

FEATURES: dict[str, tuple[Any, str]] = {
    "keys that look like keywords or IRIs but are not": (
        doc(**{"@1": "a", "1:x": "b", "ex:y": "c"}),
        nq(
            f'<{EX}s> <ex:y> "c"',
            f'<{EX}s> <{EX}1:x> "b"',
            f'<{EX}s> <{EX}@1> "a"',
        ),
    ),
    "@type values: terms, compact IRIs, blank nodes and IRIs": (
        doc({"ex": EX + "ns#"}, **{"@type": ["Thing", "ex:Other", "_:t", EX + "Third"]}),
        nq(
            f"<{EX}s> <{RDF}type> <{EX}Thing>",
            f"<{EX}s> <{RDF}type> <{EX}Third>",
            f"<{EX}s> <{RDF}type> <{EX}ns#Other>",
            f"<{EX}s> <{RDF}type> _:c14n0",
        ),
    ),
    "a node with only an @index": (
        doc(p={"@index": "i"}),
        nq(
            f"<{EX}s> <{EX}p> _:c14n0",
        ),
    ),
    # What expands to an array inside the array of a list is a list of its own, as in
    # jsonld.js and pyld (§5.1 step 5.2.2 only names list containers).
    "a list holding a set": (
        doc(p={"@list": [{"@set": [["a"], "b"]}, "c"]}),
        nq(
            f"<{EX}s> <{EX}p> _:c14n2",
            f'_:c14n0 <{RDF}first> "c"',
            f"_:c14n0 <{RDF}rest> <{RDF}nil>",
            f'_:c14n1 <{RDF}first> "b"',
            f"_:c14n1 <{RDF}rest> <{RDF}nil>",
            f"_:c14n2 <{RDF}first> _:c14n3",
            f"_:c14n2 <{RDF}rest> _:c14n0",
            f'_:c14n3 <{RDF}first> "a"',
            f"_:c14n3 <{RDF}rest> _:c14n1",
        ),
    ),
    "lists of lists without a list container": (
        doc(p={"@list": [["a", ["b"]], "c"]}),
        nq(
            f"<{EX}s> <{EX}p> _:c14n2",
            f'_:c14n0 <{RDF}first> "c"',
            f"_:c14n0 <{RDF}rest> <{RDF}nil>",
            f'_:c14n1 <{RDF}first> "b"',
            f"_:c14n1 <{RDF}rest> <{RDF}nil>",
            f"_:c14n2 <{RDF}first> _:c14n3",
            f"_:c14n2 <{RDF}rest> _:c14n0",
            f'_:c14n3 <{RDF}first> "a"',
            f"_:c14n3 <{RDF}rest> _:c14n1",
        ),
    ),
    "a list of a set": (
        doc(p={"@list": {"@set": [["a"], "b"]}}),
        nq(
            f"<{EX}s> <{EX}p> _:c14n0",
            f'_:c14n0 <{RDF}first> "a"',
            f"_:c14n0 <{RDF}rest> _:c14n1",
            f'_:c14n1 <{RDF}first> "b"',
            f"_:c14n1 <{RDF}rest> <{RDF}nil>",
        ),
    ),
    "a list container holding a set": (
        doc({"p": {"@container": "@list"}}, p=[{"@set": [["a"], {"@set": "b"}]}, "c"]),
        nq(
            f"<{EX}s> <{EX}p> _:c14n4",
            f'_:c14n0 <{RDF}first> "a"',
            f"_:c14n0 <{RDF}rest> <{RDF}nil>",
            f"_:c14n1 <{RDF}first> _:c14n0",
            f"_:c14n1 <{RDF}rest> _:c14n3",
            f'_:c14n2 <{RDF}first> "c"',
            f"_:c14n2 <{RDF}rest> <{RDF}nil>",
            f"_:c14n3 <{RDF}first> _:c14n5",
            f"_:c14n3 <{RDF}rest> <{RDF}nil>",
            f"_:c14n4 <{RDF}first> _:c14n1",
            f"_:c14n4 <{RDF}rest> _:c14n2",
            f'_:c14n5 <{RDF}first> "b"',
            f"_:c14n5 <{RDF}rest> <{RDF}nil>",
        ),
    ),
    "a list container holding a list object": (
        doc({"p": {"@container": "@list"}}, p={"@list": [["a"]]}, q={"@list": [[]]}),
        nq(
            f"<{EX}s> <{EX}p> _:c14n2",
            f"<{EX}s> <{EX}q> _:c14n1",
            f'_:c14n0 <{RDF}first> "a"',
            f"_:c14n0 <{RDF}rest> <{RDF}nil>",
            f"_:c14n1 <{RDF}first> <{RDF}nil>",
            f"_:c14n1 <{RDF}rest> <{RDF}nil>",
            f"_:c14n2 <{RDF}first> _:c14n0",
            f"_:c14n2 <{RDF}rest> <{RDF}nil>",
        ),
    ),
    "an indexed list and set": (
        doc(p={"@list": ["a"], "@index": "i"}, q={"@set": ["b"], "@index": "j"}),
        nq(
            f"<{EX}s> <{EX}p> _:c14n0",
            f'<{EX}s> <{EX}q> "b"',
            f'_:c14n0 <{RDF}first> "a"',
            f"_:c14n0 <{RDF}rest> <{RDF}nil>",
        ),
    ),
    "value objects": (
        doc(
            {"ex": EX + "ns#"},
            string={"@value": "s", "@index": "i"},
            typed={"@value": "t", "@type": "ex:T"},
            number={"@value": 1.5, "@type": XSD + "decimal"},
            flag={"@value": True},
            tagged={"@value": "x", "@language": "EN-gb"},
            untagged={"@value": "y", "@language": None},
            directed={"@value": "z", "@direction": "rtl"},
            json={"@value": {"b": [1, None], "a": "x"}, "@type": "@json"},
            plain={"@value": "p", "@type": XSD + "string"},
        ),
        nq(
            f'<{EX}s> <{EX}directed> "z"^^<{I18N}_rtl>',
            f'<{EX}s> <{EX}flag> "true"^^<{XSD}boolean>',
            f'<{EX}s> <{EX}json> "{{\\"a\\":\\"x\\",\\"b\\":[1,null]}}"^^<{RDF}JSON>',
            f'<{EX}s> <{EX}number> "1.5E0"^^<{XSD}decimal>',
            f'<{EX}s> <{EX}plain> "p"',
            f'<{EX}s> <{EX}string> "s"',
            f'<{EX}s> <{EX}tagged> "x"@en-gb',
            f'<{EX}s> <{EX}typed> "t"^^<{EX}ns#T>',
            f'<{EX}s> <{EX}untagged> "y"',
        ),
    ),
    "JSON literals of every kind": (
        doc(
            {"j": {"@type": "@json"}},
            j=[True, None, 1.0, "s", {"z": 1, "a": [2]}, [3]],
        ),
        nq(
            f'<{EX}s> <{EX}j> "[true,null,1,\\"s\\",{{\\"a\\":[2],\\"z\\":1}},[3]]"^^<{RDF}JSON>',
        ),
    ),
    "a JSON literal of null": (
        doc({"j": {"@type": "@json"}}, j=None),
        nq(
            f'<{EX}s> <{EX}j> "null"^^<{RDF}JSON>',
        ),
    ),
    "numbers": (
        doc(
            {"d": {"@type": XSD + "double"}, "i": {"@type": XSD + "integer"}},
            n=[5, 5.0, 0.5, 1e21, -0.0, 10**20],
            d=5,
            i=2.5,
        ),
        nq(
            f'<{EX}s> <{EX}d> "5.0E0"^^<{XSD}double>',
            f'<{EX}s> <{EX}i> "2.5E0"^^<{XSD}integer>',
            f'<{EX}s> <{EX}n> "0"^^<{XSD}integer>',
            f'<{EX}s> <{EX}n> "1.0E21"^^<{XSD}double>',
            f'<{EX}s> <{EX}n> "100000000000000000000"^^<{XSD}integer>',
            f'<{EX}s> <{EX}n> "5"^^<{XSD}integer>',
            f'<{EX}s> <{EX}n> "5.0E-1"^^<{XSD}double>',
        ),
    ),
    "a scoped context on a term with string values": (
        doc({"p": {"@context": {"@language": "fr"}}}, p="bonjour"),
        nq(
            f'<{EX}s> <{EX}p> "bonjour"@fr',
        ),
    ),
    "coercion to IRIs and vocabulary terms": (
        doc(
            {
                "@base": EX + "base/",
                "Red": EX + "colors#red",
                "id": {"@id": EX + "id", "@type": "@id"},
                "vocab": {"@id": EX + "vocab", "@type": "@vocab"},
            },
            id=["rel", "_:b", "Red"],
            vocab=["Red", "other", EX + "abs"],
        ),
        nq(
            f"<{EX}s> <{EX}id> <{EX}base/Red>",
            f"<{EX}s> <{EX}id> <{EX}base/rel>",
            f"<{EX}s> <{EX}id> _:c14n0",
            f"<{EX}s> <{EX}vocab> <{EX}abs>",
            f"<{EX}s> <{EX}vocab> <{EX}colors#red>",
            f"<{EX}s> <{EX}vocab> <{EX}other>",
        ),
    ),
    "language maps": (
        doc(
            {"label": {"@container": "@language"}, "none": "@none"},
            label={"en": ["a", None], "DE": "b", "@none": "c", "none": "d"},
        ),
        nq(
            f'<{EX}s> <{EX}label> "a"@en',
            f'<{EX}s> <{EX}label> "b"@de',
            f'<{EX}s> <{EX}label> "c"',
            f'<{EX}s> <{EX}label> "d"',
        ),
    ),
    "a language map with a direction": (
        doc({"label": {"@container": "@language", "@direction": "rtl"}}, label={"ar": "a"}),
        nq(
            f'<{EX}s> <{EX}label> "a"^^<{I18N}ar_rtl>',
        ),
    ),
    "index maps of values and nodes": (
        doc(
            {"byKey": {"@container": ["@index", "@set"]}},
            byKey={"a": ["x", {"@id": EX + "a"}, None], "@none": 5},
        ),
        nq(
            f'<{EX}s> <{EX}byKey> "5"^^<{XSD}integer>',
            f'<{EX}s> <{EX}byKey> "x"',
            f"<{EX}s> <{EX}byKey> <{EX}a>",
        ),
    ),
    "property-valued index maps": (
        doc(
            {"byTag": {"@container": "@index", "@index": "tag"}, "tag": {"@type": "@vocab"}},
            byTag={"Red": {"@id": EX + "a"}, "@none": {"@id": EX + "b"}},
        ),
        nq(
            f"<{EX}a> <{EX}tag> <{EX}Red>",
            f"<{EX}s> <{EX}byTag> <{EX}a>",
            f"<{EX}s> <{EX}byTag> <{EX}b>",
        ),
    ),
    "id maps": (
        doc(
            {"byId": {"@container": "@id"}, "@base": EX + "base/"},
            byId={"rel": {"name": "a"}, EX + "abs": [{"name": "b"}], "@none": {"name": "c"}},
        ),
        nq(
            f'<{EX}abs> <{EX}name> "b"',
            f'<{EX}base/rel> <{EX}name> "a"',
            f"<{EX}s> <{EX}byId> <{EX}abs>",
            f"<{EX}s> <{EX}byId> <{EX}base/rel>",
            f"<{EX}s> <{EX}byId> _:c14n0",
            f'_:c14n0 <{EX}name> "c"',
        ),
    ),
    "type maps with scoped contexts": (
        doc(
            {
                "byType": {"@container": "@type"},
                "Person": {"@context": {"name": EX + "personName"}},
            },
            byType={
                "Person": [{"@id": EX + "p", "name": "a"}, EX + "q"],
                "Place": {"name": "b"},
                "@none": {"name": "c"},
            },
        ),
        nq(
            f"<{EX}p> <{RDF}type> <{EX}Person>",
            f'<{EX}p> <{EX}personName> "a"',
            f"<{EX}q> <{RDF}type> <{EX}Person>",
            f"<{EX}s> <{EX}byType> <{EX}p>",
            f"<{EX}s> <{EX}byType> <{EX}q>",
            f"<{EX}s> <{EX}byType> _:c14n0",
            f"<{EX}s> <{EX}byType> _:c14n1",
            f"_:c14n0 <{RDF}type> <{EX}Place>",
            f'_:c14n0 <{EX}name> "b"',
            f'_:c14n1 <{EX}name> "c"',
        ),
    ),
    "type maps of vocabulary terms": (
        doc({"byType": {"@container": "@type", "@type": "@vocab"}}, byType={"Person": "Bob"}),
        nq(
            f"<{EX}Bob> <{RDF}type> <{EX}Person>",
            f"<{EX}s> <{EX}byType> <{EX}Bob>",
        ),
    ),
    "graph containers": (
        doc(
            {"g": {"@container": ["@graph", "@set"]}},
            g=[{"p": "x"}, None, {"@set": []}, {"@id": EX + "n", "p": "y"}],
        ),
        nq(
            f'<{EX}n> <{EX}p> "y" _:c14n2',
            f"<{EX}s> <{EX}g> _:c14n1",
            f"<{EX}s> <{EX}g> _:c14n2",
            f'_:c14n0 <{EX}p> "x" _:c14n1',
        ),
    ),
    "graph id maps": (
        doc(
            {"g": {"@container": ["@graph", "@id"]}},
            g={EX + "g1": {"p": "x"}, "@none": {"p": "y"}, EX + "g2": {"@graph": {"p": "z"}}},
        ),
        nq(
            f"<{EX}s> <{EX}g> <{EX}g1>",
            f"<{EX}s> <{EX}g> <{EX}g2>",
            f"<{EX}s> <{EX}g> _:c14n3",
            f'_:c14n0 <{EX}p> "y" _:c14n3',
            f'_:c14n1 <{EX}p> "x" <{EX}g1>',
            f'_:c14n2 <{EX}p> "z" <{EX}g2>',
        ),
    ),
    "graph index maps": (
        doc({"g": {"@container": ["@graph", "@index"]}}, g={"a": [{"p": "x"}, {"@set": []}]}),
        nq(
            f"<{EX}s> <{EX}g> _:c14n1",
            f'_:c14n0 <{EX}p> "x" _:c14n1',
        ),
    ),
    "a named graph with an id": (
        doc(**{"@graph": [{"@id": EX + "a", "p": "x"}]}),
        nq(
            f'<{EX}a> <{EX}p> "x" <{EX}s>',
        ),
    ),
    "a graph container holding a graph object": (
        doc({"g": {"@container": "@graph"}}, g={"@id": EX + "n", "@graph": {"p": "x"}}),
        nq(
            f"<{EX}s> <{EX}g> _:c14n1",
            f'_:c14n0 <{EX}p> "x" <{EX}n>',
        ),
    ),
    "included nodes": (
        doc(
            {"inc": "@included"},
            p="x",
            inc=[{"@id": EX + "i", "q": "y", "inc": {"@id": EX + "j", "q": "z"}}],
        ),
        nq(
            f'<{EX}i> <{EX}q> "y"',
            f'<{EX}j> <{EX}q> "z"',
            f'<{EX}s> <{EX}p> "x"',
        ),
    ),
    "reverse property maps": (
        doc(
            {"parentOf": {"@reverse": EX + "childOf"}},
            **{
                "@reverse": {
                    "knows": [{"@id": EX + "friend"}, None],
                    "parentOf": {"@id": EX + "child"},
                }
            },
        ),
        nq(
            f"<{EX}friend> <{EX}knows> <{EX}s>",
            f"<{EX}s> <{EX}childOf> <{EX}child>",
        ),
    ),
    "reverse properties with index maps": (
        doc(
            {"children": {"@reverse": EX + "parent", "@container": "@index"}},
            children={"a": {"@id": EX + "a"}, "b": [{"@id": EX + "b"}]},
        ),
        nq(
            f"<{EX}a> <{EX}parent> <{EX}s>",
            f"<{EX}b> <{EX}parent> <{EX}s>",
        ),
    ),
    # The scoped context of a nesting key applies, as amended after the Recommendation
    # (w3c/json-ld-api#388, §5.1 step 14.2.2); jsonld.js follows the Recommendation.
    "nested properties": (
        doc(
            {"info": "@nest", "more": {"@id": "@nest", "@context": {"name": EX + "nestedName"}}},
            info=[{"name": "a", "@type": "Thing"}, {"info": {"age": 3}}],
            more={"name": "b"},
        ),
        nq(
            f"<{EX}s> <{RDF}type> <{EX}Thing>",
            f'<{EX}s> <{EX}age> "3"^^<{XSD}integer>',
            f'<{EX}s> <{EX}name> "a"',
            f'<{EX}s> <{EX}nestedName> "b"',
        ),
    ),
    "an @id in a nested map": (
        {
            "@context": {"@vocab": EX, "info": "@nest"},
            "info": [{"name": "a", "info": {"name": "b"}}, {"info": {"@id": S, "name": "c"}}],
        },
        nq(
            f'<{EX}s> <{EX}name> "a"',
            f'<{EX}s> <{EX}name> "b"',
            f'<{EX}s> <{EX}name> "c"',
        ),
    ),
    # The nesting key's scoped context sets the base of the nested @id (as above).
    "an @id in a nested map with a scoped context": (
        {
            "@context": {
                "@vocab": EX,
                "@base": EX,
                "info": {"@id": "@nest", "@context": {"@base": EX + "nested/"}},
            },
            "info": {"@id": "x", "name": "a"},
        },
        nq(
            f'<{EX}nested/x> <{EX}name> "a"',
        ),
    ),
    "embedded contexts in values": (
        doc(p={"@context": {"q": EX + "local"}, "q": "x"}, r={"@context": {}, "@value": "y"}),
        nq(
            f"<{EX}s> <{EX}p> _:c14n0",
            f'<{EX}s> <{EX}r> "y"',
            f'_:c14n0 <{EX}local> "x"',
        ),
    ),
    "type-scoped contexts applied in code point order": (
        doc(
            {
                "A": {"@context": {"name": EX + "a"}},
                "B": {"@context": {"name": EX + "b"}},
                "kind": "@type",
            },
            kind=["B", "A"],
            name="x",
        ),
        nq(
            f"<{EX}s> <{RDF}type> <{EX}A>",
            f"<{EX}s> <{RDF}type> <{EX}B>",
            f'<{EX}s> <{EX}b> "x"',
        ),
    ),
    "type-scoped contexts with a type that is not a term": (
        doc({"A": {"@context": {"name": EX + "a"}}}, **{"@type": ["Other", "A"]}, name="x"),
        nq(
            f"<{EX}s> <{RDF}type> <{EX}A>",
            f"<{EX}s> <{RDF}type> <{EX}Other>",
            f'<{EX}s> <{EX}a> "x"',
        ),
    ),
    "a document that is a list of nodes": (
        [doc(p="x"), {"@context": {"@vocab": EX}, "@id": EX + "t", "p": "y"}, None],
        nq(
            f'<{EX}s> <{EX}p> "x"',
            f'<{EX}t> <{EX}p> "y"',
        ),
    ),
    "a top-level @graph with a context": (
        {"@context": {"@vocab": EX}, "@graph": [{"@id": S, "p": "x"}, None]},
        nq(
            f'<{EX}s> <{EX}p> "x"',
        ),
    ),
    "direction of the default context": (
        {"@context": {"@vocab": EX, "@direction": "ltr"}, "@id": S, "p": "x"},
        nq(
            f'<{EX}s> <{EX}p> "x"^^<{I18N}_ltr>',
        ),
    ),
}

#: Features where pyld departs from the specification, and how.
PYLD_DEPARTS = {
    # §5.1 step 13.8.3.7.2: a property-valued index is added to the node.
    "property-valued index maps": "ignores the @index of a term",
    # §5.1 steps 13.8.3.1-2: each key of a type map has its own map context (jsonld.js
    # carries "Person"'s scoped context over to "Place" too).
    "type maps with scoped contexts": "carries a key's scoped context over to later keys",
    # jsonld.js makes lists only of the arrays directly in the list's array.
    "lists of lists without a list container": "makes lists of arrays at any depth",
}


@pytest.mark.parametrize("name", list(FEATURES))
def test_feature(name: str) -> None:
    document, expected = FEATURES[name]
    assert canonize(document, LOADER) == expected


@pytest.mark.parametrize("name", [name for name in FEATURES if name not in PYLD_DEPARTS])
def test_feature_agrees_with_pyld(
    name: str, pyld_reference: Callable[[Any, DocumentLoader], str]
) -> None:
    document, expected = FEATURES[name]
    assert pyld_reference(document, LOADER) == expected


# --- errors ----------------------------------------------------------------------------

#: Documents that are not valid JSON-LD, or not safe: (document, code, message).
ERRORS: dict[str, tuple[Any, str, str]] = {
    "an @id that is not a string": (
        doc(**{"@id": 5}, p="x"),
        "invalid @id value",
        "@id at @id must be a string",
    ),
    "a null @id": (doc(**{"@id": None}, p="x"), "invalid @id value", "@id at @id must be a string"),
    "an @id of a keyword form": (
        doc(**{"@id": "@reserved"}, p="x"),
        "reserved @id value",
        "@id '@reserved' at @id has the form of a keyword",
    ),
    "an @id that is not a valid IRI": (
        doc(**{"@id": EX + "a{b}"}, p="x"),
        "invalid IRI",
        "@id 'https://example.com/a{b}' at @id is not a valid IRI",
    ),
    "an @id with two fragments": (
        doc(**{"@id": EX + "a#b#c"}, p="x"),
        "invalid IRI",
        "@id 'https://example.com/a#b#c' at @id is not a valid IRI",
    ),
    "a relative @id in a nested map": (
        {"@context": {"@vocab": EX, "info": "@nest"}, "info": {"@id": "rel", "p": "x"}},
        "relative @id reference",
        "@id 'rel' at @id is not an absolute IRI",
    ),
    "a @type that is not a string": (
        doc(**{"@type": [5]}),
        "invalid type value",
        "@type at @type must be a string or strings",
    ),
    "a @type that is a map": (
        doc(**{"@type": {"@id": EX + "T"}}),
        "invalid type value",
        "@type at @type must be a string or strings",
    ),
    "a relative @type": (
        {"@context": {"p": EX + "p"}, "@type": "T", "p": "x"},
        "relative @type reference",
        'type "T" at @type is not defined by any context',
    ),
    "a node with an empty @type list": (
        doc(**{"@type": []}),
        "object with only @id",
        "a node with only an id states nothing and would be dropped",
    ),
    "a predicate that is not a valid IRI": (
        {"@context": {"p": EX + "a{b}"}, "@id": S, "p": "x"},
        "invalid IRI",
        "property \"p\" at p expands to an invalid IRI 'https://example.com/a{b}'",
    ),
    "a value object with other entries": (
        doc(p={"@value": "x", "q": "y"}),
        "invalid value object",
        "a value object at p has other entries ['q']",
    ),
    "a value object with an @id": (
        doc(p={"@value": "x", "@id": EX + "o"}),
        "invalid value object",
        "a value object at p has other entries ['@id']",
    ),
    "a value object with two types": (
        doc({"kind": "@type"}, p={"@value": "x", "@type": EX + "T", "kind": EX + "U"}),
        "invalid value object",
        "a value object at p has other entries ['@type', 'kind']",
    ),
    "a value object with an @index that is not a string": (
        doc(p={"@value": "x", "@index": 1}),
        "invalid @index value",
        "@index at p must be a string",
    ),
    "a value object with a @type that is not a string": (
        doc(p={"@value": "x", "@type": 5}),
        "invalid typed value",
        "the @type of a value at p must be a string",
    ),
    "a value object typed with a blank node": (
        doc(p={"@value": "x", "@type": "_:t"}),
        "invalid typed value",
        "the datatype '_:t' at p is not an IRI",
    ),
    "a value object typed with an invalid IRI": (
        doc(p={"@value": "x", "@type": EX + "a b"}),
        "invalid typed value",
        "the datatype 'https://example.com/a b' at p is not an IRI",
    ),
    "a value object typed with an IRI with two fragments": (
        doc(p={"@value": "x", "@type": EX + "a#b#c"}),
        "invalid typed value",
        "the datatype 'https://example.com/a#b#c' at p is not a valid IRI",
    ),
    "a map as @value": (
        doc(p={"@value": {"a": 1}}),
        "invalid value object value",
        "@value at p must be a string, number or boolean",
    ),
    "a list as @value": (
        doc(p={"@value": ["a"]}),
        "invalid value object value",
        "@value at p must be a string, number or boolean",
    ),
    "a number with a language": (
        doc(p={"@value": 5, "@language": "en"}),
        "invalid language-tagged value",
        "@value at p must be a string",
    ),
    "a @language that is not a string": (
        doc(p={"@value": "x", "@language": 5}),
        "invalid language-tagged string",
        "@language at p must be a string",
    ),
    "a direction with a type": (
        doc(p={"@value": "x", "@type": EX + "T", "@direction": "rtl"}),
        "invalid value object",
        "a value object at p has @type and @language",
    ),
    "an invalid direction": (
        doc(p={"@value": "x", "@direction": "up"}),
        "invalid base direction",
        '@direction at p must be "ltr" or "rtl"',
    ),
    "a value object at the top": (
        {"@context": {"@vocab": EX}, "@value": "x"},
        "object with only @value",
        "a value is not the value of a property",
    ),
    "a value object in a @graph": (
        doc(**{"@graph": {"@value": "x"}}),
        "object with only @value",
        "a value at @graph is not the value of a property",
    ),
    "a number that is not finite": (
        doc(p=float("inf")),
        "invalid value object value",
        "number inf at p is not finite",
    ),
    "a JSON literal that is not JSON": (
        doc({"j": {"@type": "@json"}}, j={"n": float("nan")}),
        "invalid JSON literal",
        "a @json value at j cannot be canonicalized (nan is not representable in JCS)",
    ),
    "a value that is not JSON": (
        doc(p=b"bytes"),
        "invalid value",
        "the value b'bytes' at p is not JSON",
    ),
    "a list object with other entries": (
        doc(p={"@list": ["a"], "q": "x"}),
        "invalid set or list object",
        "a @list object at p has other entries",
    ),
    "a set object with a type": (
        doc(p={"@set": ["a"], "@type": EX + "T"}),
        "invalid set or list object",
        "a @set object at p has other entries",
    ),
    "a list object at the top": (
        {"@context": {"@vocab": EX}, "@list": ["a"]},
        "object with only @list",
        "a list at @list is not the value of a property",
    ),
    "a list object in a @graph": (
        doc(**{"@graph": [{"@list": ["a"]}]}),
        "object with only @list",
        "a list at @graph[0].@list is not the value of a property",
    ),
    "an error inside a list": (
        doc(p={"@list": ["a", {"q": "x", "@id": 5}]}),
        "invalid @id value",
        "@id at p.@list[1].@id must be a string",
    ),
    "an error inside a set": (
        doc(p={"@set": [{"@id": 5}]}),
        "invalid @id value",
        "@id at p.@set[0].@id must be a string",
    ),
    "an object with only @language": (
        doc(p={"@language": "en"}),
        "object with only @language",
        "a map at p holds only @language",
    ),
    "a string in a @graph": (
        doc(**{"@graph": ["x"]}),
        "free-floating scalar",
        "the value 'x' at @graph[0] is not in any node",
    ),
    "a string alone at the top": (
        ["x"],
        "free-floating scalar",
        "the value 'x' at [0] is not in any node",
    ),
    "a string in a graph container": (
        doc({"g": {"@container": "@graph"}}, g="x"),
        "free-floating scalar",
        "the value 'x' at g is not in any node",
    ),
    "a node that states nothing": (
        doc(**{"@graph": [{"@id": EX + "a"}]}),
        "object with only @id",
        "a node with only an id at @graph[0] states nothing and would be dropped",
    ),
    "an empty node in a graph container": (
        doc({"g": {"@container": "@graph"}}, g={}),
        "empty object",
        "an empty node at g states nothing and would be dropped",
    ),
    "an error in a graph container": (
        doc({"g": {"@container": "@graph"}}, g=[{"p": "x"}, {"@id": 5}]),
        "invalid @id value",
        "@id at g[1].@id must be a string",
    ),
    "an error in a single graph container value": (
        doc({"g": {"@container": "@graph"}}, g={"@id": 5}),
        "invalid @id value",
        "@id at g.@id must be a string",
    ),
    "colliding keywords": (
        doc({"id": "@id"}, id=EX + "t", p="x"),
        "colliding keywords",
        "key 'id' repeats @id",
    ),
    "a language map value that is not a string": (
        doc({"l": {"@container": "@language"}}, l={"en": 5}),
        "invalid language map value",
        "the value 5 at l.en must be a string",
    ),
    "a language map key that is not a language tag": (
        doc({"l": {"@container": "@language"}}, l={"en_GB": "x"}),
        "invalid @language value",
        "language map key 'en_GB' at l is not a well-formed language tag",
    ),
    "a string in an id map": (
        doc({"m": {"@container": "@id"}}, m={EX + "a": "x"}),
        "invalid value object",
        "the value of 'https://example.com/a' at m.https://example.com/a is not a node",
    ),
    "a string in a type map": (
        doc({"m": {"@container": "@type", "@type": "@vocab"}}, m={"T": {"@value": "x"}}),
        "invalid value object",
        "the value of 'T' at m.T is not a node",
    ),
    "a relative key in an id map": (
        doc({"m": {"@container": "@id"}}, m={"rel": {}}),
        "relative @id reference",
        "@id map key 'rel' at m.rel is not an absolute IRI",
    ),
    "an error in an index map": (
        doc({"m": {"@container": "@index"}}, m={"a": {"@id": 5}}),
        "invalid @id value",
        "@id at m.a.@id must be a string",
    ),
    "a string in a property-valued index map": (
        doc({"m": {"@container": "@index", "@index": "tag"}}, m={"red": "x"}),
        "invalid value object",
        "the value of 'red' at m.red cannot be indexed",
    ),
    "a property-valued index map whose index is no property": (
        doc(
            {"m": {"@container": "@index", "@index": "tag"}},
            p={"@context": {"tag": None}, "m": {"red": {"@id": EX + "a"}}},
        ),
        "invalid term definition",
        '@index "tag" at p.m.red is not a property',
    ),
    "an @index that is not a string": (
        doc(p="x", **{"@index": 5}),
        "invalid @index value",
        "@index at @index must be a string",
    ),
    "@included that is not a node": (
        doc(p="x", **{"@included": ["x"]}),
        "invalid @included value",
        "@included at @included must hold node objects",
    ),
    "@included holding a value object": (
        doc(p="x", **{"@included": {"@value": "x"}}),
        "invalid @included value",
        "@included at @included must hold node objects",
    ),
    "an error in @included": (
        doc(p="x", **{"@included": [{"q": "y"}, {"@id": 5}]}),
        "invalid @id value",
        "@id at @included[1].@id must be a string",
    ),
    "@reverse that is not a map": (
        doc(**{"@reverse": "x"}),
        "invalid @reverse value",
        "@reverse at @reverse must be a map",
    ),
    "a keyword in a reverse map": (
        doc(**{"@reverse": {"@id": EX + "o"}}),
        "invalid reverse property map",
        "key '@id' at @reverse is a keyword",
    ),
    "a string in a reverse map": (
        doc(**{"@reverse": {"p": "x"}}),
        "invalid reverse property value",
        "a reverse property at @reverse.p needs nodes",
    ),
    "an undefined property in a reverse map": (
        {"@context": {"p": EX + "p"}, "@id": S, "p": "x", "@reverse": {"q": {"@id": EX + "o"}}},
        "invalid property",
        'property "q" at @reverse.q is not defined by any context',
    ),
    "a value object for a reverse property": (
        doc({"r": {"@reverse": EX + "r"}}, r={"@value": "x"}),
        "invalid reverse property value",
        "a reverse property at r needs nodes",
    ),
    "a list for a reverse property": (
        doc({"r": {"@reverse": EX + "r"}}, r={"@list": [{"@id": EX + "o"}]}),
        "invalid reverse property value",
        "a reverse property at r needs nodes",
    ),
    "a string for a reverse property": (
        doc({"r": {"@reverse": EX + "r"}}, r="x"),
        "invalid reverse property value",
        "a reverse property at r needs nodes",
    ),
    "a string under @nest": (
        {"@context": {"@vocab": EX, "info": "@nest"}, "info": ["x", {"p": "y"}]},
        "invalid @nest value",
        "@nest at info[0] must hold maps",
    ),
    "a keyword under @nest": (
        doc({"info": "@nest"}, info={"@index": "x"}),
        "invalid @nest value",
        "a nested map at info may only hold properties",
    ),
    "an embedded context that is not valid": (
        doc(p={"@context": 5, "q": "x"}),
        "invalid local context",
        "@context at p.@context must be a map, a URL or null",
    ),
    "an error in an embedded context": (
        doc(p={"@context": {"q": {"@type": 5}}, "q": "x"}),
        "invalid type mapping",
        'term "q" at p.@context.q @type must be a string',
    ),
    "an invalid type-scoped context": (
        {
            "@context": {"@vocab": EX, "T": {"@context": EX + "unknown"}},
            "@id": S,
            "@type": "T",
        },
        "invalid scoped context",
        f'term "T" at @context.T has an invalid context: context {EX}unknown could not be '
        f"loaded: the document {EX}unknown is not bundled and fetching is not enabled",
    ),
    "a type-scoped context of a type in a list": (
        {
            "@context": {"@vocab": EX, "T": {"@context": {"@vocab": EX + "t/"}}},
            "@id": S,
            "@type": ["T", 5],
        },
        "invalid type value",
        "@type at @type must be a string or strings",
    ),
}


@pytest.mark.parametrize("name", list(ERRORS))
def test_error(name: str) -> None:
    document, code, message = ERRORS[name]
    with pytest.raises(JsonLdError) as caught:
        canonize(document, LOADER)
    assert (caught.value.code, str(caught.value)) == (code, message)


# --- without safe mode ---------------------------------------------------------------

#: Without safe mode the walker drops what expansion or RDF conversion drops, as pyld and
#: jsonld.js do (with a warning at most).
LENIENT: dict[str, tuple[Any, str]] = {
    "strings and values with no node": (
        [
            "x",
            {"@context": {"@vocab": EX}, "@value": "v"},
            {"@context": {"@vocab": EX}, "@list": ["l"]},
            doc(**{"@graph": ["y", {"@value": "z"}, {"@id": EX + "a", "p": "w"}]}),
        ],
        nq(
            f'<{EX}a> <{EX}p> "w" <{EX}s>',
        ),
    ),
    "nodes that state nothing": (
        [
            doc(),
            doc(**{"@id": "relative"}),
            doc(p={"@language": "en"}, q={}, r={"@graph": {"@id": EX + "b"}}),
        ],
        nq(
            f"<{EX}s> <{EX}q> _:c14n1",
            f"<{EX}s> <{EX}r> _:c14n0",
        ),
    ),
    "null and ill-formed values": (
        doc(
            {"l": {"@container": "@language"}},
            p=[{"@value": None}, {"@value": "v", "@language": "en_GB"}, "kept"],
            l={"en_GB": "x", "en": "y"},
            q={"@list": ["a", {"@value": None}, "b"]},
        ),
        nq(
            f'<{EX}s> <{EX}l> "y"@en',
            f'<{EX}s> <{EX}p> "kept"',
            f"<{EX}s> <{EX}q> _:c14n0",
            f'_:c14n0 <{RDF}first> "a"',
            f"_:c14n0 <{RDF}rest> _:c14n1",
            f'_:c14n1 <{RDF}first> "b"',
            f"_:c14n1 <{RDF}rest> <{RDF}nil>",
        ),
    ),
    "a node without a usable @id": (
        [
            doc(**{"@id": "@reserved"}, p={"@id": EX + "o", "q": "x"}),
            doc(**{"@id": "relative"}, p="x", **{"@graph": {"@id": EX + "a", "p": "y"}}),
            doc(**{"@id": EX + "a{b}", "@type": "Thing"}, p="x"),
        ],
        nq(
            f'<{EX}o> <{EX}q> "x"',
        ),
    ),
    "unusable types and properties": (
        {
            "@context": {"p": EX + "p", "bad": EX + "a{b}"},
            "@id": S,
            "@type": ["Relative", EX + "a{b}"],
            "p": "kept",
            "q": "undefined",
            "_:b": "blank node predicate",
            "bad": "invalid IRI",
            "@reverse": {"q": {"@id": EX + "o"}},
            "@none": "a keyword with no place in a node",
        },
        nq(
            f'<{EX}s> <{EX}p> "kept"',
        ),
    ),
    "unusable IRI values": (
        doc(
            {"i": {"@type": "@id"}, "m": {"@container": "@id"}},
            i=["relative", EX + "a{b}", EX + "ok"],
            m={"relative": {"p": "x"}},
            r={"@id": "relative"},
            **{"@reverse": {"p": {"@id": EX + "a{b}"}}},
        ),
        nq(
            f"<{EX}s> <{EX}i> <{EX}ok>",
        ),
    ),
    # The string's graph is named though empty, as in pyld (jsonld.js drops it).
    # The list keeps its length, without the unusable items (jsonld.js fails here).
    "a list holding unusable IRIs": (
        doc(
            {"i": {"@type": "@id", "@container": "@list"}},
            i=["relative", {"@id": "relative"}, EX + "ok"],
        ),
        nq(
            f"<{EX}s> <{EX}i> _:c14n0",
            f"_:c14n0 <{RDF}rest> _:c14n2",
            f"_:c14n1 <{RDF}first> <{EX}ok>",
            f"_:c14n1 <{RDF}rest> <{RDF}nil>",
            f"_:c14n2 <{RDF}rest> _:c14n1",
        ),
    ),
    "a string in a graph container": (
        doc({"g": {"@container": "@graph"}}, g=["x", {"p": "y"}]),
        nq(
            f"<{EX}s> <{EX}g> _:c14n0",
            f"<{EX}s> <{EX}g> _:c14n2",
            f'_:c14n1 <{EX}p> "y" _:c14n2',
        ),
    ),
}

#: Cases where pyld gives other N-Quads, and why.
LENIENT_PYLD_DEPARTS = {
    # pyld keeps the tag: "v"@en_gb is not valid N-Quads (§8.2 step 7 drops such a literal).
    "null and ill-formed values": "keeps ill-formed language tags",
    # pyld resolves relative IRIs against a made-up base, and writes invalid IRIs.
    "a node without a usable @id": "resolves relative IRIs",
    "unusable IRI values": "resolves relative IRIs",
    "a list holding unusable IRIs": "resolves relative IRIs",
    "unusable types and properties": "writes invalid IRIs",
}


@pytest.mark.parametrize("name", list(LENIENT))
def test_lenient(name: str, pyld_reference: Callable[[Any, DocumentLoader], str]) -> None:
    document, expected = LENIENT[name]
    assert Canonicalizer(LOADER, safe=False).canonize(document) == expected
    if name not in LENIENT_PYLD_DEPARTS:
        assert pyld_reference(document, LOADER) == expected


# --- the walker's edges ------------------------------------------------------------------


def test_a_map_key_that_is_not_a_string() -> None:
    document: dict[Any, Any] = {"@context": {"@vocab": EX}, "@id": S, 1: "x"}
    with pytest.raises(CanonicalizationError, match="not JSON data"):
        canonize(document, LOADER)


def test_an_unsupported_direction_mode() -> None:
    with pytest.raises(ValueError, match="compound-literal"):
        Canonicalizer(LOADER, rdf_direction="compound-literal")


DIRECTED = doc(
    {"@language": "ar", "@direction": "rtl", "l": {"@container": "@language"}},
    p="x",
    q={"@value": "y", "@direction": "ltr"},
    l={"en": "z"},
)


@pytest.mark.parametrize(
    ("document", "location"),
    [
        (doc({"@direction": "rtl"}, p="x"), "p"),
        (doc(q={"@value": "y", "@direction": "ltr"}), "q"),
        (doc({"l": {"@container": "@language", "@direction": "rtl"}}, l={"en": "z"}), "l"),
    ],
)
def test_a_base_direction_without_a_direction_mode(document: Any, location: str) -> None:
    with pytest.raises(JsonLdError) as caught:
        Canonicalizer(LOADER, rdf_direction=None).canonize(document)
    assert (caught.value.code, caught.value.location) == ("rdfDirection not set", location)


def test_a_base_direction_dropped_without_safe_mode() -> None:
    # jsonld.js without rdfDirection keeps the language and drops the direction too.
    lenient = Canonicalizer(LOADER, safe=False, rdf_direction=None)
    assert lenient.canonize(DIRECTED) == nq(
        f'<{EX}s> <{EX}l> "z"@en',
        f'<{EX}s> <{EX}p> "x"@ar',
        f'<{EX}s> <{EX}q> "y"',
    )


def test_more_keys_than_the_memo_holds() -> None:
    names = [f"p{number}" for number in range(5000)]
    document = doc(**dict.fromkeys(names, "x"))
    expected = "".join(sorted(f'<{S}> <{EX}{name}> "x" .\n' for name in names))
    assert canonize(document, LOADER) == expected
