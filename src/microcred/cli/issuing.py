"""Issuing commands: ``achievement``, ``award``, ``revoke``/``suspend``/``reinstate`` and
``keys rotate``.  They act as the platform itself (an operator at the console)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from microcred.bootstrap import build_platform
from microcred.domain.achievements import AchievementFields, Validity
from microcred.domain.awards import AwardRequest, derive_idempotency_key, parse_issued_on
from microcred.domain.model import SYSTEM
from microcred.services.achievements import (
    create_achievement,
    get_achievement,
    publish_achievement,
    retire_achievement,
)
from microcred.services.awards import award_request
from microcred.services.bulk_awards import BulkResult, bulk_award
from microcred.services.errors import ServiceError
from microcred.services.keys import organisation_by_slug, rotate_key
from microcred.services.organisations import Platform
from microcred.services.status import reinstate, revoke, suspend
from microcred.settings import Settings

achievement_app = typer.Typer(help="Achievements (what a badge stands for).", no_args_is_help=True)


def register(app: typer.Typer, keys_app: typer.Typer) -> None:
    """Add the issuing commands to the ``microcred`` application."""
    app.add_typer(achievement_app, name="achievement")
    app.command("award")(award_command)
    app.command("revoke")(revoke_command)
    app.command("suspend")(suspend_command)
    app.command("reinstate")(reinstate_command)
    keys_app.command("rotate")(keys_rotate)


def _out() -> Console:
    return Console(highlight=False, emoji=False)


@contextmanager
def _platform() -> Iterator[Platform]:
    """The platform from the environment; a service error ends the command (exit 2)."""
    try:
        yield build_platform(Settings.from_env())
    except ServiceError as exc:
        Console(stderr=True, emoji=False, highlight=False).print(
            f"[bold red]error:[/] {escape(str(exc))}"
        )
        raise typer.Exit(2) from exc


Org = Annotated[str, typer.Option("--org", help="The organisation's slug.")]


@achievement_app.command("create")
def achievement_create(
    org: Org,
    name: Annotated[str, typer.Option(help="Name of the achievement.")],
    description: Annotated[str, typer.Option(help="What it stands for.")],
    criteria: Annotated[str | None, typer.Option(help="How to earn it (Markdown).")] = None,
    criteria_url: Annotated[str | None, typer.Option(help="A page describing how.")] = None,
    kind: Annotated[
        str | None, typer.Option("--type", help="achievementType, e.g. Badge, Course.")
    ] = None,
    image: Annotated[str | None, typer.Option(help="Image URL or data: URI.")] = None,
    tag: Annotated[list[str] | None, typer.Option(help="A tag (repeatable).")] = None,
    valid_days: Annotated[int | None, typer.Option(help="Awards are valid N days.")] = None,
    valid_months: Annotated[int | None, typer.Option(help="Awards are valid N months.")] = None,
    publish: Annotated[bool, typer.Option(help="Publish it at once.")] = False,
) -> None:
    """Create an achievement (a draft, unless --publish)."""
    fields = AchievementFields(
        name=name,
        description=description,
        criteria_narrative=criteria,
        criteria_url=criteria_url,
        achievement_type=kind,
        image=image,
        tags=tuple(tag or ()),
        validity=Validity(days=valid_days, months=valid_months),
    )
    with _platform() as platform:
        org_id = organisation_by_slug(platform, org).id
        achievement = create_achievement(platform, SYSTEM, org_id, fields)
        if publish:
            achievement = publish_achievement(platform, SYSTEM, achievement.id)
    _out().print(f"achievement {achievement.id} ({achievement.state.value}): {escape(name)}")


@achievement_app.command("publish")
def achievement_publish(achievement_id: Annotated[str, typer.Argument()]) -> None:
    """Publish a draft: it can be awarded from now on."""
    with _platform() as platform:
        achievement = publish_achievement(platform, SYSTEM, achievement_id)
    _out().print(f"achievement {achievement.id} (version {achievement.version}) is published")


@achievement_app.command("retire")
def achievement_retire(achievement_id: Annotated[str, typer.Argument()]) -> None:
    """Retire an achievement: no more awards (issued credentials stay valid)."""
    with _platform() as platform:
        achievement = retire_achievement(platform, SYSTEM, achievement_id)
    _out().print(f"achievement {achievement.id} is retired")


def award_command(
    org: Org,
    achievement: Annotated[str, typer.Option(help="The achievement's id.")],
    email: Annotated[str | None, typer.Option(help="The recipient's email address.")] = None,
    csv: Annotated[
        Path | None, typer.Option(help="CSV of recipients: email,name,identifier,...")
    ] = None,
    name: Annotated[str | None, typer.Option(help="The recipient's name.")] = None,
    did: Annotated[str | None, typer.Option(help="The recipient's DID.")] = None,
    evidence_url: Annotated[str | None, typer.Option(help="Evidence of the work.")] = None,
    narrative: Annotated[str | None, typer.Option(help="What they did (Markdown).")] = None,
    issued_on: Annotated[str | None, typer.Option(help="YYYY-MM-DD (default: now).")] = None,
    idempotency_key: Annotated[
        str | None, typer.Option(help="Default: derived from achievement, email, date, DID.")
    ] = None,
    dry_run: Annotated[bool, typer.Option(help="With --csv: check only.")] = False,
    skip_bad_rows: Annotated[bool, typer.Option(help="With --csv: issue the good rows.")] = False,
    processes: Annotated[
        int | None,
        typer.Option(
            min=1, max=64, help="With --csv: processes signing at once (MICROCRED_BULK_PROCESSES)."
        ),
    ] = None,
) -> None:
    """Award an achievement to one recipient (--email) or to every row of a CSV (--csv)."""
    if (email is None) == (csv is None):
        raise _usage("give either --email or --csv")
    if csv is not None:
        _award_csv(
            org, achievement, csv, dry_run=dry_run, skip_bad_rows=skip_bad_rows, processes=processes
        )
    elif email is not None:
        request = AwardRequest(email, name, did, evidence_url, narrative, _date(issued_on))
        _award_one(org, achievement, request, idempotency_key)


def _date(issued_on: str | None) -> datetime | None:
    if issued_on is None:
        return None
    when = parse_issued_on(issued_on)
    if when is None:
        raise _usage(f"--issued-on {issued_on!r} is not a date (YYYY-MM-DD)")
    return when


def _award_one(org: str, achievement: str, request: AwardRequest, key: str | None) -> None:
    with _platform() as platform:
        org_id = organisation_by_slug(platform, org).id
        lineage = get_achievement(platform, SYSTEM, achievement).lineage_id
        r = request
        key = key or derive_idempotency_key(lineage, r.email, r.issued_on, r.did)
        issued = award_request(platform, SYSTEM, org_id, achievement, r, idempotency_key=key)
    url = issued.credential.document.get("id", issued.credential.id)
    verb = "issued" if issued.created else "already issued (same idempotency key)"
    _out().print(f"{verb}: {escape(str(url))}")


def _usage(message: str) -> typer.Exit:
    Console(stderr=True, emoji=False, highlight=False).print(
        f"[bold red]error:[/] {escape(message)}"
    )
    return typer.Exit(2)


def _award_csv(
    org: str,
    achievement: str,
    path: Path,
    *,
    dry_run: bool,
    skip_bad_rows: bool,
    processes: int | None,
) -> None:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise _usage(f"cannot read {path}: {exc.strerror}") from exc
    with _platform() as platform, _progress() as progress:
        org_id = organisation_by_slug(platform, org).id
        result = bulk_award(
            platform,
            SYSTEM,
            org_id,
            achievement,
            data,
            dry_run=dry_run,
            skip_bad_rows=skip_bad_rows,
            progress=progress,
            processes=processes,
        )
    _summary(result)
    raise typer.Exit(1 if result.errors else 0)


@contextmanager
def _progress() -> Iterator[Callable[[int, int], None]]:
    columns = (TextColumn("awarding"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("awarding", total=None)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield update


def _summary(result: BulkResult) -> None:
    console = _out()
    if result.dry_run:
        console.print(
            f"dry run: {result.pending} would be issued, {len(result.already_issued)} already "
            f"issued, {len({e.line for e in result.errors})} bad rows (nothing was changed)"
        )
    else:
        console.print(
            f"issued {len(result.issued)}, already issued {len(result.already_issued)}, "
            f"bad rows {len({e.line for e in result.errors})}"
            + (f", not issued {result.pending}" if result.pending else "")
        )
    if result.errors and not result.dry_run and not result.issued and result.pending:
        console.print("nothing was issued: fix the rows below or pass --skip-bad-rows")
    for error in result.errors:
        console.print(escape(str(error)))


Reason = Annotated[str, typer.Option(help="Why (kept in the audit log).")]
CredentialId = Annotated[str, typer.Argument(help="The credential's id or URL.")]


def revoke_command(credential_id: CredentialId, reason: Reason) -> None:
    """Revoke a credential for good."""
    _status(revoke, credential_id, reason, "revoked")


def suspend_command(credential_id: CredentialId, reason: Reason) -> None:
    """Suspend a credential until it is reinstated."""
    _status(suspend, credential_id, reason, "suspended")


def reinstate_command(credential_id: CredentialId, reason: Reason) -> None:
    """Lift a credential's suspension."""
    _status(reinstate, credential_id, reason, "reinstated")


def _status(action: Callable[..., object], credential_id: str, reason: str, done: str) -> None:
    with _platform() as platform:
        action(platform, SYSTEM, credential_id, reason)
    _out().print(f"{done}: {escape(credential_id)}")


def keys_rotate(org: Org) -> None:
    """Make a new signing key for the organisation; old keys stay published."""
    with _platform() as platform:
        key = rotate_key(platform, SYSTEM, organisation_by_slug(platform, org).id)
    _out().print(f"{escape(org)} now signs with {escape(key.fragment)}")
