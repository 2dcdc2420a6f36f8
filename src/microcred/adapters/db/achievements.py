"""Achievements and their versions, on the unit of work's connection."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, func, insert, select, update

from microcred.adapters.db import schema as t
from microcred.domain.achievements import Achievement, AchievementFields, AchievementState

_A = t.achievements


class AchievementRepository:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def add(self, achievement: Achievement) -> None:
        self._c.execute(
            insert(_A).values(
                id=achievement.id,
                org_id=achievement.org_id,
                lineage_id=achievement.lineage_id,
                version=achievement.version,
                state=achievement.state.value,
                data=achievement.fields.to_data(),
                created_at=achievement.created_at,
            )
        )

    def get(self, achievement_id: str) -> Achievement | None:
        row = self._c.execute(select(_A).where(_A.c.id == achievement_id)).mappings().first()
        return None if row is None else _achievement(row)

    def save(self, achievement: Achievement) -> None:
        """Write the state and fields of an existing version."""
        self._c.execute(
            update(_A)
            .where(_A.c.id == achievement.id)
            .values(state=achievement.state.value, data=achievement.fields.to_data())
        )

    def lineage(self, lineage_id: str) -> list[Achievement]:
        """Every version of an achievement, oldest first."""
        query = select(_A).where(_A.c.lineage_id == lineage_id).order_by(_A.c.version)
        return [_achievement(r) for r in self._c.execute(query).mappings()]

    def latest_version(self, lineage_id: str) -> int:
        query = select(func.max(_A.c.version)).where(_A.c.lineage_id == lineage_id)
        return int(self._c.execute(query).scalar() or 0)

    def for_org(self, org_id: str, state: AchievementState | None = None) -> list[Achievement]:
        query = select(_A).where(_A.c.org_id == org_id)
        if state is not None:
            query = query.where(_A.c.state == state.value)
        query = query.order_by(_A.c.created_at, _A.c.lineage_id, _A.c.version)
        return [_achievement(r) for r in self._c.execute(query).mappings()]


def _achievement(row: Any) -> Achievement:
    return Achievement(
        id=row["id"],
        org_id=row["org_id"],
        lineage_id=row["lineage_id"],
        version=row["version"],
        state=AchievementState(row["state"]),
        fields=AchievementFields.from_data(row["data"]),
        created_at=row["created_at"],
    )
