"""Differential tests: generated credentials canonize exactly as pyld canonizes them.

Where a string holds a character whose canonical escaping pyld gets wrong (RDFC-1.0 wants
``\\b``, ``\\f`` and ``\\u00XX`` for other control characters), the reference is pyld's RDF
dataset written with the RDFC-1.0 escaping and canonicalized by :mod:`microcred.core.rdf`'s
RDFC-1.0 (itself checked against the W3C test suite and pyld elsewhere).

The default run is modest; set ``MICROCRED_DIFF_EXAMPLES`` (e.g. 5000) for a long run.
"""

from __future__ import annotations

import json
import os
from decimal import Decimal
from typing import Any

from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st
from pyld import jsonld

from microcred.core.loader import DocumentLoader
from microcred.core.rdf import Quad, canonicalize_dataset, canonize, rdfc, to_rdf_dataset
from microcred.core.rdf.nquads import iri_term, literal_term

EXAMPLES = int(os.environ.get("MICROCRED_DIFF_EXAMPLES", "150"))
LOADER = DocumentLoader()
V2 = "https://www.w3.org/ns/credentials/v2"
OB = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
EXAMPLES_CONTEXT = "https://www.w3.org/ns/credentials/examples/v2"

#: Characters whose canonical N-Quads escaping differs between RDFC-1.0 and pyld.
SPECIAL = frozenset(
    [chr(code) for code in range(0x20) if chr(code) not in "\t\n\r"] + ["\x7f", "\ufffe", "\uffff"]
)

RUN = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# --- strategies ----------------------------------------------------------------------

plain_text = st.text(st.characters(codec="utf-8", exclude_characters="".join(SPECIAL)), max_size=30)
any_text = st.text(st.characters(), max_size=30)
text = st.one_of(plain_text, plain_text, any_text)
slug = st.text("abcdefghijklmnopqrstuvwxyz0123456789-", min_size=1, max_size=12)
iri = st.one_of(
    slug.map(lambda s: f"https://example.com/{s}"),
    st.uuids().map(lambda u: f"urn:uuid:{u}"),
    slug.map(lambda s: f"did:example:{s}"),
)
date = st.datetimes().map(lambda d: d.replace(microsecond=0).isoformat() + "Z")
number = st.one_of(
    st.integers(min_value=-(10**25), max_value=10**25),
    st.floats(allow_nan=False, allow_infinity=False),
)
language = st.sampled_from(["en", "en-US", "fr", "de-CH", "zh-Hant-TW"])


def with_duplicate(items: st.SearchStrategy[list[Any]]) -> st.SearchStrategy[list[Any]]:
    """Lists that sometimes repeat their first item (identical blank nodes share hashes)."""
    return st.tuples(items, st.booleans()).map(lambda t: t[0] + t[0][:1] if t[1] else t[0])


def optional(draw: st.DrawFn, target: dict[str, Any], key: str, value: Any) -> None:
    if draw(st.booleans()):
        target[key] = draw(value) if isinstance(value, st.SearchStrategy) else value


@st.composite
def proof(draw: st.DrawFn) -> dict[str, Any]:
    return {
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-rdfc-2022",
        "created": draw(date),
        "verificationMethod": draw(iri) + "#key-1",
        "proofPurpose": draw(st.sampled_from(["assertionMethod", "authentication"])),
        "proofValue": "z" + draw(slug),
    }


@st.composite
def image(draw: st.DrawFn) -> dict[str, Any]:
    result: dict[str, Any] = {"id": draw(iri), "type": "Image"}
    optional(draw, result, "caption", text)
    return result


@st.composite
def profile(draw: st.DrawFn) -> dict[str, Any]:
    result: dict[str, Any] = {"id": draw(iri), "type": ["Profile"], "name": draw(text)}
    optional(draw, result, "url", iri)
    optional(draw, result, "image", image())
    optional(draw, result, "email", slug.map(lambda s: f"{s}@example.com"))
    return result


@st.composite
def alignment(draw: st.DrawFn) -> dict[str, Any]:
    result: dict[str, Any] = {"type": ["Alignment"], "targetName": draw(text)}
    result["targetUrl"] = draw(iri)
    optional(draw, result, "targetFramework", text)
    optional(draw, result, "targetCode", slug)
    optional(draw, result, "targetType", st.sampled_from(["ceasn:Competency", "CFItem"]))
    return result


