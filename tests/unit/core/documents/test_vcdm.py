"""validate_credential: the VC Data Model 2.0 rules, one by one, and the 1.1 differences."""

from __future__ import annotations

from typing import Any

import pytest

from microcred.core.documents import VC1_CONTEXT, VC2_CONTEXT, errors, validate_credential
from tests.unit.core.documents.support import (
    error_paths,
    issue_at,
    minimal_credential,
    warning_paths,
)


def test_a_minimal_credential_is_valid() -> None:
    assert validate_credential(minimal_credential()) == []


@pytest.mark.parametrize("document", [None, "a string", ["VerifiableCredential"], 42])
def test_a_non_object_is_a_parsing_error(document: Any) -> None:
    issue = issue_at(validate_credential(document), "")
    assert issue.problem == "PARSING_ERROR"
    assert "JSON object" in issue.message


def test_a_too_deeply_nested_credential_is_refused_without_recursing() -> None:
    deep: dict[str, Any] = {"name": "bottom"}
    for _ in range(200):
        deep = {"nested": deep}
    issue = issue_at(validate_credential(minimal_credential(credentialSubject=deep)), "")
    assert issue.problem == "PARSING_ERROR"
    assert "nested deeper" in issue.message


class TestContext:
    def test_missing(self) -> None:
        issue = issue_at(validate_credential(minimal_credential(**{"@context": None})), "@context")
        assert issue.problem == "PARSING_ERROR"
        assert VC2_CONTEXT in issue.message

    def test_empty(self) -> None:
        issues = validate_credential(minimal_credential(**{"@context": []}))
        assert "@context is empty" in issue_at(issues, "@context").message

    def test_a_single_string_is_accepted(self) -> None:
        assert validate_credential(minimal_credential(**{"@context": VC2_CONTEXT})) == []

    def test_base_context_must_come_first(self) -> None:
        contexts = ["https://www.w3.org/ns/credentials/examples/v2", VC2_CONTEXT]
        issue = issue_at(
            validate_credential(minimal_credential(**{"@context": contexts})), "@context"
        )
        assert "must begin with" in issue.message

    @pytest.mark.parametrize("entry", [7, None, True, "not a url", ["nested"]])
    def test_entries_are_urls_or_objects(self, entry: Any) -> None:
        contexts = [VC2_CONTEXT, entry]
        issues = validate_credential(minimal_credential(**{"@context": contexts}))
        assert "@context entries" in issue_at(issues, "@context[1]").message

    def test_objects_are_accepted(self) -> None:
        contexts = [VC2_CONTEXT, {"Example": "https://example.org/#Example"}]
        assert validate_credential(minimal_credential(**{"@context": contexts})) == []


class TestIdAndType:
    @pytest.mark.parametrize("value", ["urn:uuid:1", "did:example:1", "https://x.example/1"])
    def test_any_url_scheme_is_an_id(self, value: str) -> None:
        assert validate_credential(minimal_credential(id=value)) == []

    @pytest.mark.parametrize(
        "value",
        ["no-scheme", "https ://space", "http://x/<y>", ":nothing", "https:", "a%zz:b", 12, {}],
    )
    def test_an_id_is_a_url(self, value: Any) -> None:
        issue = issue_at(validate_credential(minimal_credential(id=value)), "id")
        assert "id must be a URL" in issue.message

    def test_python_values_that_are_not_json(self) -> None:
        issue = issue_at(validate_credential(minimal_credential(id=("urn:a",))), "id")
        assert "a tuple" in issue.message

    def test_the_id_is_optional(self) -> None:
        assert validate_credential(minimal_credential(id=None)) == []

    def test_type_values_are_strings(self) -> None:
        issues = validate_credential(minimal_credential(type=["VerifiableCredential", 3, " "]))
        assert error_paths(issues) == ["type[1]", "type[2]"]

    def test_type_as_a_single_string(self) -> None:
        assert validate_credential(minimal_credential(type="VerifiableCredential")) == []

    def test_a_non_string_single_type(self) -> None:
        assert error_paths(validate_credential(minimal_credential(type={"a": 1}))) == ["type"]


class TestNamesAndDescriptions:
    @pytest.mark.parametrize(
        "value",
        [
            "Badge",
            {"@value": "Badge", "@language": "en"},
            [{"@value": "Badge", "@language": "en"}, {"@value": "Insigne", "@language": "fr"}],
            {"@value": "شارة", "@language": "ar", "@direction": "rtl"},
        ],
    )
    def test_strings_and_language_values_are_accepted(self, value: Any) -> None:
        assert validate_credential(minimal_credential(name=value, description=value)) == []

    @pytest.mark.parametrize(
        "value",
        [3, [], ["Badge"], {"@language": "en"}, {"@value": "x", "lang": "en"}, {"@value": 5}],
    )
    def test_other_values_are_refused(self, value: Any) -> None:
        issues = validate_credential(minimal_credential(name=value, description=value))
        assert error_paths(issues) == ["name", "description"]
        assert "language value object" in issues[0].message


