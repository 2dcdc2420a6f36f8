"""A credential's downloads: the signed JSON, the VC-JWT, baked badge images (PNG, SVG)
and a PDF certificate.

These are files, not pages: a plain router (no session look-up, no cookie).  The badge
images hold the signed credential, so anyone who is given one can verify it offline.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response

from microcred.core.baking import bake_png, bake_svg
from microcred.domain.achievements import AchievementFields
from microcred.domain.awards import StoredCredential
from microcred.domain.credential_search import CredentialState, state_of
from microcred.services.credential_queries import public_credential
from microcred.services.errors import NotFound
from microcred.services.images import Artwork, badge_artwork
from microcred.services.organisations import Platform
from microcred.web.api.common import enveloped
from microcred.web.context import Ctx
from microcred.web.render.certificate import CertificateFacts, certificate_pdf
from microcred.web.ui.credential_view import Summary, achievement_of, summarise

router = APIRouter(include_in_schema=False)

VC_JSON = "application/vc+ld+json"
VC_JWT = "application/vc+jwt"
#: The signed credential never changes; the artwork may follow a new brand colour.
FILE_CACHE = "public, max-age=300"
MAX_STEM = 60
_NOT_WORD = re.compile(r"[^a-z0-9]+")
STATUS_WORDS = {
    CredentialState.REVOKED: "Revoked",
    CredentialState.SUSPENDED: "Suspended",
    CredentialState.EXPIRED: "Expired",
}


@dataclass(frozen=True)
class Found:
    """A public credential and what it says."""

    stored: StoredCredential
    summary: Summary

    @property
    def signed(self) -> Mapping[str, Any] | str:
        """What is baked into an image: the VC-JWT, or the signed JSON document."""
        return self.stored.jwt or self.stored.document


def find(platform: Platform, record_id: str) -> Found:
    stored = public_credential(platform, record_id)
    return Found(stored, summarise(stored.document))


def page_url(base_url: str, record_id: str) -> str:
    return f"{base_url.rstrip('/')}/credentials/{record_id}"


def json_form(stored: StoredCredential) -> Mapping[str, Any]:
    """The credential as JSON, as the API serves it (a VC-JWT comes enveloped)."""
    return enveloped(stored.jwt) if stored.jwt else stored.document


def pretty_form(stored: StoredCredential) -> str:
    return json.dumps(json_form(stored), indent=2, ensure_ascii=False)


def file_stem(name: str) -> str:
    """A file name from ``name``: ASCII letters, digits and hyphens only."""
    ascii_text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    stem = _NOT_WORD.sub("-", ascii_text.lower()).strip("-")[:MAX_STEM].strip("-")
    return stem or "credential"


def attachment(body: bytes, media_type: str, filename: str, cache: str = FILE_CACHE) -> Response:
    headers = {
        "Content-Disposition": f'attachment; filename="{filename}"',
        "Cache-Control": cache,
    }
    return Response(body, media_type=media_type, headers=headers)


def artwork(platform: Platform, found: Found) -> Artwork:
    """The pictures of the credential's achievement (see :func:`badge_artwork`)."""
    with platform.uow() as uow:
        org = uow.organisations.get(found.stored.org_id)
    if org is None:  # pragma: no cover - a credential's organisation is never deleted
        raise NotFound("the credential's organisation no longer exists")
    fields = AchievementFields(found.summary.name, "", image=_image_of(found.stored.document))
    return badge_artwork(platform, fields, org)


def _image_of(document: Mapping[str, Any]) -> str | None:
    image = achievement_of(document).get("image")
    image = image.get("id") if isinstance(image, Mapping) else image
    return image if isinstance(image, str) else None


# --------------------------------------------------------------------------- routes


@router.get("/credentials/{credential_id}/credential.json")
def credential_json(credential_id: str, context: Ctx) -> Response:
    found = find(context.platform, credential_id)
    body = pretty_form(found.stored).encode("utf-8")
    return attachment(body, VC_JSON, f"{file_stem(found.summary.name)}.json")


@router.get("/credentials/{credential_id}/credential.jwt")
def credential_jwt(credential_id: str, context: Ctx) -> Response:
    found = find(context.platform, credential_id)
    if not found.stored.jwt:
        raise NotFound("this credential has no VC-JWT form; download its JSON instead")
    body = found.stored.jwt.encode("ascii")
    return attachment(body, VC_JWT, f"{file_stem(found.summary.name)}.jwt")


@router.get("/credentials/{credential_id}/badge.png")
def badge_png(credential_id: str, context: Ctx) -> Response:
    found = find(context.platform, credential_id)
    body = bake_png(artwork(context.platform, found).png, found.signed)
    return attachment(body, "image/png", f"{file_stem(found.summary.name)}.png")


@router.get("/credentials/{credential_id}/badge.svg")
def badge_svg(credential_id: str, context: Ctx, download: bool = False) -> Response:
    found = find(context.platform, credential_id)
    body = bake_svg(artwork(context.platform, found).svg, found.signed)
    if download:
        return attachment(body, "image/svg+xml", f"{file_stem(found.summary.name)}.svg")
    return Response(body, media_type="image/svg+xml", headers={"Cache-Control": FILE_CACHE})


@router.get("/credentials/{credential_id}/certificate.pdf")
def certificate(credential_id: str, context: Ctx) -> Response:
    found = find(context.platform, credential_id)
    facts = certificate_facts(context.platform, found)
    name = f"{file_stem(found.summary.name)}-certificate.pdf"
    # the certificate prints the credential's current status: never kept by a cache
    return attachment(certificate_pdf(facts), "application/pdf", name, cache="no-store")


def certificate_facts(platform: Platform, found: Found) -> CertificateFacts:
    summary, stored = found.summary, found.stored
    issued = summary.issued or stored.issued_at
    expires = summary.expires or stored.valid_until
    return CertificateFacts(
        recipient=summary.recipient,
        achievement=summary.name,
        issuer=summary.issuer.text,
        description=summary.description or "",
        issued=issued.date(),
        valid_until=expires.date() if expires else None,
        url=page_url(platform.base_url, stored.id),
        credential_id=stored.id,
        badge_png=artwork(platform, found).png,
        status=STATUS_WORDS.get(state_of(stored, platform.clock())),
    )
