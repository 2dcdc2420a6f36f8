"""An organisation's audit log a page at a time, filtered by action, with each actor
told by a name a person recognises (a member's email address, an API key's name)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from microcred.domain.model import Actor, AuditEntry, Role
from microcred.services.errors import InvalidInput
from microcred.services.organisations import Platform
from microcred.services.ports import UnitOfWork

PER_PAGE = 50
MAX_ACTION = 64


@dataclass(frozen=True)
class AuditRow:
    entry: AuditEntry
    #: Who acted, as a person reads it.
    who: str


@dataclass(frozen=True)
class AuditPage:
    rows: list[AuditRow]
    #: Entries matching the filter (every page).
    total: int
    page: int
    per_page: int
    #: The action prefix filtered on ("" for all).
    action: str
    #: The actions the organisation's log holds, for the filter.
    actions: list[str]

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def audit_page(
    platform: Platform, actor: Actor, org_id: str, *, action: str = "", page: int = 1
) -> AuditPage:
    """Page ``page`` of the organisation's audit log, newest first, of the entries whose
    action starts with ``action`` (admin role)."""
    actor.require(org_id, Role.ADMIN)
    action = action.strip()
    if page < 1 or len(action) > MAX_ACTION:
        raise InvalidInput(f"page: from 1; action: at most {MAX_ACTION} characters")
    with (platform.reader or platform.uow)() as uow:
        entries, total = uow.audit_log.page(
            org_id, action_prefix=action, offset=(page - 1) * PER_PAGE, limit=PER_PAGE
        )
        names = _names(uow, org_id, entries)
        actions = uow.audit_log.actions(org_id)
    rows = [AuditRow(entry, names.get(entry.actor, entry.actor)) for entry in entries]
    return AuditPage(rows, total, page, PER_PAGE, action, actions)


def _names(uow: UnitOfWork, org_id: str, entries: Iterable[AuditEntry]) -> dict[str, str]:
    labels = {entry.actor for entry in entries}
    users = [label.removeprefix("user:") for label in labels if label.startswith("user:")]
    names = {f"user:{id_}": email for id_, email in uow.audit_log.user_emails(users).items()}
    if any(label.startswith("api_key:") for label in labels):
        keys = uow.access.keys_for_org(org_id)
        names.update({f"api_key:{k.id}": f"API key “{k.name}” ({k.prefix})" for k in keys})
    return names
