"""Invitations to join an organisation, on the unit of work's connection."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, insert, select

from microcred.adapters.db import schema as t
from microcred.domain.model import User
from microcred.services.ports import Invitation

_I = t.invitations


class InvitationRepository:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def add(self, invitation: Invitation) -> None:
        self._c.execute(
            insert(_I).values(
                token_hash=invitation.token_hash,
                user_id=invitation.user_id,
                org_id=invitation.org_id,
                created_at=invitation.created_at,
                expires_at=invitation.expires_at,
            )
        )

    def find(self, token_hash: str) -> tuple[Invitation, User] | None:
        """The invitation with this token digest and the person it invites."""
        query = (
            select(_I, t.users.c.email, t.users.c.name, t.users.c.password_hash)
            .join(t.users, t.users.c.id == _I.c.user_id)
            .where(_I.c.token_hash == token_hash)
        )
        row = self._c.execute(query).mappings().first()
        if row is None:
            return None
        user = User(row["user_id"], row["email"], row["name"], row["password_hash"])
        return _invitation(row), user

    def consume(self, token_hash: str) -> bool:
        """Delete the invitation; False if it was already gone (used by someone else)."""
        result = self._c.execute(delete(_I).where(_I.c.token_hash == token_hash))
        return result.rowcount == 1

    def live_for_user(self, user_id: str, now: datetime) -> list[Invitation]:
        query = select(_I).where((_I.c.user_id == user_id) & (_I.c.expires_at > now))
        return [_invitation(row) for row in self._c.execute(query).mappings()]

    def withdraw(self, org_id: str, user_id: str) -> None:
        self._c.execute(delete(_I).where((_I.c.org_id == org_id) & (_I.c.user_id == user_id)))

    def forget_user(self, user_id: str) -> None:
        self._c.execute(delete(_I).where(_I.c.user_id == user_id))


def _invitation(row: Any) -> Invitation:
    return Invitation(
        row["token_hash"], row["user_id"], row["org_id"], row["created_at"], row["expires_at"]
    )
