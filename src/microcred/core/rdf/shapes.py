"""The shape of a JSON-LD map: what each of its keys expands to in an active context.

Credentials repeat the same shapes (a credential, a subject, an alignment...), so the
sorting of a map's keys into keywords and properties is memoized on the active context by
the sequence of keys.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from microcred.core.rdf.active import ActiveContext
from microcred.core.rdf.keys import KeyInfo
from microcred.core.rdf.nquads import RDF
from microcred.core.rdf.safe import invalid

if TYPE_CHECKING:
    from microcred.core.rdf.to_rdf import Walker

RDF_TYPE = f"<{RDF}type>"
GRAPH = KeyInfo(
    key="@graph",
    iri="@graph",
    term=None,
    pred="",
    container=frozenset(),
    coerce=None,
    datatype=None,
    suffix="",
    language=None,
    direction=None,
    keyword="@graph",
)


def is_top(info: KeyInfo | None) -> bool:
    """True where free-floating values are dropped: top level, @graph, graph containers."""
    return info is None or info.iri == "@graph" or "@graph" in info.container


@dataclass
class Keys:
    """The keys of one map, sorted by what they expand to."""

    keywords: dict[str, str] = field(default_factory=dict)
    types: list[str] = field(default_factory=list)
    properties: list[tuple[str, KeyInfo]] = field(default_factory=list)
    nests: list[str] = field(default_factory=list)
    included: list[str] = field(default_factory=list)


def keeps_context(walker: Walker, element: Mapping[str, Any], ctx: ActiveContext) -> bool:
    memo_key = ("keeps", *element)
    found: bool | None = ctx.memo.get(memo_key)
    if found is None:
        expanded = [walker.info(ctx, key).iri for key in element]
        found = "@value" in expanded or expanded == ["@id"]
        ctx.remember(memo_key, found)
    return found


def type_keys(walker: Walker, element: Mapping[str, Any], ctx: ActiveContext) -> list[str]:
    memo_key = ("types", *element)
    found: list[str] | None = ctx.memo.get(memo_key)
    if found is None:
        found = sorted(key for key in element if walker.info(ctx, key).iri == "@type")
        ctx.remember(memo_key, found)
    return found


def classify(walker: Walker, element: Mapping[str, Any], ctx: ActiveContext) -> Keys:
    """Sort the keys of ``element`` (other than @context) by their expansion (memoized on
    ``ctx`` by key sequence: credentials repeat the same shapes)."""
    memo_key = ("shape", *element)
    found: Keys | None = ctx.memo.get(memo_key)
    if found is None:
        found = _classify(walker, element, ctx)
        ctx.remember(memo_key, found)
    return found


def _classify(walker: Walker, element: Mapping[str, Any], ctx: ActiveContext) -> Keys:
    keys = Keys()
    for key in element:
        if key == "@context":
            continue
        key_info = walker.info(ctx, key)
        keyword = key_info.keyword
        if keyword is None:
            keys.properties.append((key, key_info))
        elif keyword == "@type":
            keys.types.append(key)
            keys.keywords["@type"] = key
        elif keyword == "@nest":
            keys.nests.append(key)
        elif keyword == "@included":
            keys.included.append(key)
            keys.keywords["@included"] = key
        elif keyword in keys.keywords:
            raise invalid("colliding keywords", f"key {key!r}", f"repeats {keyword}")
        else:
            keys.keywords[keyword] = key
    return keys
