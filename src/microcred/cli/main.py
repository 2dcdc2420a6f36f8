"""``microcred``: verify, sign, keys and a demo.  Thin: parse, call the core, print."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from microcred.cli import demo as demo_module
from microcred.cli.issuing import register as register_issuing
from microcred.cli.platform import db_app, org_app
from microcred.cli.render import print_report, report_json
from microcred.cli.serve import serve
from microcred.cli.worker import worker
from microcred.composition import build_verification
from microcred.core.errors import MicrocredError
from microcred.core.inputs import verify_input
from microcred.core.issue import SUITES, issue, issue_jwt
from microcred.core.jsonutil import parse_json
from microcred.core.keys import Ed25519KeyPair
from microcred.core.loader import Fetcher
from microcred.core.report import Check, Problem, VerificationReport
from microcred.core.verify import Verifier

app = typer.Typer(
    help="microcred: issue and verify Open Badges 3.0 / Verifiable Credentials 2.0.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
keys_app = typer.Typer(help="Ed25519 signing keys (Multikey).", no_args_is_help=True)
app.add_typer(keys_app, name="keys")
app.add_typer(db_app, name="db")
app.add_typer(org_app, name="org")
app.command()(serve)
app.command()(worker)


def _fail(message: str) -> typer.Exit:
    console = Console(stderr=True, emoji=False, highlight=False)
    console.print(f"[bold red]error:[/] {escape(message)}")
    return typer.Exit(2)


@app.command()
def verify(
    inputs: Annotated[list[str], typer.Argument(help="Files (JSON, JWT, PNG, SVG) or URLs.")],
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per input.")] = False,
    allow_fetch: Annotated[
        list[str] | None,
        typer.Option("--allow-fetch", help="Host that may be fetched from (repeatable)."),
    ] = None,
) -> None:
    """Verify credentials; exit 0 only if every input verified."""
    setup = build_verification(allow_fetch or ())
    console = Console(highlight=False, emoji=False)
    all_ok = True
    for source in inputs:
        report = _verify_one(source, setup.verifier, setup.fetcher)
        all_ok = all_ok and report.verified
        if as_json:
            sys.stdout.write(report_json(source, report) + "\n")
        else:
            print_report(console, source, report)
    raise typer.Exit(0 if all_ok else 1)


def _verify_one(source: str, verifier: Verifier, fetch: Fetcher | None) -> VerificationReport:
    try:
        data = _read(source, fetch)
    except (OSError, MicrocredError) as exc:
        report = VerificationReport(kind="unknown")
        message = f"The input could not be read: {exc}."
        report.add(Check.failed("parse", message, Problem.PARSING_ERROR))
        return report
    return verify_input(data, verifier=verifier, fetch=fetch)


def _read(source: str, fetch: Fetcher | None) -> bytes:
    if source.startswith(("https://", "http://")):
        if fetch is None:
            raise MicrocredError(f"{source} is a URL; allow its host with --allow-fetch")
        return fetch(source)
    if source == "-":
        return sys.stdin.buffer.read()
    return Path(source).read_bytes()


@keys_app.command("generate")
def keys_generate(
    out: Annotated[Path, typer.Option("--out", "-o", help="Key file to write (mode 0600).")],
    controller: Annotated[
        str | None, typer.Option(help="Controller (issuer) id; default: the key's did:key.")
    ] = None,
    force: Annotated[bool, typer.Option(help="Overwrite an existing file.")] = False,
) -> None:
    """Generate an Ed25519 key pair and write it as a Multikey JSON file."""
    if out.exists() and not force:
        raise _fail(f"{out} exists; pass --force to overwrite it")
    key = Ed25519KeyPair.generate(controller=controller)
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC
    with os.fdopen(os.open(out, flags, 0o600), "w") as handle:
        json.dump(key.to_multikey(include_secret=True), handle, indent=2)
    out.chmod(0o600)
    typer.echo(json.dumps(key.to_multikey(), indent=2))


@app.command()
def sign(
    credential: Annotated[Path, typer.Argument(help="Unsigned credential (JSON).")],
    key: Annotated[Path, typer.Option("--key", help="Key file from `keys generate`.")],
    suite: Annotated[str, typer.Option(help=f"One of: {', '.join(SUITES)}.")] = "eddsa-rdfc-2022",
) -> None:
    """Sign a credential; print the signed JSON (or the JWS for --suite jose)."""
    if suite not in SUITES:
        raise _fail(f"unknown suite {suite!r}; choose one of {', '.join(SUITES)}")
    try:
        pair = Ed25519KeyPair.from_multikey(parse_json(key.read_bytes()))
        document = parse_json(credential.read_bytes())
        if not isinstance(document, dict):
            raise MicrocredError("the credential is not a JSON object")
        document.setdefault("issuer", pair.controller)
        if suite == "jose":
            typer.echo(issue_jwt(document, key=pair))
        else:
            typer.echo(
                json.dumps(issue(document, key=pair, suite=suite), indent=2, ensure_ascii=False)
            )
    except (OSError, MicrocredError) as exc:
        raise _fail(str(exc)) from exc


app.command("demo")(demo_module.demo_command)
register_issuing(app, keys_app)


if __name__ == "__main__":  # pragma: no cover
    app()
