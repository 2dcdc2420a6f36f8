"""Platform commands: ``db upgrade``, ``org create``."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from microcred.adapters.db.engine import make_engine, upgrade
from microcred.bootstrap import build_platform
from microcred.services.errors import ServiceError
from microcred.services.invitation_mail import invitation_url
from microcred.services.keys import did_of
from microcred.services.members import owner_invitation
from microcred.services.organisations import create_organisation
from microcred.settings import Settings

db_app = typer.Typer(help="The database.", no_args_is_help=True)
org_app = typer.Typer(help="Organisations (tenants).", no_args_is_help=True)


def _console() -> Console:
    return Console(highlight=False, emoji=False)


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Create or migrate the database to the newest schema."""
    settings = Settings.from_env()
    engine = make_engine(settings.database_url)
    upgrade(engine)
    _console().print(f"database is up to date: {escape(engine.url.render_as_string())}")


@org_app.command("create")
def org_create(
    slug: Annotated[str, typer.Argument(help="Short name used in URLs, e.g. acme.")],
    name: Annotated[str, typer.Option(help="Display name.")],
    owner: Annotated[str, typer.Option(help="Owner's email address.")],
    suite: Annotated[str, typer.Option(help="Signing suite.")] = "eddsa-rdfc-2022",
    did_method: Annotated[
        str,
        typer.Option(
            help="web: did:web served here, keys can rotate; key: the did:key of its one "
            "key, resolved offline, never rotated.  Fixed for good."
        ),
    ] = "web",
) -> None:
    """Create an organisation, its owner, its first signing key and its DID."""
    settings = Settings.from_env()
    platform = build_platform(settings)
    try:
        org = create_organisation(
            platform,
            name=name,
            slug=slug,
            owner_email=owner,
            signing_suite=suite,
            did_method=did_method,
        )
    except ServiceError as exc:
        Console(stderr=True, emoji=False).print(f"[bold red]error:[/] {escape(str(exc))}")
        raise typer.Exit(2) from exc
    did = did_of(platform, org)
    _console().print(f"created {escape(org.slug)} ({escape(org.name)}), issuer {escape(did)}")
    token = owner_invitation(platform, org.id)
    if token is not None:
        link = invitation_url(settings.base_url, token)
        _console().print(
            f"the owner chooses a password at {escape(link)} (valid 7 days, once; shown only now)"
        )
