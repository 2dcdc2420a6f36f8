"""Errors a use case reports; entry points map them (HTTP status, exit code)."""

from __future__ import annotations

from microcred.domain.model import PermissionDenied


class ServiceError(Exception):
    """Base of every error a use case raises on purpose."""


class NotFound(ServiceError):
    """The thing does not exist (or is not visible to the actor)."""


class Conflict(ServiceError):
    """The request collides with what exists (a taken slug, a repeated key...)."""


class InvalidInput(ServiceError):
    """The request is malformed; the message says what and where."""


__all__ = ["Conflict", "InvalidInput", "NotFound", "PermissionDenied", "ServiceError"]
