"""Untrusted input: any JSON, anywhere in a document, gives issues and never an exception."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from microcred.core.documents import (
    Issue,
    validate_credential,
    validate_document,
    validate_openbadge,
    validate_presentation,
)
from tests.unit.core.documents.support import clr_credential, endorsement, ob_credential

JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12)
    | st.sampled_from(["did:example:a", "Achievement", "2024-01-01T00:00:00Z", "ext:X"]),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)
VALIDATORS = (validate_credential, validate_presentation, validate_openbadge, validate_document)


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path to a value inside ``node`` (keys and list indexes)."""
    found = [prefix] if prefix else []
    if isinstance(node, dict):
        for key, value in node.items():
            found.extend(_paths(value, (*prefix, key)))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found.extend(_paths(value, (*prefix, index)))
    return found


def _replace(document: Any, path: tuple[Any, ...], value: Any) -> None:
    for step in path[:-1]:
        document = document[step]
    document[path[-1]] = value


def _presentation() -> dict[str, Any]:
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiablePresentation"],
        "holder": {"id": "did:example:holder"},
        "verifiableCredential": [ob_credential(), endorsement()],
        "proof": {"type": "DataIntegrityProof"},
    }


def _all_issues(document: Any) -> list[Issue]:
    issues: list[Issue] = []
    for validate in VALIDATORS:
        issues.extend(validate(document))
    return issues


@given(value=JSON)
def test_any_json_value_as_a_document(value: Any) -> None:
    assert all(isinstance(issue, Issue) for issue in _all_issues(value))


@settings(suppress_health_check=[HealthCheck.too_slow], max_examples=400)
@given(data=st.data(), value=JSON)
def test_any_json_value_anywhere_in_a_credential(data: st.DataObject, value: Any) -> None:
    document = data.draw(
        st.sampled_from([ob_credential, clr_credential, endorsement, _presentation])
    )()
    path = data.draw(st.sampled_from(_paths(document)))
    _replace(document, path, value)
    for issue in _all_issues(document):
        assert isinstance(issue.message, str) and issue.message
        assert issue.severity in ("error", "warning")
