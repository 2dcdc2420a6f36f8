"""The composition root: builds the platform from settings, once per process."""

from __future__ import annotations

from functools import partial

from argon2 import PasswordHasher
from sqlalchemy import Engine

from microcred.adapters.db.engine import make_engine
from microcred.adapters.db.uow import SqlUnitOfWork
from microcred.adapters.keyvault import AesGcmVault
from microcred.adapters.parallel import ForkParallel
from microcred.core.timeutil import utc_now
from microcred.services.organisations import Platform
from microcred.settings import Settings


def build_vault(settings: Settings) -> AesGcmVault:
    if settings.secret_key:
        return AesGcmVault.from_secret(settings.secret_key)
    return AesGcmVault.from_key_file(settings.data_dir / "vault.key")


def build_platform(settings: Settings, engine: Engine | None = None) -> Platform:
    engine = engine or make_engine(settings.database_url)
    return Platform(
        uow=partial(SqlUnitOfWork, engine),
        vault=build_vault(settings),
        clock=utc_now,
        base_url=settings.base_url,
        passwords=PasswordHasher(),
        parallel=ForkParallel(engine, settings.bulk_processes),
        reader=partial(SqlUnitOfWork, engine, read_only=True),
    )