class TestIssuer:
    def test_missing(self) -> None:
        issue = issue_at(validate_credential(minimal_credential(issuer=None)), "issuer")
        assert "issuer is missing" in issue.message

    def test_an_object_with_a_url_id(self) -> None:
        issuer = {"id": "https://example.edu", "name": "Example"}
        assert validate_credential(minimal_credential(issuer=issuer)) == []

    def test_an_object_without_id(self) -> None:
        issues = validate_credential(minimal_credential(issuer={"name": "Example"}))
        assert "issuer.id is missing" in issue_at(issues, "issuer.id").message

    def test_a_list_is_not_an_issuer(self) -> None:
        issues = validate_credential(minimal_credential(issuer=["did:example:a"]))
        assert "issuer must be a URL" in issue_at(issues, "issuer").message


class TestCredentialSubject:
    def test_a_list_of_subjects(self) -> None:
        subjects = [{"id": "did:example:a"}, {"name": "B"}]
        assert validate_credential(minimal_credential(credentialSubject=subjects)) == []

    def test_an_empty_list(self) -> None:
        issues = validate_credential(minimal_credential(credentialSubject=[]))
        assert "at least one subject" in issue_at(issues, "credentialSubject").message

    @pytest.mark.parametrize("subject", ["did:example:a", 1, None])
    def test_subjects_are_objects(self, subject: Any) -> None:
        issues = validate_credential(minimal_credential(credentialSubject=[subject]))
        assert "object of claims" in issue_at(issues, "credentialSubject[0]").message

    def test_subject_ids_are_urls(self) -> None:
        subject = {"id": "subject one", "name": "A"}
        issues = validate_credential(minimal_credential(credentialSubject=subject))
        assert error_paths(issues) == ["credentialSubject.id"]


class TestValidityPeriod:
    @pytest.mark.parametrize(
        "value",
        [
            "2024-01-01T00:00:00Z",
            "2024-01-01T00:00:00.123456789+05:30",
            "2024-02-29T23:59:59-14:00",
            "2024-12-31T24:00:00Z",
            "12024-01-01T00:00:00Z",
            "-0044-03-15T12:00:00Z",
        ],
    )
    def test_date_time_stamps(self, value: str) -> None:
        assert validate_credential(minimal_credential(validFrom=value)) == []

    @pytest.mark.parametrize(
        "value",
        [
            "2024-01-01",
            "2023-02-29T00:00:00Z",
            "2024-13-01T00:00:00Z",
            "2024-01-01T25:00:00Z",
            "2024-01-01T00:00:00+15:00",
            "2024-01-01 00:00:00Z",
            "24-01-01T00:00:00Z",
            1704067200,
        ],
    )
    def test_other_values_are_refused(self, value: Any) -> None:
        issues = validate_credential(minimal_credential(validFrom=value, validUntil=value))
        assert error_paths(issues) == ["validFrom", "validUntil"]
        assert "XML Schema dateTime" in issues[0].message

    def test_no_offset_is_read_as_utc_with_a_warning(self) -> None:
        issues = validate_credential(minimal_credential(validFrom="2024-01-01T00:00:00"))
        assert errors(issues) == []
        assert "read as UTC" in issue_at(issues, "validFrom", "warning").message

    def test_valid_until_may_equal_valid_from(self) -> None:
        document = minimal_credential(validUntil="2024-01-01T01:00:00+01:00")
        assert validate_credential(document) == []

    def test_valid_until_before_valid_from(self) -> None:
        document = minimal_credential(validUntil="2024-01-01T00:59:59+01:00")
        issue = issue_at(validate_credential(document), "validUntil")
        assert issue.problem == "RANGE_ERROR"
        assert "validFrom" in issue.message

    def test_years_python_cannot_hold_are_not_compared(self) -> None:
        document = minimal_credential(validFrom="12024-01-01T00:00:00Z")
        document["validUntil"] = "2025-01-01T00:00:00Z"
        assert validate_credential(document) == []

    def test_vc_11_dates_in_a_vc_20_credential_are_flagged(self) -> None:
        document = minimal_credential(issuanceDate="2024-01-01T00:00:00Z")
        issues = validate_credential(document)
        assert warning_paths(issues) == ["issuanceDate"]
        assert "validFrom" in issues[0].message


