"""What a key of a JSON-LD map means in one active context, computed once per context.

The walker asks, for every key it meets, what the key expands to, how the key's values
are coerced and which container it has.  :func:`key_info` answers from the memo of the
active context, so for a bundled context every answer is computed once per processor.
"""

from __future__ import annotations

from dataclasses import dataclass

from microcred.core.rdf import iri as iris
from microcred.core.rdf.active import UNSET, ActiveContext, TermDefinition, expand_iri
from microcred.core.rdf.nquads import XSD_STRING, is_valid_iri_text
from microcred.core.rdf.values import direction_datatype

#: rdfDirection modes supported: None (safe mode rejects @direction) or "i18n-datatype".
DIRECTION_MODES = (None, "i18n-datatype")


@dataclass(frozen=True, slots=True, eq=False)
class KeyInfo:
    """A key's expansion and value handling in one active context."""

    key: str
    #: The expanded key: a keyword, an IRI, a blank node id, a relative IRI or None.
    iri: str | None
    term: TermDefinition | None
    #: ``<iri>`` when the key is a usable RDF predicate, else "".
    pred: str
    container: frozenset[str]
    #: "@id" or "@vocab" when string values are IRIs.
    coerce: str | None
    #: Datatype for typed values (None: natural type); "@json" for JSON literals.
    datatype: str | None
    #: Text after a string literal's closing quote, or None when the string needs the
    #: slow path (a base direction without a direction mode).
    suffix: str | None
    language: str | None
    direction: str | None
    #: The keyword the key stands for, if any.
    keyword: str | None = None
    #: True when a string value needs no container, scoped context or reverse handling.
    plain: bool = False
    #: True when a string value is the literal ``"value"`` followed by ``suffix`` (plain,
    #: a usable predicate and no IRI coercion).
    literal: bool = False

    @property
    def scoped(self) -> bool:
        return self.term is not None and self.term.has_context


def key_info(ctx: ActiveContext, key: str, rdf_direction: str | None) -> KeyInfo:
    """The :class:`KeyInfo` of ``key`` in ``ctx`` (memoized on ``ctx``)."""
    found: KeyInfo | None = ctx.memo.get(key)
    if found is None:
        found = _compute(ctx, key, rdf_direction)
        ctx.remember(key, found)
    return found


def _compute(ctx: ActiveContext, key: str, rdf_direction: str | None) -> KeyInfo:
    if type(key) is not str:  # see Canonicalizer.to_rdf
        raise TypeError(f"a map key is a {type(key).__name__}, not a string")
    expanded = expand_iri(ctx, key, vocab=True)
    term = ctx.terms.get(key)
    pred = ""
    if expanded is not None and iris.is_absolute_iri(expanded) and not expanded.startswith("_:"):
        pred = f"<{expanded}>" if is_valid_iri_text(expanded) else ""
    mapping = term.type_mapping if term is not None else None
    coerce = mapping if mapping in ("@id", "@vocab") else None
    datatype = None if mapping in (None, "@id", "@vocab", "@none") else mapping
    language = ctx.language
    direction = ctx.direction
    if term is not None:
        language = ctx.language if term.language is UNSET else term.language
        direction = ctx.direction if term.direction is UNSET else term.direction
    suffix = _suffix(datatype, language, direction, rdf_direction)
    plain = (
        suffix is not None
        and datatype != "@json"
        and (term is None or not (term.container or term.has_context or term.reverse))
    )
    return KeyInfo(
        key=key,
        iri=expanded,
        term=term,
        pred=pred,
        container=term.container if term is not None else frozenset(),
        coerce=coerce,
        datatype=datatype,
        suffix=suffix,
        language=language,
        direction=direction,
        keyword=expanded if expanded is not None and iris.is_keyword(expanded) else None,
        plain=plain,
        literal=plain and bool(pred) and coerce is None,
    )


def _suffix(
    datatype: str | None, language: str | None, direction: str | None, mode: str | None
) -> str | None:
    if datatype is not None:
        return "" if datatype in (XSD_STRING, "@json") else f"^^<{datatype}>"
    if direction is not None:
        if mode is None:
            return None
        return f"^^<{direction_datatype(language, direction)}>"
    return f"@{language}" if language is not None else ""
