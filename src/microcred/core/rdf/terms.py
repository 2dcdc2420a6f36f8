"""Create Term Definition (JSON-LD 1.1 §4.2) for the terms of one local context."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from microcred.core.rdf import iri as iris
from microcred.core.rdf.active import ActiveContext, TermDefinition, expand_iri
from microcred.core.rdf.nquads import is_valid_iri_text
from microcred.core.rdf.safe import JsonLdError, invalid, unsafe

if TYPE_CHECKING:
    from microcred.core.rdf.context import ContextProcessor

_TERM_KEYS = frozenset(
    {"@id", "@reverse", "@container", "@context", "@direction", "@index", "@language"}
    | {"@nest", "@prefix", "@protected", "@type"}
)
_CONTAINERS = frozenset({"@graph", "@id", "@index", "@language", "@list", "@set", "@type"})


def direction_value(value: Any, where: str) -> str | None:
    if value is None or value in ("ltr", "rtl"):
        return value  # type: ignore[no-any-return]
    raise invalid("invalid base direction", where, 'must be "ltr", "rtl" or null')


class TermBuilder:
    """Defines the terms of one local context in an active context being built."""

    def __init__(
        self,
        processor: ContextProcessor,
        active: ActiveContext,
        local: Mapping[str, Any],
        base_url: str | None,
        protected: bool,
        override_protected: bool,
        remote: tuple[str, ...],
    ) -> None:
        self.processor = processor
        self.active = active
        self.local = local
        self.base_url = base_url
        self.protected = protected
        self.override_protected = override_protected
        self.remote = remote
        self.validate_scoped = True
        self.defined: dict[str, bool] = {}

    def define(self, term: str) -> None:
        state = self.defined.get(term)
        if state is True:
            return
        if state is False:
            raise invalid("cyclic IRI mapping", f'term "{term}"', "is defined through itself")
        try:
            self._define(term)
        except JsonLdError as exc:
            if not exc.path:
                exc.locate(term).locate("@context")
            raise

    def _define(self, term: str) -> None:
        if term == "":
            raise invalid("invalid term definition", "the empty term", "cannot be defined")
        self.defined[term] = False
        value = self.local[term]
        if not self._check_keyword_term(term, value):
            self.defined[term] = True
            return
        previous = self.active.terms.pop(term, None)
        definition = self._build(term, value)
        if definition is None:
            self.defined[term] = True
            return
        if not self.override_protected and previous is not None and previous.protected:
            if not definition.same_as(previous):
                raise invalid(
                    "protected term redefinition",
                    f'protected term "{term}"',
                    "cannot be redefined",
                )
            definition = previous
        self.active.terms[term] = definition
        self.defined[term] = True

    def _check_keyword_term(self, term: str, value: Any) -> bool:
        """False to skip the term (a reserved, keyword-like term in non-safe mode)."""
        if term == "@type" and isinstance(value, Mapping) and value:
            allowed = set(value) <= {"@container", "@protected"}
            if allowed and value.get("@container", "@set") == "@set":
                return True
        if iris.is_keyword(term):
            raise invalid("keyword redefinition", f"keyword {term}", "cannot be redefined")
        if term.startswith("@") and iris.has_keyword_form(term):
            if self.processor.safe:
                raise unsafe("reserved term", f'term "{term}"', "has the form of a keyword")
            return False
        return True

    def expand(self, value: str, *, vocab: bool = True, relative: bool = False) -> str | None:
        """IRI expansion during context processing: defines dependencies first."""
        if iris.is_keyword(value) or (value.startswith("@") and iris.has_keyword_form(value)):
            return value if iris.is_keyword(value) else None
        if value in self.local and self.defined.get(value) is not True:
            self.define(value)
        colon = value.find(":")
        if colon > 0:
            prefix, suffix = value[:colon], value[colon + 1 :]
            if prefix == "_" or suffix.startswith("//"):
                return value
            if prefix in self.local and self.defined.get(prefix) is not True:
                self.define(prefix)
        return expand_iri(self.active, value, vocab=vocab, relative=relative)

    def _build(self, term: str, value: Any) -> TermDefinition | None:
        simple = isinstance(value, str)
        if value is None:
            value = {"@id": None}
        elif simple:
            value = {"@id": value}
        elif not isinstance(value, Mapping):
            raise invalid("invalid term definition", f'term "{term}"', "is not a string or map")
        extra = set(value) - _TERM_KEYS
        if extra:
            raise invalid(
                "invalid term definition", f'term "{term}"', f"has unknown entries {sorted(extra)}"
            )
        fields: dict[str, Any] = {"protected": value.get("@protected", self.protected)}
        if not isinstance(fields["protected"], bool):
            raise invalid("invalid @protected value", f'term "{term}"', "@protected not boolean")
        if "@type" in value:
            fields["type_mapping"] = self._type_mapping(term, value["@type"])
        mapping = self._iri_mapping(term, value, simple)
        if mapping is None:
            return None
        fields.update(mapping)
        self._container(term, value, fields)
        self._other_entries(term, value, fields)
        return TermDefinition(**fields)

    def _type_mapping(self, term: str, value: Any) -> str:
        if not isinstance(value, str):
            raise invalid("invalid type mapping", f'term "{term}"', "@type must be a string")
        expanded = self.expand(value)
        if expanded in ("@id", "@json", "@none", "@vocab"):
            return expanded
        if (
            expanded is None
            or not iris.is_absolute_iri(expanded)
            or expanded.startswith("_:")
            or not is_valid_iri_text(expanded)
        ):
            raise invalid("invalid type mapping", f'term "{term}"', f"@type {value!r} is no IRI")
        return expanded

    def _iri_mapping(
        self, term: str, value: Mapping[str, Any], simple: bool
    ) -> dict[str, Any] | None:
        if "@reverse" in value:
            return self._reverse(term, value)
        if "@id" in value and value["@id"] != term:
            return self._explicit_id(term, value["@id"], simple)
        colon = term.find(":", 1)
        if colon > 0:
            prefix, suffix = term[:colon], term[colon + 1 :]
            if prefix in self.local:
                self.define(prefix)
            prefix_def = self.active.terms.get(prefix)
            if prefix_def is not None and prefix_def.iri is not None:
                return {"iri": prefix_def.iri + suffix}
            return {"iri": term}
        if term == "@type":
            return {"iri": "@type"}
        # A term with a slash is a relative IRI reference: IRI expansion (§4.2 step 18)
        # appends it to the vocabulary mapping too, as the other terms are.
        if self.active.vocab is None:
            raise invalid("invalid IRI mapping", f'term "{term}"', "has no IRI and no @vocab")
        return {"iri": self.active.vocab + term}

    def _reverse(self, term: str, value: Mapping[str, Any]) -> dict[str, Any] | None:
        if "@id" in value or "@nest" in value:
            raise invalid(
                "invalid reverse property", f'term "{term}"', "has @reverse with @id or @nest"
            )
        reverse = value["@reverse"]
        if not isinstance(reverse, str):
            raise invalid("invalid IRI mapping", f'term "{term}"', "@reverse must be a string")
        if reverse.startswith("@") and iris.has_keyword_form(reverse):
            if self.processor.safe:
                raise unsafe("reserved @reverse value", f'term "{term}"', "maps to a keyword form")
            return None
        expanded = self.expand(reverse)
        if expanded is None or not _is_iri(expanded):
            raise invalid("invalid IRI mapping", f'term "{term}"', "@reverse is not an IRI")
        container = value.get("@container")
        if container not in (None, "@set", "@index"):
            raise invalid("invalid reverse property", f'term "{term}"', "has a bad @container")
        return {"iri": expanded, "reverse": True}

    def _explicit_id(self, term: str, id_value: Any, simple: bool) -> dict[str, Any] | None:
        if id_value is None:
            return {"iri": None}
        if not isinstance(id_value, str):
            raise invalid("invalid IRI mapping", f'term "{term}"', "@id must be a string")
        if not iris.is_keyword(id_value) and iris.has_keyword_form(id_value):
            if self.processor.safe:
                raise unsafe("reserved @id value", f'term "{term}"', "maps to a keyword form")
            return None
        expanded = self.expand(id_value)
        if expanded is None or not (iris.is_keyword(expanded) or _is_iri(expanded)):
            raise invalid("invalid IRI mapping", f'term "{term}"', f"@id {id_value!r} is no IRI")
        if expanded == "@context":
            raise invalid("invalid keyword alias", f'term "{term}"', "cannot alias @context")
        if ":" in term[1:-1] or "/" in term:
            self.defined[term] = True
            if self.expand(term) != expanded:
                raise invalid("invalid IRI mapping", f'term "{term}"', "conflicts with its IRI")
        prefix = (
            simple
            and ":" not in term
            and "/" not in term
            and (iris.ends_with_gen_delim(expanded) or expanded.startswith("_:"))
        )
        return {"iri": expanded, "prefix": prefix}

    def _container(self, term: str, value: Mapping[str, Any], fields: dict[str, Any]) -> None:
        if "@container" not in value:
            return
        raw = value["@container"]
        if fields.get("reverse"):
            fields["container"] = frozenset([raw]) if raw else frozenset()
            return
        container = frozenset(raw if isinstance(raw, list) else [raw])
        if not _valid_container(raw, container):
            raise invalid("invalid container mapping", f'term "{term}"', f"@container {raw!r}")
        fields["container"] = container
        if "@type" in container:
            fields.setdefault("type_mapping", "@id")
            if fields["type_mapping"] not in ("@id", "@vocab"):
                raise invalid("invalid type mapping", f'term "{term}"', "type maps need @id")

    def _other_entries(self, term: str, value: Mapping[str, Any], fields: dict[str, Any]) -> None:
        if "@index" in value:
            fields["index"] = self._index(term, value["@index"], fields)
        if "@context" in value:
            self._scoped_context(term, value["@context"], fields)
        if "@language" in value and "@type" not in value:
            fields["language"] = self._language(term, value["@language"])
        if "@direction" in value and "@type" not in value:
            fields["direction"] = direction_value(value["@direction"], f'term "{term}"')
        if "@nest" in value:
            nest = value["@nest"]
            if not isinstance(nest, str) or (iris.is_keyword(nest) and nest != "@nest"):
                raise invalid("invalid @nest value", f'term "{term}"', "@nest must be a term")
            fields["nest"] = nest
        if "@prefix" in value:
            self._prefix(term, value["@prefix"], fields)

    def _index(self, term: str, index: Any, fields: dict[str, Any]) -> str:
        if "@index" not in fields.get("container", ()) or not isinstance(index, str):
            raise invalid("invalid term definition", f'term "{term}"', "has a bad @index")
        expanded = self.expand(index)
        if expanded is None or iris.is_keyword(expanded) or not iris.is_absolute_iri(expanded):
            raise invalid("invalid term definition", f'term "{term}"', "@index is not an IRI")
        return index

    def _scoped_context(self, term: str, context: Any, fields: dict[str, Any]) -> None:
        if self.validate_scoped:
            try:
                self.processor.process(
                    self.active,
                    context,
                    self.base_url,
                    override_protected=True,
                    remote=self.remote,
                    validate_scoped=False,
                )
            except JsonLdError as exc:
                raise invalid(
                    "invalid scoped context", f'term "{term}"', f"has an invalid context: {exc}"
                ) from exc
        fields.update(has_context=True, context=context, base_url=self.base_url)

    def _language(self, term: str, language: Any) -> str | None:
        if language is None:
            return None
        if not isinstance(language, str):
            raise invalid("invalid language mapping", f'term "{term}"', "@language not a string")
        self.processor.check_language(language, f'term "{term}" @language')
        return language.lower()

    def _prefix(self, term: str, prefix: Any, fields: dict[str, Any]) -> None:
        if ":" in term or "/" in term:
            raise invalid("invalid term definition", f'term "{term}"', "cannot be a @prefix")
        if not isinstance(prefix, bool):
            raise invalid("invalid @prefix value", f'term "{term}"', "@prefix must be boolean")
        if prefix and iris.is_keyword(fields.get("iri") or ""):
            raise invalid("invalid term definition", f'term "{term}"', "keyword as @prefix")
        fields["prefix"] = prefix


def _is_iri(value: str) -> bool:
    """An absolute IRI or a blank node identifier (what an IRI mapping may be)."""
    return iris.is_absolute_iri(value) or value.startswith("_:")


def _valid_container(raw: Any, container: frozenset[str]) -> bool:
    if isinstance(raw, list):
        if not raw or not all(isinstance(item, str) for item in raw):
            return False
    elif not isinstance(raw, str):
        return False
    if not container <= _CONTAINERS:
        return False
    if "@list" in container:
        return len(container) == 1
    if "@graph" in container:
        return container <= {"@graph", "@id", "@index", "@set"} and not (
            {"@id", "@index"} <= container
        )
    return len(container - {"@set"}) <= 1
