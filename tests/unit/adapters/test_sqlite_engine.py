"""The settings every SQLite connection of the platform gets (see adapters/db/engine.py)."""

from __future__ import annotations

from pathlib import Path

from microcred.adapters.db.engine import make_engine


def test_each_connection_gets_the_platforms_pragmas(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'nested' / 'platform.db'}")
    try:
        with engine.connect() as connection:
            values = {
                name: connection.exec_driver_sql(f"PRAGMA {name}").scalar()
                for name in ("foreign_keys", "journal_mode", "synchronous", "busy_timeout")
            }
            mapped = connection.exec_driver_sql("PRAGMA mmap_size").scalar()
    finally:
        engine.dispose()
    assert values == {
        "foreign_keys": 1,
        "journal_mode": "wal",
        "synchronous": 1,  # NORMAL
        "busy_timeout": 30_000,
    }
    assert mapped == 256 * 1024 * 1024
    assert (tmp_path / "nested" / "platform.db").exists()
