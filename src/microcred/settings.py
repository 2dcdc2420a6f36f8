"""Settings, read once from the environment by the composition root (never at import)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path


def default_data_dir(env: Mapping[str, str]) -> Path:
    base = env.get("XDG_DATA_HOME") or str(Path(env.get("HOME", ".")) / ".local" / "share")
    return Path(base) / "microcred"


@dataclass(frozen=True)
class Settings:
    """Everything the platform is configured with; see ``docs/configuration.md``."""

    data_dir: Path
    database_url: str
    #: The public address the platform is reached at: credential ids, did:web, status lists.
    base_url: str = "http://127.0.0.1:8000"
    #: Encrypts signing keys at rest; without it a generated key file in data_dir is used.
    secret_key: str | None = None
    smtp_url: str | None = None
    #: Hosts the verifier may fetch contexts, DID documents and status lists from.
    allowed_fetch_hosts: tuple[str, ...] = ()
    #: Lets ``POST /api/v1/orgs`` create organisations at any time (bearer token).
    bootstrap_token: str | None = None
    #: When set, the VC-API verify endpoints need it (or any valid API key).
    verify_token: str | None = None
    #: Processes a bulk award from the command line signs in (default: one per CPU).
    bulk_processes: int = 1
    #: Who may create an organisation at ``/sign-up``: ``open`` (anyone), ``first`` (only
    #: while there is none) or ``closed`` (nobody: operators use ``microcred org create``).
    signup: str = "open"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        data_dir = Path(env.get("MICROCRED_DATA_DIR") or default_data_dir(env))
        database_url = env.get("MICROCRED_DATABASE_URL") or f"sqlite:///{data_dir / 'microcred.db'}"
        hosts = tuple(h for h in env.get("MICROCRED_ALLOWED_FETCH_HOSTS", "").split(",") if h)
        return cls(
            data_dir=data_dir,
            database_url=database_url,
            base_url=(env.get("MICROCRED_BASE_URL") or cls.base_url).rstrip("/"),
            secret_key=env.get("MICROCRED_SECRET_KEY") or None,
            smtp_url=env.get("MICROCRED_SMTP_URL") or None,
            allowed_fetch_hosts=hosts,
            bootstrap_token=env.get("MICROCRED_BOOTSTRAP_TOKEN") or None,
            verify_token=env.get("MICROCRED_VERIFY_TOKEN") or None,
            bulk_processes=_processes(env.get("MICROCRED_BULK_PROCESSES")),
            signup=_signup(env.get("MICROCRED_SIGNUP")),
        )

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


def _processes(value: str | None) -> int:
    """``MICROCRED_BULK_PROCESSES``: a number from 1 to 64, or one per CPU when unset."""
    if not value:
        return max(1, min(os.cpu_count() or 1, 64))
    try:
        number = int(value)
    except ValueError:
        number = 0
    if not 1 <= number <= 64:
        raise ValueError(f"MICROCRED_BULK_PROCESSES must be a number from 1 to 64, not {value!r}")
    return number


SIGNUP_POLICIES = ("open", "first", "closed")


def _signup(value: str | None) -> str:
    """``MICROCRED_SIGNUP``: open (the default), first or closed."""
    policy = (value or "open").strip().lower()
    if policy not in SIGNUP_POLICIES:
        raise ValueError(f"MICROCRED_SIGNUP must be open, first or closed, not {value!r}")
    return policy
