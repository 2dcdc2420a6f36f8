"""Emails to learners: composed from the database, sent through a :class:`Mailer`.

Everything a person typed (achievement and organisation names) is escaped with
``html.escape`` before it goes into the HTML part and flattened to one line before it goes
into a header.  The email is built with plain string interpolation: no template engine,
so nothing in the data is ever evaluated or executed.
"""

from __future__ import annotations

import hashlib
import html
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from email.errors import HeaderParseError
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime
from typing import Protocol
from urllib.parse import quote, urlsplit

from sqlalchemy import Connection, select

from microcred.adapters.db import schema as t
from microcred.services.organisations import Platform


class Mailer(Protocol):
    """Sends one email, or raises :class:`MailError` (try later) or :class:`Undeliverable`.

    A mailer sets ``From`` to its own sender address when the message has none.
    """

    def send(self, message: EmailMessage) -> None: ...


class MailError(Exception):
    """Sending failed for now (server down, timeout, 4xx reply): a later try may work."""


class Undeliverable(Exception):
    """This email can never be sent (no such credential, address refused): do not retry."""


@dataclass(frozen=True)
class AwardFacts:
    """What the award email says, read from the database."""

    credential_id: str
    achievement: str
    organisation: str
    revoked: bool


def load_award(platform: Platform, credential_id: str) -> AwardFacts:
    """The credential's achievement and organisation names; :class:`Undeliverable` if the
    credential does not exist."""
    query = (
        select(
            t.credentials.c.document,
            t.credentials.c.revoked,
            t.organisations.c.name.label("organisation"),
            t.achievements.c.data,
        )
        .select_from(
            t.credentials.join(
                t.organisations, t.organisations.c.id == t.credentials.c.org_id
            ).outerjoin(t.achievements, t.achievements.c.id == t.credentials.c.achievement_id)
        )
        .where(t.credentials.c.id == credential_id)
    )
    with platform.uow() as uow:  # read only: leaving without commit rolls back
        row = _connection(uow).execute(query).mappings().first()
    if row is None:
        raise Undeliverable(f"credential {credential_id} does not exist")
    return AwardFacts(
        credential_id=credential_id,
        achievement=_achievement_name(row["data"], row["document"]),
        organisation=_one_line(str(row["organisation"])) or "your issuer",
        revoked=bool(row["revoked"]),
    )


def claim_url(base_url: str, claim_token: str) -> str:
    return f"{base_url.rstrip('/')}/claim/{quote(claim_token, safe='')}"


def compose_award_email(
    facts: AwardFacts, *, to: str, claim_link: str, base_url: str, at: datetime
) -> EmailMessage:
    """A multipart (text and HTML) email telling the learner what they earned and where
    to claim it.  ``From`` is left to the mailer."""
    achievement, organisation = facts.achievement, facts.organisation
    message = EmailMessage()
    message["Subject"] = f"You've earned {achievement} from {organisation}"
    message["To"] = recipient(to)
    message["Date"] = format_datetime(at)
    # The same id on every try: a mail client that sees the email twice (at-least-once
    # delivery) can tell it is one email.
    digest = hashlib.sha256(facts.credential_id.encode()).hexdigest()[:32]
    message["Message-ID"] = f"<award.{digest}@{urlsplit(base_url).hostname or 'localhost'}>"
    message.set_content(_award_text(achievement, organisation, claim_link))
    message.add_alternative(_award_html(achievement, organisation, claim_link), subtype="html")
    return message


def send_award_email(
    platform: Platform,
    mailer: Mailer,
    *,
    credential_id: str,
    email: str,
    claim_token: str,
) -> bool:
    """Tell the learner about their new credential; False (nothing sent) if it has been
    revoked since.  Raises :class:`Undeliverable` or :class:`MailError`."""
    facts = load_award(platform, credential_id)
    if facts.revoked:
        return False
    message = compose_award_email(
        facts,
        to=email,
        claim_link=claim_url(platform.base_url, claim_token),
        base_url=platform.base_url,
        at=platform.clock(),
    )
    mailer.send(message)
    return True


def recipient(email: str) -> Address:
    """One address, or :class:`Undeliverable`."""
    if not email or len(email) > 320 or any(c in email for c in "\r\n"):
        raise Undeliverable("the recipient is not an email address")
    try:
        address = Address(addr_spec=email)
    except (ValueError, IndexError, HeaderParseError) as exc:
        raise Undeliverable(f"the recipient is not an email address: {exc}") from exc
    if not address.username or not address.domain:
        raise Undeliverable("the recipient is not an email address")
    return address


def _award_text(achievement: str, organisation: str, link: str) -> str:
    return (
        "Hello,\n\n"
        f"{organisation} has awarded you the badge \u201c{achievement}\u201d.\n\n"
        f"Claim it here:\n{link}\n\n"
        f"{_verification_hint(organisation)}\n\n"
        "If you did not expect this email, you can ignore it.\n"
    )


def _award_html(achievement: str, organisation: str, link: str) -> str:
    e = html.escape  # quote=True: safe in text and in attribute values alike
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head><meta charset="utf-8">'
        f"<title>You've earned {e(achievement)}</title></head>\n<body>\n"
        "<p>Hello,</p>\n"
        f"<p>{e(organisation)} has awarded you the badge "
        f"<strong>{e(achievement)}</strong>.</p>\n"
        f'<p><a href="{e(link)}">Claim your badge</a></p>\n'
        f"<p>If the link does not work, copy this address into your browser:<br>"
        f"{e(link)}</p>\n"
        f"<p>{e(_verification_hint(organisation))}</p>\n"
        "<p>If you did not expect this email, you can ignore it.</p>\n"
        "</body>\n</html>\n"
    )


def _verification_hint(organisation: str) -> str:
    return (
        "Your badge is an Open Badges 3.0 verifiable credential, digitally signed by "
        f"{organisation}: once you have claimed it, anyone you share it with can check "
        "with any Open Badges 3.0 verifier that it is genuine and unchanged."
    )


def _achievement_name(data: object, document: object) -> str:
    """The achievement's name: from the achievement row, else from the signed credential
    (``credentialSubject.achievement.name``, then the credential's own ``name``)."""
    subject = _get(document, "credentialSubject")
    candidates = (
        _get(data, "name"),
        _get(_get(subject, "achievement"), "name"),
        _get(document, "name"),
    )
    for candidate in candidates:
        if isinstance(candidate, str) and _one_line(candidate):
            return _one_line(candidate)
    return "a badge"


def _get(value: object, key: str) -> object:
    return value.get(key) if isinstance(value, Mapping) else None


def _one_line(text: str) -> str:
    """Whitespace (line breaks included) collapsed: a header value cannot be split."""
    return " ".join(text.split())


def _connection(uow: object) -> Connection:
    connection = getattr(uow, "connection", None)
    if not isinstance(connection, Connection):
        raise TypeError("notifications read through a SQL unit of work (uow.connection)")
    return connection
