"""Shared test data for the documents tests: sample documents and small helpers."""

from __future__ import annotations

import copy
from typing import Any

from microcred.core.documents import (
    OB_CONTEXT,
    VC2_CONTEXT,
    Issue,
    errors,
)
from microcred.core.loader import DocumentLoader
from microcred.core.rdf import canonize
from tests.conftest import load_json

UNDEFINED_TERMS_CONTEXT = "https://www.w3.org/ns/credentials/undefined-terms/v2"
UNDEFINED_TERM_IRI = "https://www.w3.org/ns/credentials/undefined-term#"

OB_UNSIGNED = "ob30-spec-test-vector/unsigned.json"
CLR_UNSIGNED = "clr20-spec-test-vector/unsigned.json"


def vector(path: str) -> dict[str, Any]:
    """A fresh copy of a test vector (tests may change it)."""
    document: dict[str, Any] = load_json(path)
    return document


def error_paths(issues: list[Issue]) -> list[str]:
    return [issue.path for issue in errors(issues)]


def warning_paths(issues: list[Issue]) -> list[str]:
    return [issue.path for issue in issues if issue.severity == "warning"]


def issue_at(issues: list[Issue], path: str, severity: str = "error") -> Issue:
    """The first issue at ``path`` of the given severity (fails the test if none)."""
    found = [i for i in issues if i.path == path and i.severity == severity]
    assert found, f"no {severity} at {path!r}; got {[(i.path, i.message) for i in issues]}"
    return found[0]


def undefined_terms(document: dict[str, Any]) -> list[str]:
    """N-Quads that use a term no context defines (the document must also canonize)."""
    loader = DocumentLoader()
    canonize(document, loader)
    probe = copy.deepcopy(document)
    contexts = probe["@context"]
    probe["@context"] = [*contexts, UNDEFINED_TERMS_CONTEXT]
    return [line for line in canonize(probe, loader).splitlines() if UNDEFINED_TERM_IRI in line]


def minimal_credential(**changes: Any) -> dict[str, Any]:
    """A valid VC 2.0 credential; keyword arguments replace (``None`` removes) properties."""
    document: dict[str, Any] = {
        "@context": [VC2_CONTEXT],
        "id": "urn:uuid:6a9c92a9-2530-4e2b-9776-530467e9bbe0",
        "type": ["VerifiableCredential"],
        "issuer": "did:example:issuer",
        "validFrom": "2024-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:subject", "name": "Alice"},
    }
    return _changed(document, changes)


def _changed(document: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    for key, value in changes.items():
        if value is None:
            document.pop(key, None)
        else:
            document[key] = value
    return document


def ob_credential() -> dict[str, Any]:
    """The OB 3.0 specification's unsigned test vector."""
    return vector(OB_UNSIGNED)


def clr_credential() -> dict[str, Any]:
    """The CLR 2.0 specification's unsigned test vector."""
    return vector(CLR_UNSIGNED)


def endorsement(**changes: Any) -> dict[str, Any]:
    """A valid EndorsementCredential."""
    document: dict[str, Any] = {
        "@context": [VC2_CONTEXT, OB_CONTEXT],
        "id": "urn:uuid:9f2d7c1e-1b0e-4a55-8d8e-0a1c3c0f4e21",
        "type": ["VerifiableCredential", "EndorsementCredential"],
        "name": "Endorsement of the Teamwork badge",
        "issuer": {"id": "did:example:endorser", "type": ["Profile"], "name": "Endorser"},
        "validFrom": "2024-01-01T00:00:00Z",
        "credentialSubject": {
            "id": "https://example.com/achievements/21st-century-skills/teamwork",
            "type": ["EndorsementSubject"],
            "endorsementComment": "A well designed badge.",
        },
    }
    return _changed(document, changes)
