"""JSON-LD 1.1 context processing (§4.1.2), with every derived context cached.

Active contexts (:mod:`.active`) are immutable once built, so
every context derived from one (by a context URL, a type-scoped or a property-scoped
context) is cached on it: bundled contexts are processed once per :class:`ContextProcessor`
and every later document reuses the result.  Contexts embedded in a document are processed
per document (they could be anything; caching them would let input grow the cache).

Written here rather than taken from pyld because the walker in :mod:`.to_rdf` needs the
term tables themselves (pyld keeps them private and re-derives them per call), and because
safe mode needs to see what plain expansion silently drops.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from microcred.core.errors import DocumentLoaderError
from microcred.core.rdf import iri as iris
from microcred.core.rdf.active import BCP47, ActiveContext, expand_iri
from microcred.core.rdf.safe import invalid, unsafe
from microcred.core.rdf.terms import TermBuilder, direction_value

if TYPE_CHECKING:
    from microcred.core.loader import DocumentLoader

#: How many remote contexts one context may pull in, directly or not.
MAX_REMOTE_CONTEXTS = 32
#: Bound on the contexts one processor caches (input could make new ones without end, e.g.
#: an @context listing one URL many times: each repetition is another active context).
MAX_CACHED_CONTEXTS = 4096
LOADING_FAILED = "loading remote context failed"
_CONTEXT_KEYWORDS = frozenset(
    {"@base", "@direction", "@import", "@language", "@propagate", "@protected", "@version"}
    | {"@vocab"}
)


class ContextProcessor:
    """Builds and caches active contexts for one document loader.

    ``safe`` turns the warnings of context processing that would lose data (a reserved
    term, a relative ``@vocab``, an invalid language tag) into errors.
    """

    def __init__(self, loader: DocumentLoader, *, safe: bool = True) -> None:
        self._loader = loader
        self.safe = safe
        self._remote: dict[str, tuple[Any, str]] = {}
        self._initial: dict[str | None, ActiveContext] = {}
        self._cached = 0

    def initial(self, base: str | None = None) -> ActiveContext:
        """The initial active context for a document with this base IRI."""
        found = self._initial.get(base)
        if found is None:
            found = self._initial[base] = ActiveContext(base=base, original_base=base)
        return found

    def derive(
        self,
        active: ActiveContext,
        local: Any,
        base_url: str | None,
        *,
        override_protected: bool = False,
        propagate: bool = True,
        cache: bool = True,
    ) -> ActiveContext:
        """``active`` updated with ``local``, cached on ``active`` when ``cache`` is set.

        A cached entry keeps its ``local`` alive and is checked by identity (unless it is a
        context URL), so only pass ``cache=True`` for values that live as long as the
        processor (the scoped contexts of term definitions), never for contexts embedded in
        a document.  Context URLs are always cached, alone or in a list.
        """
        if isinstance(local, str):
            key: Any = (local, base_url, override_protected, propagate)
        elif cache:
            key = (id(local), base_url, override_protected, propagate)
        elif isinstance(local, list) and all(type(item) is str for item in local):
            # The usual embedded @context, a list of URLs: the same as one URL at a time.
            for url in local:
                active = self.derive(
                    active,
                    url,
                    base_url,
                    override_protected=override_protected,
                    propagate=propagate,
                )
            return active
        else:
            return self.process(active, local, base_url, override_protected, propagate)
        entry = active.derived.get(key)
        if entry is not None and (entry[0] is local or type(local) is str):
            return entry[1]
        result = self.process(active, local, base_url, override_protected, propagate)
        self._store(active, key, (local, result))
        return result

    def _store(self, active: ActiveContext, key: Any, entry: tuple[Any, ActiveContext]) -> None:
        """Cache a derived context on ``active``, within the processor's bound."""
        if self._cached < MAX_CACHED_CONTEXTS:
            self._cached += 1
            active.derived[key] = entry

    # --- Context Processing Algorithm (§4.1.2) ----------------------------------------

    def process(
        self,
        active: ActiveContext,
        local: Any,
        base_url: str | None,
        override_protected: bool = False,
        propagate: bool = True,
        remote: tuple[str, ...] = (),
        validate_scoped: bool = True,
    ) -> ActiveContext:
        result = active
        # The first context of a list decides, as in jsonld.js and pyld (checked in _definition).
        first = local[0] if isinstance(local, list) and local else local
        if isinstance(first, Mapping) and "@propagate" in first:
            propagate = first["@propagate"]
        if not propagate and result.previous is None:
            result = result.clone()
            result.previous = active
        for item in local if isinstance(local, list) else [local]:
            result = self._process_item(
                result, item, base_url, override_protected, propagate, remote, validate_scoped
            )
        return result

    def _process_item(
        self,
        result: ActiveContext,
        item: Any,
        base_url: str | None,
        override_protected: bool,
        propagate: bool,
        remote: tuple[str, ...],
        validate_scoped: bool,
    ) -> ActiveContext:
        if item is None:
            if not override_protected and result.has_protected():
                raise invalid(
                    "invalid context nullification",
                    "a null @context",
                    "would remove protected term definitions",
                )
            fresh = ActiveContext(base=result.original_base, original_base=result.original_base)
            if not propagate:
                fresh.previous = result
            return fresh
        if isinstance(item, str):
            return self._remote_context(result, item, base_url, remote, validate_scoped)
        if isinstance(item, Mapping) and "@context" in item:
            # An embedded context document ({"@context": {...}}) stands for its @context,
            # as jsonld.js and pyld read it (the EdDSA test suite's vectors use this form).
            item = item["@context"]
        if not isinstance(item, Mapping):
            raise invalid("invalid local context", "@context", "must be a map, a URL or null")
        return self._definition(result, item, base_url, override_protected, remote, validate_scoped)

    def _remote_context(
        self,
        result: ActiveContext,
        url: str,
        base_url: str | None,
        remote: tuple[str, ...],
        validate_scoped: bool,
    ) -> ActiveContext:
        if not iris.is_absolute_iri(url):
            if base_url is None:
                raise invalid(LOADING_FAILED, f"context {url!r}", "is not a URL")
            url = iris.resolve(url, base_url)
        if not validate_scoped and url in remote:
            return result
        if len(remote) >= MAX_REMOTE_CONTEXTS:
            raise invalid("context overflow", f"context {url}", "includes too many contexts")
        if validate_scoped and not remote:
            # The common case (a context URL in a document): cached on ``result``.
            entry = result.derived.get(("remote", url))
            if entry is None:
                context, document_url = self.load_context(url)
                entry = (url, self.process(result, context, document_url, remote=(url,)))
                self._store(result, ("remote", url), entry)
            return entry[1]
        context, document_url = self.load_context(url)
        return self.process(
            result, context, document_url, remote=(*remote, url), validate_scoped=validate_scoped
        )

    def load_context(self, url: str) -> tuple[Any, str]:
        """The ``@context`` value of the context document at ``url``, and its URL."""
        found = self._remote.get(url)
        if found is not None:
            return found
        try:
            document = self._loader.load(url).document
        except ReferenceError as exc:  # the weakly held loader of canonicalizer_for is gone
            raise invalid(LOADING_FAILED, f"context {url}", "has no loader") from exc
        except DocumentLoaderError as exc:
            raise invalid(LOADING_FAILED, f"context {url}", f"could not be loaded: {exc}") from exc
        if not isinstance(document, Mapping) or "@context" not in document:
            raise invalid("invalid remote context", f"context {url}", "has no @context entry")
        found = self._remote[url] = (document["@context"], url)
        return found

    def _definition(
        self,
        active: ActiveContext,
        context: Mapping[str, Any],
        base_url: str | None,
        override_protected: bool,
        remote: tuple[str, ...],
        validate_scoped: bool,
    ) -> ActiveContext:
        result = active.clone()
        if "@version" in context and context["@version"] not in (1.1, 1.2):
            raise invalid("invalid @version value", "@version", "must be 1.1")
        if not isinstance(context.get("@propagate", True), bool):
            raise invalid("invalid @propagate value", "@propagate", "must be true or false")
        if "@import" in context:
            context = self._import(context, base_url)
        if "@base" in context and not remote:
            result.base = _context_base(result, context["@base"])
        if "@vocab" in context:
            result.vocab = self._vocab(result, context["@vocab"])
        if "@language" in context:
            result.language = self._default_language(context["@language"])
        if "@direction" in context:
            result.direction = direction_value(context["@direction"], "@direction")
        protected = context.get("@protected", False)
        if not isinstance(protected, bool):
            raise invalid("invalid @protected value", "@protected", "must be true or false")
        builder = TermBuilder(
            self, result, context, base_url, protected, override_protected, remote
        )
        builder.validate_scoped = validate_scoped
        for term in context:
            if term not in _CONTEXT_KEYWORDS:
                builder.define(term)
        return result

    def _import(self, context: Mapping[str, Any], base_url: str | None) -> Mapping[str, Any]:
        url = context["@import"]
        if not isinstance(url, str):
            raise invalid("invalid @import value", "@import", "must be a string")
        if not iris.is_absolute_iri(url):
            if base_url is None:
                raise invalid(LOADING_FAILED, f"@import {url!r}", "is not a URL")
            url = iris.resolve(url, base_url)
        imported, _ = self.load_context(url)
        if not isinstance(imported, Mapping):
            raise invalid("invalid remote context", f"@import {url}", "is not a context map")
        if "@import" in imported:
            raise invalid("invalid context entry", f"@import {url}", "imports another context")
        merged = dict(imported)
        merged.update((key, value) for key, value in context.items() if key != "@import")
        return merged

    def _vocab(self, result: ActiveContext, value: Any) -> str | None:
        if value is None:
            return None
        if not isinstance(value, str):
            raise invalid("invalid vocab mapping", "@vocab", "must be a string or null")
        vocab = expand_iri(result, value, vocab=True, relative=True)
        usable = vocab is not None and (iris.is_absolute_iri(vocab) or vocab.startswith("_:"))
        if not usable and self.safe:
            raise unsafe("relative @vocab reference", f"@vocab {value!r}", "is not an IRI")
        return vocab

    def _default_language(self, value: Any) -> str | None:
        if value is None:
            return None
        if not isinstance(value, str):
            raise invalid("invalid default language", "@language", "must be a string or null")
        self.check_language(value, "@language")
        return value.lower()

    def check_language(self, value: str, where: str) -> None:
        if self.safe and not BCP47.match(value):
            raise unsafe(
                "invalid @language value",
                f"{where} {value!r}",
                "is not a well-formed language tag",
            )


def _context_base(result: ActiveContext, value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        if iris.is_absolute_iri(value):
            return value
        if result.base is not None:
            return iris.resolve(value, result.base)
    raise invalid("invalid base IRI", "@base", "must be an IRI, or relative to a known base")
