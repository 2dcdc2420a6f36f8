"""Helpers of the console tests: members of each role who can sign in."""

from __future__ import annotations

import uuid

from fastapi.testclient import TestClient

from microcred.domain.model import Organisation, Role, User
from microcred.services.organisations import Platform
from tests.unit.web.conftest import PASSWORD
from tests.unit.web.ui.support import sign_in

#: Every console page, after ``/console/<slug>``.
CONSOLE_PAGES = ("", "/members", "/keys", "/api-keys", "/audit", "/settings")


def add_person(
    platform: Platform, org: Organisation, email: str, role: Role, name: str | None = None
) -> User:
    """A member of ``org`` with ``role`` whose password is ``PASSWORD``."""
    now = platform.clock()
    user = User(str(uuid.uuid4()), email, name, platform.passwords.hash(PASSWORD))
    with platform.uow() as uow:
        uow.members.add_user(user, now)
        uow.members.set_role(org.id, user.id, role, now)
        uow.commit()
    return user


def signed_in_as(client: TestClient, platform: Platform, org: Organisation, role: Role) -> User:
    """A new member of ``org`` with ``role``, signed in on ``client``."""
    user = add_person(platform, org, f"{role.value}-{uuid.uuid4().hex[:6]}@acme.example", role)
    sign_in(client, user.email)
    return user


def audit_actions(platform: Platform, org: Organisation) -> list[str]:
    with platform.uow() as uow:
        return [entry.action for entry in uow.audit.for_org(org.id, limit=1000)]
