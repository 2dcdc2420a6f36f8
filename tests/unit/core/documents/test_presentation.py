"""validate_presentation and build_presentation."""

from __future__ import annotations

from typing import Any

import pytest

from microcred.core.documents import (
    VC1_CONTEXT,
    VC2_CONTEXT,
    build_presentation,
    errors,
    validate_presentation,
)
from microcred.core.errors import DocumentError
from microcred.core.loader import DocumentLoader
from microcred.core.rdf import canonize
from tests.unit.core.documents.support import error_paths, issue_at, minimal_credential

HOLDER = "did:example:holder"
PROOF = {"type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022", "proofValue": "z1"}
ENVELOPED = {
    "@context": VC2_CONTEXT,
    "id": "data:application/vc+jwt,eyJhbGciOiJFZERTQSJ9.eyJpc3MiOiJ4In0.c2ln",
    "type": "EnvelopedVerifiableCredential",
}


def presentation(**changes: Any) -> dict[str, Any]:
    document: dict[str, Any] = {
        "@context": [VC2_CONTEXT],
        "type": ["VerifiablePresentation"],
        "holder": HOLDER,
        "verifiableCredential": [minimal_credential()],
    }
    for key, value in changes.items():
        if value is None:
            document.pop(key, None)
        else:
            document[key] = value
    return document


def test_a_presentation_is_valid() -> None:
    assert validate_presentation(presentation()) == []


def test_a_non_object() -> None:
    assert issue_at(validate_presentation([presentation()]), "").problem == "PARSING_ERROR"


def test_type_must_include_verifiable_presentation() -> None:
    issues = validate_presentation(presentation(type=["VerifiableCredential"]))
    assert "VerifiablePresentation" in issue_at(issues, "type").message


def test_a_1_1_presentation() -> None:
    credential = minimal_credential(validFrom=None, issuanceDate="2024-01-01T00:00:00Z")
    credential["@context"] = [VC1_CONTEXT]
    document = presentation(verifiableCredential=[credential])
    document["@context"] = [VC1_CONTEXT]
    assert validate_presentation(document) == []


def test_the_id_is_a_url() -> None:
    assert error_paths(validate_presentation(presentation(id="vp 1"))) == ["id"]


def test_terms_of_use_need_a_type() -> None:
    issues = validate_presentation(presentation(termsOfUse={"id": "https://example.org/t"}))
    assert error_paths(issues) == ["termsOfUse.type"]


def test_proofs_need_a_type() -> None:
    issues = validate_presentation(presentation(proof={"proofValue": "z1"}))
    assert "proof.type" in error_paths(issues)


class TestEmbeddedCredentials:
    def test_issues_carry_the_path_of_the_credential(self) -> None:
        credentials = [minimal_credential(), minimal_credential(issuer="not a url")]
        issues = validate_presentation(presentation(verifiableCredential=credentials))
        assert error_paths(issues) == ["verifiableCredential[1].issuer"]

    def test_a_single_credential_object(self) -> None:
        document = presentation(verifiableCredential=minimal_credential(type=["Other"]))
        assert error_paths(validate_presentation(document)) == ["verifiableCredential.type"]

    def test_an_empty_list(self) -> None:
        issues = validate_presentation(presentation(verifiableCredential=[]))
        assert "must hold credentials" in issue_at(issues, "verifiableCredential").message

    @pytest.mark.parametrize("item", ["eyJ.eyJ.sig", "https://example.org/vc/1", 7])
    def test_non_objects_are_refused(self, item: Any) -> None:
        issues = validate_presentation(presentation(verifiableCredential=[item]))
        issue = issue_at(issues, "verifiableCredential[0]")
        assert "EnvelopedVerifiableCredential" in issue.message

    def test_an_enveloped_credential(self) -> None:
        assert validate_presentation(presentation(verifiableCredential=[ENVELOPED])) == []

    def test_an_enveloped_credential_needs_a_data_url_and_a_context(self) -> None:
        item = {"type": ["EnvelopedVerifiableCredential"], "id": "https://example.org/vc"}
        issues = validate_presentation(presentation(verifiableCredential=[item]))
        assert error_paths(issues) == [
            "verifiableCredential[0].@context",
            "verifiableCredential[0].id",
        ]
        assert "data: URL" in issues[1].message

    def test_a_data_url_without_type(self) -> None:
        item = {k: v for k, v in ENVELOPED.items() if k != "type"}
        issues = validate_presentation(presentation(verifiableCredential=[item]))
        issue = issue_at(issues, "verifiableCredential[0].type")
        assert "EnvelopedVerifiableCredential" in issue.message


