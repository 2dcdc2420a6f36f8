"""validate_openbadge on EndorsementCredentials, on their own and embedded in badges."""

from __future__ import annotations

import pytest

from microcred.core.documents import VC2_CONTEXT, validate_openbadge
from tests.unit.core.documents.support import endorsement, error_paths, issue_at, ob_credential


class TestEndorsements:
    def test_an_embedded_endorsement(self) -> None:
        document = ob_credential()
        document["credentialSubject"]["achievement"]["endorsement"] = [endorsement()]
        assert validate_openbadge(document) == []

    def test_an_embedded_endorsement_is_checked_in_full(self) -> None:
        document = ob_credential()
        document["endorsement"] = [endorsement(issuer="nobody", name=None)]
        assert error_paths(validate_openbadge(document)) == [
            "endorsement[0].issuer",
            "endorsement[0].name",
        ]

    def test_an_embedded_endorsement_has_the_endorsement_type(self) -> None:
        document = ob_credential()
        document["issuer"]["endorsement"] = [endorsement(type=["VerifiableCredential"])]
        issue = issue_at(validate_openbadge(document), "issuer.endorsement[0].type")
        assert "EndorsementCredential" in issue.message

    def test_an_endorsement_is_an_object(self) -> None:
        document = ob_credential()
        document["endorsement"] = ["https://example.org/endorsements/1"]
        issue = issue_at(validate_openbadge(document), "endorsement[0]")
        assert "EndorsementCredential objects" in issue.message

    @pytest.mark.parametrize("key", ["name", "id", "validFrom"])
    def test_endorsement_required_properties(self, key: str) -> None:
        issues = validate_openbadge(endorsement(**{key: None}))
        assert f"{key} is missing" in issue_at(issues, key).message

    def test_the_endorsement_subject_needs_an_id(self) -> None:
        document = endorsement()
        del document["credentialSubject"]["id"]
        assert error_paths(validate_openbadge(document)) == ["credentialSubject.id"]

    def test_the_endorsement_context(self) -> None:
        issues = validate_openbadge(endorsement(**{"@context": [VC2_CONTEXT]}))
        assert error_paths(issues) == ["@context"]
