"""Shared fixtures: paths to the vectors, a fixed clock, loaders."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from microcred.core.loader import DocumentLoader

VECTORS = Path(__file__).parent / "vectors"


def load_json(path: Path | str) -> Any:
    return json.loads((VECTORS / path).read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def loader() -> DocumentLoader:
    return DocumentLoader()


@pytest.fixture
def now() -> datetime:
    return datetime(2026, 1, 15, 12, 0, 0, tzinfo=UTC)
