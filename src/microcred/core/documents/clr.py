"""Builder of unsigned CLR 2.0 ``ClrCredential`` documents.

A CLR bundles credentials already signed by their issuers (usually AchievementCredentials)
under one learner, with the achievements they cover and associations between them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from microcred.core.documents.builders import (
    IdentityObject,
    Json,
    credential_shell,
)
from microcred.core.documents.constants import (
    CLR_CONTEXT,
    CLR_CREDENTIAL,
    CLR_SCHEMA_URL,
    OB_CONTEXT,
    VC2_CONTEXT,
)
from microcred.core.documents.issues import ensure_valid
from microcred.core.documents.openbadges import validate_document
from microcred.core.errors import DocumentError


@dataclass(frozen=True)
class Association:
    """A relation between two achievements of a CLR (``isChildOf``, ``precedes``, ...)."""

    association_type: str
    source_id: str
    target_id: str

    def to_json(self) -> Json:
        return {
            "type": "Association",
            "associationType": self.association_type,
            "sourceId": self.source_id,
            "targetId": self.target_id,
        }


def build_clr_credential(
    *,
    id: str,
    issuer: str | Mapping[str, Any],
    subject: IdentityObject | str,
    credentials: Iterable[Mapping[str, Any]],
    valid_from: datetime | str,
    name: str,
    achievements: Iterable[Mapping[str, Any]] = (),
    associations: Iterable[Association] = (),
    valid_until: datetime | str | None = None,
    description: str | None = None,
    partial: bool | None = None,
    credential_status: Mapping[str, Any] | None = None,
    json_schema: bool = False,
) -> Json:
    """An unsigned ``ClrCredential`` for the learner ``subject`` (a DID or URL, or an
    :class:`IdentityObject`) holding the signed ``credentials``."""
    listed = [dict(credential) for credential in credentials]
    if not listed:
        raise DocumentError("a CLR needs at least one credential")
    learner: Json = (
        {"identifier": [subject.to_json()]}
        if isinstance(subject, IdentityObject)
        else {"id": subject}
    )
    clr_subject: Json = {**learner, "type": ["ClrSubject"], "verifiableCredential": listed}
    if achieved := [dict(achievement) for achievement in achievements]:
        clr_subject["achievement"] = achieved
    if related := [association.to_json() for association in associations]:
        clr_subject["association"] = related
    credential = credential_shell(
        contexts=[VC2_CONTEXT, CLR_CONTEXT, OB_CONTEXT],
        types=["VerifiableCredential", CLR_CREDENTIAL],
        id=id,
        issuer=issuer,
        name=name,
        valid_from=valid_from,
        valid_until=valid_until,
        description=description,
        credential_status=credential_status,
        json_schema=CLR_SCHEMA_URL if json_schema else None,
    )
    if partial is not None:
        credential["partial"] = partial
    credential["credentialSubject"] = clr_subject
    ensure_valid(validate_document(credential), "credential")
    return credential
