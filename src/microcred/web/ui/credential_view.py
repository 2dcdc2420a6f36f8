"""What the credential page and the verifier show: a summary of what a credential says,
and a verdict drawn from a verification report.

Documents reach the verifier from anyone, so every value is read defensively: only
strings are shown as text, only ``http(s)`` addresses become links, and the criteria
Markdown goes through the sanitising renderer.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from markupsafe import Markup

from microcred.core.report import Check, Outcome, Problem, VerificationReport
from microcred.core.timeutil import parse_datetime
from microcred.web.render.markdown import render_markdown
from microcred.web.ui.notices import N_

MAX_TEXT = 20_000
MAX_ITEMS = 50


@dataclass(frozen=True)
class Link:
    text: str
    #: Only an http(s) address; anything else is shown as text.
    url: str | None = None


@dataclass(frozen=True)
class Skill:
    name: str
    url: str | None
    framework: str | None
    code: str | None


@dataclass(frozen=True)
class Evidence:
    url: str | None
    name: str | None
    narrative: str | None


@dataclass(frozen=True)
class Summary:
    name: str
    description: str | None
    issuer: Link
    recipient: str | None
    criteria: Markup | None
    criteria_url: str | None
    skills: tuple[Skill, ...]
    tags: tuple[str, ...]
    credits: str | None
    issued: datetime | None
    expires: datetime | None
    evidence: tuple[Evidence, ...]


# --------------------------------------------------------------------------- reading


def text_of(value: Any, limit: int = MAX_TEXT) -> str | None:
    return value[:limit] if isinstance(value, str) and value.strip() else None


def web_url(value: Any) -> str | None:
    ok = isinstance(value, str) and value.lower().startswith(("https://", "http://"))
    return value if ok and len(value) <= 2000 else None


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _items(value: Any) -> list[Any]:
    return (value if isinstance(value, list) else [value])[:MAX_ITEMS]


def subject_of(document: Mapping[str, Any]) -> Mapping[str, Any]:
    """The credential's (first) subject, empty when it has none that is an object."""
    return _mapping(_items(document.get("credentialSubject"))[0])


def achievement_of(document: Mapping[str, Any]) -> Mapping[str, Any]:
    """The OB 3.0 achievement of the credential's subject (empty: none)."""
    return _mapping(subject_of(document).get("achievement"))


def _date(value: Any) -> datetime | None:
    return parse_datetime(value, require_timezone=False)


def _markdown(text: str | None) -> Markup | None:
    if text is None:
        return None
    try:
        return render_markdown(text)
    except ValueError:  # too long for the renderer: shown as plain (escaped) text
        return Markup("<p>{}</p>").format(text[:2000])


def _issuer(value: Any) -> Link:
    issuer = _mapping(value)
    identifier = text_of(issuer.get("id")) or text_of(value)
    name = text_of(issuer.get("name"), 500) or identifier or N_("Unknown issuer")
    return Link(name, web_url(issuer.get("url")) or web_url(identifier))


def recipient_name(subject: Mapping[str, Any]) -> str | None:
    """The subject's name, or its unhashed OB 3.0 `name` identifier."""
    name = text_of(subject.get("name"), 500)
    for item in _items(subject.get("identifier")):
        entry = _mapping(item)
        if name is None and entry.get("identityType") == "name" and not entry.get("hashed"):
            name = text_of(entry.get("identityHash"), 500)
    return name


def _skills(achievement: Mapping[str, Any]) -> tuple[Skill, ...]:
    found = []
    for item in _items(achievement.get("alignment")):
        entry = _mapping(item)
        name = text_of(entry.get("targetName"), 500)
        if name is not None:
            framework = text_of(entry.get("targetFramework"), 500)
            code = text_of(entry.get("targetCode"), 200)
            found.append(Skill(name, web_url(entry.get("targetUrl")), framework, code))
    return tuple(found)


def _evidence(document: Mapping[str, Any]) -> tuple[Evidence, ...]:
    found = []
    for item in _items(document.get("evidence")):
        entry = _mapping(item)
        url, narrative = web_url(entry.get("id")), text_of(entry.get("narrative"))
        if url or narrative:
            found.append(Evidence(url, text_of(entry.get("name"), 500), narrative))
    return tuple(found)


