"""validate_openbadge: the Open Badges 3.0 rules (AchievementCredential, EndorsementCredential)."""

from __future__ import annotations

from typing import Any

import pytest

from microcred.core.documents import (
    OB_CONTEXT,
    VC1_CONTEXT,
    VC2_CONTEXT,
    errors,
    openbadge_kind,
    validate_credential,
    validate_document,
    validate_openbadge,
)
from tests.unit.core.documents.support import (
    endorsement,
    error_paths,
    issue_at,
    ob_credential,
    vector,
    warning_paths,
)

SUBJECT = "credentialSubject"
ACHIEVEMENT = "credentialSubject.achievement"
IDENTITY = {
    "type": "IdentityObject",
    "identityHash": "sha256$b5809d8a92f8858436d7e6b87c12ebc0ae1eac4baecc2c0b913aee2c922ef399",
    "identityType": "emailAddress",
    "hashed": True,
    "salt": "Kosher",
}


def achievement(document: dict[str, Any]) -> dict[str, Any]:
    value: dict[str, Any] = document["credentialSubject"]["achievement"]
    return value


@pytest.mark.parametrize(
    "path", ["ob30-spec-test-vector/unsigned.json", "ob30-spec-test-vector/signed.json"]
)
def test_the_specification_vectors_are_valid(path: str) -> None:
    document = vector(path)
    assert validate_credential(document) == []
    assert validate_openbadge(document) == []


def test_a_valid_endorsement() -> None:
    assert validate_document(endorsement()) == []


class TestKinds:
    @pytest.mark.parametrize(
        ("types", "kind"),
        [
            (["VerifiableCredential", "OpenBadgeCredential"], "AchievementCredential"),
            (["VerifiableCredential", "AchievementCredential"], "AchievementCredential"),
            (["VerifiableCredential", "EndorsementCredential"], "EndorsementCredential"),
            (["VerifiableCredential", "ClrCredential"], "ClrCredential"),
            ("VerifiableCredential", None),
        ],
    )
    def test_openbadge_kind(self, types: Any, kind: str | None) -> None:
        assert openbadge_kind({"type": types}) == kind

    def test_other_credentials_are_not_open_badges(self) -> None:
        issues = validate_openbadge({"type": ["VerifiableCredential"]})
        assert "AchievementCredential" in issue_at(issues, "type").message

    def test_a_non_object(self) -> None:
        assert issue_at(validate_openbadge("{}"), "").problem == "PARSING_ERROR"

    def test_achievement_credential_type(self) -> None:
        document = ob_credential()
        document["type"] = ["OpenBadgeCredential"]
        assert error_paths(validate_openbadge(document)) == ["type"]
        assert "VerifiableCredential" in validate_openbadge(document)[0].message

    def test_vc_issues_are_not_repeated(self) -> None:
        document = ob_credential()
        document["issuer"]["id"] = "not a url"
        assert "issuer.id" in error_paths(validate_credential(document))
        assert "issuer.id" not in error_paths(validate_openbadge(document))
        assert error_paths(validate_document(document)).count("issuer.id") == 1


