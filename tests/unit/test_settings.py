"""Settings read from the environment: defaults, and refusals of bad values."""

from __future__ import annotations

import pytest

from microcred.settings import Settings

ENV = {"HOME": "/home/someone"}


def test_defaults() -> None:
    settings = Settings.from_env(ENV)
    assert settings.signup == "open"
    assert settings.base_url == "http://127.0.0.1:8000"
    assert settings.database_url.startswith("sqlite:///")


@pytest.mark.parametrize("value", ["open", "first", "closed", " Closed "])
def test_signup_policies(value: str) -> None:
    settings = Settings.from_env({**ENV, "MICROCRED_SIGNUP": value})
    assert settings.signup == value.strip().lower()


def test_an_unknown_signup_policy_is_refused() -> None:
    with pytest.raises(ValueError, match="MICROCRED_SIGNUP must be open, first or closed"):
        Settings.from_env({**ENV, "MICROCRED_SIGNUP": "sometimes"})