class TestHolder:
    def test_an_object_holder(self) -> None:
        assert validate_presentation(presentation(holder={"id": HOLDER, "name": "H"})) == []

    def test_no_holder(self) -> None:
        assert validate_presentation(presentation(holder=None)) == []

    @pytest.mark.parametrize(
        ("holder", "path"),
        [("z6Mk", "holder"), ({"name": "Acme"}, "holder.id"), ({"id": "z6Mk"}, "holder.id")],
    )
    def test_holder_is_a_url(self, holder: Any, path: str) -> None:
        issue = issue_at(validate_presentation(presentation(holder=holder)), path)
        assert "holder" in issue.message or "id must be a URL" in issue.message


class TestSelfAsserted:
    """A credential with no proof of its own in a presentation that has one."""

    def test_issued_by_the_holder(self) -> None:
        document = presentation(proof=PROOF)
        document["verifiableCredential"][0]["issuer"] = {"id": HOLDER}
        assert validate_presentation(document) == []

    def test_issued_by_someone_else(self) -> None:
        issues = validate_presentation(presentation(proof=PROOF))
        issue = issue_at(issues, "verifiableCredential[0].issuer")
        assert "holder" in issue.message

    def test_without_holder(self) -> None:
        issues = validate_presentation(presentation(proof=PROOF, holder=None))
        assert "holder is missing" in issue_at(issues, "holder").message

    def test_credentials_with_their_own_proof_are_not_self_asserted(self) -> None:
        credential = minimal_credential(proof=PROOF)
        document = presentation(proof=PROOF, holder=None, verifiableCredential=[credential])
        assert validate_presentation(document) == []

    def test_enveloped_credentials_are_secured_by_their_envelope(self) -> None:
        document = presentation(proof=PROOF, holder=None, verifiableCredential=[ENVELOPED])
        assert validate_presentation(document) == []

    def test_an_unsigned_presentation_is_not_judged(self) -> None:
        assert validate_presentation(presentation(holder=None)) == []


class TestBuild:
    def test_builds_a_valid_presentation(self) -> None:
        credential = minimal_credential(proof=PROOF)
        built = build_presentation(holder=HOLDER, credentials=[credential], id="urn:uuid:1")
        assert built == {
            "@context": [VC2_CONTEXT],
            "type": ["VerifiablePresentation"],
            "id": "urn:uuid:1",
            "holder": HOLDER,
            "verifiableCredential": [credential],
        }
        assert validate_presentation(built) == []

    def test_without_holder_or_credentials(self) -> None:
        built = build_presentation(holder=None, credentials=[])
        assert built == {"@context": [VC2_CONTEXT], "type": ["VerifiablePresentation"]}

    def test_an_object_holder_is_copied(self) -> None:
        holder = {"id": HOLDER}
        built = build_presentation(holder=holder, credentials=[])
        assert built["holder"] == holder and built["holder"] is not holder

    def test_refuses_an_invalid_credential(self) -> None:
        with pytest.raises(DocumentError, match=r"verifiableCredential\[0\]\.issuer"):
            build_presentation(holder=HOLDER, credentials=[minimal_credential(issuer=None)])

    def test_canonizes(self) -> None:
        built = build_presentation(holder=HOLDER, credentials=[minimal_credential()])
        assert errors(validate_presentation(built)) == []
        assert "VerifiablePresentation" in canonize(built, DocumentLoader())
