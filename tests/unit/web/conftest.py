"""A real app over a real database (SQLite and PostgreSQL, through ``engine``)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Protocol

import pytest
from argon2 import PasswordHasher
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from microcred.adapters.db.uow import SqlUnitOfWork
from microcred.adapters.keyvault import AesGcmVault
from microcred.domain.model import SYSTEM, Organisation, Role
from microcred.services.access import create_api_key
from microcred.services.organisations import Platform, create_organisation
from microcred.settings import Settings
from microcred.web.app import create_app
from microcred.web.context import WebOptions

BASE_URL = "https://badges.example"
NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
PASSWORD = "correct horse battery staple"


@dataclass
class FakeClock:
    now: datetime = NOW

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta) -> None:
        self.now += delta


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def platform(engine: Engine, clock: FakeClock) -> Platform:
    return Platform(
        uow=lambda: SqlUnitOfWork(engine),
        vault=AesGcmVault.from_secret("test secret"),
        clock=clock,
        base_url=BASE_URL,
        passwords=PasswordHasher(time_cost=1, memory_cost=8, parallelism=1),
    )


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path, database_url="sqlite://", base_url=BASE_URL)


@pytest.fixture
def options() -> WebOptions:
    return WebOptions()


@pytest.fixture
def app(platform: Platform, settings: Settings, options: WebOptions) -> FastAPI:
    return create_app(platform, settings, options)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, base_url=BASE_URL) as test_client:
        yield test_client


@pytest.fixture
def acme(platform: Platform) -> Organisation:
    return create_organisation(
        platform,
        name="Acme",
        slug="acme",
        owner_email="owner@acme.example",
        owner_password=PASSWORD,
    )


@pytest.fixture
def globex(platform: Platform) -> Organisation:
    return create_organisation(
        platform, name="Globex", slug="globex", owner_email="owner@globex.example"
    )


def key_for(platform: Platform, org: Organisation, role: Role) -> str:
    return create_api_key(
        platform, org.id, name=f"{role.value} key", role=role, actor=SYSTEM
    ).secret


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


class HttpResponse(Protocol):
    """What the tests read of a test client's response (httpx or httpx2)."""

    @property
    def status_code(self) -> int: ...
    @property
    def headers(self) -> Mapping[str, str]: ...
    @property
    def text(self) -> str: ...
    def json(self) -> Any: ...


def assert_problem(response: HttpResponse, status: int, *words: str) -> dict[str, Any]:
    """The answer is an RFC 9457 problem of ``status`` whose detail holds ``words``."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert isinstance(body, dict)
    assert {"type", "title", "status", "detail"} <= body.keys()
    assert body["status"] == status
    for word in words:
        assert word in body["detail"], body
    return body
