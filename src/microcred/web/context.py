"""What every request handler reaches: the platform, settings, verifier (one per app)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from microcred.core.verify import Verifier
from microcred.services.organisations import Platform
from microcred.settings import Settings
from microcred.web.dids import OwnDids
from microcred.web.middleware import DEFAULT_MAX_BODY_BYTES


@dataclass(frozen=True)
class WebOptions:
    """Options of the HTTP interface that :class:`Settings` does not (yet) carry."""

    #: ``Authorization: Bearer <token>`` lets ``POST /api/v1/orgs`` create organisations
    #: at any time; without it only the very first organisation can be created over HTTP.
    bootstrap_token: str | None = None
    #: When set, the VC-API verify endpoints need this bearer token (or any valid API key).
    verify_token: str | None = None
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> WebOptions:
        return cls(
            bootstrap_token=env.get("MICROCRED_BOOTSTRAP_TOKEN") or None,
            verify_token=env.get("MICROCRED_VERIFY_TOKEN") or None,
        )


@dataclass(frozen=True)
class WebContext:
    platform: Platform
    settings: Settings
    options: WebOptions
    verifier: Verifier
    dids: OwnDids


def web_context(request: Request) -> WebContext:
    context = request.app.state.microcred
    assert isinstance(context, WebContext)
    return context


Ctx = Annotated[WebContext, Depends(web_context)]
