"""Issue, errors() and ensure_valid()."""

from __future__ import annotations

import pytest

from microcred.core.documents import Issue, ensure_valid, errors
from microcred.core.errors import DocumentError

WARNING = Issue("validFrom", "validFrom has no offset.", "MALFORMED_VALUE_ERROR", "warning")
ERROR = Issue("validUntil", "validUntil is early.", "RANGE_ERROR")
ROOT = Issue("", "The credential must be a JSON object.", "PARSING_ERROR")


def test_defaults() -> None:
    issue = Issue("id", "id must be a URL.")
    assert issue.problem == "MALFORMED_VALUE_ERROR"
    assert issue.severity == "error" and issue.is_error


def test_to_json() -> None:
    assert WARNING.to_json() == {
        "path": "validFrom",
        "message": "validFrom has no offset.",
        "problem": "MALFORMED_VALUE_ERROR",
        "severity": "warning",
    }


def test_issues_are_values() -> None:
    assert Issue("a", "b") == Issue("a", "b")
    assert len({Issue("a", "b"), Issue("a", "b")}) == 1


def test_errors_keeps_only_errors() -> None:
    assert errors([WARNING, ERROR, ROOT]) == [ERROR, ROOT]


def test_ensure_valid_accepts_warnings() -> None:
    ensure_valid([WARNING])
    ensure_valid([])


def test_ensure_valid_names_every_error() -> None:
    with pytest.raises(DocumentError) as raised:
        ensure_valid([WARNING, ERROR, ROOT], "credential")
    message = str(raised.value)
    assert message == (
        "the credential is not valid: validUntil: validUntil is early.; "
        "The credential must be a JSON object."
    )
    assert raised.value.problem == "RANGE_ERROR"
