"""Property values by container, and the node keywords @graph, @included, @reverse, @nest.

Graph containers put each value in a graph of its own named by a fresh blank node (the
data integrity ``proof`` and a presentation's ``verifiableCredential``); list containers
make RDF collections; language, index, id and type maps are unfolded as JSON-LD 1.1 §5.1
step 13.8 describes.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from microcred.core.rdf.active import ActiveContext, expand_iri
from microcred.core.rdf.keys import KeyInfo
from microcred.core.rdf.safe import JsonLdError, invalid, unsafe
from microcred.core.rdf.shapes import GRAPH, RDF_TYPE, classify
from microcred.core.rdf.value_objects import string_literal
from microcred.core.rdf.values import json_literal

if TYPE_CHECKING:
    from microcred.core.rdf.nodes import Node
    from microcred.core.rdf.to_rdf import Walker

_MAPS = frozenset({"@language", "@index", "@id", "@type"})


def property_objects(
    walker: Walker, value: Any, ctx: ActiveContext, info: KeyInfo, graph: str
) -> list[str | None]:
    """The RDF objects of one property value, after its container is applied."""
    container = info.container
    if info.datatype == "@json":
        return [json_literal(value)]
    if (
        container
        and container & _MAPS
        and isinstance(value, Mapping)
        and not _is_keyed(walker, ctx, value)
    ):
        if "@language" in container:
            return language_map(walker, value, ctx, info)
        return index_map(walker, value, ctx, info, graph)
    if "@graph" in container and not container & {"@id", "@index"}:
        return graph_container(walker, value, ctx, info)
    out: list[str | None] = []
    if "@list" in container and not _has_keyword(walker, ctx, value, "@list"):
        out.append(walker.list_head(value, ctx, info, graph))
    else:
        walker.objects(value, ctx, info, graph, out)
    return out


def _is_keyed(walker: Walker, ctx: ActiveContext, value: Mapping[str, Any]) -> bool:
    """True for a map that is itself a value, list or set object (not a container map)."""
    return any(walker.info(ctx, key).iri in ("@value", "@list", "@set") for key in value)


def _has_keyword(walker: Walker, ctx: ActiveContext, value: Any, keyword: str) -> bool:
    return isinstance(value, Mapping) and any(walker.info(ctx, key).iri == keyword for key in value)


def _flatten(value: Any) -> Iterator[Any]:
    if isinstance(value, list):
        for item in value:
            yield from _flatten(item)
    elif value is not None:
        yield value


def graph_container(
    walker: Walker, value: Any, ctx: ActiveContext, info: KeyInfo
) -> list[str | None]:
    """Each value in a graph of its own; the objects are the graph names."""
    names: list[str | None] = []
    for index, item in enumerate(_flatten(value)):
        name = walker.fresh()
        produced: list[str | None] = []
        try:
            walker.objects(item, ctx, info, name, produced)
        except JsonLdError as exc:
            raise (exc.locate(index) if isinstance(value, list) else exc) from None
        if produced:
            names.append(name)
    return names


def language_map(
    walker: Walker, value: Mapping[str, Any], ctx: ActiveContext, info: KeyInfo
) -> list[str | None]:
    out: list[str | None] = []
    for language, items in value.items():
        expanded = expand_iri(ctx, language, vocab=True)
        tag = None if language == "@none" or expanded == "@none" else language.lower()
        if tag is not None:
            walker.processor.check_language(language, "language map key")
        for item in items if isinstance(items, list) else [items]:
            if item is None:
                continue
            if not isinstance(item, str):
                raise invalid(
                    "invalid language map value", f"the value {item!r}", "must be a string"
                ).locate(language)
            literal = string_literal(walker, item, None, tag, info.direction)
            if literal is not None:
                out.append(literal)
    return out


def index_map(
    walker: Walker, value: Mapping[str, Any], ctx: ActiveContext, info: KeyInfo, graph: str
) -> list[str | None]:
    """Index, id and type maps (with or without @graph)."""
    out: list[str | None] = []
    for index, item_value in value.items():
        try:
            out.extend(_index_entry(walker, index, item_value, ctx, info, graph))
        except JsonLdError as exc:
            raise exc.locate(index) from None
    return out


def _map_context(
    walker: Walker, index: str, ctx: ActiveContext, container: frozenset[str]
) -> ActiveContext:
    if not container & {"@id", "@type"}:
        return ctx
    map_ctx = ctx.previous or ctx
    if "@type" in container:
        definition = map_ctx.terms.get(index)
        if definition is not None and definition.has_context:
            map_ctx = walker.processor.derive(map_ctx, definition.context, definition.base_url)
    return map_ctx


def _index_entry(
    walker: Walker,
    index: str,
    item_value: Any,
    ctx: ActiveContext,
    info: KeyInfo,
    graph: str,
) -> list[str | None]:
    container = info.container
    map_ctx = _map_context(walker, index, ctx, container)
    expanded = expand_iri(ctx, index, vocab=True)
    none = expanded == "@none"
    results: list[str | None] = []
    for item in _flatten(item_value):
        results.extend(_map_item(walker, item, index, none, map_ctx, info, graph))
    return results


def _map_item(
    walker: Walker,
    item: Any,
    index: str,
    none: bool,
    ctx: ActiveContext,
    info: KeyInfo,
    graph: str,
) -> list[str | None]:
    container = info.container
    map_id = None
    if "@id" in container and not none:
        map_id = walker.reference(expand_iri(ctx, index, relative=True), index, "@id map key")
        if map_id is None:  # not safe mode: the node has no usable subject
            return []
    if "@graph" in container and not _has_keyword(walker, ctx, item, "@graph"):
        name = map_id or walker.fresh()
        produced: list[str | None] = []
        walker.objects(item, ctx, info, name, produced)
        if not produced:
            return []
        _decorate(walker, name, index, none, ctx, info, graph)
        return [name]
    out: list[str | None] = []
    if isinstance(item, Mapping):
        walker.map_element(item, ctx, info, graph, out, from_map=True, map_id=map_id)
    else:
        walker.objects(item, ctx, info, graph, out)
    for obj in out:
        _decorate(walker, obj, index, none, ctx, info, graph)
    return out


def _decorate(
    walker: Walker,
    obj: str | None,
    index: str,
    none: bool,
    ctx: ActiveContext,
    info: KeyInfo,
    graph: str,
) -> None:
    """Give a map item what its key says: a property-valued index or a type."""
    container = info.container
    if obj is None or none:
        return
    if obj.startswith('"') and container & {"@id", "@type"}:  # id and type maps hold nodes
        raise invalid("invalid value object", f"the value of {index!r}", "is not a node")
    if "@type" in container:
        expanded = expand_iri(ctx, index, vocab=True, relative=True)
        walker.emit(obj, RDF_TYPE, walker.reference(expanded, index, "type"), graph)
    elif "@index" in container and info.term is not None and info.term.index is not None:
        _property_index(walker, obj, index, ctx, info.term.index, graph)


def _property_index(
    walker: Walker, obj: str, index: str, ctx: ActiveContext, index_key: str, graph: str
) -> None:
    if obj.startswith('"'):
        raise invalid("invalid value object", f"the value of {index!r}", "cannot be indexed")
    key_info = walker.info(ctx, index_key)
    if not key_info.pred:
        raise invalid("invalid term definition", f'@index "{index_key}"', "is not a property")
    walker.emit(obj, key_info.pred, walker.scalar_term(index, ctx, key_info), graph)


def check_reverse_value(walker: Walker, ctx: ActiveContext, value: Any, info: KeyInfo) -> None:
    """Reverse properties take node objects only (no lists, no values)."""
    if "@list" in info.container or any(
        _has_keyword(walker, ctx, item, "@list") or _has_keyword(walker, ctx, item, "@value")
        for item in _flatten(value)
    ):
        raise invalid("invalid reverse property value", "a reverse property", "needs nodes")


def check_reverse_object(obj: str) -> None:
    if obj.startswith('"'):
        raise invalid("invalid reverse property value", "a reverse property", "needs nodes")


# --- node keywords ---------------------------------------------------------------------


def node_keywords(node: Node) -> None:
    """@graph, @included, @reverse and @index of a node object."""
    keywords = node.keys.keywords
    if "@graph" in keywords:
        node.content = True
        node.at(keywords["@graph"], _named_graph, node)
    for key in node.keys.included:
        node.content = True
        node.at(key, _included, node, node.element[key])
    if "@reverse" in keywords:
        node.content = True
        node.at(keywords["@reverse"], _reverse, node)
    if "@index" in keywords:
        node.content = True
        key = keywords["@index"]
        if not isinstance(node.element[key], str):
            raise invalid("invalid @index value", "@index", "must be a string").locate(key)


def _named_graph(node: Node) -> None:
    if node.subject is None:
        return
    value = node.element[node.keys.keywords["@graph"]]
    node.walker.objects(value, node.ctx, GRAPH, node.subject, [])


def _included(node: Node, value: Any) -> None:
    walker = node.walker
    for index, item in enumerate(value if isinstance(value, list) else [value]):
        if not isinstance(item, Mapping) or any(
            walker.info(node.ctx, key).iri in ("@value", "@list", "@set") for key in item
        ):
            raise invalid("invalid @included value", "@included", "must hold node objects")
        try:
            node.walker.map_element(item, node.ctx, None, node.graph, [])
        except JsonLdError as exc:
            raise exc.locate(index) from None


def _reverse(node: Node) -> None:
    value = node.element[node.keys.keywords["@reverse"]]
    if not isinstance(value, Mapping):
        raise invalid("invalid @reverse value", "@reverse", "must be a map")
    walker = node.walker
    for key, items in value.items():
        info = walker.info(node.ctx, key)
        if info.keyword is not None:
            raise invalid("invalid reverse property map", f"key {key!r}", "is a keyword")
        try:
            _reverse_property(node, info, items)
        except JsonLdError as exc:
            raise exc.locate(key) from None


def _reverse_property(node: Node, info: KeyInfo, items: Any) -> None:
    walker = node.walker
    if not info.pred:
        if walker.safe:
            raise unsafe(
                "invalid property", f'property "{info.key}"', "is not defined by any context"
            )
        return
    double = info.term is not None and info.term.reverse
    for obj in property_objects(walker, items, node.ctx, info, node.graph):
        if obj is None:
            continue
        if double:
            walker.emit(node.subject, info.pred, obj, node.graph)
        else:
            check_reverse_object(obj)
            walker.emit(obj, info.pred, node.subject, node.graph)


def nested_id(
    node: Node, value: Any, info: KeyInfo, ctx: ActiveContext
) -> tuple[Mapping[str, Any], str, ActiveContext] | None:
    """The map, key and active context of an @id found in nested maps (JSON-LD 1.1 merges
    them into the node; the scoped contexts of the nesting keys apply to them)."""
    walker = node.walker
    if info.term is not None and info.term.has_context:
        ctx = walker.processor.derive(
            ctx, info.term.context, info.term.base_url, override_protected=True
        )
    for nested in value if isinstance(value, list) else [value]:
        if not isinstance(nested, Mapping):
            continue
        keys = classify(walker, tuple(nested), ctx)
        if "@id" in keys.keywords:
            return nested, keys.keywords["@id"], ctx
        for key in keys.nests:
            found = nested_id(node, nested[key], walker.info(ctx, key), ctx)
            if found is not None:
                return found
    return None


def nest(node: Node, value: Any, info: KeyInfo) -> None:
    """Properties nested under a @nest key belong to the node itself."""
    walker = node.walker
    ctx = node.ctx
    if info.term is not None and info.term.has_context:
        ctx = walker.processor.derive(
            ctx, info.term.context, info.term.base_url, override_protected=True
        )
    for index, nested in enumerate(value if isinstance(value, list) else [value]):
        if not isinstance(nested, Mapping):
            raise invalid("invalid @nest value", "@nest", "must hold maps").locate(index)
        keys = classify(walker, tuple(nested), ctx)
        if set(keys.keywords) - {"@type", "@id"}:
            raise invalid("invalid @nest value", "a nested map", "may only hold properties")
        saved = node.ctx
        node.ctx = ctx
        try:
            for key in keys.types:
                node.at(key, node.add_types, nested[key])
            for key, key_info in keys.properties:
                node.at(key, node.property, nested[key], key_info)
            for key in keys.nests:
                node.at(key, nest, node, nested[key], walker.info(ctx, key))
        finally:
            node.ctx = saved
