"""An organisation's settings: what its admins may change."""

from __future__ import annotations

from sqlalchemy import Connection, update

from microcred.adapters.db import schema as t
from microcred.domain.model import Organisation


class OrganisationSettingsRepository:
    """Writes what an organisation's admins may change (never its slug, suite or DID)."""

    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def save(self, org: Organisation) -> None:
        self._c.execute(
            update(t.organisations)
            .where(t.organisations.c.id == org.id)
            .values(
                name=org.name,
                url=org.url,
                email=org.email,
                description=org.description,
                brand_colour=org.brand_colour,
                logo_image_id=org.logo_image_id,
            )
        )
