"""The public verifier: a file, pasted text or an address in, a plain-language report out.

Accepted: a baked badge image (PNG or SVG, Open Badges 3.0 or 2.0), a credential or
presentation as JSON, a VC-JWT, an Open Badges 2.0 assertion (JSON or signed), or the
address of any of these.  Inputs are bounded (a file up to 1 MB, text up to 512 KB) and
nothing is stored.

Addresses: this platform's own credentials (``<base>/credentials/<id>``) are read from the
database, never over HTTP.  Anything else is fetched only from the hosts the operator
allowed (``MICROCRED_ALLOWED_FETCH_HOSTS``), over https, through the same allow-listed
fetcher the verifier uses; another host is refused with a sentence naming it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Annotated, Any
from urllib.parse import urlsplit

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import Response

from microcred.composition import build_verification
from microcred.core import ob2
from microcred.core.baking import extract_credential
from microcred.core.documents.values import has_type
from microcred.core.errors import MicrocredError
from microcred.core.jose import looks_like_jwt
from microcred.core.jsonutil import decode_text, parse_json
from microcred.core.loader import Fetcher
from microcred.core.presentations import verify_presentation
from microcred.core.report import VerificationReport
from microcred.domain.awards import StoredCredential
from microcred.services.credential_queries import public_credential
from microcred.services.errors import InvalidInput, NotFound
from microcred.services.verification import (
    presentation_compromise_checks,
    verify_submitted_credential,
)
from microcred.web.context import Ctx, WebContext
from microcred.web.dids import OwnFirstFetcher
from microcred.web.ui.access import Pages
from microcred.web.ui.credential_view import pretty_json, summarise, summarise_ob2, verdict_of
from microcred.web.ui.notices import N_
from microcred.web.ui.routing import PageRoute

router = APIRouter(route_class=PageRoute)

MAX_FILE = 1_000_000
MAX_TEXT = 512_000
MAX_URL = 2_000
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
#: An address may lead to a file that holds another address (an OB 2.0 hosted badge):
#: at most this many are followed.
MAX_FETCHES = 2
KINDS = {
    "credential": N_("Verifiable credential (JSON)"),
    "credential-jwt": N_("Verifiable credential (VC-JWT)"),
    "presentation": N_("Verifiable presentation"),
    "ob2-assertion": N_("Open Badges 2.0 assertion"),
}


@dataclass
class Run:
    """One verification: the platform, and how many addresses were followed."""

    context: WebContext
    fetches: int = 0

    @property
    def fetcher(self) -> Fetcher:
        """Own DID documents from the database, others from the allowed hosts only."""
        return OwnFirstFetcher(
            self.context.dids, network(self.context.settings.allowed_fetch_hosts)
        )


@cache
def network(hosts: tuple[str, ...]) -> Fetcher | None:
    """The allow-listed fetcher of the platform's verifier (None: no host is allowed)."""
    return build_verification(hosts).fetcher


# --------------------------------------------------------------------------- pages


@router.get("/verify")
def verify_form(request: Request, pages: Pages) -> Response:
    return pages.render(request, "verify/form.html", {"errors": [], "text": "", "url": ""})


@router.post("/verify")
def verify(
    request: Request,
    pages: Pages,
    context: Ctx,
    file: Annotated[UploadFile | None, File()] = None,
    text: Annotated[str, Form()] = "",
    url: Annotated[str, Form()] = "",
) -> Response:
    run = Run(context)
    try:
        report, source = _dispatch(run, file, text, url)
    except InvalidInput as exc:
        values = {"errors": [str(exc)], "text": text[:MAX_TEXT], "url": url[:MAX_URL]}
        return pages.render(request, "verify/form.html", values, status_code=422)
    return pages.render(request, "verify/report.html", report_values(run, report, source))


def _dispatch(
    run: Run, file: UploadFile | None, text: str, url: str
) -> tuple[VerificationReport, tuple[str, str]]:
    data = _upload(file)
    if data:
        name = (file.filename if file is not None else None) or ""
        return from_bytes(run, data), (N_("The file %(value)s"), name[:200])
    if text.strip():
        if len(text.encode("utf-8")) > MAX_TEXT:
            raise InvalidInput(f"The text is too long: the limit is {MAX_TEXT:,} bytes.")
        return from_text(run, text), (N_("Pasted text"), "")
    if url.strip():
        if len(url) > MAX_URL:
            raise InvalidInput(f"The address is too long: the limit is {MAX_URL:,} characters.")
        return from_url(run, url.strip()), (N_("The address %(value)s"), url.strip()[:MAX_URL])
    raise InvalidInput("Choose a file, paste a credential or give its address.")


def _upload(file: UploadFile | None) -> bytes:
    if file is None:
        return b""
    data = file.file.read(MAX_FILE + 1)
    if len(data) > MAX_FILE:
        raise InvalidInput(f"The file is too large: the limit is {MAX_FILE:,} bytes.")
    return data


# --------------------------------------------------------------------------- inputs


def from_bytes(run: Run, data: bytes) -> VerificationReport:
    """A file: a baked PNG or SVG, or a credential as text."""
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n")
    if data.startswith(PNG_SIGNATURE) or head.startswith(b"<"):
        kind = "PNG" if data.startswith(PNG_SIGNATURE) else "SVG"
        try:
            text = extract_credential(data)
        except MicrocredError as exc:
            raise InvalidInput(
                f"No credential could be read from this {kind} image: {exc}. Only a badge "
                "image with a credential baked into it can be verified."
            ) from None
        return from_text(run, text)
    try:
        return from_text(run, decode_text(data, max_bytes=MAX_FILE))
    except MicrocredError as exc:
        raise InvalidInput(f"The file is not a credential: {exc}.") from None