class TestCredential:
    def test_the_ob_context_comes_second(self) -> None:
        document = ob_credential()
        document["@context"] = [VC2_CONTEXT, "https://example.org/ctx", OB_CONTEXT]
        issue = issue_at(validate_openbadge(document), "@context")
        assert "Open Badges 3.0 context" in issue.message

    @pytest.mark.parametrize(
        "url",
        [
            "https://purl.imsglobal.org/spec/ob/v3p0/context.json",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json",
        ],
    )
    def test_any_ob_context_version(self, url: str) -> None:
        document = ob_credential()
        document["@context"][1] = url
        assert validate_openbadge(document) == []

    def test_a_vc_11_based_badge_needs_no_valid_from(self) -> None:
        document = ob_credential()
        document["@context"][0] = VC1_CONTEXT
        document["issuanceDate"] = document.pop("validFrom")
        assert validate_document(document) == []

    @pytest.mark.parametrize("key", ["id", "validFrom", "credentialSubject"])
    def test_required_properties(self, key: str) -> None:
        document = ob_credential()
        del document[key]
        issue = issue_at(validate_openbadge(document), key)
        assert f"{key} is missing" in issue.message

    def test_a_missing_name_is_a_warning(self) -> None:
        document = ob_credential()
        del document["name"]
        issues = validate_openbadge(document)
        assert errors(issues) == []
        assert warning_paths(issues) == ["name"]

    def test_a_name_is_a_string(self) -> None:
        document = ob_credential()
        document["name"] = {"@value": "Badge", "@language": "en"}
        assert "name must be a string" in issue_at(validate_openbadge(document), "name").message

    def test_awarded_date_needs_an_offset(self) -> None:
        document = ob_credential()
        document["awardedDate"] = "2024-01-01T00:00:00"
        issue = issue_at(validate_openbadge(document), "awardedDate")
        assert "time-zone offset" in issue.message

    def test_status_and_refresh_service_need_ids(self) -> None:
        document = ob_credential()
        document["credentialStatus"] = {"type": "BitstringStatusListEntry"}
        document["refreshService"] = [{"type": "1EdTechCredentialRefresh"}]
        issues = validate_openbadge(document)
        assert error_paths(issues) == ["credentialStatus.id", "refreshService[0].id"]

    def test_a_single_subject_only(self) -> None:
        document = ob_credential()
        document["credentialSubject"] = [document["credentialSubject"]]
        issue = issue_at(validate_openbadge(document), SUBJECT)
        assert "single value" in issue.message

    def test_evidence(self) -> None:
        document = ob_credential()
        document["evidence"] = [
            {"id": "https://example.org/e", "type": ["Evidence"]},
            {"type": "X"},
        ]
        issue = issue_at(validate_openbadge(document), "evidence[1].type")
        assert "Evidence" in issue.message

    def test_endorsement_jwt(self) -> None:
        document = ob_credential()
        document["endorsementJwt"] = ["a.b.c", "not a jws"]
        issue = issue_at(validate_openbadge(document), "endorsementJwt[1]")
        assert "compact JWS" in issue.message

    def test_a_repeatable_property_given_once_is_a_warning(self) -> None:
        document = ob_credential()
        document["evidence"] = {"type": ["Evidence"], "narrative": "Did it."}
        assert warning_paths(validate_openbadge(document)) == ["evidence"]


class TestIssuerProfile:
    def test_a_url_issuer(self) -> None:
        document = ob_credential()
        document["issuer"] = "https://example.edu/issuers/565049"
        assert validate_openbadge(document) == []

    def test_the_profile_type(self) -> None:
        document = ob_credential()
        document["issuer"]["type"] = ["Organization"]
        issue = issue_at(validate_openbadge(document), "issuer.type")
        assert "Profile" in issue.message

    def test_the_profile_needs_a_type(self) -> None:
        document = ob_credential()
        del document["issuer"]["type"]
        assert "type is missing" in issue_at(validate_openbadge(document), "issuer.type").message

    @pytest.mark.parametrize(
        ("key", "value", "expected"),
        [
            ("dateOfBirth", "31/12/2001", "date"),
            ("dateOfBirth", "2001-02-29", "date"),
            ("image", "https://example.edu/logo.png", "class Image"),
            ("url", "example.edu", "URL"),
            ("address", {"type": ["Address"], "geo": {"type": "GeoCoordinates"}}, "latitude"),
            ("otherIdentifier", [{"type": "IdentifierEntry", "identifier": "1"}], "identifierType"),
            ("parentOrg", {"id": "https://example.org"}, "type"),
        ],
    )
    def test_profile_properties(self, key: str, value: Any, expected: str) -> None:
        document = ob_credential()
        document["issuer"][key] = value
        issues = errors(validate_openbadge(document))
        assert issues and issues[0].path.startswith(f"issuer.{key}")
        assert expected in issues[0].message

    def test_a_full_profile(self) -> None:
        document = ob_credential()
        document["issuer"].update(
            {
                "dateOfBirth": "1990-05-01",
                "image": {"id": "data:image/png;base64,iVBOR", "type": "Image", "caption": "Me"},
                "address": {
                    "type": ["Address"],
                    "addressCountryCode": "US",
                    "geo": {"type": "GeoCoordinates", "latitude": 1.5, "longitude": -2},
                },
                "otherIdentifier": [
                    {"type": "IdentifierEntry", "identifier": "12", "identifierType": "sourcedId"}
                ],
                "parentOrg": {"id": "https://example.org", "type": "Profile"},
                "givenName": "Ada",
            }
        )
        assert validate_openbadge(document) == []