class TestTypedObjects:
    @pytest.mark.parametrize(
        "key", ["credentialStatus", "termsOfUse", "evidence", "refreshService", "credentialSchema"]
    )
    def test_each_object_needs_a_type(self, key: str) -> None:
        value = [{"id": "https://example.org/a", "type": "T"}, {"id": "https://example.org/b"}]
        issue = issue_at(validate_credential(minimal_credential(**{key: value})), f"{key}[1].type")
        assert f"{key}.type is missing" in issue.message

    @pytest.mark.parametrize("key", ["credentialStatus", "evidence", "proof"])
    def test_entries_are_objects(self, key: str) -> None:
        issues = validate_credential(minimal_credential(**{key: ["https://example.org/x"]}))
        assert f"{key} entries must be objects" in issue_at(issues, f"{key}[0]").message

    def test_an_empty_type(self) -> None:
        status = {"id": "https://example.org/s", "type": []}
        issues = validate_credential(minimal_credential(credentialStatus=status))
        assert "empty list" in issue_at(issues, "credentialStatus.type").message

    def test_an_empty_list(self) -> None:
        issues = validate_credential(minimal_credential(evidence=[]))
        assert "at least one object" in issue_at(issues, "evidence").message

    def test_status_id_is_optional_in_2_0(self) -> None:
        status = {"type": "BitstringStatusListEntry"}
        assert validate_credential(minimal_credential(credentialStatus=status)) == []

    def test_schema_id_is_required(self) -> None:
        schema = {"type": "JsonSchema"}
        issues = validate_credential(minimal_credential(credentialSchema=schema))
        assert "credentialSchema.id is missing" in issue_at(issues, "credentialSchema.id").message

    def test_proof_sets_need_types(self) -> None:
        proofs = [{"type": "DataIntegrityProof"}, {"cryptosuite": "eddsa-rdfc-2022"}]
        issues = validate_credential(minimal_credential(proof=proofs))
        assert error_paths(issues) == ["proof[1].type"]


class TestRelatedResource:
    def test_a_digest_and_an_id(self) -> None:
        related = [{"id": "https://example.org/ctx", "digestSRI": "sha384-abc"}]
        assert validate_credential(minimal_credential(relatedResource=related)) == []

    def test_missing_id_and_digest(self) -> None:
        issues = validate_credential(minimal_credential(relatedResource={"mediaType": "a/b"}))
        assert error_paths(issues) == ["relatedResource.id", "relatedResource"]
        assert "digestSRI" in issues[1].message


class TestVersion11:
    def v1(self, **changes: Any) -> dict[str, Any]:
        document = minimal_credential(validFrom=None, **changes)
        document["@context"] = [VC1_CONTEXT]
        document.setdefault("issuanceDate", "2024-01-01T00:00:00Z")
        return document

    def test_a_valid_1_1_credential(self) -> None:
        assert validate_credential(self.v1(expirationDate="2030-01-01T00:00:00Z")) == []

    def test_issuance_date_is_required(self) -> None:
        document = self.v1()
        del document["issuanceDate"]
        issue = issue_at(validate_credential(document), "issuanceDate")
        assert "issuanceDate is missing" in issue.message

    def test_expiration_before_issuance(self) -> None:
        issues = validate_credential(self.v1(expirationDate="2023-01-01T00:00:00Z"))
        assert issue_at(issues, "expirationDate").problem == "RANGE_ERROR"

    def test_issuance_date_without_offset_is_a_warning(self) -> None:
        issues = validate_credential(self.v1(issuanceDate="2024-01-01T00:00:00"))
        assert errors(issues) == [] and warning_paths(issues) == ["issuanceDate"]

    @pytest.mark.parametrize("key", ["credentialStatus", "refreshService", "credentialSchema"])
    def test_ids_required_by_1_1(self, key: str) -> None:
        issues = validate_credential(self.v1(**{key: {"type": "Something"}}))
        assert error_paths(issues) == [f"{key}.id"]

    def test_vc_20_dates_in_a_1_1_credential_are_flagged(self) -> None:
        issues = validate_credential(self.v1(validUntil="2030-01-01T00:00:00Z"))
        assert warning_paths(issues) == ["validUntil"]
        assert "expirationDate" in issues[0].message


def test_related_resources_are_listed_once() -> None:
    from microcred.core.documents import validate_credential

    resource = {"id": "https://www.w3.org/ns/credentials/v2", "digestSRI": "sha384-abc"}
    document = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential"],
        "issuer": "did:example:issuer",
        "credentialSubject": {"id": "did:example:s", "name": "S"},
        "relatedResource": [resource, dict(resource)],
    }
    issues = [i for i in validate_credential(document) if i.severity == "error"]
    assert [i.path for i in issues] == ["relatedResource[1].id"]
    assert "appears twice" in issues[0].message
    document["relatedResource"] = [resource]
    assert [i for i in validate_credential(document) if i.severity == "error"] == []
