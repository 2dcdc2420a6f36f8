"""A slot's credentialStatus entry is the one the core builds, and each call gives a
fresh dict (entries are built from a per-list template)."""

from __future__ import annotations

import pytest

from microcred.core.status_list import build_status_list_entry
from microcred.domain.awards import StatusPurpose
from microcred.services.status import Slot, status_list_url

BASE = "https://badges.example:8443/"


@pytest.mark.parametrize("purpose", list(StatusPurpose))
@pytest.mark.parametrize("position", [0, 7, 131_071])
def test_a_slots_entry_is_the_cores_entry(purpose: StatusPurpose, position: int) -> None:
    entry = Slot("list-1", position, purpose).entry(BASE)
    url = status_list_url(BASE, "list-1")
    expected = build_status_list_entry(url, position, status_purpose=purpose.value)
    assert entry == expected and list(entry) == list(expected)


def test_each_entry_is_a_fresh_dict() -> None:
    first = Slot("list-2", 1, StatusPurpose.REVOCATION).entry(BASE)
    first["statusListIndex"] = "changed"
    first["extra"] = True
    second = Slot("list-2", 2, StatusPurpose.REVOCATION).entry(BASE)
    assert second["statusListIndex"] == "2" and "extra" not in second
    assert second["id"].endswith("/status/list-2#2")
