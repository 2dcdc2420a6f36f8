"""Who may call the platform: API keys, password sessions, and the reads they guard.

API keys look like ``mc_<prefix>_<secret>``: the prefix (12 hex digits) finds the key,
an argon2 hash of the secret proves it.  Keys belong to one organisation and carry one
role.  Sessions are random tokens (``mcs_...``) of which only the SHA-256 is stored.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from dataclasses import dataclass, replace
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from microcred.domain.model import Actor, AuditEntry, Organisation, PermissionDenied, Role, User
from microcred.services.errors import InvalidInput, NotFound, ServiceError
from microcred.services.organisations import Platform
from microcred.services.ports import ApiKey, LoginSession

API_KEY_PREFIX = "mc"
SESSION_PREFIX = "mcs"
SESSION_TTL = timedelta(hours=12)
#: An address whose password was wrong this many times within the window must wait.
MAX_FAILURES = 10
FAILURE_WINDOW = timedelta(minutes=15)
MAX_AUDIT_ENTRIES = 1000

#: The secret of an API key is 256 random bits, so a light argon2 setting is as safe as a
#: heavy one and keeps each authenticated request cheap (about 3 ms).
API_KEY_HASHER = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1)


class Unauthenticated(ServiceError):
    """The credentials are missing, malformed, unknown, revoked or expired."""


class TooManyAttempts(ServiceError):
    """Too many failed sign-ins for one address lately (HTTP 429)."""


@dataclass(frozen=True)
class IssuedApiKey:
    key: ApiKey
    #: ``mc_<prefix>_<secret>``: shown once, never stored.
    secret: str


@dataclass(frozen=True)
class IssuedSession:
    session: LoginSession
    user: User
    #: ``mcs_<random>``: the cookie value; only its SHA-256 is stored.
    token: str


# ---------------------------------------------------------------------------- API keys


def create_api_key(
    platform: Platform, org_id: str, *, name: str, role: Role, actor: Actor
) -> IssuedApiKey:
    """A new key of ``org_id``; admins only, and never with more power than the actor."""
    actor.require(org_id, Role.ADMIN)
    if actor.kind != "system" and (actor.role is None or not actor.role.allows(role)):
        raise PermissionDenied(f"a key with the {role.value} role needs that role yourself")
    name = name.strip()
    if not name or len(name) > 200:
        raise InvalidInput("name: give 1-200 characters")
    prefix = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    now = platform.clock()
    key = ApiKey(
        id=str(uuid.uuid4()),
        org_id=org_id,
        name=name,
        role=role,
        prefix=prefix,
        secret_hash=API_KEY_HASHER.hash(secret),
        created_at=now,
    )
    with platform.uow() as uow:
        uow.access.add_key(key)
        detail = {"name": name, "role": role.value, "prefix": prefix}
        uow.audit.append(AuditEntry(org_id, actor.label, "api_key.create", key.id, detail, now))
        uow.commit()
    return IssuedApiKey(key, f"{API_KEY_PREFIX}_{prefix}_{secret}")


def list_api_keys(platform: Platform, org_id: str, *, actor: Actor) -> list[ApiKey]:
    actor.require(org_id, Role.ADMIN)
    with platform.uow() as uow:
        return uow.access.keys_for_org(org_id)


def revoke_api_key(platform: Platform, org_id: str, key_id: str, *, actor: Actor) -> ApiKey:
    """Revoke a key of ``org_id`` (revoking a revoked key changes nothing)."""
    actor.require(org_id, Role.ADMIN)
    now = platform.clock()
    with platform.uow() as uow:
        key = next((k for k in uow.access.keys_for_org(org_id) if k.id == key_id), None)
        if key is None:
            raise NotFound(f"the organisation has no API key {key_id!r}")
        if key.revoked_at is not None:
            return key
        uow.access.revoke_key(key.id, now)
        detail = {"name": key.name, "prefix": key.prefix}
        uow.audit.append(AuditEntry(org_id, actor.label, "api_key.revoke", key.id, detail, now))
        uow.commit()
    return replace(key, revoked_at=now)


def authenticate_api_key(platform: Platform, token: str) -> Actor:
    """The actor of a ``mc_<prefix>_<secret>`` token, or :class:`Unauthenticated`."""
    scheme, _, rest = token.partition("_")
    prefix, _, secret = rest.partition("_")
    if scheme != API_KEY_PREFIX or len(prefix) != 12 or not secret:
        raise Unauthenticated("the API key is malformed")
    with platform.uow() as uow:
        key = uow.access.key_by_prefix(prefix)
    if key is None or not _verify(API_KEY_HASHER, key.secret_hash, secret):
        raise Unauthenticated("the API key is not valid")
    if key.revoked_at is not None:
        raise Unauthenticated("the API key has been revoked")
    return Actor(kind="api_key", id=key.id, org_id=key.org_id, role=key.role)


# ---------------------------------------------------------------------------- sessions


def login(platform: Platform, email: str, password: str) -> IssuedSession:
    """Check a password and open a session, or raise :class:`Unauthenticated` (wrong) or
    :class:`TooManyAttempts` (the address failed too often lately: password guessing)."""
    address = email.strip().lower()
    digest = hashlib.sha256(address.encode("utf-8")).hexdigest()
    now = platform.clock()
    with platform.uow() as uow:
        if uow.access.failures_since(digest, now - FAILURE_WINDOW) >= MAX_FAILURES:
            minutes = int(FAILURE_WINDOW.total_seconds() // 60)
            raise TooManyAttempts(
                f"too many failed sign-ins for this address: try again in {minutes} minutes"
            )
        found = uow.members.user_by_email(address)
    user = _if_password_matches(platform, found, password)
    if user is None:
        with platform.uow() as uow:
            uow.access.add_failure(digest, now, forget_before=now - FAILURE_WINDOW)
            uow.commit()
        raise Unauthenticated("the email address or the password is wrong")
    token = f"{SESSION_PREFIX}_{secrets.token_urlsafe(32)}"
    session = LoginSession(token_digest(token), user.id, now, now + SESSION_TTL)
    with platform.uow() as uow:
        uow.access.clear_failures(digest)
        uow.access.delete_expired_sessions(session.user_id, now)
        uow.access.add_session(session)
        uow.commit()
    return IssuedSession(session, user, token)


def _if_password_matches(platform: Platform, user: User | None, password: str) -> User | None:
    """``user`` if ``password`` is theirs; the same work is done when there is no user."""
    if user is None or user.password_hash is None:
        _verify(platform.passwords, _dummy_hash(platform.passwords), password)  # same timing
        return None
    return user if _verify(platform.passwords, user.password_hash, password) else None


def session_user(platform: Platform, token: str) -> User:
    """The user of a live session token, or :class:`Unauthenticated`."""
    if not token.startswith(SESSION_PREFIX + "_"):
        raise Unauthenticated("the session token is malformed")
    with platform.uow() as uow:
        user = uow.access.session_user(token_digest(token), platform.clock())
    if user is None:
        raise Unauthenticated("the session has expired or does not exist; sign in again")
    return user


def logout(platform: Platform, token: str) -> None:
    with platform.uow() as uow:
        uow.access.delete_session(token_digest(token))
        uow.commit()


def user_actor(platform: Platform, user: User, org_id: str) -> Actor:
    """The user acting in ``org_id`` with their role there (None if not a member)."""
    with platform.uow() as uow:
        role = uow.members.role(org_id, user.id)
    return Actor(kind="user", id=user.id, org_id=org_id, role=role)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def same_secret(given: str, expected: str) -> bool:
    """Constant-time comparison of two secrets."""
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


def _verify(hasher: PasswordHasher, hashed: str, secret: str) -> bool:
    try:
        return hasher.verify(hashed, secret)
    except (VerificationError, InvalidHashError):
        return False


_DUMMY_HASHES: dict[tuple[int, int, int], str] = {}


def _dummy_hash(hasher: PasswordHasher) -> str:
    params = (hasher.time_cost, hasher.memory_cost, hasher.parallelism)
    if params not in _DUMMY_HASHES:
        _DUMMY_HASHES[params] = hasher.hash(secrets.token_urlsafe(16))
    return _DUMMY_HASHES[params]


# ---------------------------------------------------------------------------- guarded reads


def organisation_by_slug(platform: Platform, slug: str) -> Organisation:
    with platform.uow() as uow:
        org = uow.organisations.by_slug(slug)
    if org is None:
        raise NotFound(f"there is no organisation {slug!r}")
    return org


def has_organisations(platform: Platform) -> bool:
    with platform.uow() as uow:
        return bool(uow.organisations.list())


def audit_entries(
    platform: Platform, org_id: str, *, actor: Actor, limit: int = 100
) -> list[AuditEntry]:
    """The newest entries of the organisation's audit log; admins only."""
    actor.require(org_id, Role.ADMIN)
    with platform.uow() as uow:
        return uow.audit.for_org(org_id, limit=max(1, min(limit, MAX_AUDIT_ENTRIES)))
