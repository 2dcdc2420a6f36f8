"""An organisation's settings (how it presents itself as an issuer) and its identity (its
DID and signing keys, which only key rotation changes).

The name, website and email address changed here are what the issuer Profile says: the
public Profile (``/orgs/<slug>``) reads them, and every credential issued afterwards
carries them.  The slug, the signing suite and the DID method never change.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime
from urllib.parse import urlsplit

from microcred.domain.model import Actor, AuditEntry, Organisation, Role, StoredKey
from microcred.services.errors import InvalidInput, NotFound
from microcred.services.identity import current_key, organisation_did
from microcred.services.images import DEFAULT_COLOUR, store_image
from microcred.services.keys import get_org
from microcred.services.organisations import Platform

MAX_NAME = 200
MAX_DESCRIPTION = 2000
MAX_URL = 500
MAX_EMAIL = 320
COLOUR = re.compile(r"#[0-9a-fA-F]{6}")
#: The fields of :class:`Organisation` the settings write.
SETTINGS = ("name", "description", "url", "email", "brand_colour", "logo_image_id")


@dataclass(frozen=True)
class SettingsForm:
    """What an admin typed (every field as text; empty: not given)."""

    name: str
    description: str = ""
    url: str = ""
    email: str = ""
    brand_colour: str = ""

    @classmethod
    def of(cls, org: Organisation) -> SettingsForm:
        return cls(
            org.name,
            org.description or "",
            org.url or "",
            org.email or "",
            org.brand_colour or DEFAULT_COLOUR,
        )


class InvalidSettings(InvalidInput):
    """Some settings are not valid; ``errors`` says which, one sentence each."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__(" ".join(errors))
        self.errors = errors


def check_settings(form: SettingsForm) -> list[str]:
    """What is wrong with ``form``, one sentence each (empty: nothing)."""
    checks = (
        (0 < len(form.name.strip()) <= MAX_NAME, f"Name: give 1-{MAX_NAME} characters."),
        (len(form.description) <= MAX_DESCRIPTION, f"Description: at most {MAX_DESCRIPTION}."),
        (not form.url.strip() or _web_address(form.url.strip()), "Website: give an http(s) URL."),
        (not form.email.strip() or _email(form.email.strip()), "Email: give an email address."),
        (not form.brand_colour or COLOUR.fullmatch(form.brand_colour), "Colour: use #rrggbb."),
    )
    return [message for ok, message in checks if not ok]


def update_settings(
    platform: Platform,
    actor: Actor,
    org_id: str,
    form: SettingsForm,
    *,
    logo: bytes | None = None,
    remove_logo: bool = False,
) -> Organisation:
    """Save the organisation's settings and, if given, its new logo (a PNG or an SVG,
    cleaned by the image service); admin role.  Audited when something changed."""
    actor.require(org_id, Role.ADMIN)
    errors = check_settings(form)
    if errors:
        raise InvalidSettings(errors)
    logo_id = store_image(platform, actor, org_id, logo).id if logo else None
    now = platform.clock()
    with platform.uow() as uow:
        org = get_org(uow, org_id)
        changed = _applied(org, form, logo_id, remove_logo)
        detail = _differences(org, changed)
        if detail:
            uow.org_settings.save(changed)
            entry = AuditEntry(org_id, actor.label, "organisation.update", org_id, detail, now)
            uow.audit.append(entry)
            uow.commit()
    return changed


def _applied(
    org: Organisation, form: SettingsForm, logo_id: str | None, remove_logo: bool
) -> Organisation:
    colour = form.brand_colour.lower() or None
    if colour == DEFAULT_COLOUR and org.brand_colour is None:
        colour = None  # the colour field shows the default: keeping it is no choice
    return replace(
        org,
        name=form.name.strip(),
        description=form.description.strip() or None,
        url=form.url.strip() or None,
        email=form.email.strip().lower() or None,
        brand_colour=colour,
        logo_image_id=logo_id or (None if remove_logo else org.logo_image_id),
    )


def _differences(before: Organisation, after: Organisation) -> dict[str, object]:
    detail: dict[str, object] = {}
    for name in SETTINGS:
        value = getattr(after, name)
        if getattr(before, name) != value:
            detail[name] = value[:200] if isinstance(value, str) else value
    return detail


def _web_address(value: str) -> bool:
    parts = urlsplit(value)
    plain = not any(c.isspace() for c in value) and len(value) <= MAX_URL
    return plain and parts.scheme in ("http", "https") and bool(parts.hostname)


def _email(value: str) -> bool:
    local, at, domain = value.partition("@")
    plain = not any(c.isspace() for c in value) and len(value) <= MAX_EMAIL
    return plain and bool(local and at) and "." in domain.strip(".")


# ---------------------------------------------------------------------------- identity


@dataclass(frozen=True)
class KeyRow:
    id: str
    fragment: str
    created_at: datetime
    retired_at: datetime | None
    compromised_at: datetime | None
    #: It signs what is issued now.
    current: bool


@dataclass(frozen=True)
class Identity:
    did: str
    did_method: str
    signing_suite: str
    #: Where the DID document is served (None for a did:key: it is the identifier).
    did_document: str | None
    keys: list[KeyRow]

    @property
    def rotatable(self) -> bool:
        return self.did_method == "web"


def identity(platform: Platform, actor: Actor, org_id: str) -> Identity:
    """The organisation's DID and its signing keys, oldest first (viewer role)."""
    actor.require(org_id, Role.VIEWER)
    with platform.uow() as uow:
        org = get_org(uow, org_id)
        keys = uow.keys.for_org(org_id)
    did = organisation_did(platform.base_url, org, keys)
    document = None if org.is_did_key else f"{platform.base_url}/orgs/{org.slug}/did.json"
    current = _current_id(keys)
    rows = [_row(key, key.id == current) for key in keys]
    return Identity(did, org.did_method, org.signing_suite, document, rows)


def _current_id(keys: list[StoredKey]) -> str | None:
    try:
        return current_key(keys).id
    except NotFound:
        return None


def _row(key: StoredKey, current: bool) -> KeyRow:
    return KeyRow(key.id, key.fragment, key.created_at, key.retired_at, key.compromised_at, current)
