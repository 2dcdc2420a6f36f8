"""Value objects (maps with ``@value``) as RDF literals (JSON-LD 1.1 §5.1 step 15, §8.6)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from microcred.core.rdf import iri as iris
from microcred.core.rdf.active import BCP47, ActiveContext, expand_iri
from microcred.core.rdf.nquads import escape_literal, is_valid_iri_text
from microcred.core.rdf.safe import invalid, unsafe
from microcred.core.rdf.values import direction_datatype, json_literal, scalar_literal, typed

if TYPE_CHECKING:
    from microcred.core.rdf.shapes import Keys
    from microcred.core.rdf.to_rdf import Walker

_VALUE_KEYS = frozenset({"@value", "@type", "@language", "@direction", "@index", "@context"})


def value_object(
    walker: Walker,
    element: Mapping[str, Any],
    type_ctx: ActiveContext,
    keys: Keys,
    out: list[str | None],
    free_floating: bool,
) -> None:
    """A value object (a map with @value) as a literal."""
    extra = set(keys.keywords) - _VALUE_KEYS
    if extra or keys.properties or keys.nests or len(keys.types) > 1:
        names = [*sorted(extra), *(key for key, _ in keys.properties), *keys.nests]
        names += keys.types if len(keys.types) > 1 else []
        raise invalid("invalid value object", "a value object", f"has other entries {names}")
    kinds = keys.keywords
    if "@index" in kinds and not isinstance(element[kinds["@index"]], str):
        raise invalid("invalid @index value", "@index", "must be a string")
    datatype = _value_type(walker, element, type_ctx, kinds)
    literal = _literal(walker, element, kinds, datatype)
    if free_floating:
        if walker.safe:
            raise unsafe("object with only @value", "a value", "is not the value of a property")
        return
    if literal is not None:
        out.append(literal)


def _value_type(
    walker: Walker, element: Mapping[str, Any], ctx: ActiveContext, kinds: dict[str, str]
) -> str | None:
    if "@type" not in kinds:
        return None
    name = element[kinds["@type"]]
    if not isinstance(name, str):
        raise invalid("invalid typed value", "the @type of a value", "must be a string")
    expanded = expand_iri(ctx, name, vocab=True, relative=True)
    if expanded == "@json":
        return expanded
    if expanded is None or not iris.is_absolute_iri(expanded) or expanded.startswith("_:"):
        raise invalid("invalid typed value", f"the datatype {name!r}", "is not an IRI")
    if not is_valid_iri_text(expanded):
        raise invalid("invalid typed value", f"the datatype {name!r}", "is not a valid IRI")
    return expanded


def _literal(
    walker: Walker, element: Mapping[str, Any], kinds: dict[str, str], datatype: str | None
) -> str | None:
    value = element[kinds["@value"]]
    if datatype == "@json":
        return json_literal(value)
    if value is None:
        if walker.safe:
            raise unsafe("null @value value", "a value", "is null")
        return None
    if isinstance(value, list | Mapping):
        raise invalid("invalid value object value", "@value", "must be a string, number or boolean")
    language = _language(walker, element, kinds, value)
    direction = _direction(element, kinds)
    if datatype is not None and (language is not None or direction is not None):
        raise invalid("invalid value object", "a value object", "has @type and @language")
    if not isinstance(value, str):
        return scalar_literal(value, datatype)
    return string_literal(walker, value, datatype, language, direction)


def string_literal(
    walker: Walker, value: str, datatype: str | None, language: str | None, direction: str | None
) -> str | None:
    """A string with its datatype or language and base direction as a literal.

    None for an ill-formed language tag (only without safe mode, which refuses it earlier).
    """
    if direction is not None:
        if walker.rdf_direction is not None:
            return typed(value, direction_datatype(language, direction))
        if walker.safe:
            raise unsafe("rdfDirection not set", f"the string {value!r}", "has a base direction")
    if language is not None:
        if BCP47.match(language) is None:
            return None
        return f'"{escape_literal(value)}"@{language}'
    return typed(value, datatype) if datatype is not None else f'"{escape_literal(value)}"'


def _language(
    walker: Walker, element: Mapping[str, Any], kinds: dict[str, str], value: Any
) -> str | None:
    if "@language" not in kinds:
        return None
    language = element[kinds["@language"]]
    if language is None:
        return None
    if not isinstance(language, str):
        raise invalid("invalid language-tagged string", "@language", "must be a string")
    if not isinstance(value, str):
        raise invalid("invalid language-tagged value", "@value", "must be a string")
    walker.processor.check_language(language, "@language")
    return language.lower()


def _direction(element: Mapping[str, Any], kinds: dict[str, str]) -> str | None:
    if "@direction" not in kinds:
        return None
    direction = element[kinds["@direction"]]
    if direction not in ("ltr", "rtl"):
        raise invalid("invalid base direction", "@direction", 'must be "ltr" or "rtl"')
    return direction  # type: ignore[no-any-return]
