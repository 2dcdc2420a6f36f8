"""Console members: adding (directly or by invitation), roles, removal, the rules of who
may do what, and the invitation page."""

from __future__ import annotations

import re
from datetime import timedelta

from fastapi import FastAPI
from fastapi.testclient import TestClient

from microcred.domain.model import Organisation, Role
from microcred.services.organisations import Platform
from tests.unit.web.conftest import BASE_URL, PASSWORD, FakeClock
from tests.unit.web.ui.console_support import add_person, audit_actions, signed_in_as
from tests.unit.web.ui.support import sign_in, submit

MEMBERS = "/console/acme/members"


def roles_of(platform: Platform, org: Organisation) -> dict[str, Role]:
    with platform.uow() as uow:
        return {user.email: role for user, role in uow.members.members_of(org.id)}


def invitation_link(html: str) -> str:
    found = re.search(r'value="(https://badges\.example/invitations/[^"]+)"', html)
    assert found, html
    return found.group(1)


def invite(client: TestClient, email: str = "new@acme.example", role: str = "issuer") -> str:
    response = submit(client, MEMBERS, {"email": email, "role": role})
    assert response.status_code == 200, response.text
    return invitation_link(response.text)


def test_members_are_listed_for_viewers_and_hidden_from_others(
    client: TestClient, acme: Organisation, globex: Organisation, platform: Platform
) -> None:
    add_person(platform, acme, "ada@acme.example", Role.ISSUER, name="Ada Lovelace")
    viewer = signed_in_as(client, platform, acme, Role.VIEWER)
    page = client.get(MEMBERS)
    assert page.status_code == 200
    for text in ("owner@acme.example", "Ada Lovelace", viewer.email):
        assert text in page.text
    assert "Add a member" not in page.text and "Change role" not in page.text
    assert client.get("/console/globex/members").status_code == 403


def test_an_existing_account_is_added_at_once(
    client: TestClient, acme: Organisation, globex: Organisation, platform: Platform
) -> None:
    add_person(platform, globex, "grace@globex.example", Role.ADMIN)
    sign_in(client)
    response = submit(client, MEMBERS, {"email": " Grace@Globex.example ", "role": "assessor"})
    assert response.status_code == 303
    assert response.headers["location"] == MEMBERS + "?notice=member-added"
    assert roles_of(platform, acme)["grace@globex.example"] is Role.ASSESSOR
    assert "member.role" in audit_actions(platform, acme)
    again = submit(client, MEMBERS, {"email": "grace@globex.example", "role": "viewer"})
    assert again.status_code == 422
    assert "already a member" in again.text
    assert 'value="grace@globex.example"' in again.text


def test_invitation_end_to_end(
    client: TestClient, app: FastAPI, acme: Organisation, platform: Platform
) -> None:
    sign_in(client)
    response = submit(client, MEMBERS, {"email": "new@acme.example", "role": "issuer"})
    link = invitation_link(response.text)
    assert "an email with this link is on its way" in response.text
    assert "shown only once" in response.text
    token = link.rsplit("/", 1)[1]
    listed = client.get(MEMBERS).text
    assert token not in listed and "invited" in listed
    with TestClient(app, base_url=BASE_URL) as guest:
        path = link.removeprefix(BASE_URL)
        page = guest.get(path)
        assert page.status_code == 200
        assert "Join Acme" in page.text and "new@acme.example" in page.text
        short = submit(guest, path, {"name": "Nia New", "password": "short"})
        assert short.status_code == 422 and "at least 10 characters" in short.text
        assert 'value="Nia New"' in short.text
        joined = submit(guest, path, {"name": "Nia New", "password": "a good long password"})
        assert joined.status_code == 303 and joined.headers["location"] == "/console/acme"
        cookie = joined.headers["set-cookie"]
        assert cookie.startswith("mc_session=") and "HttpOnly" in cookie and "Secure" in cookie
        assert guest.get("/console", follow_redirects=False).headers["location"] == "/console/acme"
        console = guest.get("/console/acme").text
        assert "Acme" in console and "Your role:" in console and "issuer" in console
        assert guest.get(path).status_code == 404
    assert "Nia New" in client.get(MEMBERS).text
    assert roles_of(platform, acme)["new@acme.example"] is Role.ISSUER
    actions = audit_actions(platform, acme)
    assert "member.invite" in actions and "member.join" in actions


def test_an_expired_invitation_is_refused(
    client: TestClient, acme: Organisation, clock: FakeClock
) -> None:
    sign_in(client)
    path = invite(client).removeprefix(BASE_URL)
    clock.advance(timedelta(days=7, seconds=1))
    assert client.get(path).status_code == 409
    late = submit(client, path, {"name": "Late", "password": "a good long password"})
    assert late.status_code == 409 and "expired" in late.text


def test_a_new_invitation_link_replaces_the_old_one(
    client: TestClient, acme: Organisation, platform: Platform, clock: FakeClock
) -> None:
    sign_in(client)
    old = invite(client).removeprefix(BASE_URL)
    with platform.uow() as uow:
        user = uow.members.user_by_email("new@acme.example")
    assert user is not None
    clock.advance(timedelta(days=8))
    sign_in(client)  # the session expired meanwhile
    renewed = submit(client, f"{MEMBERS}/{user.id}/invitation")
    new = invitation_link(renewed.text).removeprefix(BASE_URL)
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200


