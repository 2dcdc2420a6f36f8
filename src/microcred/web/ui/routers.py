"""Every router of the web application, in the order they are matched."""

from __future__ import annotations

from fastapi import APIRouter

from microcred.web.ui import (
    console_achievements,
    console_audit,
    console_awards,
    console_credentials,
    console_home,
    console_keys,
    console_people,
    console_settings,
    images,
    pages,
    public_credentials,
    verifier,
)

ALL: tuple[APIRouter, ...] = (
    pages.router,
    console_home.router,
    console_achievements.router,
    console_awards.router,
    console_credentials.router,
    console_people.router,
    console_keys.router,
    console_settings.router,
    console_audit.router,
    images.router,
    public_credentials.router,
    verifier.router,
)
