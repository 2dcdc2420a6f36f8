"""The Open Badges 3.0 builders: valid, canonizable, every emitted term defined."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from microcred.core.documents import (
    OB_CONTEXT,
    OB_EXTENSIONS_CONTEXT,
    VC2_CONTEXT,
    Alignment,
    Criteria,
    Evidence,
    IdentityObject,
    Image,
    Result,
    ResultDescription,
    build_achievement,
    build_endorsement_credential,
    build_open_badge_credential,
    build_presentation,
    build_profile,
    hash_identity,
    matches_identity,
    timestamp,
    validate_credential,
    validate_document,
    validate_openbadge,
)
from microcred.core.errors import CanonicalizationError, DocumentError
from tests.unit.core.documents.support import undefined_terms

ISSUER_ID = "https://example.edu/issuers/565049"
VALID_FROM = datetime(2024, 1, 1, tzinfo=UTC)
STATUS = {
    "id": "https://example.edu/status/1#5",
    "type": "BitstringStatusListEntry",
    "statusPurpose": "revocation",
    "statusListIndex": "5",
    "statusListCredential": "https://example.edu/status/1",
}


def achievement(**changes: Any) -> dict[str, Any]:
    arguments: dict[str, Any] = {
        "id": "https://example.edu/achievements/teamwork",
        "name": "Teamwork",
        "description": "Collaborates within a group.",
        "criteria": Criteria(narrative="Nominated by peers."),
    }
    arguments.update(changes)
    return build_achievement(**arguments)


def full_achievement() -> dict[str, Any]:
    return achievement(
        criteria=Criteria(narrative="Nominated by peers.", id="https://example.edu/criteria/1"),
        achievement_type="Badge",
        image=Image("https://example.edu/badge.png", caption="The badge"),
        alignments=[
            Alignment(
                "Teamwork",
                "https://skills.example/teamwork",
                target_framework="Skills",
                target_code="T1",
                target_type="CFItem",
                target_description="Working together",
            )
        ],
        creator=build_profile(id=ISSUER_ID, name="Example University"),
        tags=["team", "soft skill"],
        result_descriptions=[
            ResultDescription(
                "urn:uuid:grade",
                "Grade",
                "LetterGrade",
                allowed_values=("A", "B", "C"),
                required_value="C",
                value_min="C",
                value_max="A",
                alignments=(Alignment("Grade scale", "https://example.edu/scale"),),
            )
        ],
        credits_available=3.0,
        human_code="TW-1",
        field_of_study="Soft skills",
        specialization="Group work",
        version="2",
        in_language="en",
    )


def full_profile() -> dict[str, Any]:
    return build_profile(
        id=ISSUER_ID,
        name="Example University",
        url="https://example.edu",
        email="badges@example.edu",
        description="A university.",
        image=Image("https://example.edu/logo.png"),
        phone="+1 555 0100",
        official="Registrar",
        parent_org=build_profile(id="https://example.org", name="Example Org"),
    )


def badge(**changes: Any) -> dict[str, Any]:
    arguments: dict[str, Any] = {
        "id": "urn:uuid:3a1c7f5e-0b8f-4ef6-9d38-5b9a2f6f2c11",
        "issuer": build_profile(id=ISSUER_ID, name="Example University"),
        "achievement": achievement(),
        "recipient": "did:example:learner",
        "valid_from": VALID_FROM,
        "name": "Teamwork Badge",
    }
    arguments.update(changes)
    return build_open_badge_credential(**arguments)


def endorsement(**changes: Any) -> dict[str, Any]:
    arguments: dict[str, Any] = {
        "id": "urn:uuid:0c6a3f3e-2e0a-4c33-a0f6-5a7c7f0e9d12",
        "issuer": build_profile(id="did:example:endorser", name="Endorser"),
        "subject_id": ISSUER_ID,
        "valid_from": "2024-02-01T00:00:00Z",
        "name": "Endorsement of Example University",
    }
    arguments.update(changes)
    return build_endorsement_credential(**arguments)


class TestOpenBadgeCredential:
    def test_a_minimal_badge(self) -> None:
        built = badge()
        assert built == {
            "@context": [VC2_CONTEXT, OB_CONTEXT],
            "id": "urn:uuid:3a1c7f5e-0b8f-4ef6-9d38-5b9a2f6f2c11",
            "type": ["VerifiableCredential", "OpenBadgeCredential"],
            "name": "Teamwork Badge",
            "issuer": {"id": ISSUER_ID, "type": ["Profile"], "name": "Example University"},
            "validFrom": "2024-01-01T00:00:00Z",
            "credentialSubject": {
                "type": ["AchievementSubject"],
                "achievement": achievement(),
                "id": "did:example:learner",
            },
        }
        assert validate_credential(built) == [] and validate_openbadge(built) == []
        assert undefined_terms(built) == []

    def test_a_full_badge(self) -> None:
        built = badge(
            issuer=full_profile(),
            achievement=full_achievement(),
            recipient=hash_identity("a@example.com", "Kosher"),
            valid_until=datetime(2030, 1, 1, 12, tzinfo=timezone(timedelta(hours=2))),
            description="Awarded for teamwork.",
            evidence=[
                Evidence(
                    id="https://example.edu/evidence/1",
                    name="Project",
                    description="A group project.",
                    narrative="Led the team.",
                    genre="Project",
                    audience="Employers",
                ),
                {"type": ["Evidence"], "narrative": "Given as a mapping."},
            ],
            credential_status=STATUS,
            results=[Result(value="A", result_description="urn:uuid:grade")],
            awarded_date="2024-01-01T09:00:00+01:00",
            image=Image("https://example.edu/badge.png"),
            endorsements=[endorsement()],
            credential_type="AchievementCredential",
            json_schema=True,
        )
        assert built["validUntil"] == "2030-01-01T10:00:00Z"
        assert built["@context"] == [VC2_CONTEXT, OB_CONTEXT, OB_EXTENSIONS_CONTEXT]
        assert built["credentialSubject"]["identifier"][0]["identityHash"].startswith("sha256$")
        assert validate_document(built) == []
        assert undefined_terms(built) == []

    def test_results_with_status_and_levels(self) -> None:
        levels = {
            "id": "urn:uuid:pass",
            "type": ["RubricCriterionLevel"],
            "name": "Pass",
            "points": "1",
        }
        description = ResultDescription("urn:uuid:s", "Status", "Status").to_json()
        rubric = {**description, "id": "urn:uuid:r", "resultType": "RubricCriterionLevel"}
        rubric["rubricCriterionLevel"] = [levels]
        built = badge(
            achievement=achievement(result_descriptions=[])
            | {"resultDescription": [description, rubric]},
            results=[
                Result(result_description="urn:uuid:s", status="Completed"),
                Result(result_description="urn:uuid:r", achieved_level="urn:uuid:pass"),
                Result(value="1", alignments=(Alignment("Skill", "https://s.example/1"),)),
            ],
        )
        assert validate_document(built) == []
        assert undefined_terms(built) == []

    def test_refuses_an_invalid_badge(self) -> None:
        with pytest.raises(DocumentError, match=r"credentialSubject\.achievement\.criteria") as err:
            badge(achievement=achievement() | {"criteria": "https://example.edu/c"})
        assert err.value.problem == "MALFORMED_VALUE_ERROR"

    def test_refuses_a_bad_recipient(self) -> None:
        with pytest.raises(DocumentError, match=r"credentialSubject\.id"):
            badge(recipient="learner@example.com")

    @pytest.mark.parametrize(
        "value", ["2024-01-01", "2024-01-01T00:00:00", "soon", datetime(2024, 1, 1)]
    )
    def test_refuses_dates_without_timezone(self, value: Any) -> None:
        with pytest.raises(DocumentError):
            badge(valid_from=value)


class TestEndorsementCredential:
    def test_an_endorsement(self) -> None:
        built = endorsement(
            comment="Well run.",
            valid_until="2030-01-01T00:00:00Z",
            description="An endorsement.",
            credential_status=STATUS,
        )
        assert built["credentialSubject"] == {
            "id": ISSUER_ID,
            "type": ["EndorsementSubject"],
            "endorsementComment": "Well run.",
        }
        assert validate_document(built) == []
        assert undefined_terms(built) == []

    def test_refuses_a_bad_subject(self) -> None:
        with pytest.raises(DocumentError, match=r"credentialSubject\.id"):
            endorsement(subject_id="Example University")


class TestParts:
    def test_a_profile_leaves_out_what_is_not_given(self) -> None:
        assert build_profile(id=ISSUER_ID) == {"id": ISSUER_ID, "type": ["Profile"]}

    def test_an_achievement(self) -> None:
        built = full_achievement()
        assert built["criteria"] == {
            "id": "https://example.edu/criteria/1",
            "narrative": "Nominated by peers.",
        }
        assert built["alignment"][0]["type"] == ["Alignment"]
        assert built["resultDescription"][0]["allowedValue"] == ["A", "B", "C"]
        assert built["image"] == {
            "id": "https://example.edu/badge.png",
            "type": "Image",
            "caption": "The badge",
        }

    def test_timestamp(self) -> None:
        assert timestamp(datetime(2024, 5, 1, 8, 30, 15, 250000, tzinfo=UTC)) == (
            "2024-05-01T08:30:15.250000Z"
        )
        assert timestamp("2024-05-01T08:30:15-03:00") == "2024-05-01T08:30:15-03:00"


class TestIdentity:
    def test_the_specification_example(self) -> None:
        identity = hash_identity("a@example.com", "Kosher")
        assert identity == IdentityObject(
            "sha256$b5809d8a92f8858436d7e6b87c12ebc0ae1eac4baecc2c0b913aee2c922ef399",
            "emailAddress",
            hashed=True,
            salt="Kosher",
        )
        assert identity.to_json() == {
            "type": "IdentityObject",
            "identityHash": identity.identity_hash,
            "identityType": "emailAddress",
            "hashed": True,
            "salt": "Kosher",
        }

    def test_a_random_salt(self) -> None:
        first, second = hash_identity("a@example.com"), hash_identity("a@example.com")
        assert first.salt and second.salt and first.salt != second.salt
        assert len(first.salt) == 32
        assert matches_identity(first, "a@example.com")

    def test_another_identity_type(self) -> None:
        assert hash_identity("jdoe", "s", identity_type="userName").identity_type == "userName"

    @given(value=st.text(max_size=40), salt=st.text(max_size=16))
    def test_matches_what_it_hashed(self, value: str, salt: str) -> None:
        identity = hash_identity(value, salt)
        assert matches_identity(identity, value)
        assert matches_identity(identity.to_json(), value)
        assert not matches_identity(identity, value + "x")

    def test_md5_and_uppercase_hashes(self) -> None:
        digest = hashlib.md5(b"a@example.comsalt", usedforsecurity=False).hexdigest().upper()
        identity = {"identityHash": f"md5${digest}", "hashed": True, "salt": "salt"}
        assert matches_identity(identity, "a@example.com")

    def test_unsalted_hashes(self) -> None:
        digest = hashlib.sha256(b"a@example.com").hexdigest()
        assert matches_identity(
            {"identityHash": f"sha256${digest}", "hashed": True}, "a@example.com"
        )

    def test_plain_identities(self) -> None:
        plain = IdentityObject("a@example.com", hashed=False)
        assert matches_identity(plain, "a@example.com")
        assert not matches_identity(plain, "b@example.com")

    @pytest.mark.parametrize(
        "identity",
        [{"hashed": True}, {"identityHash": "sha1$abc", "hashed": True}, {"identityHash": 5}],
    )
    def test_unusable_identities_match_nothing(self, identity: dict[str, Any]) -> None:
        assert not matches_identity(identity, "a@example.com")


def test_a_presentation_of_built_credentials_canonizes() -> None:
    presentation = build_presentation(
        holder="did:example:learner", credentials=[badge(), endorsement()]
    )
    assert validate_document(presentation) == []
    assert undefined_terms(presentation) == []


def test_the_undefined_term_probe_sees_an_undefined_property() -> None:
    document = badge() | {"unknownProperty": "value"}
    try:
        found = undefined_terms(document)
    except CanonicalizationError:
        return  # canonize's safe mode refuses the document by itself
    assert found
