"""Active contexts and term definitions of JSON-LD 1.1, and IRI expansion (§4.1, §5.2).

Active contexts are immutable once built: everything derived from one (a context applied on
top of it, the meaning of a key) is memoized on it, which is what makes repeated documents
cheap (see :mod:`.context` and :mod:`.keys`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Final

from microcred.core.rdf import iri as iris

#: Bound on the per-context memo (untrusted keys must not grow it for ever).
MAX_MEMO = 4096

BCP47 = re.compile(r"[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*\Z")


class Unset(Enum):
    """Marks a language or direction mapping that is absent (``None`` means ``null``)."""

    TOKEN = 0


UNSET: Final = Unset.TOKEN


@dataclass(frozen=True, slots=True, eq=False)
class TermDefinition:
    """One term definition (JSON-LD 1.1 §4.1)."""

    iri: str | None
    prefix: bool = False
    protected: bool = False
    reverse: bool = False
    type_mapping: str | None = None
    container: frozenset[str] = frozenset()
    has_context: bool = False
    context: Any = None
    base_url: str | None = None
    language: str | Unset | None = UNSET
    direction: str | Unset | None = UNSET
    index: str | None = None
    nest: str | None = None

    def same_as(self, other: TermDefinition) -> bool:
        """Equal in everything but the protected flag."""
        return (
            self.iri == other.iri
            and self.prefix == other.prefix
            and self.reverse == other.reverse
            and self.type_mapping == other.type_mapping
            and self.container == other.container
            and self.has_context == other.has_context
            and self.context == other.context
            and self.language == other.language
            and self.direction == other.direction
            and self.index == other.index
            and self.nest == other.nest
        )


@dataclass(eq=False)
class ActiveContext:
    """An active context.  Treat as immutable once returned by the processor."""

    terms: dict[str, TermDefinition] = field(default_factory=dict)
    base: str | None = None
    original_base: str | None = None
    vocab: str | None = None
    language: str | None = None
    direction: str | None = None
    previous: ActiveContext | None = None
    #: Contexts derived from this one, by cache key (see ContextProcessor.derive).
    derived: dict[Any, tuple[Any, ActiveContext]] = field(default_factory=dict)
    #: Memo of anything computed from this context alone (used by the walker).
    memo: dict[Any, Any] = field(default_factory=dict)

    def clone(self) -> ActiveContext:
        return ActiveContext(
            terms=dict(self.terms),
            base=self.base,
            original_base=self.original_base,
            vocab=self.vocab,
            language=self.language,
            direction=self.direction,
            previous=self.previous,
        )

    def has_protected(self) -> bool:
        return any(term.protected for term in self.terms.values())

    def remember(self, key: Any, value: Any) -> None:
        if len(self.memo) < MAX_MEMO:
            self.memo[key] = value


def expand_iri(
    active: ActiveContext,
    value: str,
    *,
    vocab: bool = False,
    relative: bool = False,
) -> str | None:
    """IRI expansion (§5.2) outside context processing.

    Returns an IRI, a blank node identifier, a keyword, ``None`` (for a keyword-like value
    or a term mapped to ``null``), or the value unchanged when it cannot be made absolute.
    """
    colon = value.find(":")
    if not vocab and colon > 0 and value.startswith("//", colon + 1):
        # "scheme://...": no prefix applies, and no term (a term in the form of an IRI
        # must map to that IRI) maps it to a keyword.  The usual @id.
        return value
    if value[:1] == "@":
        if iris.is_keyword(value):
            return value
        if iris.has_keyword_form(value):
            return None
    definition = active.terms.get(value)
    if definition is not None and (vocab or iris.is_keyword(definition.iri or "")):
        return definition.iri
    if colon > 0:
        prefix, suffix = value[:colon], value[colon + 1 :]
        if prefix == "_" or suffix.startswith("//"):
            return value
        prefix_def = active.terms.get(prefix)
        if prefix_def is not None and prefix_def.iri is not None and prefix_def.prefix:
            return prefix_def.iri + suffix
        if iris.is_absolute_iri(value):
            return value
    if vocab and active.vocab is not None:
        return active.vocab + value
    if relative and active.base is not None:
        return iris.resolve(value, active.base)
    return value
