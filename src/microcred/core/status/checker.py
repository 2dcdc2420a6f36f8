"""The verifier's status check: the spec's validate algorithm for every entry."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any, TypeVar

from microcred.core.errors import StatusListError
from microcred.core.report import Check, Outcome, Problem, VerificationReport
from microcred.core.status._common import (
    ENTRY_TYPE,
    MALFORMED,
    VERIFICATION,
    aware,
    quote,
    status_error,
)
from microcred.core.status.bitstring import Bitstring
from microcred.core.status.parsing import (
    StatusEntry,
    parse_status_entry,
    parse_status_list_credential,
)

CHECK_NAME = "status"

_T = TypeVar("_T")

#: ``fetch_list(url)``: the parsed status list credential at ``url``.
FetchList = Callable[[str], Mapping[str, Any]]
#: ``verify_list(document)``: the verification report of a status list credential.
VerifyList = Callable[[Mapping[str, Any]], VerificationReport]


def _where(entry: StatusEntry, value: int) -> str:
    """Which entry of which list holds ``value``, e.g. "revocation bit 7 of <url> is 0"."""
    if entry.size == 1 and not entry.messages:
        return f"{entry.purpose} bit {entry.index} of {entry.list_url} is {value}"
    return (
        f"{entry.purpose} entry {entry.index} of {entry.list_url} is 0x{value:x}, "
        f"{quote(entry.message(value))}"
    )


def _outcome(entry: StatusEntry, value: int) -> Check:
    """The check for status ``value`` of ``entry``, by the entry's purpose."""
    where = _where(entry, value)
    if entry.purpose == "revocation":
        if value:
            return Check.failed(CHECK_NAME, f"The issuer revoked this credential ({where})")
        return Check.passed(CHECK_NAME, f"Not revoked: {where}")
    if entry.purpose == "suspension":
        if value:
            return Check.failed(CHECK_NAME, f"The issuer has suspended this credential ({where})")
        return Check.passed(CHECK_NAME, f"Not suspended: {where}")
    if entry.purpose == "message":
        report = Check.warning if value else Check.passed
        return report(CHECK_NAME, f"Status message: {where}")
    if entry.purpose == "refresh" and value:
        return Check.warning(
            CHECK_NAME, f"The issuer offers a newer version of this credential ({where})"
        )
    if value:
        return Check.warning(CHECK_NAME, f"Status set, of a purpose this verifier ignores: {where}")
    return Check.passed(CHECK_NAME, f"Status not set: {where}")


def _attempt(action: Callable[[], _T]) -> _T | StatusListError:
    """The result of ``action``, or the :class:`StatusListError` it raised (to replay)."""
    try:
        return action()
    except StatusListError as exc:
        return exc


def _unwrap(result: _T | StatusListError) -> _T:
    if isinstance(result, StatusListError):
        raise result
    return result


def _type_names(kind: object) -> list[str]:
    """The names in a well-formed ``type`` value (a string or a list of strings), or []."""
    names = [kind] if isinstance(kind, str) else kind
    if isinstance(names, list) and names and all(isinstance(n, str) for n in names):
        return names
    return []


def _reason(exc: Exception) -> str:
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


class BitstringStatusChecker:
    """Checks the ``credentialStatus`` entries of a credential.

    ``fetch_list(url)`` returns the parsed status list credential at ``url``: an offline
    cache or an allow-listed fetcher (anything it raises becomes a ``STATUS_RETRIEVAL_ERROR``
    check).  ``verify_list(document)`` verifies that credential's own proof; without it the
    caller vouches for what ``fetch_list`` returns, and passing checks say that the list's
    proof was not checked.  Issuer trust (who may publish a list) is the caller's policy.

    ``checker(credential, now)`` returns one ``status`` check per entry (a ``skipped`` one
    when there is none) and never raises for a bad credential or list; ``now`` must be
    timezone-aware.  Each list is fetched, verified and decoded once per call.
    """

    def __init__(self, fetch_list: FetchList, verify_list: VerifyList | None = None) -> None:
        self._fetch_list = fetch_list
        self._verify_list = verify_list

    def __call__(self, credential: object, now: datetime) -> list[Check]:
        aware(now)
        if not isinstance(credential, Mapping):
            return [Check.failed(CHECK_NAME, "The credential is not a JSON object", MALFORMED)]
        status = credential.get("credentialStatus")
        if status is None or status == []:
            return [Check.skipped(CHECK_NAME, "The credential has no status entry")]
        run = _Run(self._fetch_list, self._verify_list, now)
        return [run.check(raw) for raw in (status if isinstance(status, list) else [status])]


