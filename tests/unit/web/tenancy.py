"""Two organisations with one of everything the API can name, for the tests that walk
the OpenAPI document (tenant isolation, property-based fuzzing).

Each :class:`Tenant` has API keys of every role, a signed-in owner, a published and a
draft achievement, an awarded credential (with its status list) and a credential issued
through the VC-API.  Everything is made through the services; the tests use HTTP.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlsplit

from microcred.domain.awards import StoredCredential
from microcred.domain.model import SYSTEM, Organisation, Role
from microcred.services import access
from microcred.services.achievements import create_achievement
from microcred.services.bulk_jobs import submit_bulk_award
from microcred.services.identity import issuer_did
from microcred.services.organisations import Platform, create_organisation
from microcred.services.vcapi_issuing import issue_credential, parse_options
from tests.unit.web.conftest import BASE_URL, PASSWORD
from tests.unit.web.issuing_support import FIELDS, awarded, published, suite_credential

#: The bootstrap token of the apps these tests build (it creates organisations).
BOOTSTRAP_TOKEN = "bootstrap-token-for-the-isolation-tests"


@dataclass(frozen=True)
class Tenant:
    org: Organisation
    did: str
    owner_id: str
    owner_email: str
    #: ``mc_...`` bearer secrets, one per role.
    keys: Mapping[Role, str]
    key_ids: Mapping[Role, str]
    key_prefixes: tuple[str, ...]
    #: A key no test authenticates with (the one revoking routes are aimed at).
    spare_key_id: str
    session: str
    published_id: str
    published_name: str
    draft_id: str
    draft_name: str
    credential: StoredCredential
    vcapi_credential: StoredCredential
    recipient_email: str
    recipient_name: str
    status_list_id: str
    #: A bulk award sent to run in the background (not run: no worker here).
    bulk_id: str

    @property
    def slug(self) -> str:
        return self.org.slug

    @property
    def credential_url(self) -> str:
        return f"{BASE_URL}/credentials/{self.credential.id}"

    def private_markers(self) -> dict[str, str]:
        """What no other organisation may ever read of this one, by a label."""
        markers = {
            "organisation id": self.org.id,
            "owner email": self.owner_email,
            "owner user id": self.owner_id,
            "session token": self.session,
            "spare key id": self.spare_key_id,
            "draft achievement id": self.draft_id,
            "draft achievement name": self.draft_name,
            "credential record id": self.credential.id,
            "VC-API credential record id": self.vcapi_credential.id,
            "recipient email": self.recipient_email,
            "recipient name": self.recipient_name,
            "bulk award id": self.bulk_id,
        }
        for role, key_id in self.key_ids.items():
            markers[f"{role.value} key id"] = key_id
            markers[f"{role.value} key secret"] = self.keys[role]
            markers[f"{role.value} key name"] = key_name(self.org.name, role)
        for index, prefix in enumerate(self.key_prefixes):
            markers[f"key prefix {index}"] = prefix
        return markers


def key_name(org_name: str, role: Role) -> str:
    return f"{org_name} private {role.value} key"


def build_tenant(platform: Platform, slug: str, name: str) -> Tenant:
    """A new organisation ``slug`` with one of everything."""
    owner_email = f"owner@{slug}-private.example"
    org = create_organisation(
        platform, name=name, slug=slug, owner_email=owner_email, owner_password=PASSWORD
    )
    keys: dict[Role, str] = {}
    key_ids: dict[Role, str] = {}
    prefixes: list[str] = []
    for role in Role:
        issued = access.create_api_key(
            platform, org.id, name=key_name(name, role), role=role, actor=SYSTEM
        )
        keys[role], key_ids[role] = issued.secret, issued.key.id
        prefixes.append(issued.key.prefix)
    spare = access.create_api_key(
        platform, org.id, name=f"{name} private spare key", role=Role.VIEWER, actor=SYSTEM
    ).key
    prefixes.append(spare.prefix)
    signed_in = access.login(platform, owner_email, PASSWORD)
    published_name = f"{name} Published Badge"
    published_id = published(platform, org, published_name)
    draft_name = f"{name} Secret Draft"
    draft = create_achievement(platform, SYSTEM, org.id, replace(FIELDS, name=draft_name))
    recipient_email = f"learner@{slug}-private.example"
    recipient_name = f"{name} Private Learner"
    credential = awarded(
        platform, org, published_id, recipient_email, recipient_name=recipient_name
    )
    did = issuer_did(BASE_URL, slug)
    vcapi = issue_credential(
        platform,
        access.authenticate_api_key(platform, keys[Role.ISSUER]),
        org.id,
        suite_credential(did),
        parse_options({"credentialStatus": {"type": "BitstringStatusListEntry"}}),
    )
    bulk_csv = f"email,name\nbulk@{slug}-private.example,{name} Bulk Learner\n".encode()
    bulk, _ = submit_bulk_award(platform, SYSTEM, org.id, published_id, bulk_csv)
    if bulk is None:
        raise RuntimeError("the tenant's bulk award was refused")
    return Tenant(
        org=org,
        did=did,
        owner_id=signed_in.user.id,
        owner_email=owner_email,
        keys=keys,
        key_ids=key_ids,
        key_prefixes=tuple(prefixes),
        spare_key_id=spare.id,
        session=signed_in.token,
        published_id=published_id,
        published_name=published_name,
        draft_id=draft.id,
        draft_name=draft_name,
        credential=credential,
        vcapi_credential=vcapi,
        recipient_email=recipient_email,
        recipient_name=recipient_name,
        status_list_id=_status_list_id(credential.document),
        bulk_id=bulk.id,
    )


def _status_list_id(document: Mapping[str, Any]) -> str:
    entries = document["credentialStatus"]
    url = next(e["statusListCredential"] for e in entries if e["statusPurpose"] == "revocation")
    path = urlsplit(str(url)).path
    assert path.startswith("/status/"), url
    return path.removeprefix("/status/")