@st.composite
def achievement(draw: st.DrawFn) -> dict[str, Any]:
    result: dict[str, Any] = {"type": ["Achievement"], "name": draw(text)}
    optional(draw, result, "id", iri)
    result["description"] = draw(text)
    criteria: dict[str, Any] = {"narrative": draw(text)}
    optional(draw, criteria, "id", iri)
    result["criteria"] = criteria
    optional(draw, result, "image", image())
    optional(draw, result, "alignment", with_duplicate(st.lists(alignment(), max_size=3)))
    optional(draw, result, "creditsAvailable", number)
    optional(draw, result, "tag", st.lists(text, max_size=3))
    return result


@st.composite
def evidence(draw: st.DrawFn) -> dict[str, Any]:
    result: dict[str, Any] = {"type": ["Evidence"]}
    optional(draw, result, "id", iri)
    optional(draw, result, "name", text)
    optional(draw, result, "narrative", text)
    optional(draw, result, "genre", text)
    return result


@st.composite
def open_badge(draw: st.DrawFn) -> dict[str, Any]:
    subject: dict[str, Any] = {"type": ["AchievementSubject"], "achievement": draw(achievement())}
    optional(draw, subject, "id", iri)
    document: dict[str, Any] = {
        "@context": [V2, OB],
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": draw(text),
        "issuer": draw(st.one_of(iri, profile())),
        "validFrom": draw(date),
        "credentialSubject": subject,
    }
    optional(draw, document, "id", iri)
    optional(draw, document, "description", text)
    optional(draw, document, "validUntil", date)
    status = {
        "id": draw(iri) + "#1",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": str(draw(st.integers(0, 131071))),
        "statusListCredential": draw(iri),
    }
    optional(draw, document, "credentialStatus", status)
    optional(draw, document, "evidence", with_duplicate(st.lists(evidence(), max_size=2)))
    optional(draw, document, "proof", st.lists(proof(), min_size=1, max_size=2))
    return document


names = st.text("abcdefghijklmnopqrstuvwxyzABCDEFGHIJ", min_size=1, max_size=8).filter(
    lambda name: name not in ("id", "type")
)
scalars = st.one_of(text, number, st.booleans(), st.none())


