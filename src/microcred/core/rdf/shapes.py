"""The shape of a JSON-LD map: what each of its keys expands to in an active context.

Credentials repeat the same shapes (a credential, a subject, an alignment...), so the
sorting of a map's keys into keywords and properties is memoized on the active context by
the sequence of keys.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from microcred.core.rdf.active import ActiveContext
from microcred.core.rdf.keys import KeyInfo
from microcred.core.rdf.nquads import RDF
from microcred.core.rdf.safe import invalid

if TYPE_CHECKING:
    from microcred.core.rdf.to_rdf import Walker

RDF_TYPE = f"<{RDF}type>"
#: For ``isinstance``: a JSON map (a dict, checked first as the quickest, or any Mapping).
MAP = (dict, Mapping)
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


#: The keywords a node object may hold (others would be dropped from the statements).
NODE_KEYWORDS = frozenset({"@id", "@type", "@graph", "@included", "@reverse", "@index"})


@dataclass
class Keys:
    """The keys of one map, sorted by what they expand to, and what they make of it."""

    keywords: dict[str, str] = field(default_factory=dict)
    types: list[str] = field(default_factory=list)
    properties: list[tuple[str, KeyInfo]] = field(default_factory=list)
    nests: list[str] = field(default_factory=list)
    included: list[str] = field(default_factory=list)
    #: "value", "list", "set", "language" (only @language), "graph" (only @graph) or "node".
    kind: str = "node"
    #: The first keyword (in code point order) with no place in a node object, if any.
    stray: str | None = None
    #: True if the map holds @graph, @included, @reverse or @index.
    node_keywords: bool = False

    def settle(self) -> Keys:
        """Set the fields that follow from the sorted keys."""
        kinds = self.keywords
        alone = not self.properties and len(kinds) == 1
        if "@value" in kinds:
            self.kind = "value"
        elif "@list" in kinds or "@set" in kinds:
            self.kind = "list" if "@list" in kinds else "set"
        elif alone and "@language" in kinds:
            self.kind = "language"
        elif alone and "@graph" in kinds:
            self.kind = "graph"
        stray = sorted(set(kinds) - NODE_KEYWORDS)
        self.stray = stray[0] if stray else None
        self.node_keywords = not kinds.keys() <= {"@id", "@type"}
        return self


def keeps_context(walker: Walker, shape: tuple[str, ...], ctx: ActiveContext) -> bool:
    """True for a map whose keys keep a non-propagated context (a value object, an @id)."""
    memo_key = ("keeps", shape)
    found: bool | None = ctx.memo.get(memo_key)
    if found is None:
        expanded = [walker.info(ctx, key).iri for key in shape]
        found = "@value" in expanded or expanded == ["@id"]
        ctx.remember(memo_key, found)
    return found


def type_keys(walker: Walker, shape: tuple[str, ...], ctx: ActiveContext) -> list[str]:
    """The keys of a map that expand to @type, in code point order."""
    memo_key = ("types", shape)
    found: list[str] | None = ctx.memo.get(memo_key)
    if found is None:
        found = sorted(key for key in shape if walker.info(ctx, key).iri == "@type")
        ctx.remember(memo_key, found)
    return found


def classify(walker: Walker, shape: tuple[str, ...], ctx: ActiveContext) -> Keys:
    """Sort the keys of a map (other than @context) by their expansion (memoized on ``ctx``
    by the map's keys, in order: credentials repeat the same shapes)."""
    memo_key = ("shape", shape)
    found: Keys | None = ctx.memo.get(memo_key)
    if found is None:
        found = _classify(walker, shape, ctx)
        ctx.remember(memo_key, found)
    return found


def _classify(walker: Walker, shape: tuple[str, ...], ctx: ActiveContext) -> Keys:
    keys = Keys()
    for key in shape:
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
    return keys.settle()