def _credits(value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return f"{value:g}"


def summarise(document: Mapping[str, Any]) -> Summary:
    """What an Open Badges 3.0 (or plain VC) credential says."""
    subject = subject_of(document)
    achievement = achievement_of(document)
    criteria = _mapping(achievement.get("criteria"))
    name = text_of(achievement.get("name"), 500) or text_of(document.get("name"), 500)
    return Summary(
        name=name or N_("Credential"),
        description=text_of(achievement.get("description")) or text_of(document.get("description")),
        issuer=_issuer(document.get("issuer")),
        recipient=recipient_name(subject),
        criteria=_markdown(text_of(criteria.get("narrative"))),
        criteria_url=web_url(criteria.get("id")),
        skills=_skills(achievement),
        tags=tuple(t[:100] for t in _items(achievement.get("tag")) if isinstance(t, str)),
        credits=_credits(achievement.get("creditsAvailable")),
        issued=_date(document.get("validFrom") or document.get("issuanceDate")),
        expires=_date(document.get("validUntil") or document.get("expirationDate")),
        evidence=_evidence(document),
    )


def summarise_ob2(assertion: Mapping[str, Any]) -> Summary:
    """What an Open Badges 2.0 assertion says (only what it embeds)."""
    badge = _mapping(assertion.get("badge"))
    criteria = _mapping(badge.get("criteria"))
    return Summary(
        name=text_of(badge.get("name"), 500) or N_("Open Badges 2.0 assertion"),
        description=text_of(badge.get("description")),
        issuer=_issuer(badge.get("issuer")),
        recipient=None,
        criteria=_markdown(text_of(criteria.get("narrative"))),
        criteria_url=web_url(criteria.get("id")) or web_url(badge.get("criteria")),
        skills=(),
        tags=tuple(t[:100] for t in _items(badge.get("tags")) if isinstance(t, str)),
        credits=None,
        issued=_date(assertion.get("issuedOn")),
        expires=_date(assertion.get("expires")),
        evidence=_evidence(assertion),
    )


# --------------------------------------------------------------------------- verdicts

LABELS = {
    "parse": N_("Readable"),
    "context": N_("Vocabulary"),
    "schema": N_("Structure"),
    "relatedResource": N_("Linked files"),
    "proof": N_("Signature"),
    "issuer": N_("Issuer"),
    "validity": N_("Dates"),
    "status": N_("Revocation and suspension"),
    "claims": N_("Token claims"),
    "credentials": N_("Credentials inside"),
}
OUTCOMES = {
    Outcome.PASS: N_("Passed"),
    Outcome.FAIL: N_("Failed"),
    Outcome.WARNING: N_("Warning"),
    Outcome.SKIPPED: N_("Not checked"),
}
TITLES = {
    "verified": N_("Verified"),
    "revoked": N_("Revoked"),
    "suspended": N_("Suspended"),
    "expired": N_("Expired"),
    "invalid": N_("Not valid"),
}
EXPLANATIONS = {
    "verified": N_(
        "Every check passed: the signature is valid, the issuer is who it says, and the "
        "credential is in force."
    ),
    "revoked": N_("The issuer has revoked this credential: it is no longer valid."),
    "suspended": N_("The issuer has suspended this credential: it is not valid for now."),
    "expired": N_("This credential has expired: its validity period is over."),
    "invalid": N_("This credential could not be verified: do not rely on it."),
}


@dataclass(frozen=True)
class CheckLine:
    check: str
    label: str
    outcome: str
    outcome_label: str
    message: str
    problem: str | None


@dataclass(frozen=True)
class Verdict:
    state: str
    title: str
    explanation: str
    #: The reason the issuer gave for a revocation or suspension (this platform's only).
    reason: str | None
    checks: tuple[CheckLine, ...]
    #: The report as indented JSON, for the technical details.
    report_json: str


def verdict_of(report: VerificationReport, reason: str | None = None) -> Verdict:
    state = state_of_report(report)
    return Verdict(
        state=state,
        title=TITLES[state],
        explanation=EXPLANATIONS[state],
        reason=reason if state in ("revoked", "suspended") else None,
        checks=tuple(_line(check) for check in report),
        report_json=json.dumps(report.to_json(), indent=2, ensure_ascii=False),
    )


def _line(check: Check) -> CheckLine:
    # a label is passed through the template's gettext, which marks it safe: constants only
    label = LABELS.get(check.name, N_("Other check"))
    outcome = OUTCOMES[check.outcome]
    return CheckLine(check.name, label, check.outcome.value, outcome, check.message, check.problem)


def state_of_report(report: VerificationReport) -> str:
    """``verified``, or why not: ``revoked``, ``suspended``, ``expired`` (when that is
    the only thing wrong) or ``invalid``."""
    if not report.checks:
        return "invalid"
    kinds = {_failure_kind(check) for check in report.failures}
    if not kinds:
        return "verified"
    if "invalid" in kinds:
        return "invalid"
    return next(state for state in ("revoked", "suspended", "expired") if state in kinds)


def _failure_kind(check: Check) -> str:
    text = check.message.lower()
    status = check.name == "status" and check.problem in (None, Problem.STATUS_VERIFICATION_ERROR)
    if status and "revok" in text:
        return "revoked"
    if status and "suspended" in text:
        return "suspended"
    if check.name == "validity" and check.problem == Problem.RANGE_ERROR and "expired" in text:
        return "expired"
    return "invalid"


def pretty_json(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False, default=str)
