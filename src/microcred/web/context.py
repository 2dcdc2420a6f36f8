"""What every request handler reaches: the platform, settings, verifier (one per app)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, cast

from fastapi import Depends, Request

from microcred.core.verify import Verifier
from microcred.services.organisations import Platform
from microcred.settings import Settings
from microcred.web.dids import OwnDids
from microcred.web.middleware import DEFAULT_MAX_BODY_BYTES


@dataclass(frozen=True)
class WebOptions:
    """Options of the HTTP interface (the tokens come from :class:`Settings`)."""

    #: ``Authorization: Bearer <token>`` lets ``POST /api/v1/orgs`` create organisations
    #: at any time; without it only the very first organisation can be created over HTTP.
    bootstrap_token: str | None = None
    #: When set, the VC-API verify endpoints need this bearer token (or any valid API key).
    verify_token: str | None = None
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES

    @classmethod
    def from_settings(cls, settings: Settings) -> WebOptions:
        return cls(bootstrap_token=settings.bootstrap_token, verify_token=settings.verify_token)


@dataclass(frozen=True)
class WebContext:
    platform: Platform
    settings: Settings
    options: WebOptions
    verifier: Verifier
    dids: OwnDids


def web_context(request: Request) -> WebContext:
    return cast(WebContext, request.app.state.microcred)  # set by create_app


Ctx = Annotated[WebContext, Depends(web_context)]
