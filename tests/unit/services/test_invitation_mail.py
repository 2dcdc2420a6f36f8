"""Invitation emails: queued with the invitation, sent by the worker, escaped, and the
token dropped from the queue once sent (SQLite and PostgreSQL)."""

from __future__ import annotations

from email.message import EmailMessage

import pytest
from sqlalchemy import Engine, select

from microcred.adapters.db import schema
from microcred.domain.model import SYSTEM, Role
from microcred.services.members import accept_invitation, add_member
from microcred.services.organisations import Platform, create_organisation
from microcred.services.worker import run_due
from tests.unit.services.issuing_support import BASE as BASE_URL
from tests.unit.services.issuing_support import Clock, make_platform
from tests.unit.services.test_worker import Recorder

XSS = "<script>alert(1)</script>"


@pytest.fixture
def platform(engine: Engine) -> Platform:
    return make_platform(engine, Clock())


def _body(message: EmailMessage, kind: str) -> str:
    part = message.get_body((kind,))
    assert part is not None
    return str(part.get_content())


def test_a_new_member_is_emailed_the_link(platform: Platform) -> None:
    org = create_organisation(platform, name=XSS, slug="acme", owner_email="o@acme.example")
    added = add_member(platform, SYSTEM, org.id, "new@example.org", Role.ISSUER)
    assert added.invitation_token is not None
    outbox = Recorder()
    assert run_due(platform, outbox) == 1
    (message,) = outbox.sent
    link = f"{BASE_URL}/invitations/{added.invitation_token}"
    assert message["To"] == "new@example.org"
    assert message["Subject"] == f"You are invited to {XSS} on microcred"
    assert link in _body(message, "plain")
    html = _body(message, "html")
    assert XSS not in html and "&lt;script&gt;" in html and f'href="{link}"' in html
    joined = accept_invitation(
        platform, added.invitation_token, name="New", password="a long password"
    )
    assert joined.organisation.id == org.id


def test_the_token_leaves_the_queue_once_sent(platform: Platform) -> None:
    org = create_organisation(platform, name="Acme", slug="acme", owner_email="o@acme.example")
    added = add_member(platform, SYSTEM, org.id, "new@example.org", Role.VIEWER)
    run_due(platform, Recorder())
    with platform.uow() as uow:
        payloads = uow.connection.execute(select(schema.jobs.c.payload)).scalars().all()  # type: ignore[attr-defined]
    token = added.invitation_token
    assert token is not None
    assert payloads and all(token not in str(payload) for payload in payloads)


def test_someone_with_an_account_gets_no_invitation(platform: Platform) -> None:
    create_organisation(
        platform, name="Other", slug="other", owner_email="x@example.org", owner_password="pw"
    )
    org = create_organisation(platform, name="Acme", slug="acme", owner_email="o@acme.example")
    added = add_member(platform, SYSTEM, org.id, "x@example.org", Role.VIEWER)
    assert added.invitation_token is None
    outbox = Recorder()
    run_due(platform, outbox)
    assert outbox.sent == []
