"""W3C Bitstring Status List v1.0: bitstrings, status documents and the status check.

* :class:`Bitstring` holds the status values of a list (``status_size`` bits per entry;
  entry 0 is the left-most bit of the first byte) and encodes/decodes the ``encodedList``
  value (GZIP, then multibase base64url without padding).
* :func:`build_status_list_credential` and :func:`build_status_list_entry` build the
  unsigned documents an issuer publishes and embeds.
* :func:`parse_credential_status`, :func:`parse_status_entry` and
  :func:`parse_status_list_credential` validate untrusted documents; they raise
  :class:`~microcred.core.errors.StatusListError`, whose ``problem`` is the spec's code.
* :class:`BitstringStatusChecker` runs the spec's validate algorithm for every status entry
  of a credential and reports each as a ``status`` check; it never raises for bad input.

The implementation lives in :mod:`microcred.core.status`; import from here.
"""

from __future__ import annotations

from microcred.core.status._common import (
    ENTRY_TYPE,
    LIST_CREDENTIAL_TYPE,
    LIST_TYPE,
    MAX_DECOMPRESSED_BYTES,
    MAX_STATUS_SIZE,
    MIN_BYTES,
    MIN_ENTRIES,
    VC_V2_CONTEXT,
)
from microcred.core.status.bitstring import Bitstring
from microcred.core.status.checker import (
    CHECK_NAME,
    BitstringStatusChecker,
    FetchList,
    VerifyList,
)
from microcred.core.status.documents import build_status_list_credential, build_status_list_entry
from microcred.core.status.parsing import (
    StatusEntry,
    StatusList,
    parse_credential_status,
    parse_status_entry,
    parse_status_list_credential,
)

__all__ = [
    "CHECK_NAME",
    "ENTRY_TYPE",
    "LIST_CREDENTIAL_TYPE",
    "LIST_TYPE",
    "MAX_DECOMPRESSED_BYTES",
    "MAX_STATUS_SIZE",
    "MIN_BYTES",
    "MIN_ENTRIES",
    "VC_V2_CONTEXT",
    "Bitstring",
    "BitstringStatusChecker",
    "FetchList",
    "StatusEntry",
    "StatusList",
    "VerifyList",
    "build_status_list_credential",
    "build_status_list_entry",
    "parse_credential_status",
    "parse_status_entry",
    "parse_status_list_credential",
]
