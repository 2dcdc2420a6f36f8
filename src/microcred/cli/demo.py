"""``microcred demo``: the platform with a demo organisation, or (``--core-only``) the
offline core demo: sign a sample Open Badge three ways, verify it, tamper with it.

The platform demo migrates the configured database, sets up "Demo Academy" through
:func:`microcred.services.demo.set_up_demo` (idempotent: a second run changes nothing
and prints the same URLs) and prints where to look and how to verify a credential.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlsplit

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn
from sqlalchemy.exc import SQLAlchemyError

from microcred.adapters.db.engine import make_engine, upgrade
from microcred.bootstrap import build_platform
from microcred.cli.render import print_report
from microcred.core.documents import hash_identity
from microcred.core.issue import issue, issue_jwt
from microcred.core.keys import Ed25519KeyPair
from microcred.core.verify import Verifier, verify_credential
from microcred.services.demo import ACHIEVEMENTS, DemoProgress, DemoResult, set_up_demo
from microcred.services.errors import ServiceError
from microcred.settings import Settings

OB_CONTEXTS = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
]


def sample_credential(issuer: str, now: datetime) -> dict[str, Any]:
    """A realistic unsigned OpenBadgeCredential."""
    return {
        "@context": OB_CONTEXTS,
        "id": "urn:uuid:2f6b8a4e-1c1a-4c55-9a5e-6f1c5d1e2a01",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": "Data Analysis with Python",
        "issuer": {"id": issuer, "type": ["Profile"], "name": "Demo Academy"},
        "validFrom": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "validUntil": (now + timedelta(days=730)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [hash_identity("learner@example.org").to_json()],
            "achievement": {
                "id": "https://demo.example/achievements/data-analysis-python",
                "type": ["Achievement"],
                "name": "Data Analysis with Python",
                "description": "Cleans, explores and visualises tabular data with pandas.",
                "criteria": {"narrative": "Passed a proctored practical assessment (70%+)."},
            },
        },
    }


def run(console: Console, out: Path | None) -> None:
    now = datetime.now(UTC).replace(microsecond=0)
    key = Ed25519KeyPair.generate()
    unsigned = sample_credential(key.controller, now)
    verifier = Verifier()
    console.rule("microcred demo: one Open Badge, three ways to sign it")
    signed = {
        "eddsa-rdfc-2022": issue(unsigned, key=key, suite="eddsa-rdfc-2022", now=now),
        "eddsa-jcs-2022": issue(unsigned, key=key, suite="eddsa-jcs-2022", now=now),
    }
    for suite, document in signed.items():
        print_report(
            console, f"signed with {suite}", verify_credential(document, verifier=verifier)
        )
    token = issue_jwt(unsigned, key=key)
    print_report(console, "signed as VC-JOSE (vc+jwt)", verify_credential(token, verifier=verifier))
    tampered = copy.deepcopy(signed["eddsa-rdfc-2022"])
    tampered["credentialSubject"]["achievement"]["name"] = "Advanced Data Science"
    console.rule("after changing the achievement's name")
    print_report(console, "tampered credential", verify_credential(tampered, verifier=verifier))
    if out is not None:
        _write(out, signed["eddsa-rdfc-2022"], token, key)
        console.print(f"Wrote the demo credential and key to {out}/")


def _write(out: Path, credential: dict[str, Any], token: str, key: Ed25519KeyPair) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / "credential.json").write_text(json.dumps(credential, indent=2) + "\n")
    (out / "credential.jwt").write_text(token + "\n")
    (out / "issuer-key.json").write_text(json.dumps(key.to_multikey(), indent=2) + "\n")


# --------------------------------------------------------------------------- platform demo

EXAMPLE_HTTPS_HOST = "badges.example.org"


def demo_command(
    core_only: Annotated[
        bool,
        typer.Option(
            "--core-only",
            help="Only the offline core demo: sign a sample badge, verify it, tamper with it "
            "(no database, no server).",
        ),
    ] = False,
    out: Annotated[
        Path | None,
        typer.Option(help="Folder to write the core demo's files to (implies --core-only)."),
    ] = None,
) -> None:
    """Set up a demo organisation with achievements and awards, and say where to look."""
    console = Console(highlight=False, emoji=False, soft_wrap=True)
    if core_only or out is not None:
        run(console, out)
        return
    try:
        run_platform(console, Settings.from_env())
    except (ServiceError, SQLAlchemyError, OSError) as exc:
        err = Console(stderr=True, emoji=False, highlight=False, soft_wrap=True)
        err.print(f"[bold red]error:[/] {escape(str(exc))}")
        raise typer.Exit(2) from exc


def run_platform(console: Console, settings: Settings) -> DemoResult:
    """Migrate the database, set up the demo, print what to look at."""
    console.rule("microcred demo: an issuer platform with a demo organisation")
    engine = make_engine(settings.database_url)
    try:
        upgrade(engine)
        console.print(f"database is up to date: {escape(engine.url.render_as_string())}")
        with _progress() as progress:
            result = set_up_demo(build_platform(settings, engine), progress=progress)
    finally:
        engine.dispose()
    files = write_files(settings.data_dir / "demo", result)
    print_result(console, settings, result, files)
    return result


@contextmanager
def _progress() -> Iterator[DemoProgress]:
    columns = (TextColumn("{task.description:<24}"), BarColumn(), MofNCompleteColumn())
    with Progress(*columns, console=Console(stderr=True)) as bar:
        tasks: dict[str, TaskID] = {
            spec.fields.name: bar.add_task(spec.fields.name, total=len(spec.learners))
            for spec in ACHIEVEMENTS
        }

        def update(name: str, done: int, total: int) -> None:
            bar.update(tasks[name], completed=done, total=total)

        yield update


def write_files(folder: Path, result: DemoResult) -> dict[str, Path]:
    """The shown credential, and a VC-API verify request for it (the same on every run)."""
    folder.mkdir(parents=True, exist_ok=True)
    files = {
        "credential": folder / "credential.json",
        "verify request": folder / "verify-request.json",
    }
    document = dict(result.shown.document)
    texts = {
        "credential": json.dumps(document, indent=2, ensure_ascii=False) + "\n",
        "verify request": json.dumps({"verifiableCredential": document}, ensure_ascii=False),
    }
    for name, path in files.items():
        if not path.exists() or path.read_text(encoding="utf-8") != texts[name]:
            path.write_text(texts[name], encoding="utf-8")
    return files


def print_result(
    console: Console, settings: Settings, result: DemoResult, files: dict[str, Path]
) -> None:
    say: Callable[[str], None] = console.print
    org = result.org
    say(f"\n[bold]{escape(org.name)}[/] ({escape(org.slug)}), issuer {escape(result.did)}")
    if result.owner_password is not None:
        say(
            f"  owner {escape(result.owner_email)}, password [bold]"
            f"{escape(result.owner_password)}[/] (shown once: it is not stored, only its hash)"
        )
    else:
        say(
            f"  owner {escape(result.owner_email)} (the password was shown when the demo was "
            "first set up)"
        )
    names = ", ".join(a.fields.name for a in result.achievements)
    say(f"  {len(result.achievements)} published achievements: {escape(names)}")
    total = len(result.credentials)
    revoked = sum(1 for c in result.credentials if c.revoked)
    suspended = sum(1 for c in result.credentials if c.suspended and not c.revoked)
    valid = total - revoked - suspended
    say(f"  {total} credentials: {valid} valid, {revoked} revoked, {suspended} suspended")
    if result.changed:
        say(f"  this run issued {result.issued} of them")
    else:
        say("  nothing changed: the demo was set up already")
    urls = result.urls
    rows = [
        ("issuer console", urls.console),
        ("verifier", urls.verifier),
        ("DID document", urls.did_document),
        ("issuer profile", urls.profile),
        ("a credential", urls.credential),
        ("a revoked one", urls.revoked),
        ("a suspended one", urls.suspended),
        ("revocation list", urls.status_list),
        ("API docs", urls.docs),
    ]
    say("\nStart the server with [bold]microcred serve[/], then look at:")
    for label, url in rows:
        say(f"  {label:<16} {escape(url)}")
    _how_to_verify(say, settings, result, files)


def _how_to_verify(
    say: Callable[[str], None], settings: Settings, result: DemoResult, files: dict[str, Path]
) -> None:
    base = settings.base_url.rstrip("/")
    host = urlsplit(base).hostname or ""
    token = " -H 'Authorization: Bearer <verify token>'" if settings.verify_token else ""
    say(f"\nVerify a credential (this one is in {escape(str(files['credential']))}):")
    if base.startswith("https://"):
        say("  with microcred verify (it fetches the issuer's DID document and status lists):")
        say(f"    microcred verify --allow-fetch {escape(host)} {escape(result.urls.credential)}")
    else:
        say(
            "  with microcred verify, which fetches DID documents and status lists over https "
            "only, once the platform is served at an https address "
            f"(MICROCRED_BASE_URL=https://{EXAMPLE_HTTPS_HOST}):"
        )
        say(
            f"    microcred verify --allow-fetch {EXAMPLE_HTTPS_HOST} "
            f"https://{EXAMPLE_HTTPS_HOST}/credentials/<id>"
        )
    say("  with the server's VC-API verifier (it resolves its own did:web), while it runs:")
    say(
        f"    curl -s {escape(base)}/credentials/verify -H 'Content-Type: application/json'"
        f"{token} --data @{escape(str(files['verify request']))}"
    )
