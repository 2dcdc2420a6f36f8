"""Verification reports: an ordered list of named checks, never a bare boolean."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Outcome(StrEnum):
    PASS = "pass"  # noqa: S105 (an outcome, not a password)
    FAIL = "fail"
    WARNING = "warning"
    SKIPPED = "skipped"


class Problem(StrEnum):
    """Problem codes of the VC Data Model 2.0, Data Integrity, Controlled Identifiers and
    Bitstring Status List specifications (``ProblemDetails.type`` fragments)."""

    PARSING_ERROR = "PARSING_ERROR"
    CRYPTOGRAPHIC_SECURITY_ERROR = "CRYPTOGRAPHIC_SECURITY_ERROR"
    MALFORMED_VALUE_ERROR = "MALFORMED_VALUE_ERROR"
    RANGE_ERROR = "RANGE_ERROR"
    PROOF_GENERATION_ERROR = "PROOF_GENERATION_ERROR"
    PROOF_VERIFICATION_ERROR = "PROOF_VERIFICATION_ERROR"
    PROOF_TRANSFORMATION_ERROR = "PROOF_TRANSFORMATION_ERROR"
    INVALID_DOMAIN_ERROR = "INVALID_DOMAIN_ERROR"
    INVALID_CHALLENGE_ERROR = "INVALID_CHALLENGE_ERROR"
    INVALID_VERIFICATION_METHOD_URL = "INVALID_VERIFICATION_METHOD_URL"
    INVALID_CONTROLLED_IDENTIFIER_DOCUMENT_ID = "INVALID_CONTROLLED_IDENTIFIER_DOCUMENT_ID"
    INVALID_CONTROLLED_IDENTIFIER_DOCUMENT = "INVALID_CONTROLLED_IDENTIFIER_DOCUMENT"
    INVALID_VERIFICATION_METHOD = "INVALID_VERIFICATION_METHOD"
    INVALID_RELATIONSHIP_FOR_VERIFICATION_METHOD = "INVALID_RELATIONSHIP_FOR_VERIFICATION_METHOD"
    STATUS_RETRIEVAL_ERROR = "STATUS_RETRIEVAL_ERROR"
    STATUS_VERIFICATION_ERROR = "STATUS_VERIFICATION_ERROR"
    STATUS_LIST_LENGTH_ERROR = "STATUS_LIST_LENGTH_ERROR"


@dataclass(frozen=True)
class Check:
    """One named check: its outcome, a plain-language sentence and a problem code."""

    name: str
    outcome: Outcome
    message: str
    problem: str | None = None

    @classmethod
    def passed(cls, name: str, message: str) -> Check:
        return cls(name, Outcome.PASS, message)

    @classmethod
    def failed(cls, name: str, message: str, problem: str | None = None) -> Check:
        return cls(name, Outcome.FAIL, message, problem)

    @classmethod
    def warning(cls, name: str, message: str, problem: str | None = None) -> Check:
        return cls(name, Outcome.WARNING, message, problem)

    @classmethod
    def skipped(cls, name: str, message: str) -> Check:
        return cls(name, Outcome.SKIPPED, message)

    def to_json(self) -> dict[str, Any]:
        return {
            "check": self.name,
            "outcome": self.outcome.value,
            "message": self.message,
            "problem": self.problem,
        }


@dataclass
class VerificationReport:
    """The result of verifying one credential or presentation."""

    checks: list[Check] = field(default_factory=list)
    #: The parsed document, when parsing succeeded.
    document: Any = None
    #: What was verified: "credential", "presentation", "ob2-assertion", ...
    kind: str = "credential"

    @property
    def verified(self) -> bool:
        return bool(self.checks) and not any(c.outcome is Outcome.FAIL for c in self.checks)

    def add(self, check: Check) -> Check:
        self.checks.append(check)
        return check

    def extend(self, checks: Iterable[Check]) -> None:
        self.checks.extend(checks)

    def __iter__(self) -> Iterator[Check]:
        return iter(self.checks)

    def get(self, name: str) -> Check | None:
        """The first check of that name, if any."""
        return next((c for c in self.checks if c.name == name), None)

    @property
    def failures(self) -> list[Check]:
        return [c for c in self.checks if c.outcome is Outcome.FAIL]

    @property
    def warnings(self) -> list[Check]:
        return [c for c in self.checks if c.outcome is Outcome.WARNING]

    def to_json(self) -> dict[str, Any]:
        return {
            "verified": self.verified,
            "kind": self.kind,
            "checks": [c.to_json() for c in self.checks],
        }
