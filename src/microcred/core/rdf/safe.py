"""Errors of JSON-LD processing and of safe mode, located in the document.

Safe mode (as in jsonld.js ``safe: true``) turns every warning that would silently drop
data from the signed statements into an error: an undefined property or type, a relative
IRI, an invalid language tag, a free-floating value, ``@direction`` without a direction
mode, and so on.  The walker raises :class:`JsonLdError` where it finds the problem; each
enclosing level adds its key or array index while the error unwinds, so the message says
where the problem is without any cost on the normal path.
"""

from __future__ import annotations

from microcred.core.errors import CanonicalizationError


class JsonLdError(CanonicalizationError):
    """A JSON-LD processing error or a safe-mode violation.

    ``code`` is the JSON-LD error code (e.g. ``protected term redefinition``) or the
    jsonld.js safe-mode event code (e.g. ``invalid property``); ``path`` is where in the
    document it happened, outermost first.
    """

    def __init__(self, code: str, subject: str, problem: str) -> None:
        self.code = code
        self.subject = subject
        self.problem = problem
        self.path: list[str | int] = []
        super().__init__(self._text())

    def locate(self, segment: str | int) -> JsonLdError:
        """Prefix the location with an enclosing key or array index."""
        self.path.insert(0, segment)
        self.args = (self._text(),)
        return self

    @property
    def location(self) -> str:
        text = ""
        for segment in self.path:
            if isinstance(segment, int):
                text += f"[{segment}]"
            else:
                text += f".{segment}" if text else segment
        return text

    def _text(self) -> str:
        where = f" at {self.location}" if self.path else ""
        return f"{self.subject}{where} {self.problem}"

    def __str__(self) -> str:
        return self._text()


def unsafe(code: str, subject: str, problem: str) -> JsonLdError:
    """A safe-mode violation: processing would drop ``subject`` from the signed data."""
    return JsonLdError(code, subject, problem)


def invalid(code: str, subject: str, problem: str) -> JsonLdError:
    """A JSON-LD processing error (the document or a context is not valid JSON-LD)."""
    return JsonLdError(code, subject, problem)
