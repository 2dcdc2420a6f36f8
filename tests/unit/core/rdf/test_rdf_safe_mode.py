"""Safe mode: anything JSON-LD processing would drop is an error naming the term and place."""

from __future__ import annotations

from typing import Any

import pytest

from microcred.core.errors import CanonicalizationError
from microcred.core.loader import DocumentLoader
from microcred.core.rdf import Canonicalizer, JsonLdError, canonize

V2 = "https://www.w3.org/ns/credentials/v2"
EXAMPLES = "https://www.w3.org/ns/credentials/examples/v2"


def credential(**changes: Any) -> dict[str, Any]:
    document: dict[str, Any] = {
        "@context": [V2],
        "id": "urn:uuid:2f5ee6f4-8f5a-4b3c-9d4e-1c2b3a4d5e6f",
        "type": ["VerifiableCredential"],
        "issuer": "did:example:issuer",
        "validFrom": "2024-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:subject", "name": "Alice"},
    }
    document.update(changes)
    return document


def error_of(document: Any, loader: DocumentLoader) -> JsonLdError:
    with pytest.raises(JsonLdError) as caught:
        canonize(document, loader)
    return caught.value


def test_a_valid_credential_canonizes(loader: DocumentLoader) -> None:
    assert '<did:example:subject> <https://schema.org/name> "Alice" .' in canonize(
        credential(), loader
    )


def test_undefined_property_names_the_term_and_its_place(loader: DocumentLoader) -> None:
    document = credential(credentialSubject={"id": "did:example:subject", "foo": "bar"})
    error = error_of(document, loader)
    assert str(error) == 'property "foo" at credentialSubject.foo is not defined by any context'
    assert error.code == "invalid property"
    assert error.location == "credentialSubject.foo"
    assert isinstance(error, CanonicalizationError)


def test_undefined_property_in_an_array_item(loader: DocumentLoader) -> None:
    document = credential(evidence=[{"id": "urn:e:1"}, {"id": "urn:e:2", "grade": "A"}])
    assert error_of(document, loader).location == "evidence[1].grade"


def test_undefined_type(loader: DocumentLoader) -> None:
    error = error_of(credential(type=["VerifiableCredential", "MyCredential"]), loader)
    assert str(error) == 'type "MyCredential" at type is not defined by any context'
    assert error.code == "relative @type reference"


def test_undefined_nested_type(loader: DocumentLoader) -> None:
    subject = {"id": "did:example:subject", "type": "Person"}
    error = error_of(credential(credentialSubject=subject), loader)
    assert error.location == "credentialSubject.type"
    assert '"Person"' in str(error)


def test_relative_id(loader: DocumentLoader) -> None:
    error = error_of(credential(id="credentials/1"), loader)
    assert error.code == "relative @id reference"
    assert "'credentials/1' at id" in str(error)


def test_relative_iri_value(loader: DocumentLoader) -> None:
    error = error_of(credential(issuer="issuer-1"), loader)
    assert "'issuer-1' at issuer is not an absolute IRI" in str(error)


def test_protected_term_redefinition(loader: DocumentLoader) -> None:
    document = credential()
    document["@context"] = [V2, {"type": "https://example.com/my-type"}]
    error = error_of(document, loader)
    assert error.code == "protected term redefinition"
    assert str(error) == 'protected term "type" at @context.type cannot be redefined'


def test_protected_verifiable_credential_redefinition(loader: DocumentLoader) -> None:
    document = credential()
    document["@context"] = [V2, {"VerifiableCredential": "https://example.com/VC"}]
    error = error_of(document, loader)
    assert error.code == "protected term redefinition"
    assert '"VerifiableCredential"' in str(error)


def test_protected_redefinition_in_a_nested_context(loader: DocumentLoader) -> None:
    subject = {"@context": {"name": "https://example.com/name"}, "name": "Alice"}
    error = error_of(credential(credentialSubject=subject), loader)
    assert error.code == "protected term redefinition"
    assert error.location == "credentialSubject.@context.name"


def test_identical_redefinition_of_a_protected_term_is_allowed(loader: DocumentLoader) -> None:
    document = credential()
    document["@context"] = [V2, {"name": "https://schema.org/name"}]
    assert canonize(document, loader) == canonize(credential(), loader)


def test_unknown_context_url(loader: DocumentLoader) -> None:
    document = credential()
    document["@context"] = [V2, "https://example.com/unknown/v1"]
    error = error_of(document, loader)
    assert error.code == "loading remote context failed"
    assert "https://example.com/unknown/v1" in str(error)
    assert error.location == "@context"


def test_relative_context_url(loader: DocumentLoader) -> None:
    document = credential()
    document["@context"] = [V2, "contexts/mine.jsonld"]
    assert "contexts/mine.jsonld" in str(error_of(document, loader))


def test_invalid_local_context(loader: DocumentLoader) -> None:
    document = credential()
    document["@context"] = [V2, 42]
    assert error_of(document, loader).code == "invalid local context"


def test_context_document_without_context_entry() -> None:
    loader = DocumentLoader(extra={"https://example.com/empty": {"name": "x"}})
    document = credential()
    document["@context"] = [V2, "https://example.com/empty"]
    assert error_of(document, loader).code == "invalid remote context"


