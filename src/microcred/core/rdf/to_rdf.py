"""Compact JSON-LD straight to RDF quads, without building the expanded document.

The walker applies the JSON-LD 1.1 Expansion Algorithm (§5.1) and the Deserialize JSON-LD
to RDF Algorithm (§8) in one pass over the compact document: each map is expanded in its
active context (property-scoped, embedded and type-scoped contexts, non-propagation), and
its statements are emitted as soon as its subject is known.  Blank node labels are
arbitrary (RDFC-1.0 relabels them) and the dataset is a set, so neither the node map nor
its ordering is needed.

Safe mode (the default) raises :class:`~.safe.JsonLdError` wherever expansion or RDF
conversion would drop something, with the codes jsonld.js uses for the same events; it
also refuses a value inside a graph container that no node holds, which jsonld.js drops.
With ``safe=False`` the walker drops such things as the specifications say.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from microcred.core.rdf import iri as iris
from microcred.core.rdf.active import ActiveContext, expand_iri
from microcred.core.rdf.context import ContextProcessor
from microcred.core.rdf.keys import KeyInfo, key_info
from microcred.core.rdf.nodes import expand_map
from microcred.core.rdf.nquads import RDF, Quad, escape_literal
from microcred.core.rdf.safe import JsonLdError, invalid, unsafe
from microcred.core.rdf.shapes import MAP
from microcred.core.rdf.values import scalar_literal

#: An absolute IRI that needs no further checks (the fast path of ``reference``): a scheme,
#: then no character an N-Quads IRI cannot hold, and at most one "#".
_IRI_CHAR = r'[^\x00-\x20<>"{}|^`\\\ud800-\udfff\ufffe\uffff#]'
_GOOD_IRI = re.compile(rf"[A-Za-z][A-Za-z0-9+\-.]*:{_IRI_CHAR}*(?:#{_IRI_CHAR}*)?\Z")
RDF_FIRST = f"<{RDF}first>"
RDF_REST = f"<{RDF}rest>"
RDF_NIL = f"<{RDF}nil>"


class Walker:
    """Turns one compact JSON-LD document into quads (see the module docstring)."""

    def __init__(
        self,
        processor: ContextProcessor,
        *,
        base: str | None = None,
        rdf_direction: str | None = "i18n-datatype",
    ) -> None:
        self.processor = processor
        self.safe = processor.safe
        self.base = base
        self.rdf_direction = rdf_direction
        self.quads: list[Quad] = []
        self._count = 0
        self._labels: dict[str, str] = {}

    # --- entry point ------------------------------------------------------------------

    def walk(self, document: Any) -> list[Quad]:
        ctx = self.processor.initial(self.base)
        if isinstance(document, list):
            for index, item in enumerate(document):
                try:
                    self._root(item, ctx)
                except JsonLdError as exc:
                    raise exc.locate(index) from None
        else:
            self._root(document, ctx)
        return self.quads

    def _root(self, element: Any, ctx: ActiveContext) -> None:
        if isinstance(element, Mapping):
            self.map_element(element, ctx, None, "", [], root=True)
        elif element is not None and self.safe:
            raise unsafe("free-floating scalar", f"the value {element!r}", "is not in any node")

    # --- terms --------------------------------------------------------------------------

    def info(self, ctx: ActiveContext, key: str) -> KeyInfo:
        return key_info(ctx, key, self.rdf_direction)

    def fresh(self) -> str:
        self._count += 1
        return f"_:b{self._count}"

    def blank(self, label: str) -> str:
        found = self._labels.get(label)
        if found is None:
            found = self._labels[label] = self.fresh()
        return found

    def reference(self, expanded: str | None, value: str, what: str) -> str | None:
        """The term for an expanded @id or IRI value, or None when unusable (not safe)."""
        if expanded is not None and _GOOD_IRI.match(expanded):
            return f"<{expanded}>"
        if expanded is not None and expanded.startswith("_:"):
            return self.blank(expanded)
        if not self.safe:
            return None
        if expanded is None:
            raise unsafe("reserved @id value", f"{what} {value!r}", "has the form of a keyword")
        if iris.is_absolute_iri(expanded):  # with characters an IRI cannot hold
            raise unsafe("invalid IRI", f"{what} {value!r}", "is not a valid IRI")
        raise unsafe("relative @id reference", f"{what} {value!r}", "is not an absolute IRI")

    def emit(self, subject: str | None, pred: str, obj: str | None, graph: str) -> None:
        if subject is not None and obj is not None:
            self.quads.append((subject, pred, obj, graph))

    # --- values -----------------------------------------------------------------------

    def objects(
        self,
        value: Any,
        ctx: ActiveContext,
        info: KeyInfo | None,
        graph: str,
        out: list[str | None],
    ) -> None:
        """Append the RDF objects ``value`` expands to (for ``info``'s property) to ``out``.

        In an array of a property with a list container, what expands to an array (an
        array, a set object) is a list of its own, as in jsonld.js and pyld.
        """
        if isinstance(value, list):
            nest = info if info is not None and "@list" in info.container else None
            for index, item in enumerate(value):
                try:
                    if nest is not None and isinstance(item, list):
                        out.append(self.list_head(item, ctx, nest, graph))
                    elif nest is not None and isinstance(item, Mapping):
                        self.map_element(item, ctx, info, graph, out, item=True)
                    else:
                        self.objects(item, ctx, info, graph, out)
                except JsonLdError as exc:
                    raise exc.locate(index) from None
        elif isinstance(value, MAP):
            self.map_element(value, ctx, info, graph, out)
        elif value is not None:
            self.scalar(value, ctx, info, out)

    def scalar(
        self,
        value: Any,
        ctx: ActiveContext,
        info: KeyInfo | None,
        out: list[str | None],
    ) -> None:
        if info is None or info.iri == "@graph":
            if self.safe:
                raise unsafe("free-floating scalar", f"the value {value!r}", "is not in any node")
            return
        if info is not None and info.scoped and info.term is not None:
            ctx = self.processor.derive(
                ctx, info.term.context, info.term.base_url, override_protected=True
            )
            info = self.info(ctx, info.key)
        if info is not None and "@graph" in info.container and info.coerce is None:
            if self.safe:
                raise unsafe("free-floating scalar", f"the value {value!r}", "is not in any node")
            out.append(None)
            return
        out.append(self.scalar_term(value, ctx, info))

    def coerced_iri(self, value: str, ctx: ActiveContext, info: KeyInfo) -> str | None:
        """A string value of a property whose values are IRIs (``@type`` ``@id``/``@vocab``)."""
        vocab = info.coerce == "@vocab"
        return self.reference(expand_iri(ctx, value, vocab=vocab, relative=True), value, "the IRI")

    def scalar_term(self, value: Any, ctx: ActiveContext, info: KeyInfo | None) -> str | None:
        """Value expansion (§5.3) plus Object to RDF conversion of a JSON scalar."""
        if isinstance(value, str):
            if info is not None and info.coerce is not None:
                return self.coerced_iri(value, ctx, info)
            suffix = info.suffix if info is not None else ""
            if suffix is None:
                return self.directed_string(value, info)
            return f'"{escape_literal(value)}"{suffix}'
        if not isinstance(value, bool | int | float):
            raise invalid("invalid value", f"the value {value!r}", "is not JSON")
        datatype = info.datatype if info is not None else None
        return scalar_literal(value, datatype)

    def directed_string(self, value: str, info: KeyInfo | None) -> str:
        """A string whose default base direction cannot be expressed (no direction mode)."""
        if self.safe:
            raise unsafe("rdfDirection not set", f"the string {value!r}", "has a base direction")
        language = info.language if info is not None else None
        suffix = f"@{language}" if language else ""
        return f'"{escape_literal(value)}"{suffix}'

    def list_head(self, items: Any, ctx: ActiveContext, info: KeyInfo, graph: str) -> str:
        """Expand ``items`` as a list and emit its rdf:first/rdf:rest statements.

        What expands to an array in the array of the list (an array, a set object) is a
        list of its own, as in jsonld.js and pyld; within it, arrays are lists only for a
        property with a list container (see :meth:`objects`).
        """
        objects: list[str | None] = []
        array = isinstance(items, list)
        for index, item in enumerate(items if array else [items]):
            try:
                if isinstance(item, list):
                    nested: list[str | None] = []
                    self.objects(item, ctx, info, graph, nested)
                    objects.append(self.link(nested, graph))
                elif array and isinstance(item, Mapping):
                    self.map_element(item, ctx, info, graph, objects, item=True)
                else:
                    self.objects(item, ctx, info, graph, objects)
            except JsonLdError as exc:
                raise exc.locate(index) from None
        return self.link(objects, graph)

    def link(self, objects: list[str | None], graph: str) -> str:
        """Emit the rdf:first/rdf:rest statements of a list of objects; return its head."""
        if not objects:
            return RDF_NIL
        nodes = [self.fresh() for _ in objects]
        for position, (node, obj) in enumerate(zip(nodes, objects, strict=True)):
            self.emit(node, RDF_FIRST, obj, graph)
            rest = nodes[position + 1] if position + 1 < len(nodes) else RDF_NIL
            self.quads.append((node, RDF_REST, rest, graph))
        return nodes[0]

    # --- maps ---------------------------------------------------------------------------

    def map_element(
        self,
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
        """Expand a map (node, value, list or set object) and append its RDF object.

        ``item`` is set for a map in the array of a list.
        """
        expand_map(
            self,
            element,
            ctx,
            info,
            graph,
            out,
            item=item,
            from_map=from_map,
            root=root,
            map_id=map_id,
        )
