"""Rendering verification reports for a terminal or as JSON lines."""

from __future__ import annotations

import json

from rich.console import Console
from rich.markup import escape

from microcred.core.report import Outcome, VerificationReport

_STYLE = {
    Outcome.PASS: ("✔", "green"),
    Outcome.FAIL: ("✘", "bold red"),
    Outcome.WARNING: ("!", "yellow"),
    Outcome.SKIPPED: ("-", "dim"),
}


def report_json(source: str, report: VerificationReport) -> str:
    """One line: ``{"input", "verified", "checks": [...]}``."""
    checks = [c.to_json() for c in report.checks]
    return json.dumps(
        {"input": source, "verified": report.verified, "checks": checks}, ensure_ascii=False
    )


def print_report(console: Console, source: str, report: VerificationReport) -> None:
    verdict = "[bold green]VERIFIED[/]" if report.verified else "[bold red]NOT VERIFIED[/]"
    console.print(f"{verdict}  {escape(source)}  [dim]({escape(report.kind)})[/]", emoji=False)
    for check in report.checks:
        mark, style = _STYLE[check.outcome]
        problem = f" [dim]\\[{check.problem}][/]" if check.problem else ""
        console.print(
            f"  [{style}]{mark} {check.name:<10}[/] {escape(check.message)}{problem}",
            highlight=False,
            emoji=False,
        )
