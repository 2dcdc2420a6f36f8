"""Console achievement pages: create (designed or uploaded badge), publish, edit, retire,
roles, CSRF and stored XSS."""

from __future__ import annotations

import io

from fastapi.testclient import TestClient
from PIL import Image

from microcred.domain.model import SYSTEM, Organisation, Role
from microcred.services.achievements import list_achievements
from microcred.services.organisations import Platform
from microcred.services.settings import SettingsForm, update_settings
from tests.unit.web.conftest import PASSWORD
from tests.unit.web.ui.support import sign_in, submit

XSS = "<script>alert(1)</script>"
FORM = {
    "name": "Data Literacy",
    "description": "Reads, questions and explains data.",
    "criteria_narrative": "Pass **all** modules. [Handbook](https://example.org/h) "
    "[bad](javascript:alert(1))",
    "achievement_type": "Competency",
    "tags": "data, literacy",
    "credits_available": "2.5",
    "valid_for": "12",
    "valid_unit": "months",
    "alignment_0_target_name": "Data literacy",
    "alignment_0_target_url": "https://esco.example/skill/1",
    "alignment_0_target_framework": "ESCO",
    "image_choice": "generate",
    "badge_colour": "#1f5fad",
    "badge_icon": "star",
}


def _create(client: TestClient, **changes: str) -> str:
    response = submit(client, "/console/acme/achievements/new", {**FORM, **changes})
    assert response.status_code == 303, response.text
    location = response.headers["location"]
    assert location.endswith("?notice=achievement-created")
    return location.split("?")[0]


def test_create_publish_and_show(
    client: TestClient, acme: Organisation, platform: Platform
) -> None:
    sign_in(client)
    page = _create(client)
    shown = client.get(page)
    assert shown.status_code == 200
    assert (
        "The achievement was saved as a draft."
        in client.get(page + "?notice=achievement-created").text
    )
    assert "<strong>all</strong>" in shown.text
    assert 'href="https://example.org/h"' in shown.text
    assert "javascript:" not in shown.text
    (draft,) = list_achievements(platform, SYSTEM, acme.id)
    assert draft.fields.alignments[0].target_framework == "ESCO"
    assert draft.fields.validity.months == 12
    assert draft.fields.credits_available == 2.5
    assert draft.fields.image is not None and "/images/" in draft.fields.image
    image = client.get(draft.fields.image.replace("https://badges.example", ""))
    assert image.status_code == 200
    assert image.headers["content-type"].startswith("image/svg+xml")
    published = submit(client, page + "/publish")
    assert published.status_code == 303
    assert "published" in client.get(page).text
    (found,) = list_achievements(platform, SYSTEM, acme.id)
    assert found.state.value == "published"


def test_upload_png_badge(client: TestClient, acme: Organisation, platform: Platform) -> None:
    sign_in(client)
    buffer = io.BytesIO()
    Image.new("RGB", (64, 64), "#336699").save(buffer, "PNG")
    files = {"image_file": ("badge.png", buffer.getvalue(), "image/png")}
    response = submit(
        client, "/console/acme/achievements/new", {**FORM, "image_choice": "upload"}, files=files
    )
    assert response.status_code == 303, response.text
    (draft,) = list_achievements(platform, SYSTEM, acme.id)
    assert draft.fields.image is not None
    png = client.get(draft.fields.image.replace("https://badges.example", ""))
    assert png.headers["content-type"] == "image/png"


def test_hostile_svg_upload_is_refused_and_nothing_is_created(
    client: TestClient, acme: Organisation, platform: Platform
) -> None:
    sign_in(client)
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><circle r="4"/></svg>'
    files = {"image_file": ("x.svg", svg, "image/svg+xml")}
    response = submit(
        client, "/console/acme/achievements/new", {**FORM, "image_choice": "upload"}, files=files
    )
    assert response.status_code == 422
    assert "image:" in response.text
    assert 'value="Data Literacy"' in response.text  # the form keeps what was typed
    assert list_achievements(platform, SYSTEM, acme.id) == []


def test_missing_fields_are_reported(client: TestClient, acme: Organisation) -> None:
    sign_in(client)
    response = submit(
        client, "/console/acme/achievements/new", {**FORM, "name": "", "description": ""}
    )
    assert response.status_code == 422
    assert "give the achievement a name" in response.text
    bad_skill = submit(
        client, "/console/acme/achievements/new", {**FORM, "alignment_1_target_name": "Only a name"}
    )
    assert bad_skill.status_code == 422
    assert "skill 2: give both its name and its URL" in bad_skill.text


def test_editing_a_published_achievement_makes_a_new_version(
    client: TestClient, acme: Organisation, platform: Platform
) -> None:
    sign_in(client)
    page = _create(client)
    submit(client, page + "/publish")
    form = client.get(page + "/edit")
    assert "saving makes a new draft version" in form.text
    edited = submit(
        client, page + "/edit", {**FORM, "name": "Data Literacy II", "image_choice": "keep"}
    )
    assert edited.status_code == 303
    versions = sorted(list_achievements(platform, SYSTEM, acme.id), key=lambda a: a.version)
    assert [(a.version, a.state.value) for a in versions] == [(1, "published"), (2, "draft")]
    assert versions[1].fields.image == versions[0].fields.image
    retired = submit(client, page + "/retire")
    assert retired.status_code == 303
    assert list_achievements(platform, SYSTEM, acme.id)[0].state.value in {"retired", "draft"}


def test_viewer_cannot_create(client: TestClient, acme: Organisation, platform: Platform) -> None:
    from microcred.services.members import sign_up  # a second user, made viewer in acme

    sign_up(platform, organisation="Other", slug="other", email="v@example.org", password=PASSWORD)
    with platform.uow() as uow:
        user = uow.members.user_by_email("v@example.org")
        assert user is not None
        uow.members.set_role(acme.id, user.id, Role.VIEWER, platform.clock())
        uow.commit()
    sign_in(client, "v@example.org", PASSWORD)
    assert client.get("/console/acme/achievements").status_code == 200
    response = submit(client, "/console/acme/achievements/new", FORM)
    assert response.status_code == 403
    assert list_achievements(platform, SYSTEM, acme.id) == []


def test_form_without_token_is_refused(
    client: TestClient, acme: Organisation, platform: Platform
) -> None:
    sign_in(client)
    response = client.post("/console/acme/achievements/new", data=FORM)
    assert response.status_code == 403
    assert list_achievements(platform, SYSTEM, acme.id) == []


def test_script_names_render_inert(client: TestClient, acme: Organisation) -> None:
    sign_in(client)
    page = _create(client, name=XSS, description=XSS, criteria_narrative=XSS)
    for path in (page, "/console/acme/achievements", page + "/edit"):
        text = client.get(path).text
        assert XSS not in text
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text


def test_a_new_badge_starts_in_the_brand_colour(
    client: TestClient, acme: Organisation, platform: Platform
) -> None:
    sign_in(client)
    assert 'value="#1f5fad"' in client.get("/console/acme/achievements/new").text
    update_settings(platform, SYSTEM, acme.id, SettingsForm("Acme", brand_colour="#aa3300"))
    assert 'value="#aa3300"' in client.get("/console/acme/achievements/new").text
