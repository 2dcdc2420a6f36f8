"""Credential documents: data-model validation and builders.

Validation returns a list of :class:`Issue` (never raises for bad input):

* :func:`validate_credential` / :func:`validate_presentation`: W3C VC Data Model 2.0
  (and the 1.1 rules for credentials whose first context is the 1.1 one);
* :func:`validate_openbadge`: what Open Badges 3.0 and CLR 2.0 add, for
  ``AchievementCredential`` / ``OpenBadgeCredential``, ``EndorsementCredential`` and
  ``ClrCredential``;
* :func:`validate_document`: all of the rules that apply to a document.

The builders return unsigned plain dicts with the contexts microcred issues with
(VC 2.0, OB 3.0.3 and, for a CLR, CLR 2.0.1) and raise
:class:`~microcred.core.errors.DocumentError` when the result would break a rule.
"""

from microcred.core.documents.builders import (
    Alignment,
    Criteria,
    Evidence,
    IdentityObject,
    Image,
    Result,
    ResultDescription,
    build_achievement,
    build_endorsement_credential,
    build_open_badge_credential,
    build_profile,
    hash_identity,
    matches_identity,
    timestamp,
)
from microcred.core.documents.clr import Association, build_clr_credential
from microcred.core.documents.constants import (
    CLR_CONTEXT,
    OB_CONTEXT,
    OB_EXTENSIONS_CONTEXT,
    OPENBADGE_FAMILY,
    VC1_CONTEXT,
    VC2_CONTEXT,
)
from microcred.core.documents.issues import Issue, Severity, ensure_valid, errors
from microcred.core.documents.openbadges import (
    openbadge_kind,
    validate_document,
    validate_openbadge,
)
from microcred.core.documents.presentation import build_presentation, validate_presentation
from microcred.core.documents.values import Timestamp, is_url, parse_timestamp
from microcred.core.documents.vcdm import validate_credential

__all__ = [
    "CLR_CONTEXT",
    "OB_CONTEXT",
    "OB_EXTENSIONS_CONTEXT",
    "OPENBADGE_FAMILY",
    "VC1_CONTEXT",
    "VC2_CONTEXT",
    "Alignment",
    "Association",
    "Criteria",
    "Evidence",
    "IdentityObject",
    "Image",
    "Issue",
    "Result",
    "ResultDescription",
    "Severity",
    "Timestamp",
    "build_achievement",
    "build_clr_credential",
    "build_endorsement_credential",
    "build_open_badge_credential",
    "build_presentation",
    "build_profile",
    "ensure_valid",
    "errors",
    "hash_identity",
    "is_url",
    "matches_identity",
    "openbadge_kind",
    "parse_timestamp",
    "timestamp",
    "validate_credential",
    "validate_document",
    "validate_openbadge",
    "validate_presentation",
]
