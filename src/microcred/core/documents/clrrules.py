"""The CLR 2.0 class tables: ClrCredential, ClrSubject and Association."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from microcred.core.documents.constants import (
    CLR_CONTEXT,
    CLR_CONTEXT_PATTERN,
    CLR_CREDENTIAL,
    OB_CONTEXT,
    OB_CONTEXT_PATTERN,
)
from microcred.core.documents.issues import Collector, each, join_path
from microcred.core.documents.obrules import (
    CREDENTIAL_PROPS,
    listed,
    require_valid_from,
    second_context_rule,
)
from microcred.core.documents.schema import ClassRule, Prop, Vocabulary
from microcred.core.documents.values import describe

ASSOCIATION_TYPES = Vocabulary(
    "AssociationType",
    frozenset(
        (
            "exactMatchOf",
            "isChildOf",
            "isParentOf",
            "isPartOf",
            "isPeerOf",
            "isRelatedTo",
            "precedes",
            "replacedBy",
        )
    ),
    extensible=False,
)


_CLR_CONTEXT_RULE = second_context_rule(CLR_CONTEXT_PATTERN, CLR_CONTEXT, "CLR 2.0")


def _clr_credential(node: Mapping[str, Any], path: str, out: Collector) -> None:
    _CLR_CONTEXT_RULE(node, path, out)
    require_valid_from(node, path, out)
    contexts = listed(node.get("@context"))
    if not any(isinstance(c, str) and OB_CONTEXT_PATTERN.fullmatch(c) for c in contexts):
        out.error(
            join_path(path, "@context"),
            f"@context must also list the Open Badges 3.0 context (such as {OB_CONTEXT}); "
            "a CLR's achievements and profiles are Open Badges classes.",
        )


def _subject_extra(node: Mapping[str, Any], path: str, out: Collector) -> None:
    """Either ``id`` or an ``identifier``; associations link achievements the CLR holds."""
    if "id" not in node and not node.get("identifier"):
        out.error(
            path,
            f"{path} needs an id or at least one identifier (an IdentityObject) for the learner.",
        )
    known = _achievement_ids(node)
    for where, association in each(node.get("association", []), join_path(path, "association")):
        if not isinstance(association, Mapping):
            continue
        for key in ("sourceId", "targetId"):
            value = association.get(key)
            if isinstance(value, str) and value not in known:
                out.warning(
                    join_path(where, key),
                    f"{key} {describe(value)} names no achievement of this CLR.",
                )


def _achievement_ids(subject: Mapping[str, Any]) -> set[str]:
    """Ids of the achievements listed in the subject or awarded by its credentials."""
    found = [*_items(subject.get("achievement"))]
    for credential in _items(subject.get("verifiableCredential")):
        for inner in _items(credential.get("credentialSubject")):
            found.extend(_items(inner.get("achievement")))
    return {item["id"] for item in found if isinstance(item.get("id"), str)}


def _items(value: Any) -> list[Mapping[str, Any]]:
    items = value if isinstance(value, list) else [value]
    return [item for item in items if isinstance(item, Mapping)]


CLR_CLASSES = MappingProxyType(
    {
        rule.name: rule
        for rule in (
            ClassRule(
                CLR_CREDENTIAL,
                (
                    *CREDENTIAL_PROPS,
                    Prop("name", required=True),
                    Prop("partial", "boolean"),
                    Prop("credentialSubject", "class:ClrSubject", True),
                    Prop("endorsement", "embedded:EndorsementCredential", many=True),
                    Prop("endorsementJwt", "jws", many=True),
                ),
                types=(("VerifiableCredential",), (CLR_CREDENTIAL,)),
                additional=_clr_credential,
            ),
            ClassRule(
                "ClrSubject",
                (
                    Prop("id", "uri"),
                    Prop("identifier", "class:IdentityObject", many=True),
                    Prop("achievement", "class:Achievement", many=True),
                    Prop("verifiableCredential", "embedded:VerifiableCredential", True, True),
                    Prop("association", "class:Association", many=True),
                ),
                types=(("ClrSubject",),),
                additional=_subject_extra,
            ),
            ClassRule(
                "Association",
                (
                    Prop("associationType", "enum:AssociationType", True),
                    Prop("sourceId", "uri", True),
                    Prop("targetId", "uri", True),
                ),
                types=(("Association",),),
                exact=True,
            ),
        )
    }
)