class _Run:
    """One credential's status check; remembers each list it fetched and decoded."""

    def __init__(self, fetch_list: FetchList, verify_list: VerifyList | None, now: datetime):
        self._fetch_list = fetch_list
        self._verify_list = verify_list
        self._now = now
        self._documents: dict[str, Mapping[str, Any] | StatusListError] = {}
        self._bitstrings: dict[tuple[str, int], Bitstring | StatusListError] = {}

    def check(self, raw: object) -> Check:
        names = _type_names(raw.get("type")) if isinstance(raw, Mapping) else []
        if names and ENTRY_TYPE not in names:
            return Check.warning(
                CHECK_NAME,
                f"status type {quote(', '.join(names))} is not supported; status not checked",
            )
        try:
            entry = parse_status_entry(raw)
        except StatusListError as exc:
            return Check.failed(CHECK_NAME, f"Invalid credentialStatus entry: {exc}", exc.problem)
        try:
            value = self._value(entry)
        except StatusListError as exc:
            return Check.failed(CHECK_NAME, str(exc), exc.problem)
        check = _outcome(entry, value)
        if self._verify_list is None and check.outcome is Outcome.PASS:
            return Check.passed(CHECK_NAME, f"{check.message} (the list's proof was not checked)")
        return check

    def _value(self, entry: StatusEntry) -> int:
        bitstring = self._bitstring(entry)
        if entry.index >= len(bitstring):
            raise status_error(
                f"Index {entry.index:,} is beyond the end of the status list "
                f"{entry.list_url} ({len(bitstring):,} entries)",
                Problem.RANGE_ERROR,
            )
        return bitstring.get(entry.index)

    def _bitstring(self, entry: StatusEntry) -> Bitstring:
        document = self._document(entry.list_url)
        key = (entry.list_url, entry.size)
        try:
            status_list = parse_status_list_credential(
                document, now=self._now, purpose=entry.purpose, url=entry.list_url
            )
            if key not in self._bitstrings:
                self._bitstrings[key] = _attempt(lambda: status_list.bitstring(entry.size))
            return _unwrap(self._bitstrings[key])
        except StatusListError as exc:
            problem = Problem(exc.problem or VERIFICATION)
            raise status_error(f"Status list {entry.list_url}: {exc}", problem) from exc

    def _document(self, url: str) -> Mapping[str, Any]:
        if url not in self._documents:
            self._documents[url] = _attempt(lambda: self._retrieve(url))
        return _unwrap(self._documents[url])

    def _retrieve(self, url: str) -> Mapping[str, Any]:
        try:
            document = self._fetch_list(url)
        except Exception as exc:
            raise status_error(
                f"The status list {url} could not be retrieved: {_reason(exc)}",
                Problem.STATUS_RETRIEVAL_ERROR,
            ) from exc
        if not isinstance(document, Mapping):
            raise status_error(
                f"The status list {url} is not a JSON object", Problem.STATUS_RETRIEVAL_ERROR
            )
        if self._verify_list is not None:
            _verify(url, document, self._verify_list)
        return document


def _verify(url: str, document: Mapping[str, Any], verify_list: VerifyList) -> None:
    """Raise ``STATUS_VERIFICATION_ERROR`` unless the list credential verifies."""
    try:
        report = verify_list(document)
    except Exception as exc:
        raise status_error(
            f"The status list {url} could not be verified: {_reason(exc)}", VERIFICATION
        ) from exc
    if not report.verified:
        reasons = "; ".join(check.message for check in report.failures) or "no checks ran"
        raise status_error(f"The status list {url} did not verify: {reasons}", VERIFICATION)
