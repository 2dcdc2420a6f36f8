"""``microcred serve``: the HTTP interface under uvicorn."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

APP_FACTORY = "microcred.web.app:app_from_settings"


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.", min=1, max=65535)] = 8000,
    ssl_certfile: Annotated[
        Path | None, typer.Option(help="TLS certificate (PEM); needs --ssl-keyfile.")
    ] = None,
    ssl_keyfile: Annotated[
        Path | None, typer.Option(help="TLS private key (PEM); needs --ssl-certfile.")
    ] = None,
    workers: Annotated[int, typer.Option(help="Worker processes.", min=1, max=64)] = 1,
) -> None:
    """Serve the platform over HTTP(S); on SQLite the database is created or migrated first."""
    import uvicorn

    from microcred.adapters.db.engine import make_engine, upgrade
    from microcred.settings import Settings

    err = Console(stderr=True, emoji=False, highlight=False, soft_wrap=True)
    if (ssl_certfile is None) != (ssl_keyfile is None):
        err.print("[bold red]error:[/] give both --ssl-certfile and --ssl-keyfile, or neither")
        raise typer.Exit(2)
    for path in (ssl_certfile, ssl_keyfile):
        if path is not None and not path.is_file():
            err.print(f"[bold red]error:[/] {escape(str(path))} is not a file")
            raise typer.Exit(2)
    settings = Settings.from_env()
    if settings.is_sqlite:
        engine = make_engine(settings.database_url)
        upgrade(engine)
        engine.dispose()
    scheme = "https" if ssl_certfile else "http"
    err.print(f"serving {escape(settings.base_url)} on {scheme}://{escape(host)}:{port}")
    uvicorn.run(
        APP_FACTORY,
        factory=True,
        host=host,
        port=port,
        workers=workers,
        ssl_certfile=str(ssl_certfile) if ssl_certfile else None,
        ssl_keyfile=str(ssl_keyfile) if ssl_keyfile else None,
        proxy_headers=False,
        server_header=False,
    )