class TestAchievementSubject:
    def test_the_subject_type(self) -> None:
        document = ob_credential()
        document["credentialSubject"]["type"] = "Recipient"
        assert (
            "AchievementSubject"
            in issue_at(validate_openbadge(document), f"{SUBJECT}.type").message
        )

    def test_an_id_or_an_identifier(self) -> None:
        document = ob_credential()
        del document["credentialSubject"]["id"]
        assert "identifier" in issue_at(validate_openbadge(document), SUBJECT).message

    def test_an_identifier_instead_of_an_id(self) -> None:
        document = ob_credential()
        del document["credentialSubject"]["id"]
        document["credentialSubject"]["identifier"] = [IDENTITY]
        assert validate_openbadge(document) == []

    @pytest.mark.parametrize(
        ("change", "path", "expected"),
        [
            ({"type": ["IdentityObject", "Other"]}, "type", "exactly IdentityObject"),
            ({"hashed": "true"}, "hashed", "true or false"),
            ({"identityHash": "sha256$abc"}, "identityHash", "hexadecimal"),
            ({"identityHash": "sha1$" + "a" * 40}, "identityHash", "sha256$"),
            ({"identityType": "email"}, "identityType", "IdentifierType"),
            ({"salt": 7}, "salt", "string"),
        ],
    )
    def test_identity_objects(self, change: dict[str, Any], path: str, expected: str) -> None:
        document = ob_credential()
        document["credentialSubject"]["identifier"] = [{**IDENTITY, **change}]
        issue = issue_at(validate_openbadge(document), f"{SUBJECT}.identifier[0].{path}")
        assert expected in issue.message

    @pytest.mark.parametrize(
        "change",
        [
            {"identityType": "ext:StudentCard"},
            {"hashed": False, "identityHash": "a@example.com"},
            {"identityHash": "md5$" + "A" * 32},
        ],
    )
    def test_valid_identity_objects(self, change: dict[str, Any]) -> None:
        document = ob_credential()
        document["credentialSubject"]["identifier"] = [{**IDENTITY, **change}]
        assert validate_openbadge(document) == []

    @pytest.mark.parametrize(
        ("key", "value"),
        [
            ("activityStartDate", "2024-01-01"),
            ("activityEndDate", "2024-01-01T10:00:00"),
            ("creditsEarned", 3),
            ("role", "Captain"),
            ("source", {"id": "https://example.org/assessor", "type": "Profile"}),
            ("image", {"id": "https://example.org/i.png", "type": "Image"}),
        ],
    )
    def test_optional_properties(self, key: str, value: Any) -> None:
        document = ob_credential()
        document["credentialSubject"][key] = value
        assert validate_openbadge(document) == []

    @pytest.mark.parametrize(
        ("key", "value", "expected"),
        [
            ("activityStartDate", "yesterday", "dateTime"),
            ("creditsEarned", "3", "number"),
            ("creditsEarned", True, "number"),
            ("role", ["a", "b"], "single value"),
        ],
    )
    def test_bad_optional_properties(self, key: str, value: Any, expected: str) -> None:
        document = ob_credential()
        document["credentialSubject"][key] = value
        assert expected in issue_at(validate_openbadge(document), f"{SUBJECT}.{key}").message


class TestAchievement:
    @pytest.mark.parametrize("key", ["id", "name", "description", "criteria"])
    def test_required_properties(self, key: str) -> None:
        document = ob_credential()
        del achievement(document)[key]
        issue = issue_at(validate_openbadge(document), f"{ACHIEVEMENT}.{key}")
        assert f"{key} is missing" in issue.message and "Achievement" in issue.message

    def test_the_type(self) -> None:
        document = ob_credential()
        achievement(document)["type"] = ["Badge"]
        assert error_paths(validate_openbadge(document)) == [f"{ACHIEVEMENT}.type"]

    def test_type_values_are_strings(self) -> None:
        document = ob_credential()
        achievement(document)["type"] = ["Achievement", 3]
        issue = issue_at(validate_openbadge(document), f"{ACHIEVEMENT}.type[1]")
        assert "type values" in issue.message

    def test_criteria_without_id_or_narrative(self) -> None:
        document = ob_credential()
        achievement(document)["criteria"] = {}
        issues = validate_openbadge(document)
        assert errors(issues) == []
        assert "narrative" in issue_at(issues, f"{ACHIEVEMENT}.criteria", "warning").message

    def test_criteria_is_an_object(self) -> None:
        document = ob_credential()
        achievement(document)["criteria"] = "https://example.org/criteria"
        issue = issue_at(validate_openbadge(document), f"{ACHIEVEMENT}.criteria")
        assert "class Criteria" in issue.message

    @pytest.mark.parametrize(
        ("value", "valid"),
        [("Badge", True), ("ext:Hackathon", True), ("Trophy", False), ("ext:", False), (1, False)],
    )
    def test_achievement_type_vocabulary(self, value: Any, valid: bool) -> None:
        document = ob_credential()
        achievement(document)["achievementType"] = value
        assert (validate_openbadge(document) == []) is valid

    def test_alignments(self) -> None:
        document = ob_credential()
        achievement(document)["alignment"] = [
            {"type": ["Alignment"], "targetName": "Skill", "targetUrl": "https://s.example/1"},
            {"type": ["Alignment"], "targetName": "Skill", "targetType": "Ladder"},
        ]
        issues = validate_openbadge(document)
        assert error_paths(issues) == [
            f"{ACHIEVEMENT}.alignment[1].targetUrl",
            f"{ACHIEVEMENT}.alignment[1].targetType",
        ]

    @pytest.mark.parametrize(
        ("key", "value", "path"),
        [
            ("inLanguage", "english please", "inLanguage"),
            ("tag", "one", None),
            ("tag", ["one", 2], "tag[1]"),
            ("creditsAvailable", "3.0", "creditsAvailable"),
            ("related", [{"type": ["Related"], "id": "urn:x:1", "inLanguage": "fr"}], None),
            ("related", [{"type": ["Related"]}], "related[0].id"),
            (
                "otherIdentifier",
                [{"type": "IdentifierEntry", "identifierType": "isbn"}],
                "otherIdentifier[0].identifier",
            ),
        ],
    )
    def test_other_properties(self, key: str, value: Any, path: str | None) -> None:
        document = ob_credential()
        achievement(document)[key] = value
        expected = [] if path is None else [f"{ACHIEVEMENT}.{path}"]
        assert error_paths(validate_openbadge(document)) == expected


