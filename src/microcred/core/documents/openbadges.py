"""Open Badges 3.0 and CLR 2.0 rules on top of the VC Data Model.

:func:`validate_openbadge` reports only what the 1EdTech models add: run it together with
:func:`~microcred.core.documents.vcdm.validate_credential` (as :func:`validate_document`
does).  Credentials embedded in one (endorsements, the credentials of a CLR) are checked
in full, since nothing else sees them.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from microcred.core.documents.clrrules import ASSOCIATION_TYPES, CLR_CLASSES
from microcred.core.documents.constants import (
    ACHIEVEMENT_CREDENTIAL_TYPES,
    CLR_CREDENTIAL,
    ENDORSEMENT_CREDENTIAL,
    OPENBADGE_FAMILY,
)
from microcred.core.documents.issues import Collector, Issue, join_path, prefixed
from microcred.core.documents.obrules import CLASSES, CREDENTIAL_CLASSES, VOCABULARIES
from microcred.core.documents.presentation import validate_presentation
from microcred.core.documents.schema import Schema
from microcred.core.documents.values import describe, has_type, type_values
from microcred.core.documents.vcdm import check_document, validate_credential


def validate_openbadge(document: Any) -> list[Issue]:
    """The Open Badges 3.0 / CLR 2.0 rules ``document`` breaks, beyond the VC model's.

    ``document`` is an ``AchievementCredential`` (or ``OpenBadgeCredential``), an
    ``EndorsementCredential`` or a ``ClrCredential``; any other type is an issue.
    Issues :func:`validate_credential` also reports are left out.
    """
    out = Collector()
    if not check_document(document, "credential", out):
        return out.issues
    kind = openbadge_kind(document)
    if kind is None:
        out.error(
            "type",
            "type includes none of " + ", ".join(sorted(OPENBADGE_FAMILY)) + ", so it is "
            "neither an Open Badges 3.0 nor a CLR 2.0 credential.",
        )
        return out.issues
    SCHEMA.check(document, kind, "", out)
    shared = set(validate_credential(document))
    return [issue for issue in out.issues if issue not in shared]


def openbadge_kind(document: Any) -> str | None:
    """``"ClrCredential"``, ``"EndorsementCredential"``, ``"AchievementCredential"`` or
    ``None``: which 1EdTech credential class ``document`` claims to be."""
    types = set(type_values(document))
    if CLR_CREDENTIAL in types:
        return CLR_CREDENTIAL
    if ENDORSEMENT_CREDENTIAL in types:
        return ENDORSEMENT_CREDENTIAL
    if types.intersection(ACHIEVEMENT_CREDENTIAL_TYPES):
        return "AchievementCredential"
    return None


def validate_document(document: Any) -> list[Issue]:
    """Every data-model issue of a credential or presentation, with the Open Badges / CLR
    rules when its type asks for them."""
    if has_type(document, "VerifiablePresentation"):
        return validate_presentation(document)
    issues = validate_credential(document)
    if openbadge_kind(document) is not None:
        issues.extend(validate_openbadge(document))
    return issues


def _check_endorsement(value: Any, where: str, out: Collector) -> None:
    if not isinstance(value, Mapping):
        out.error(
            where,
            f"endorsement entries must be EndorsementCredential objects, not {describe(value)}.",
        )
        return
    out.extend(prefixed(validate_credential(value), where))
    if has_type(value, ENDORSEMENT_CREDENTIAL):
        out.extend(prefixed(validate_openbadge(value), where))
    else:
        out.error(join_path(where, "type"), "type must include EndorsementCredential here.")


def _check_embedded_credential(value: Any, where: str, out: Collector) -> None:
    if not isinstance(value, Mapping):
        out.error(
            where, f"verifiableCredential entries must be credentials, not {describe(value)}."
        )
        return
    out.extend(prefixed(validate_credential(value), where))
    if openbadge_kind(value) is not None:
        out.extend(prefixed(validate_openbadge(value), where))


SCHEMA = Schema(
    classes=MappingProxyType(
        {
            **CLASSES,
            **CREDENTIAL_CLASSES,
            **CLR_CLASSES,
        }
    ),
    vocabularies=MappingProxyType({**VOCABULARIES, ASSOCIATION_TYPES.name: ASSOCIATION_TYPES}),
    embedded=MappingProxyType(
        {
            ENDORSEMENT_CREDENTIAL: _check_endorsement,
            "VerifiableCredential": _check_embedded_credential,
        }
    ),
)
