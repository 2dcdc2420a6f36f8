"""A small declarative engine for the 1EdTech class tables (Open Badges 3.0, CLR 2.0).

Each class lists its properties with a value kind, whether it is required (multiplicity
``1``) and whether it may repeat (``0..*``).  Value kinds:

``string``, ``uri``, ``datetimez`` (a dateTime with an offset), ``datetime``,
``date-or-datetime``, ``date``, ``number``, ``boolean``, ``jws`` (a compact JWS),
``language`` (a BCP 47 tag), ``enum:<Name>``, ``class:<Name>``, ``profile-ref`` (a URI or
a Profile) and ``embedded:<Name>`` (a whole embedded credential, checked by a callback).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from microcred.core.documents.issues import Collector, each, join_path
from microcred.core.documents.values import (
    describe,
    is_date,
    is_language_tag,
    parse_timestamp,
    type_values,
)
from microcred.core.documents.vcdm import (
    check_party_value,
    check_time,
    check_type_values,
    check_url,
)

#: ``checker(value, path, out)``: validates one embedded value.
Checker = Callable[[Any, str, Collector], None]
#: ``additional(node, path, out)``: rules a table cannot express.
Extra = Callable[[Mapping[str, Any], str, Collector], None]

_COMPACT_JWS = re.compile(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+")
_EXTENSION_TERM = re.compile(r"ext:[A-Za-z0-9._-]+")


@dataclass(frozen=True)
class Prop:
    """One property of a class: its name, value kind and multiplicity."""

    name: str
    kind: str = "string"
    required: bool = False
    many: bool = False
    #: A repeatable property that may also be written as a single value (no warning).
    compact: bool = False


@dataclass(frozen=True)
class ClassRule:
    """A class: its properties, its ``type`` constraint and any additional rules.

    ``types`` holds groups of type names; the ``type`` must include one name of every
    group.  ``exact`` classes (``"type": "Image"``) must have exactly that single type.
    """

    name: str
    props: tuple[Prop, ...]
    types: tuple[tuple[str, ...], ...] = ()
    exact: bool = False
    additional: Extra | None = None


@dataclass(frozen=True)
class Vocabulary:
    """An enumerated vocabulary; an extensible one also accepts ``ext:`` terms."""

    name: str
    terms: frozenset[str]
    extensible: bool = True


@dataclass(frozen=True)
class Schema:
    classes: Mapping[str, ClassRule]
    vocabularies: Mapping[str, Vocabulary]
    embedded: Mapping[str, Checker] = field(default_factory=dict)

    def check(self, value: Any, class_name: str, path: str, out: Collector) -> None:
        """Validate ``value`` as an instance of ``class_name``."""
        rule = self.classes[class_name]
        if not isinstance(value, Mapping):
            out.error(
                path,
                f"{_last(path)} must be an object of the class {rule.name}, not {describe(value)}.",
            )
            return
        _check_type(value, rule, path, out)
        for prop in rule.props:
            self._check_prop(value, prop, rule, path, out)
        if rule.additional is not None:
            rule.additional(value, path, out)

    def _check_prop(
        self, node: Mapping[str, Any], prop: Prop, rule: ClassRule, path: str, out: Collector
    ) -> None:
        where = join_path(path, prop.name)
        if prop.name not in node:
            if prop.required:
                out.error(where, f"{prop.name} is missing; a {rule.name} requires it.")
            return
        value = node[prop.name]
        if isinstance(value, list) and not prop.many:
            out.error(where, f"{prop.name} must be a single value, not a list.")
            return
        if prop.required and value == []:
            out.error(where, f"{prop.name} is empty; a {rule.name} requires at least one.")
        if prop.many and not prop.compact and not isinstance(value, list):
            out.warning(where, f"{prop.name} should be a list; a {rule.name} may hold several.")
        for item_path, item in each(value, where):
            self.check_value(item, prop.kind, prop.name, item_path, out)

    def check_value(self, value: Any, kind: str, key: str, where: str, out: Collector) -> None:
        """Validate one value of the given kind (see the module documentation)."""
        family, _, name = kind.partition(":")
        if family == "class":
            self.check(value, name, where, out)
        elif family == "embedded":
            self.embedded[name](value, where, out)
        elif family == "enum":
            _check_term(value, self.vocabularies[name], key, where, out)
        elif kind == "profile-ref" and isinstance(value, Mapping):
            self.check(value, "Profile", where, out)
        elif kind == "profile-ref":
            check_party_value(value, key, where, out)
        else:
            _SCALARS[kind](value, key, where, out)


def _last(path: str) -> str:
    """The property a path ends with (``alignment`` for ``achievement.alignment[2]``)."""
    return path.rsplit(".", 1)[-1].split("[", 1)[0] or "the value"


def _check_type(node: Mapping[str, Any], rule: ClassRule, path: str, out: Collector) -> None:
    if not rule.types:
        return
    where = join_path(path, "type")
    wanted = " and ".join(" or ".join(group) for group in rule.types)
    if "type" not in node:
        out.error(where, f"type is missing; a {rule.name} must have the type {wanted}.")
        return
    if not check_type_values(node["type"], where, out):
        return
    values = type_values(node)
    if rule.exact and values != [rule.types[0][0]]:
        out.error(where, f"type must be exactly {wanted}; it is {describe(node['type'])}.")
    missing = [group for group in rule.types if not set(group).intersection(values)]
    if missing and not rule.exact:
        shown = ", ".join(values)
        out.error(where, f"type must include {' or '.join(missing[0])}; it has {shown}.")


def _check_term(value: Any, vocabulary: Vocabulary, key: str, where: str, out: Collector) -> None:
    if isinstance(value, str) and (
        value in vocabulary.terms
        or (vocabulary.extensible and _EXTENSION_TERM.fullmatch(value) is not None)
    ):
        return
    extension = " or an extension term such as ext:MyTerm" if vocabulary.extensible else ""
    out.error(
        where,
        f"{key} must be a {vocabulary.name} term{extension}; {describe(value)} is not one.",
    )


def _string(value: Any, key: str, where: str, out: Collector) -> None:
    if not isinstance(value, str):
        out.error(where, f"{key} must be a string, not {describe(value)}.")


def _datetimez(value: Any, key: str, where: str, out: Collector) -> None:
    parsed = check_time(value, key, where, out)
    if parsed is not None and not parsed.has_offset:
        out.error(where, f"{key} must include a time-zone offset (Z or +hh:mm).")


def _datetime(value: Any, key: str, where: str, out: Collector) -> None:
    if parse_timestamp(value) is None:
        _bad(value, key, where, out, "a dateTime such as 2024-01-31T09:00:00Z")


def _date_or_datetime(value: Any, key: str, where: str, out: Collector) -> None:
    if not is_date(value):
        _datetime(value, key, where, out)


def _date(value: Any, key: str, where: str, out: Collector) -> None:
    if not is_date(value):
        _bad(value, key, where, out, "a date such as 2001-12-31")


def _number(value: Any, key: str, where: str, out: Collector) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        _bad(value, key, where, out, "a number")


def _boolean(value: Any, key: str, where: str, out: Collector) -> None:
    if not isinstance(value, bool):
        _bad(value, key, where, out, "true or false")


def _jws(value: Any, key: str, where: str, out: Collector) -> None:
    if not isinstance(value, str) or not _COMPACT_JWS.fullmatch(value):
        _bad(value, key, where, out, "a compact JWS (header.payload.signature)")


def _language(value: Any, key: str, where: str, out: Collector) -> None:
    if not is_language_tag(value):
        _bad(value, key, where, out, "a BCP 47 language tag such as en or pt-BR")


def _bad(value: Any, key: str, where: str, out: Collector, expected: str) -> None:
    out.error(where, f"{key} must be {expected}; {describe(value)} is not.")


_SCALARS: Mapping[str, Callable[[Any, str, str, Collector], None]] = MappingProxyType(
    {
        "string": _string,
        "uri": check_url,
        "datetimez": _datetimez,
        "datetime": _datetime,
        "date-or-datetime": _date_or_datetime,
        "date": _date,
        "number": _number,
        "boolean": _boolean,
        "jws": _jws,
        "language": _language,
    }
)
