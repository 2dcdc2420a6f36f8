"""Claim links: a credential is found by the SHA-256 of its link's token."""

from __future__ import annotations

from sqlalchemy import Connection, select

from microcred.adapters.db import schema as t

_C = t.credentials


class ClaimRepository:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def credential_id(self, token_hash: str) -> str | None:
        """The record id of the credential whose claim token hashes to ``token_hash``."""
        query = select(_C.c.id).where(_C.c.claim_token_hash == token_hash).limit(1)
        found = self._c.execute(query).scalar_one_or_none()
        return None if found is None else str(found)
