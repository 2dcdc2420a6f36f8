"""The application factory: one FastAPI app per process, built from a platform.

Nothing is built at import.  ``microcred serve`` runs uvicorn with
``microcred.web.app:app_from_settings`` as a factory; tests call :func:`create_app`
with their own platform.  The app keeps no state between requests beyond what it was
built with (everything lives in the database), so any number of workers may serve it.
"""

from __future__ import annotations

from dataclasses import replace

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse

from microcred import __version__
from microcred.bootstrap import build_platform
from microcred.composition import build_verification
from microcred.core.dids import Resolver
from microcred.services.organisations import Platform
from microcred.services.verification import platform_verifier
from microcred.settings import Settings
from microcred.web import problems
from microcred.web.api import (
    achievements,
    awards,
    credentials,
    orgs,
    public,
    published,
    session,
    vcapi,
    vcapi_issue,
)
from microcred.web.context import WebContext, WebOptions
from microcred.web.dids import OwnDids, OwnFirstFetcher
from microcred.web.docs import docs_page
from microcred.web.middleware import (
    BodyLimitMiddleware,
    CatchAllMiddleware,
    SecurityHeadersMiddleware,
)
from microcred.web.ui.install import install_pages

DESCRIPTION = (
    "Open Badges 3.0 / W3C Verifiable Credentials 2.0 micro-credentials. Errors are "
    "RFC 9457 problem details (application/problem+json). Authenticate with an API key "
    "(Authorization: Bearer mc_...) or a session (POST /api/v1/session)."
)


def create_app(
    platform: Platform, settings: Settings, options: WebOptions | None = None
) -> FastAPI:
    """The HTTP interface of ``platform``."""
    options = options or WebOptions()
    app = FastAPI(
        title="microcred",
        version=__version__,
        description=DESCRIPTION,
        openapi_url="/openapi.json",
        docs_url=None,
        redoc_url=None,
    )
    dids = OwnDids(platform, settings.base_url)
    setup = build_verification(settings.allowed_fetch_hosts)
    resolver = Resolver(
        fetcher=OwnFirstFetcher(dids, setup.fetcher),
        allowed_hosts=(*settings.allowed_fetch_hosts, dids.host),
    )
    verifier = replace(setup.verifier, resolver=resolver, now=platform.clock)
    # this platform's status lists are read from the database, other lists fetched
    verifier = platform_verifier(platform, verifier, setup.fetcher)
    app.state.microcred = WebContext(platform, settings, options, verifier, dids)

    problems.install(app)
    install_pages(app)
    for router in (orgs.router, session.router, public.router, vcapi.router):
        app.include_router(router)
    for router in (
        achievements.router,
        awards.router,
        credentials.router,
        published.router,
        vcapi_issue.router,
    ):
        app.include_router(router)

    @app.get("/docs", include_in_schema=False)
    def docs(request: Request) -> HTMLResponse:
        return docs_page(request.app)

    # The last one added runs first: headers on every answer, then the 500 safety net,
    # then the body limit before anything reads the body.
    app.add_middleware(BodyLimitMiddleware, max_bytes=options.max_body_bytes)
    app.add_middleware(CatchAllMiddleware)
    app.add_middleware(SecurityHeadersMiddleware)
    return app


def app_from_settings() -> FastAPI:
    """The app configured from the environment (uvicorn factory of ``microcred serve``)."""
    settings = Settings.from_env()
    return create_app(build_platform(settings), settings, WebOptions.from_settings(settings))
