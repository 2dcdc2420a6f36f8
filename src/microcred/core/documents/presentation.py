"""Verifiable presentations: data-model rules (VC 2.0 / 1.1) and an unsigned builder."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from microcred.core.documents.constants import VC2_CONTEXT
from microcred.core.documents.issues import (
    Collector,
    Issue,
    each,
    ensure_valid,
    join_path,
    prefixed,
)
from microcred.core.documents.values import describe, has_type, is_data_url, node_id
from microcred.core.documents.vcdm import (
    check_context,
    check_document,
    check_id,
    check_party,
    check_proofs,
    check_type,
    check_typed_objects,
    validate_credential,
)

ENVELOPED_CREDENTIAL = "EnvelopedVerifiableCredential"


def validate_presentation(document: Any) -> list[Issue]:
    """The ways ``document`` breaks the data model of a verifiable presentation.

    Embedded credentials are checked with :func:`validate_credential` (their issues carry
    paths such as ``verifiableCredential[0].issuer``).  A credential without a proof of
    its own inside a presentation that has a proof is secured only by the presentation,
    so it must be self-asserted: the presentation needs a ``holder`` and the credential's
    ``issuer`` must be that holder.
    """
    out = Collector()
    if not check_document(document, "presentation", out):
        return out.issues
    version = check_context(document, "", out, "presentation")
    check_id(document, "id", "", out)
    check_type(document, "VerifiablePresentation", "", out, "presentation")
    check_party(document, "holder", "", out, required=False)
    check_typed_objects(document, ("termsOfUse",), version or 2, "", out)
    check_proofs(document, "", out)
    _check_credentials(document, out)
    _check_self_asserted(document, out)
    return out.issues


def _check_credentials(document: Mapping[str, Any], out: Collector) -> None:
    if "verifiableCredential" not in document:
        return
    value = document["verifiableCredential"]
    if value == []:
        out.error(
            "verifiableCredential", "verifiableCredential, if present, must hold credentials."
        )
    for where, item in each(value, "verifiableCredential"):
        if not isinstance(item, Mapping):
            out.error(
                where,
                "verifiableCredential entries must be credential objects, not strings, numbers "
                f"or URLs ({describe(item)}); put a JWT in an {ENVELOPED_CREDENTIAL}.",
            )
        elif has_type(item, ENVELOPED_CREDENTIAL) or _looks_enveloped(item):
            _check_enveloped(item, where, out)
        else:
            out.extend(prefixed(validate_credential(item), where))


def _looks_enveloped(item: Mapping[str, Any]) -> bool:
    return not has_type(item, "VerifiableCredential") and is_data_url(item.get("id"))


def _check_enveloped(item: Mapping[str, Any], where: str, out: Collector) -> None:
    """An enveloped credential: a context, a ``data:`` URL id, the enveloped type."""
    if "@context" not in item:
        out.error(join_path(where, "@context"), f"@context is missing; use {VC2_CONTEXT}.")
    if not is_data_url(item.get("id")):
        out.error(
            join_path(where, "id"),
            f"id of an {ENVELOPED_CREDENTIAL} must be a data: URL holding the secured "
            f"credential; {describe(item.get('id'))} is not one.",
        )
    if not has_type(item, ENVELOPED_CREDENTIAL):
        out.error(
            join_path(where, "type"),
            f"type must be {ENVELOPED_CREDENTIAL} for a credential carried in a data: URL; "
            f"it is {describe(item.get('type'))}.",
        )


def _check_self_asserted(document: Mapping[str, Any], out: Collector) -> None:
    """Credentials secured only by the presentation's own proof must be the holder's."""
    if "proof" not in document or "verifiableCredential" not in document:
        return
    holder = node_id(document.get("holder"))
    for where, item in each(document["verifiableCredential"], "verifiableCredential"):
        if not isinstance(item, Mapping) or "proof" in item or has_type(item, ENVELOPED_CREDENTIAL):
            continue
        issuer = node_id(item.get("issuer"))
        if holder is None:
            out.error(
                "holder",
                f"holder is missing, yet {where} has no proof of its own: secured only by the "
                "presentation, it is self-asserted, and that requires a holder.",
            )
        elif issuer != holder:
            out.error(
                join_path(where, "issuer"),
                f"issuer {describe(issuer)} is not the holder {describe(holder)}; a credential "
                "secured only by the presentation's proof must be issued by its holder.",
            )


def build_presentation(
    *,
    holder: str | Mapping[str, Any] | None,
    credentials: Iterable[Mapping[str, Any]],
    id: str | None = None,
) -> dict[str, Any]:
    """An unsigned ``VerifiablePresentation`` of ``credentials`` (raises if it is invalid)."""
    presentation: dict[str, Any] = {"@context": [VC2_CONTEXT], "type": ["VerifiablePresentation"]}
    if id is not None:
        presentation["id"] = id
    if holder is not None:
        presentation["holder"] = holder if isinstance(holder, str) else dict(holder)
    listed = [dict(credential) for credential in credentials]
    if listed:
        presentation["verifiableCredential"] = listed
    ensure_valid(validate_presentation(presentation), "presentation")
    return presentation