class TestResults:
    def with_results(self, results: list[Any]) -> dict[str, Any]:
        document = ob_credential()
        achievement(document)["resultDescription"] = [
            {
                "id": "urn:uuid:grade",
                "type": ["ResultDescription"],
                "name": "Grade",
                "resultType": "RubricCriterionLevel",
                "rubricCriterionLevel": [
                    {"id": "urn:uuid:pass", "type": ["RubricCriterionLevel"], "name": "Pass"}
                ],
            },
            {
                "id": "urn:uuid:status",
                "type": ["ResultDescription"],
                "name": "Status",
                "resultType": "Status",
            },
        ]
        document["credentialSubject"]["result"] = results
        return document

    def test_linked_results(self) -> None:
        results = [
            {
                "type": ["Result"],
                "resultDescription": "urn:uuid:grade",
                "achievedLevel": "urn:uuid:pass",
            },
            {"type": ["Result"], "resultDescription": "urn:uuid:status", "status": "Completed"},
            {"type": ["Result"], "value": "A"},
        ]
        assert validate_openbadge(self.with_results(results)) == []

    def test_a_link_to_nothing(self) -> None:
        results = [{"type": ["Result"], "resultDescription": "urn:uuid:other"}]
        issues = validate_openbadge(self.with_results(results))
        assert warning_paths(issues) == [f"{SUBJECT}.result[0].resultDescription"]

    def test_a_level_the_description_lacks(self) -> None:
        results = [
            {
                "type": ["Result"],
                "resultDescription": "urn:uuid:grade",
                "achievedLevel": "urn:uuid:x",
            }
        ]
        issues = validate_openbadge(self.with_results(results))
        assert warning_paths(issues) == [f"{SUBJECT}.result[0].achievedLevel"]

    def test_a_status_result_needs_a_status(self) -> None:
        results = [{"type": ["Result"], "resultDescription": "urn:uuid:status"}]
        issue = issue_at(validate_openbadge(self.with_results(results)), f"{SUBJECT}.result[0]")
        assert "status is missing" in issue.message

    def test_status_is_a_closed_vocabulary(self) -> None:
        results = [{"type": ["Result"], "status": "ext:Paused"}]
        issue = issue_at(
            validate_openbadge(self.with_results(results)), f"{SUBJECT}.result[0].status"
        )
        assert "ResultStatusType" in issue.message and "extension" not in issue.message

    def test_result_descriptions_need_a_result_type(self) -> None:
        document = self.with_results([])
        del achievement(document)["resultDescription"][1]["resultType"]
        assert error_paths(validate_openbadge(document)) == [
            f"{ACHIEVEMENT}.resultDescription[1].resultType"
        ]

    def test_results_are_objects(self) -> None:
        issues = validate_openbadge(self.with_results(["A"]))
        assert error_paths(issues) == [f"{SUBJECT}.result[0]"]


def test_validate_document_dispatches_presentations() -> None:
    presentation = {"@context": [VC2_CONTEXT], "type": ["VerifiablePresentation"], "holder": 3}
    assert error_paths(validate_document(presentation)) == ["holder"]


def test_validate_document_on_a_plain_credential() -> None:
    document = ob_credential()
    document["type"] = ["VerifiableCredential"]
    assert validate_document(document) == []


def test_validate_document_on_a_non_object() -> None:
    issue = issue_at(validate_document(["not", "a", "document"]), "")
    assert issue.problem == "PARSING_ERROR"