def values(children: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(
        st.lists(children, max_size=3),
        st.dictionaries(names, children, max_size=4),
        st.fixed_dictionaries({"id": iri}, optional={"name": text, "type": names}),
        st.fixed_dictionaries({"@value": plain_text, "@language": language}),
        st.fixed_dictionaries({"@list": st.lists(children, max_size=3)}),
    )


json_values = st.recursive(scalars, values, max_leaves=12)


@st.composite
def plain_credential(draw: st.DrawFn) -> dict[str, Any]:
    claims = draw(st.dictionaries(names, json_values, min_size=1, max_size=5))
    optional(draw, claims, "id", iri)
    document: dict[str, Any] = {
        "@context": [V2, EXAMPLES_CONTEXT],
        "type": ["VerifiableCredential", draw(st.sampled_from(["ExampleCredential", "X"]))],
        "issuer": draw(iri),
        "credentialSubject": draw(with_duplicate(st.just([claims]))),
    }
    optional(draw, document, "id", iri)
    optional(draw, document, "validFrom", date)
    optional(draw, document, "proof", st.lists(proof(), min_size=1, max_size=2))
    return document


# --- references ----------------------------------------------------------------------


def strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [text for item in value for text in strings(item)]
    if isinstance(value, dict):
        return [text for item in value.items() for text in strings(list(item))]
    return []


def javascript_tie(value: Any) -> bool:
    """True for a float whose 16-digit rounding is a tie (JavaScript and pyld differ)."""
    if not isinstance(value, float) or value == 0:
        return False
    digits = Decimal(value).normalize().as_tuple().digits
    return len(digits) == 17 and digits[-1] == 5


def deep_list_arrays(value: Any) -> bool:
    """True if the array of a @list holds an array that holds an array.

    pyld makes a list of every such array; jsonld.js, followed here, only of the arrays
    directly in the list's array (what they hold is flattened into them).
    """
    if isinstance(value, dict):
        return any(
            (key == "@list" and isinstance(item, list) and any(map(holds_array, item)))
            or deep_list_arrays(item)
            for key, item in value.items()
        )
    return isinstance(value, list) and any(map(deep_list_arrays, value))


def holds_array(value: Any) -> bool:
    return isinstance(value, list) and any(isinstance(item, list) for item in value)


def numbers(value: Any) -> list[Any]:
    if isinstance(value, list):
        return [number for item in value for number in numbers(item)]
    if isinstance(value, dict):
        return [number for item in value.values() for number in numbers(item)]
    return [value] if isinstance(value, float) else []


def pyld_term(term: dict[str, Any]) -> str:
    if term["type"] == "IRI":
        return iri_term(term["value"])
    if term["type"] == "blank node":
        return str(term["value"])
    return literal_term(term["value"], term.get("datatype"), term.get("language"))


def pyld_dataset(document: Any) -> list[Quad]:
    """pyld's RDF dataset, written with this package's (RDFC-1.0) literal escaping."""
    options = {"documentLoader": LOADER, "rdfDirection": "i18n-datatype"}
    dataset = jsonld.to_rdf(json.loads(json.dumps(document)), options)
    quads: list[Quad] = []
    for graph, triples in dataset.items():
        name = "" if graph == "@default" else (graph if graph.startswith("_:") else f"<{graph}>")
        for triple in triples:
            parts = (pyld_term(triple[part]) for part in ("subject", "predicate", "object"))
            subject, predicate, obj = parts
            quads.append((subject, predicate, obj, name))
    return quads


def reference(document: Any) -> str:
    """pyld's canonical N-Quads; from pyld's dataset where pyld departs from RDFC-1.0.

    pyld departs in two ways: it does not escape control characters as RDFC-1.0 requires,
    and it keeps duplicate quads (a dataset is a set; RDFC-1.0 test 076 drops them).
    """
    if any(
        char in SPECIAL or "\ud800" <= char <= "\udfff" for s in strings(document) for char in s
    ):
        return canonicalize_dataset(pyld_dataset(document))
    options = {
        "algorithm": "URDNA2015",
        "format": "application/n-quads",
        "documentLoader": LOADER,
        "rdfDirection": "i18n-datatype",
    }
    text = str(jsonld.normalize(json.loads(json.dumps(document)), options))
    lines = text.splitlines()
    if len(set(lines)) != len(lines):
        return canonicalize_dataset(pyld_dataset(document))
    return text


def shares_first_degree_hashes(quads: list[Quad]) -> bool:
    hashes = rdfc.first_degree_hashes(quads)
    return len(set(hashes.values())) < len(hashes)


def check(document: dict[str, Any]) -> None:
    assume(not any(javascript_tie(value) for value in numbers(document)))
    assume(not deep_list_arrays(document))
    ours = canonize(document, LOADER)
    special = any(char in SPECIAL for s in strings(document) for char in s)
    event("special characters" if special else "plain strings")
    event("proof graphs" if "proof" in document else "no proof")
    if shares_first_degree_hashes(to_rdf_dataset(document, LOADER)):
        event("shared first-degree hashes (Hash N-Degree Quads)")
    assert ours == reference(document)


# --- tests ---------------------------------------------------------------------------


@RUN
@given(open_badge())
def test_open_badge_credentials_match_pyld(document: dict[str, Any]) -> None:
    check(document)


@RUN
@given(plain_credential())
def test_plain_credentials_match_pyld(document: dict[str, Any]) -> None:
    check(document)


def test_identical_blank_nodes_use_the_full_algorithm() -> None:
    same = {"type": ["Alignment"], "targetName": "Teamwork", "targetUrl": "https://e.com/t"}
    document = {
        "@context": [V2, OB],
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": "https://example.com/issuer",
        "validFrom": "2024-01-01T00:00:00Z",
        "name": "Teamwork",
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "achievement": {
                "type": ["Achievement"],
                "name": "Teamwork",
                "description": "d",
                "criteria": {"narrative": "n"},
                "alignment": [same, dict(same), dict(same)],
            },
        },
    }
    text = canonize(document, LOADER)
    assert text == reference(document)
    assert text.count('<https://schema.org/targetName> "Teamwork" .') == 3


def test_control_characters_follow_rdfc_escaping() -> None:
    document = {
        "@context": [V2, EXAMPLES_CONTEXT],
        "type": ["VerifiableCredential"],
        "issuer": "https://example.com/issuer",
        "credentialSubject": {"id": "did:example:s", "note": 'a\bb\fc\x01d\x7fe\tf\ng"h\\i'},
    }
    text = canonize(document, LOADER)
    assert '"a\\bb\\fc\\u0001d\\u007Fe\\tf\\ng\\"h\\\\i" .' in text
    assert text == reference(document)
