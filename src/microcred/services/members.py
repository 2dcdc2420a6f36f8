"""People in organisations: signing up as a provider, and whose organisations are whose."""

from __future__ import annotations

from dataclasses import dataclass

from microcred.domain.model import Organisation, Role, User
from microcred.services import access
from microcred.services.errors import InvalidInput
from microcred.services.organisations import Platform, create_organisation

MIN_PASSWORD = 10
MAX_PASSWORD = 1024


@dataclass(frozen=True)
class SignedUp:
    organisation: Organisation
    session: access.IssuedSession


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise InvalidInput(f"password: use at least {MIN_PASSWORD} characters")
    if len(password) > MAX_PASSWORD:
        raise InvalidInput(f"password: use at most {MAX_PASSWORD} characters")


def sign_up(
    platform: Platform, *, organisation: str, slug: str, email: str, password: str
) -> SignedUp:
    """A new organisation owned by the person signing up, and their session.

    Someone who already has an account must give its password: an email address alone
    never grants anything."""
    email = email.strip().lower()
    check_password(password)
    with platform.uow() as uow:
        existing = uow.members.user_by_email(email)
    if existing is not None:
        access.login(platform, email, password)  # raises Unauthenticated if wrong
    org = create_organisation(
        platform, name=organisation, slug=slug, owner_email=email, owner_password=password
    )
    return SignedUp(org, access.login(platform, email, password))


def memberships(platform: Platform, user: User) -> list[tuple[Organisation, Role]]:
    """The organisations ``user`` belongs to, with their role in each."""
    with platform.uow() as uow:
        return uow.members.memberships(user.id)
