"""Data-model issues: where a document breaks a rule, in a plain sentence, with a problem code."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from microcred.core.errors import DocumentError
from microcred.core.report import Problem

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Issue:
    """One broken rule.

    ``path`` locates the value (``credentialSubject[1].id``; empty for the document
    itself), ``message`` is a sentence that names the property and what is wrong,
    ``problem`` is a VC Data Model problem code and ``severity`` is ``"error"`` (the
    document is not valid) or ``"warning"`` (valid, but worth knowing).
    """

    path: str
    message: str
    problem: str = Problem.MALFORMED_VALUE_ERROR.value
    severity: Severity = "error"

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def to_json(self) -> dict[str, str]:
        return {
            "path": self.path,
            "message": self.message,
            "problem": self.problem,
            "severity": self.severity,
        }


def errors(issues: Iterable[Issue]) -> list[Issue]:
    """Only the issues of severity ``error``."""
    return [issue for issue in issues if issue.is_error]


def ensure_valid(issues: Iterable[Issue], what: str = "document") -> None:
    """Raise :class:`DocumentError` naming every error among ``issues``, if there is one."""
    found = errors(issues)
    if not found:
        return
    where = "; ".join(f"{i.path}: {i.message}" if i.path else i.message for i in found)
    error = DocumentError(f"the {what} is not valid: {where}")
    error.problem = found[0].problem
    raise error


def join_path(base: str, rest: str) -> str:
    """``base`` followed by the relative path ``rest`` (``key``, ``[0]`` or ``key.sub``)."""
    if not base:
        return rest
    if not rest:
        return base
    return base + rest if rest.startswith("[") else f"{base}.{rest}"


def prefixed(issues: Iterable[Issue], base: str) -> list[Issue]:
    """The issues of an embedded document, with paths made relative to the outer one."""
    return [replace(issue, path=join_path(base, issue.path)) for issue in issues]


def each(value: Any, path: str) -> Iterator[tuple[str, Any]]:
    """``(path, item)`` for every item of a list, or for the single value itself."""
    if isinstance(value, list):
        for index, item in enumerate(value):
            yield f"{path}[{index}]", item
    else:
        yield path, value


@dataclass
class Collector:
    """Gathers the issues of one validation run (a local accumulator, never shared)."""

    issues: list[Issue] = field(default_factory=list)

    def error(
        self, path: str, message: str, problem: Problem = Problem.MALFORMED_VALUE_ERROR
    ) -> None:
        self.issues.append(Issue(path, message, problem.value, "error"))

    def warning(
        self, path: str, message: str, problem: Problem = Problem.MALFORMED_VALUE_ERROR
    ) -> None:
        self.issues.append(Issue(path, message, problem.value, "warning"))

    def extend(self, issues: Iterable[Issue]) -> None:
        self.issues.extend(issues)
