"""Uploaded images (badges, logos), kept as the cleaned bytes that are served."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, insert, select

from microcred.adapters.db import schema as t
from microcred.services.ports import StoredImage

_I = t.images


class ImageRepository:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def add(self, image: StoredImage) -> None:
        self._c.execute(
            insert(_I).values(
                id=image.id,
                org_id=image.org_id,
                media_type=image.media_type,
                data=image.data,
                created_at=image.created_at,
            )
        )

    def get(self, image_id: str) -> StoredImage | None:
        row = self._c.execute(select(_I).where(_I.c.id == image_id)).mappings().first()
        return None if row is None else _image(row)


def _image(row: Any) -> StoredImage:
    return StoredImage(
        id=row["id"],
        org_id=row["org_id"],
        media_type=row["media_type"],
        data=bytes(row["data"]),
        created_at=row["created_at"],
    )
