from __future__ import annotations

from datetime import date
from urllib.parse import parse_qs, urlsplit

from microcred.web.render.linkedin import add_to_profile_url


def _query(url: str) -> dict[str, list[str]]:
    parts = urlsplit(url)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "www.linkedin.com", "/profile/add")
    return parse_qs(parts.query, strict_parsing=True)


def test_every_parameter() -> None:
    url = add_to_profile_url(
        name="Data Science",
        organisation="Example University",
        issued=date(2026, 3, 1),
        expires=date(2028, 11, 30),
        cert_url="https://badges.example/c/1",
        cert_id="urn:uuid:1",
    )
    assert _query(url) == {
        "startTask": ["CERTIFICATION_NAME"],
        "name": ["Data Science"],
        "organizationName": ["Example University"],
        "issueYear": ["2026"],
        "issueMonth": ["3"],
        "expirationYear": ["2028"],
        "expirationMonth": ["11"],
        "certUrl": ["https://badges.example/c/1"],
        "certId": ["urn:uuid:1"],
    }


def test_expiry_is_left_out_when_there_is_none() -> None:
    url = add_to_profile_url(
        name="n",
        organisation="o",
        issued=date(2025, 12, 31),
        expires=None,
        cert_url="u",
        cert_id="i",
    )
    query = _query(url)
    assert "expirationYear" not in query and "expirationMonth" not in query
    assert (query["issueYear"], query["issueMonth"]) == (["2025"], ["12"])


def test_organisation_id_replaces_the_name() -> None:
    url = add_to_profile_url(
        name="n",
        organisation="Example University",
        issued=date(2026, 1, 5),
        expires=None,
        cert_url="u",
        cert_id="i",
        organisation_id="1337",
    )
    query = _query(url)
    assert query["organizationId"] == ["1337"]
    assert "organizationName" not in query


def test_special_characters_are_encoded() -> None:
    url = add_to_profile_url(
        name="Data & AI: Zoë's 李雷 badge #1",
        organisation="A&B = C+D",
        issued=date(2026, 3, 1),
        expires=None,
        cert_url="https://badges.example/c?id=1&lang=en#top",
        cert_id="urn:uuid:1 2",
    )
    query_text = urlsplit(url).query
    assert " " not in url and "#" not in url and "ë" not in url
    assert query_text.count("&") == 6  # only the separators of the seven parameters
    query = _query(url)
    assert query["name"] == ["Data & AI: Zoë's 李雷 badge #1"]
    assert query["organizationName"] == ["A&B = C+D"]
    assert query["certUrl"] == ["https://badges.example/c?id=1&lang=en#top"]
    assert query["certId"] == ["urn:uuid:1 2"]
    assert "name=Data%20%26%20AI" in url
