"""The invitation email: a person added to an organisation without an account gets the
link where they choose their password (queued with the invitation, sent by the worker).

As in the award email, everything a person typed (the organisation's name) is escaped
with ``html.escape`` in the HTML part and flattened to one line in headers.
"""

from __future__ import annotations

import hashlib
import html
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime
from urllib.parse import quote, urlsplit

from microcred.services.notifications import Mailer, Undeliverable, recipient
from microcred.services.organisations import Platform

KIND = "email.invite"


def invitation_url(base_url: str, token: str) -> str:
    return f"{base_url.rstrip('/')}/invitations/{quote(token, safe='')}"


def compose_invitation_email(
    organisation: str, *, to: str, link: str, base_url: str, at: datetime
) -> EmailMessage:
    """A multipart (text and HTML) email with the invitation link; ``From`` is the
    mailer's."""
    organisation = " ".join(organisation.split()) or "an organisation"
    message = EmailMessage()
    message["Subject"] = f"You are invited to {organisation} on microcred"
    message["To"] = recipient(to)
    message["Date"] = format_datetime(at)
    digest = hashlib.sha256(link.encode()).hexdigest()[:32]
    message["Message-ID"] = f"<invite.{digest}@{urlsplit(base_url).hostname or 'localhost'}>"
    message.set_content(_text(organisation, link))
    message.add_alternative(_html(organisation, link), subtype="html")
    return message


def send_invitation_email(
    platform: Platform, mailer: Mailer, *, org_id: str, email: str, token: str
) -> None:
    """Send the invitation; :class:`Undeliverable` when the organisation is gone."""
    with platform.uow() as uow:
        org = uow.organisations.get(org_id)
    if org is None:
        raise Undeliverable(f"organisation {org_id} does not exist")
    message = compose_invitation_email(
        org.name,
        to=email,
        link=invitation_url(platform.base_url, token),
        base_url=platform.base_url,
        at=platform.clock(),
    )
    mailer.send(message)


def _text(organisation: str, link: str) -> str:
    return (
        "Hello,\n\n"
        f"You have been added to {organisation} on microcred, where it issues its "
        "credentials.\n\n"
        f"Choose your password here (the link works once, for 7 days):\n{link}\n\n"
        "If you did not expect this email, you can ignore it.\n"
    )


def _html(organisation: str, link: str) -> str:
    e = html.escape  # quote=True: safe in text and in attribute values alike
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head><meta charset="utf-8">'
        f"<title>You are invited to {e(organisation)}</title></head>\n<body>\n"
        "<p>Hello,</p>\n"
        f"<p>You have been added to <strong>{e(organisation)}</strong> on microcred, "
        "where it issues its credentials.</p>\n"
        f'<p><a href="{e(link)}">Choose your password</a> (the link works once, for 7 '
        "days).</p>\n"
        f"<p>If the link does not work, copy this address into your browser:<br>{e(link)}</p>\n"
        "<p>If you did not expect this email, you can ignore it.</p>\n"
        "</body>\n</html>\n"
    )