def from_text(run: Run, text: str) -> VerificationReport:
    """JSON, a VC-JWT, a signed OB 2.0 assertion, or an address."""
    text = text.strip()
    context = run.context
    if ob2.is_ob2_jws(text):
        return ob2.verify_ob2(text, fetch=run.fetcher, now=context.verifier.now())
    if looks_like_jwt(text):
        return verify_submitted_credential(context.platform, context.verifier, text)
    if text.startswith(("https://", "http://")) and len(text) <= MAX_URL:
        return from_url(run, text)
    try:
        document = parse_json(text, max_bytes=MAX_FILE)
    except MicrocredError as exc:
        raise InvalidInput(f"The text is neither JSON nor a VC-JWT: {exc}.") from None
    if not isinstance(document, Mapping):
        raise InvalidInput("The JSON is not an object, so it cannot be a credential.")
    return from_document(run, document)


def from_document(run: Run, document: Mapping[str, Any]) -> VerificationReport:
    context = run.context
    if _is_ob2(document):
        return ob2.verify_ob2(document, fetch=run.fetcher, now=context.verifier.now())
    if has_type(document, "VerifiablePresentation"):
        report = verify_presentation(document, challenge=None, verifier=context.verifier)
        report.extend(presentation_compromise_checks(context.platform, document))
        return report
    return verify_submitted_credential(context.platform, context.verifier, document)


def _is_ob2(document: Mapping[str, Any]) -> bool:
    context = document.get("@context")
    contexts = context if isinstance(context, list) else [context]
    return ob2.OB2_CONTEXT in contexts or (
        has_type(document, "Assertion") and "verification" in document
    )


def from_url(run: Run, url: str) -> VerificationReport:
    """This platform's credentials from its database; others from allowed hosts only."""
    context = run.context
    record_id = own_record_id(context.platform.base_url, url)
    if record_id is not None:
        stored = _own(context, record_id, url)
        signed = stored.jwt or stored.document
        return verify_submitted_credential(context.platform, context.verifier, signed)
    return from_bytes(run, fetch(run, url))


def _own(context: WebContext, record_id: str, url: str) -> StoredCredential:
    try:
        return public_credential(context.platform, record_id)
    except NotFound:
        raise InvalidInput(f"This platform has no credential at {url}.") from None


def fetch(run: Run, url: str) -> bytes:
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if parts.scheme not in ("https", "http") or not host:
        raise InvalidInput(f"{url[:200]} is not a web address (https://...).")
    if host == run.context.dids.host:
        raise InvalidInput(
            "Of this site's addresses, only a credential's own address "
            "(…/credentials/<id>) can be verified."
        )
    allowed = {h.lower() for h in run.context.settings.allowed_fetch_hosts}
    network_fetcher = network(run.context.settings.allowed_fetch_hosts)
    if host not in allowed or network_fetcher is None:
        raise InvalidInput(
            f"The address is on {host}, and the operator of this verifier has not allowed "
            "it to fetch anything from that host. Download the credential and upload the "
            "file instead."
        )
    if run.fetches >= MAX_FETCHES:
        raise InvalidInput("The address leads to another address too many times.")
    run.fetches += 1
    try:
        body = network_fetcher(url)
    except MicrocredError as exc:
        raise InvalidInput(f"The credential could not be fetched: {exc}.") from None
    if len(body) > MAX_FILE:
        raise InvalidInput(f"The file at {url} is larger than {MAX_FILE:,} bytes.")
    return body


def own_record_id(base_url: str, url: str) -> str | None:
    """The record id when ``url`` is the address of one of this platform's credentials."""
    prefix = f"{base_url.rstrip('/')}/credentials/"
    if not url.startswith(prefix):
        return None
    record_id = url[len(prefix) :]
    if not record_id or len(record_id) > 100 or any(c in record_id for c in "/?#"):
        return None
    return record_id


# --------------------------------------------------------------------------- report


def report_values(run: Run, report: VerificationReport, source: tuple[str, str]) -> dict[str, Any]:
    document = report.document if isinstance(report.document, Mapping) else None
    record = _record_of(run.context, document)
    summary = None
    if document is not None and report.kind == "ob2-assertion":
        summary = summarise_ob2(document)
    elif document is not None and report.kind != "presentation":
        summary = summarise(document)
    return {
        "verdict": verdict_of(report, record.status_reason if record else None),
        "summary": summary,
        "kind": KINDS.get(report.kind),
        "source": source,
        "own_page": f"/credentials/{record.id}" if record else None,
        "document_json": pretty_json(document) if document is not None else None,
    }


def _record_of(context: WebContext, document: Mapping[str, Any] | None) -> StoredCredential | None:
    """The platform's record of the credential, when it is one of its own."""
    identifier = document.get("id") if document is not None else None
    if not isinstance(identifier, str):
        return None
    record_id = own_record_id(context.platform.base_url, identifier)
    if record_id is None:
        return None
    try:
        return public_credential(context.platform, record_id)
    except NotFound:
        return None
