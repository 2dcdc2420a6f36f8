"""CLR 2.0: the ClrCredential rules (validate_openbadge) and build_clr_credential."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from microcred.core.documents import (
    CLR_CONTEXT,
    OB_CONTEXT,
    VC2_CONTEXT,
    Association,
    build_clr_credential,
    errors,
    hash_identity,
    validate_credential,
    validate_document,
    validate_openbadge,
)
from microcred.core.errors import DocumentError
from tests.unit.core.documents.support import (
    clr_credential,
    error_paths,
    issue_at,
    ob_credential,
    undefined_terms,
    vector,
    warning_paths,
)

SUBJECT = "credentialSubject"


def subject(document: dict[str, Any]) -> dict[str, Any]:
    value: dict[str, Any] = document["credentialSubject"]
    return value


@pytest.mark.parametrize(
    "path", ["clr20-spec-test-vector/unsigned.json", "clr20-spec-test-vector/signed.json"]
)
def test_the_specification_vectors_are_valid(path: str) -> None:
    document = vector(path)
    assert validate_credential(document) == []
    assert validate_openbadge(document) == []


class TestClrCredential:
    def test_the_clr_context_comes_second(self) -> None:
        document = clr_credential()
        document["@context"] = [VC2_CONTEXT, OB_CONTEXT, CLR_CONTEXT]
        issue = issue_at(validate_openbadge(document), "@context")
        assert "CLR 2.0 context" in issue.message

    def test_the_ob_context_is_needed_too(self) -> None:
        document = clr_credential()
        document["@context"] = [VC2_CONTEXT, CLR_CONTEXT]
        issue = issue_at(validate_openbadge(document), "@context")
        assert "Open Badges 3.0 context" in issue.message

    @pytest.mark.parametrize("key", ["name", "id", "validFrom", "issuer", "credentialSubject"])
    def test_required_properties(self, key: str) -> None:
        document = clr_credential()
        del document[key]
        assert f"{key} is missing" in issue_at(validate_openbadge(document), key).message

    def test_partial_is_a_boolean(self) -> None:
        document = clr_credential()
        document["partial"] = "no"
        assert error_paths(validate_openbadge(document)) == ["partial"]

    def test_the_subject_type(self) -> None:
        document = clr_credential()
        subject(document)["type"] = "AchievementSubject"
        assert "ClrSubject" in issue_at(validate_openbadge(document), f"{SUBJECT}.type").message

    def test_an_id_or_an_identifier(self) -> None:
        document = clr_credential()
        del subject(document)["id"]
        assert "identifier" in issue_at(validate_openbadge(document), SUBJECT).message
        subject(document)["identifier"] = [hash_identity("a@example.com", "s").to_json()]
        assert validate_openbadge(document) == []


class TestEmbeddedCredentials:
    def test_at_least_one(self) -> None:
        document = clr_credential()
        subject(document)["verifiableCredential"] = []
        issue = issue_at(validate_openbadge(document), f"{SUBJECT}.verifiableCredential")
        assert "at least one" in issue.message

    def test_required(self) -> None:
        document = clr_credential()
        del subject(document)["verifiableCredential"]
        issue = issue_at(validate_openbadge(document), f"{SUBJECT}.verifiableCredential")
        assert "verifiableCredential is missing" in issue.message

    def test_embedded_credentials_are_checked_in_full(self) -> None:
        document = clr_credential()
        embedded = subject(document)["verifiableCredential"][0]
        embedded["validFrom"] = "last year"
        del embedded["credentialSubject"]["achievement"]["criteria"]
        where = f"{SUBJECT}.verifiableCredential[0]"
        assert error_paths(validate_openbadge(document)) == [
            f"{where}.validFrom",
            f"{where}.credentialSubject.achievement.criteria",
        ]

    def test_other_credentials_get_the_vc_rules(self) -> None:
        document = clr_credential()
        other = {
            "@context": [VC2_CONTEXT],
            "type": ["VerifiableCredential"],
            "issuer": "did:example:school",
            "credentialSubject": {"id": "did:example:ebfeb1f712ebc6f1c276e12ec21", "gpa": 3.9},
        }
        subject(document)["verifiableCredential"].append(other)
        assert validate_openbadge(document) == []
        other["issuer"] = "school"
        issue = issue_at(validate_openbadge(document), f"{SUBJECT}.verifiableCredential[1].issuer")
        assert "issuer must be a URL" in issue.message

    def test_entries_are_objects(self) -> None:
        document = clr_credential()
        subject(document)["verifiableCredential"] = ["eyJ.eyJ.sig"]
        issue = issue_at(validate_openbadge(document), f"{SUBJECT}.verifiableCredential[0]")
        assert "credentials" in issue.message


class TestAssociations:
    def test_association_shape(self) -> None:
        document = clr_credential()
        association = subject(document)["association"][0]
        association["associationType"] = "isCousinOf"
        del association["targetId"]
        assert error_paths(validate_openbadge(document)) == [
            f"{SUBJECT}.association[0].associationType",
            f"{SUBJECT}.association[0].targetId",
        ]

    def test_links_to_unknown_achievements(self) -> None:
        document = clr_credential()
        subject(document)["association"][0]["sourceId"] = "urn:uuid:unknown"
        issues = validate_openbadge(document)
        assert warning_paths(issues) == [f"{SUBJECT}.association[0].sourceId"]
        assert errors(issues) == []

    def test_links_to_achievements_of_embedded_credentials(self) -> None:
        document = clr_credential()
        del subject(document)["achievement"]
        # a7467ef6 is awarded by the embedded credential, dd887f0a was only listed
        assert warning_paths(validate_openbadge(document)) == [f"{SUBJECT}.association[0].targetId"]

    def test_association_entries_are_objects(self) -> None:
        document = clr_credential()
        subject(document)["association"] = ["isParentOf"]
        assert error_paths(validate_openbadge(document)) == [f"{SUBJECT}.association[0]"]


class TestBuild:
    def build(self, **changes: Any) -> dict[str, Any]:
        embedded = vector("ob30-spec-test-vector/signed.json")
        arguments: dict[str, Any] = {
            "id": "urn:uuid:7b7fb3c4-79d4-4a94-a9c6-0c1a4bb4e3e8",
            "issuer": {"id": "https://example.edu/issuers/565049", "type": ["Profile"]},
            "subject": "did:example:ebfeb1f712ebc6f1c276e12ec21",
            "credentials": [embedded],
            "achievements": [embedded["credentialSubject"]["achievement"]],
            "valid_from": "2024-01-01T00:00:00Z",
            "name": "Transcript",
        }
        arguments.update(changes)
        return build_clr_credential(**arguments)

    def test_a_minimal_clr(self) -> None:
        built = self.build()
        assert built["@context"] == [VC2_CONTEXT, CLR_CONTEXT, OB_CONTEXT]
        assert built["type"] == ["VerifiableCredential", "ClrCredential"]
        assert subject(built)["type"] == ["ClrSubject"]
        assert validate_document(built) == []
        assert undefined_terms(built) == []

    def test_a_full_clr(self) -> None:
        achievement_id = "https://example.com/achievements/21st-century-skills/teamwork"
        built = self.build(
            subject=hash_identity("learner@example.com", "pepper"),
            associations=[Association("isPeerOf", achievement_id, achievement_id)],
            valid_until="2034-01-01T00:00:00Z",
            description="All courses",
            partial=True,
            credential_status={
                "id": "https://example.edu/status/1#9",
                "type": "BitstringStatusListEntry",
                "statusPurpose": "revocation",
                "statusListIndex": "9",
                "statusListCredential": "https://example.edu/status/1",
            },
            json_schema=True,
        )
        assert built["partial"] is True
        assert subject(built)["association"][0]["type"] == "Association"
        assert "id" not in subject(built) and subject(built)["identifier"][0]["salt"] == "pepper"
        assert built["credentialSchema"][0]["type"] == "1EdTechJsonSchemaValidator2019"
        assert validate_document(built) == []
        assert undefined_terms(built) == []

    def test_without_achievements_or_associations(self) -> None:
        built = self.build(achievements=[])
        assert set(subject(built)) == {"id", "type", "verifiableCredential"}
        assert validate_document(built) == []

    def test_needs_a_credential(self) -> None:
        with pytest.raises(DocumentError, match="at least one credential"):
            self.build(credentials=[])

    def test_refuses_an_invalid_embedded_credential(self) -> None:
        broken = ob_credential()
        del broken["credentialSubject"]
        with pytest.raises(DocumentError, match=r"verifiableCredential\[0\]\.credentialSubject"):
            self.build(credentials=[broken])

    def test_refuses_a_naive_datetime(self) -> None:
        with pytest.raises(DocumentError, match="no timezone"):
            self.build(valid_from=datetime(2024, 1, 1))