def test_invalid_language_tag(loader: DocumentLoader) -> None:
    subject = {"id": "did:example:s", "name": {"@value": "Alice", "@language": "not a tag"}}
    error = error_of(credential(credentialSubject=subject), loader)
    assert error.code == "invalid @language value"
    assert error.location == "credentialSubject.name"


def test_language_on_a_number(loader: DocumentLoader) -> None:
    subject = {"id": "did:example:s", "name": {"@value": 5, "@language": "en"}}
    assert error_of(credential(credentialSubject=subject), loader).code == (
        "invalid language-tagged value"
    )


def test_null_value(loader: DocumentLoader) -> None:
    subject = {"id": "did:example:s", "name": {"@value": None}}
    assert error_of(credential(credentialSubject=subject), loader).code == "null @value value"


def test_type_and_language_together(loader: DocumentLoader) -> None:
    value = {"@value": "x", "@language": "en", "@type": "https://example.com/t"}
    subject = {"id": "did:example:s", "name": value}
    assert error_of(credential(credentialSubject=subject), loader).code == "invalid value object"


def test_relative_datatype(loader: DocumentLoader) -> None:
    subject = {"id": "did:example:s", "name": {"@value": "x", "@type": "myType"}}
    assert error_of(credential(credentialSubject=subject), loader).code == "invalid typed value"


def test_empty_proof_graph(loader: DocumentLoader) -> None:
    error = error_of(credential(proof={}), loader)
    assert error.code == "empty object"
    assert error.location == "proof"


def test_node_with_only_an_id_at_the_top(loader: DocumentLoader) -> None:
    error = error_of({"@context": V2, "id": "urn:example:1"}, loader)
    assert error.code == "object with only @id"


def test_keyword_like_key(loader: DocumentLoader) -> None:
    document = credential(credentialSubject={"id": "did:example:s", "@foo": "bar"})
    assert error_of(document, loader).code == "invalid property"


def test_blank_node_predicate(loader: DocumentLoader) -> None:
    document = credential(credentialSubject={"id": "did:example:s", "_:p": "bar"})
    assert error_of(document, loader).code == "blank node predicate"


def test_colliding_keywords(loader: DocumentLoader) -> None:
    document = credential()
    document["@id"] = "urn:example:other"
    assert error_of(document, loader).code == "colliding keywords"


def test_free_floating_value_in_a_graph(loader: DocumentLoader) -> None:
    document = {"@context": {"@vocab": "https://example.com/"}, "@graph": ["a string"]}
    assert error_of(document, loader).code == "free-floating scalar"


def test_value_alone_in_a_graph_container(loader: DocumentLoader) -> None:
    context = {"g": {"@id": "https://example.com/g", "@container": "@graph"}}
    document = {"@context": context, "@id": "https://example.com/s", "g": "text"}
    assert error_of(document, loader).code == "free-floating scalar"


def test_reserved_term_in_a_context(loader: DocumentLoader) -> None:
    document = credential()
    document["@context"] = [V2, {"@reserved": "https://example.com/x"}]
    assert error_of(document, loader).code == "reserved term"


def test_direction_without_a_direction_mode(loader: DocumentLoader) -> None:
    subject = {"id": "did:example:s", "name": {"@value": "x", "@direction": "rtl"}}
    strict = Canonicalizer(loader, rdf_direction=None)
    with pytest.raises(JsonLdError) as caught:
        strict.canonize(credential(credentialSubject=subject))
    assert caught.value.code == "rdfDirection not set"


def test_direction_is_signed_as_an_i18n_datatype(loader: DocumentLoader) -> None:
    value = {"@value": "Alice", "@language": "AR", "@direction": "rtl"}
    text = canonize(credential(credentialSubject={"id": "did:example:s", "name": value}), loader)
    assert '"Alice"^^<https://www.w3.org/ns/i18n#ar_rtl> .' in text


def test_deep_nesting_is_a_clear_error(loader: DocumentLoader) -> None:
    document: dict[str, Any] = {"@context": {"@vocab": "https://example.com/"}}
    inner = document
    for _ in range(5000):
        inner["p"] = {}
        inner = inner["p"]
    with pytest.raises(CanonicalizationError, match="nested too deeply"):
        canonize(document, loader)


def test_non_json_data_is_a_clear_error(loader: DocumentLoader) -> None:
    document = {"@context": {"@vocab": "https://example.com/"}, "p": {1, 2}}
    with pytest.raises(CanonicalizationError):
        canonize(document, loader)


def test_unsafe_mode_drops_instead(loader: DocumentLoader) -> None:
    lenient = Canonicalizer(loader, safe=False)
    document = credential(credentialSubject={"id": "did:example:subject", "foo": "bar"})
    text = lenient.canonize(document)
    assert "foo" not in text
    assert text == canonize(credential(credentialSubject={"id": "did:example:subject"}), loader)


@pytest.mark.parametrize("keyword", ["@embed", "@language", "@none"])
def test_keywords_that_mean_nothing_in_a_node(loader: DocumentLoader, keyword: str) -> None:
    document = {"@context": {"@vocab": "https://example.com/"}, "p": "x", keyword: "y"}
    error = error_of(document, loader)
    assert error.location == keyword
    assert keyword in str(error)