def test_roles_are_changed_within_the_rules(
    client: TestClient, acme: Organisation, platform: Platform
) -> None:
    issuer = add_person(platform, acme, "issuer@acme.example", Role.ISSUER)
    other_admin = add_person(platform, acme, "admin2@acme.example", Role.ADMIN)
    with platform.uow() as uow:
        owner = uow.members.user_by_email("owner@acme.example")
    assert owner is not None
    admin = signed_in_as(client, platform, acme, Role.ADMIN)
    ok = submit(client, f"{MEMBERS}/{issuer.id}/role", {"role": "viewer"})
    assert ok.headers["location"] == MEMBERS + "?notice=member-changed"
    refused = [
        (issuer.id, "admin"),
        (issuer.id, "owner"),
        (other_admin.id, "viewer"),
        (owner.id, "viewer"),
        (admin.id, "issuer"),
    ]
    for user_id, role in refused:
        assert submit(client, f"{MEMBERS}/{user_id}/role", {"role": role}).status_code == 403
    roles = roles_of(platform, acme)
    assert roles["issuer@acme.example"] is Role.VIEWER
    assert roles["admin2@acme.example"] is Role.ADMIN and roles[admin.email] is Role.ADMIN
    assert audit_actions(platform, acme).count("member.role") == 2  # the owner's, this one


def test_an_owner_makes_owners_but_never_changes_their_own_role(
    client: TestClient, acme: Organisation, platform: Platform
) -> None:
    admin = add_person(platform, acme, "admin@acme.example", Role.ADMIN)
    sign_in(client)
    assert submit(client, f"{MEMBERS}/{admin.id}/role", {"role": "owner"}).status_code == 303
    assert roles_of(platform, acme)["admin@acme.example"] is Role.OWNER
    with platform.uow() as uow:
        me = uow.members.user_by_email("owner@acme.example")
    assert me is not None
    own = submit(client, f"{MEMBERS}/{me.id}/role", {"role": "viewer"})
    assert own.status_code == 403 and "your own role" in own.text
    bad = submit(client, f"{MEMBERS}/{admin.id}/role", {"role": "emperor"})
    assert bad.status_code == 422
    assert roles_of(platform, acme)["owner@acme.example"] is Role.OWNER


def test_members_are_removed_within_the_rules(
    client: TestClient, acme: Organisation, platform: Platform
) -> None:
    issuer = add_person(platform, acme, "issuer@acme.example", Role.ISSUER)
    with platform.uow() as uow:
        owner = uow.members.user_by_email("owner@acme.example")
    assert owner is not None
    admin = signed_in_as(client, platform, acme, Role.ADMIN)
    assert submit(client, f"{MEMBERS}/{owner.id}/remove").status_code == 403
    assert submit(client, f"{MEMBERS}/{admin.id}/remove").status_code == 403
    removed = submit(client, f"{MEMBERS}/{issuer.id}/remove")
    assert removed.headers["location"] == MEMBERS + "?notice=member-removed"
    assert set(roles_of(platform, acme)) == {"owner@acme.example", admin.email}
    assert "member.remove" in audit_actions(platform, acme)
    assert submit(client, f"{MEMBERS}/{issuer.id}/remove").status_code == 404


def test_lower_roles_cannot_manage_members(
    client: TestClient, acme: Organisation, platform: Platform
) -> None:
    viewer = add_person(platform, acme, "viewer@acme.example", Role.VIEWER)
    signed_in_as(client, platform, acme, Role.ISSUER)
    before = roles_of(platform, acme)
    posts = [
        (MEMBERS, {"email": "x@acme.example", "role": "viewer"}),
        (f"{MEMBERS}/{viewer.id}/role", {"role": "assessor"}),
        (f"{MEMBERS}/{viewer.id}/remove", {}),
        (f"{MEMBERS}/{viewer.id}/invitation", {}),
    ]
    for path, data in posts:
        assert submit(client, path, data).status_code == 403, path
    assert roles_of(platform, acme) == before


def test_member_forms_without_the_token_change_nothing(
    client: TestClient, acme: Organisation, platform: Platform
) -> None:
    issuer = add_person(platform, acme, "issuer@acme.example", Role.ISSUER)
    sign_in(client)
    path = invite(client, "pending@acme.example").removeprefix(BASE_URL)
    with platform.uow() as uow:
        pending = uow.members.user_by_email("pending@acme.example")
    assert pending is not None
    before, actions = roles_of(platform, acme), audit_actions(platform, acme)
    posts = [
        (MEMBERS, {"email": "x@acme.example", "role": "viewer"}),
        (f"{MEMBERS}/{issuer.id}/role", {"role": "viewer"}),
        (f"{MEMBERS}/{issuer.id}/remove", {}),
        (f"{MEMBERS}/{pending.id}/invitation", {}),
        (path, {"name": "Pat", "password": "a good long password"}),
    ]
    for target, data in posts:
        response = client.post(target, data=data, follow_redirects=False)
        assert response.status_code == 403, target
    assert roles_of(platform, acme) == before and audit_actions(platform, acme) == actions
    assert client.get(path).status_code == 200  # the invitation is still unused


def test_someone_invited_elsewhere_is_added_once_they_joined(
    client: TestClient, app: FastAPI, acme: Organisation, globex: Organisation, platform: Platform
) -> None:
    add_person(platform, globex, "boss@globex.example", Role.OWNER)
    sign_in(client)
    path = invite(client, "shared@example.org").removeprefix(BASE_URL)
    with TestClient(app, base_url=BASE_URL) as other:
        sign_in(other, "boss@globex.example", PASSWORD)
        fields = {"email": "shared@example.org", "role": "viewer"}
        early = submit(other, "/console/globex/members", fields)
        assert early.status_code == 422 and "has not accepted yet" in early.text
        submit(client, path, {"name": "Sam", "password": "a good long password"})
        assert submit(other, "/console/globex/members", fields).status_code == 303
