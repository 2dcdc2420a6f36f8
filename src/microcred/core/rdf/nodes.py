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
    MAP,
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


def expand_map(
    walker: Walker,
    element: Mapping[str, Any],
    ctx: ActiveContext,
    info: KeyInfo | None,
    graph: str,
    out: list[str | None],
    *,
    item: bool = False,
    from_map: bool = False,
    root: bool = False,
    map_id: str | None = None,
) -> None:
    """Expand ``element`` (the value of ``info``'s property) and append its RDF object."""
    shape = tuple(element)
    ctx = _settle_context(walker, element, shape, ctx, info, from_map)
    type_ctx = ctx
    ctx = _apply_types(walker, element, shape, ctx)
    keys = classify(walker, shape, ctx)
    kind = keys.kind
    if kind == "node" or (kind == "graph" and not root):
        node = Node(walker, element, ctx, type_ctx, graph, keys)
        subject = node.expand(map_id, drop=root or is_top(info))
        if subject is not None or not node.dropped:
            out.append(subject)
    elif kind == "value":
        value_object(walker, element, type_ctx, keys, out, is_top(info))
    elif kind == "graph":  # a top-level map with only @graph: a list of nodes
        _graph_values(walker, keys.keywords["@graph"], ctx, element, graph)
    elif kind != "language":
        _list_or_set(walker, element, ctx, info, graph, keys, out, item)
    elif walker.safe:
        raise unsafe("object with only @language", "a map", "holds only @language")


def _settle_context(
    walker: Walker,
    element: Mapping[str, Any],
    shape: tuple[str, ...],
    ctx: ActiveContext,
    info: KeyInfo | None,
    from_map: bool,
) -> ActiveContext:
    """Steps 7 to 9: revert a non-propagated context, apply property and embedded ones."""
    if ctx.previous is not None and not from_map and not keeps_context(walker, shape, ctx):
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


def _apply_types(
    walker: Walker, element: Mapping[str, Any], shape: tuple[str, ...], ctx: ActiveContext
) -> ActiveContext:
    """Step 11: apply the type-scoped contexts of the map's types, in code point order."""
    keys = type_keys(walker, shape, ctx)
    if not keys:
        return ctx
    if len(keys) == 1:  # the usual case
        value = element[keys[0]]
        memo_key: tuple[Any, ...] = (
            "typed",
            keys[0],
            tuple(value) if type(value) is list else value,
        )
    else:
        values = [element[key] for key in keys]
        memo_key = ("typed", *keys, *(tuple(v) if type(v) is list else v for v in values))
    try:
        found: ActiveContext | None = ctx.memo.get(memo_key)
    except TypeError:  # a type value that is no string (refused by add_types): no memo
        return _scoped_by_types(walker, element, ctx, keys)
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
    item: bool,
) -> None:
    kind = "@list" if "@list" in keys.keywords else "@set"
    others = set(keys.keywords) - {kind, "@index"}
    if others or keys.properties or keys.types or keys.nests:
        raise invalid("invalid set or list object", f"a {kind} object", "has other entries")
    key = keys.keywords[kind]
    try:
        if kind == "@set" and item:  # in the array of a list: a list of its own
            values: list[str | None] = []
            walker.objects(element[key], ctx, info, graph, values)
            out.append(walker.link(values, graph))
        elif kind == "@set":
            walker.objects(element[key], ctx, info, graph, out)
        elif info is None or is_top(info):
            if walker.safe:
                raise unsafe("object with only @list", "a list", "is not the value of a property")
        else:
            out.append(walker.list_head(element[key], ctx, info, graph))
    except JsonLdError as exc:
        raise exc.locate(key) from None


def _graph_values(
    walker: Walker, key: str, ctx: ActiveContext, element: Mapping[str, Any], graph: str
) -> None:
    try:
        walker.objects(element[key], ctx, GRAPH, graph, [])
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
        keys = self.keys
        if keys.stray is not None and self.walker.safe:
            # a keyword that means nothing in a node object would be dropped
            key = keys.keywords[keys.stray]
            raise unsafe(
                "invalid property", f"keyword {keys.stray}", "has no place in a node"
            ).locate(key)
        self.subject = subject = self._subject(map_id)
        element = self.element
        for key in keys.types:
            try:
                self.add_types(element[key])
            except JsonLdError as exc:
                raise exc.locate(key) from None
        quads = self.walker.quads
        for key, info in keys.properties:
            value = element[key]
            if info.literal and type(value) is str and subject is not None:
                # the common case: a string that is a literal of the property
                quads.append(
                    (subject, info.pred, f'"{escape_literal(value)}"{info.suffix}', self.graph)
                )
                self.content = True
                continue
            try:
                self.property(value, info)
            except JsonLdError as exc:
                raise exc.locate(key) from None
        if keys.node_keywords:
            containers.node_keywords(self)
        for key in keys.nests:
            self.at(key, containers.nest, self, element[key], self.walker.info(self.ctx, key))
        if drop and not self.content:
            self._drop()
        return subject

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
        ctx = self.ctx
        if key is None:
            for nest_key in self.keys.nests:
                info = self.walker.info(ctx, nest_key)
                found = containers.nested_id(self, element[nest_key], info, ctx)
                if found is not None:
                    element, key, ctx = found
                    break
            else:
                return map_id or self.walker.fresh()
        value = element[key]
        if not isinstance(value, str):  # null too, as in jsonld.js
            raise invalid("invalid @id value", "@id", "must be a string").locate(key)
        expanded = expand_iri(ctx, value, relative=True)
        try:
            return self.walker.reference(expanded, value, "@id")
        except JsonLdError as exc:
            raise exc.locate(key) from None

    def add_types(self, value: Any) -> None:
        names = value if isinstance(value, list) else [value]
        memo = self.type_ctx.memo
        subject = self.subject
        for name in names:
            obj = memo.get(("type", name)) if isinstance(name, str) else None
            if obj is None:
                obj = self._type_term(name)
                if obj is None:
                    continue
            self.content = True
            if subject is not None:
                self.walker.quads.append((subject, RDF_TYPE, obj, self.graph))

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
                obj = walker.coerced_iri(value, self.ctx, info)
            if subject is not None and obj is not None:
                walker.quads.append((subject, info.pred, obj, self.graph))
            return
        objects: list[str | None] = []
        if isinstance(value, MAP):
            expand_map(walker, value, self.ctx, info, self.graph, objects)
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
