"""Expansion of one JSON-LD map (JSON-LD 1.1 §5.1 step 7 on) straight into quads.

A map is a node object, a value object, a list object or a set object.  Its active context
is settled first (non-propagated contexts reverted, then property-scoped, embedded and
type-scoped contexts applied), then its keys are sorted into keywords and properties, and
the statements it makes are emitted.  Container maps, ``@nest``, ``@reverse`` and
``@included`` are in :mod:`.containers`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from microcred.core.rdf import containers
from microcred.core.rdf import iri as iris
from microcred.core.rdf.active import ActiveContext, expand_iri
from microcred.core.rdf.keys import KeyInfo
from microcred.core.rdf.nquads import escape_literal
from microcred.core.rdf.safe import JsonLdError, invalid, unsafe
from microcred.core.rdf.shapes import (
    GRAPH,
    RDF_TYPE,
    Keys,
    classify,
    is_top,
    keeps_context,
    type_keys,
)
from microcred.core.rdf.value_objects import value_object

if TYPE_CHECKING:
    from microcred.core.rdf.to_rdf import Walker

#: The keywords a node object may hold (others would be dropped from the statements).
_NODE_KEYWORDS = frozenset({"@id", "@type", "@graph", "@included", "@reverse", "@index"})


def expand_map(
    walker: Walker,
    element: Mapping[str, Any],
    ctx: ActiveContext,
    info: KeyInfo | None,
    graph: str,
    out: list[str | None],
    *,
    inside_list: bool = False,
    from_map: bool = False,
    root: bool = False,
    map_id: str | None = None,
) -> None:
    """Expand ``element`` (the value of ``info``'s property) and append its RDF object."""
    ctx = _settle_context(walker, element, ctx, info, from_map)
    type_ctx = ctx
    ctx = _apply_types(walker, element, ctx)
    keys = classify(walker, element, ctx)
    kinds = keys.keywords
    if "@value" in kinds:
        value_object(walker, element, type_ctx, keys, out, is_top(info) and not inside_list)
    elif "@list" in kinds or "@set" in kinds:
        _list_or_set(walker, element, ctx, info, graph, keys, out, inside_list)
    elif set(kinds) == {"@language"} and not keys.properties:
        if walker.safe:
            raise unsafe("object with only @language", "a map", "holds only @language")
    elif root and set(kinds) == {"@graph"} and not keys.properties:
        _graph_values(walker, kinds["@graph"], element[kinds["@graph"]], ctx, graph)
    else:
        node = Node(walker, element, ctx, type_ctx, graph, keys)
        subject = node.expand(map_id, drop=(root or is_top(info)) and not inside_list)
        if subject is not None or not node.dropped:
            out.append(subject)


def _settle_context(
    walker: Walker,
    element: Mapping[str, Any],
    ctx: ActiveContext,
    info: KeyInfo | None,
    from_map: bool,
) -> ActiveContext:
    """Steps 7 to 9: revert a non-propagated context, apply property and embedded ones."""
    if ctx.previous is not None and not from_map and not keeps_context(walker, element, ctx):
        ctx = ctx.previous
    if info is not None and info.term is not None and info.term.has_context:
        ctx = walker.processor.derive(
            ctx, info.term.context, info.term.base_url, override_protected=True
        )
    if "@context" in element:
        try:
            ctx = walker.processor.derive(ctx, element["@context"], walker.base, cache=False)
        except JsonLdError as exc:
            raise exc.locate("@context") if not exc.path else exc from None
    return ctx


def _apply_types(walker: Walker, element: Mapping[str, Any], ctx: ActiveContext) -> ActiveContext:
    """Step 11: apply the type-scoped contexts of the map's types, in code point order."""
    keys = type_keys(walker, element, ctx)
    if not keys:
        return ctx
    parts = []
    for key in keys:
        value = element[key]
        items = tuple(value) if isinstance(value, list) else (value,)
        if not all(type(item) is str for item in items):
            return _scoped_by_types(walker, element, ctx, keys)
        parts.append((key, items))
    memo_key = ("typed", *parts)
    found: ActiveContext | None = ctx.memo.get(memo_key)
    if found is None:
        found = _scoped_by_types(walker, element, ctx, keys)
        ctx.remember(memo_key, found)
    return found


def _scoped_by_types(
    walker: Walker, element: Mapping[str, Any], ctx: ActiveContext, keys: list[str]
) -> ActiveContext:
    scoped = ctx
    for key in keys:
        value = element[key]
        items = value if isinstance(value, list) else [value]
        for name in sorted(item for item in items if isinstance(item, str)):
            definition = ctx.terms.get(name)
            if definition is None or not definition.has_context:
                continue
            try:
                scoped = walker.processor.derive(
                    scoped, definition.context, definition.base_url, propagate=False
                )
            except JsonLdError as exc:
                raise exc.locate(key) from None
    return scoped


def _list_or_set(
    walker: Walker,
    element: Mapping[str, Any],
    ctx: ActiveContext,
    info: KeyInfo | None,
    graph: str,
    keys: Keys,
    out: list[str | None],
    inside_list: bool,
) -> None:
    kind = "@list" if "@list" in keys.keywords else "@set"
    others = set(keys.keywords) - {kind, "@index"}
    if others or keys.properties or keys.types or keys.nests:
        raise invalid("invalid set or list object", f"a {kind} object", "has other entries")
    key = keys.keywords[kind]
    try:
        if kind == "@set":
            walker.objects(element[key], ctx, info, graph, out, inside_list)
        elif is_top(info) and not inside_list:
            if walker.safe:
                raise unsafe("object with only @list", "a list", "is not the value of a property")
        else:
            out.append(walker.list_head(element[key], ctx, info, graph))
    except JsonLdError as exc:
        raise exc.locate(key) from None


def _graph_values(walker: Walker, key: str, value: Any, ctx: ActiveContext, graph: str) -> None:
    try:
        walker.objects(value, ctx, GRAPH, graph, [])
    except JsonLdError as exc:
        raise exc.locate(key) from None


# --- node objects ----------------------------------------------------------------------


class Node:
    """One node object being expanded: its subject, types, properties and graphs."""

    def __init__(
        self,
        walker: Walker,
        element: Mapping[str, Any],
        ctx: ActiveContext,
        type_ctx: ActiveContext,
        graph: str,
        keys: Keys,
    ) -> None:
        self.walker = walker
        self.element = element
        self.ctx = ctx
        self.type_ctx = type_ctx
        self.graph = graph
        self.keys = keys
        self.subject: str | None = None
        self.content = False
        self.dropped = False

    def expand(self, map_id: str | None, *, drop: bool) -> str | None:
        """Emit the node's statements; return its subject (None if unusable)."""
        self._check_keywords()
        self.subject = self._subject(map_id)
        element = self.element
        for key in self.keys.types:
            self.at(key, self.add_types, element[key])
        for key, info in self.keys.properties:
            try:
                self.property(element[key], info)
            except JsonLdError as exc:
                raise exc.locate(key) from None
        containers.node_keywords(self)
        for key in self.keys.nests:
            self.at(key, containers.nest, self, self.element[key], self.walker.info(self.ctx, key))
        if drop and not self.content:
            self._drop()
        return self.subject

    def _check_keywords(self) -> None:
        """Refuse keywords that mean nothing in a node object (they would be dropped)."""
        stray = set(self.keys.keywords) - _NODE_KEYWORDS
        if stray and self.walker.safe:
            keyword = sorted(stray)[0]
            key = self.keys.keywords[keyword]
            raise unsafe("invalid property", f"keyword {keyword}", "has no place in a node").locate(
                key
            )

    def at(self, key: str, method: Any, *args: Any) -> None:
        try:
            method(*args)
        except JsonLdError as exc:
            raise exc.locate(key) from None

    def _drop(self) -> None:
        self.dropped = True
        if self.walker.safe:
            only_id = "@id" in self.keys.keywords
            code = "object with only @id" if only_id else "empty object"
            what = "a node with only an id" if only_id else "an empty node"
            raise unsafe(code, what, "states nothing and would be dropped")

    def _subject(self, map_id: str | None) -> str | None:
        key = self.keys.keywords.get("@id")
        element = self.element
        if key is None:
            for nest_key in self.keys.nests:
                found = containers.nested_id(
                    self, element[nest_key], self.walker.info(self.ctx, nest_key)
                )
                if found is not None:
                    element, key = found
                    break
            else:
                return map_id or self.walker.fresh()
        value = element[key]
        if value is None or (isinstance(value, str) and iris.has_keyword_form(value)):
            if self.walker.safe:
                code = "null @id value" if value is None else "reserved @id value"
                raise unsafe(code, "@id", f"{value!r} is not an identifier").locate(key)
            return (map_id or self.walker.fresh()) if value is None else None
        if not isinstance(value, str):
            raise invalid("invalid @id value", "@id", "must be a string").locate(key)
        expanded = expand_iri(self.ctx, value, relative=True)
        try:
            return self.walker.reference(expanded, value, "@id")
        except JsonLdError as exc:
            raise exc.locate(key) from None

    def add_types(self, value: Any) -> None:
        names = value if isinstance(value, list) else [value]
        if not names:
            self.content = True
        memo = self.type_ctx.memo
        for name in names:
            obj = memo.get(("type", name)) if isinstance(name, str) else None
            if obj is None:
                obj = self._type_term(name)
                if obj is None:
                    continue
            self.content = True
            self.walker.emit(self.subject, RDF_TYPE, obj, self.graph)

    def _type_term(self, name: Any) -> str | None:
        """The RDF term of one @type value (memoized on the context when an IRI)."""
        if not isinstance(name, str):
            raise invalid("invalid type value", "@type", "must be a string or strings")
        expanded = expand_iri(self.type_ctx, name, vocab=True, relative=True)
        if expanded is None or not (iris.is_absolute_iri(expanded) or expanded.startswith("_:")):
            if self.walker.safe:
                raise unsafe(
                    "relative @type reference", f'type "{name}"', "is not defined by any context"
                )
            return None
        obj = self.walker.reference(expanded, name, "type")
        if obj is not None and obj.startswith("<"):
            self.type_ctx.remember(("type", name), obj)
        return obj

    def property(self, value: Any, info: KeyInfo) -> None:
        """Expand one property's value and emit its statements."""
        walker = self.walker
        if value is None and info.datatype != "@json":
            return
        if not info.pred and not self._unusable_property(info):
            return
        self.content = True
        if info.plain and info.pred:
            self._plain_property(value, info)
            return
        objects = containers.property_objects(walker, value, self.ctx, info, self.graph)
        reverse = info.term is not None and info.term.reverse
        if reverse:
            containers.check_reverse_value(walker, self.ctx, value, info)
        for obj in objects:
            if not info.pred or obj is None:
                continue
            if reverse:
                containers.check_reverse_object(obj)
                walker.emit(obj, info.pred, self.subject, self.graph)
            else:
                walker.emit(self.subject, info.pred, obj, self.graph)

    def _plain_property(self, value: Any, info: KeyInfo) -> None:
        """The common case: no container, no scoped context, not reversed."""
        walker = self.walker
        subject = self.subject
        if type(value) is str:
            if info.coerce is None:
                obj: str | None = f'"{escape_literal(value)}"{info.suffix}'
            else:
                obj = walker.plain_term(value, self.ctx, info)
            if subject is not None and obj is not None:
                walker.quads.append((subject, info.pred, obj, self.graph))
            return
        objects: list[str | None] = []
        if isinstance(value, Mapping):
            walker.map_element(value, self.ctx, info, self.graph, objects)
        else:
            walker.objects(value, self.ctx, info, self.graph, objects)
        if subject is not None:
            append = walker.quads.append
            for obj in objects:
                if obj is not None:
                    append((subject, info.pred, obj, self.graph))

    def _unusable_property(self, info: KeyInfo) -> bool:
        """Raise in safe mode; else True if the values are still expanded (a blank node
        predicate is expanded, then dropped from RDF)."""
        iri = info.iri
        blank = iri is not None and iri.startswith("_:")
        absolute = iri is not None and not blank and iris.is_absolute_iri(iri)
        if self.walker.safe:
            subject = f'property "{info.key}"'
            if blank:
                raise unsafe("blank node predicate", subject, "is a blank node")
            if absolute:
                raise unsafe("invalid IRI", subject, f"expands to an invalid IRI {iri!r}")
            raise unsafe("invalid property", subject, "is not defined by any context")
        return blank or absolute
