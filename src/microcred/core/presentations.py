"""Verifying Verifiable Presentations bound to a verifier's challenge and domain."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any
from urllib.parse import unquote

from microcred.core.documents.values import has_type, node_id
from microcred.core.proofs import ProofExpectations, verify_proofs
from microcred.core.report import Check, Problem, VerificationReport
from microcred.core.verify import (
    Verifier,
    context_check,
    parse_document,
    schema_check,
    verify_credential,
)

#: Media types of enveloped credentials that are compact JWS (VC-JOSE-COSE).
ENVELOPE_MEDIA_TYPES = ("application/vc-ld+jwt", "application/vc+jwt", "application/vc+ld+json+jwt")


def verify_presentation(
    presentation: Mapping[str, Any] | str | bytes,
    *,
    challenge: str | None,
    domain: str | None = None,
    verifier: Verifier | None = None,
    now: datetime | None = None,
) -> VerificationReport:
    """Verify a presentation's proof (purpose ``authentication``, the given challenge and
    domain, a key of the holder) and every credential it carries.

    ``challenge=None`` is an explicit choice to accept an unbound presentation; the report
    then carries a warning, since such a presentation can be replayed.
    """
    verifier = verifier or Verifier()
    moment = now or verifier.now()
    report = VerificationReport(kind="presentation")
    document = parse_document(presentation, report)
    if document is None:
        return report
    report.document = document
    report.add(context_check(document, verifier.loader))
    report.add(schema_check(document, presentation=True))
    report.extend(_proof_checks(document, verifier, moment, challenge, domain))
    report.extend(_credential_checks(document, verifier, moment))
    return report


def _holder(document: Mapping[str, Any]) -> str | None:
    return node_id(document.get("holder"))


def _proof_checks(
    document: Mapping[str, Any],
    verifier: Verifier,
    now: datetime,
    challenge: str | None,
    domain: str | None,
) -> list[Check]:
    if document.get("proof") is None:
        if challenge is not None or domain is not None:
            return [
                Check.failed(
                    "proof",
                    "The presentation is not signed, so it cannot answer the verifier's "
                    "challenge or domain.",
                    Problem.PROOF_VERIFICATION_ERROR,
                )
            ]
        return [
            Check.warning(
                "proof",
                "The presentation is not signed: nothing binds it to its holder.",
                Problem.PROOF_VERIFICATION_ERROR,
            )
        ]
    expect = ProofExpectations(
        now=now,
        purpose="authentication",
        controller=_holder(document),
        challenge=challenge,
        domain=domain,
        noun="presentation",
    )
    checks = verify_proofs(
        document, loader=verifier.loader, resolver=verifier.resolver, expect=expect
    )
    if challenge is None:
        checks.append(
            Check.warning(
                "challenge",
                "No challenge was required, so this presentation could be a replay.",
            )
        )
    return checks


def _credential_checks(
    document: Mapping[str, Any], verifier: Verifier, now: datetime
) -> list[Check]:
    credentials = document.get("verifiableCredential")
    if credentials is None:
        return [Check.skipped("credentials", "The presentation carries no credential.")]
    items = credentials if isinstance(credentials, list) else [credentials]
    checks = []
    for index, credential in enumerate(items, start=1):
        if not isinstance(credential, Mapping):
            checks.append(
                Check.failed(
                    "credentials",
                    f"Credential {index} is not an embedded credential object.",
                    Problem.MALFORMED_VALUE_ERROR,
                )
            )
            continue
        envelope = _enveloped_token(credential)
        target: Mapping[str, Any] | str = credential if envelope is None else envelope
        report = verify_credential(target, verifier=verifier, now=now)
        checks.append(_summary(index, credential, report))
    return checks


def _enveloped_token(credential: Mapping[str, Any]) -> str | None:
    """The compact JWS inside an ``EnvelopedVerifiableCredential``'s data: URL, if any."""
    if not has_type(credential, "EnvelopedVerifiableCredential"):
        return None
    url = credential.get("id")
    if not isinstance(url, str) or not url.startswith("data:"):
        return None
    header, _, data = url[len("data:") :].partition(",")
    media = header.split(";")[0]
    if media not in ENVELOPE_MEDIA_TYPES:
        return None
    return unquote(data)


def _summary(index: int, credential: Mapping[str, Any], report: VerificationReport) -> Check:
    name = str(credential.get("id") or f"number {index}")
    name = name if len(name) <= 80 else name[:77] + "..."
    if report.verified:
        return Check.passed("credentials", f"Credential {name} verified.")
    failure = report.failures[0]
    return Check.failed(
        "credentials",
        f"Credential {name} did not verify ({failure.name}: {failure.message})",
        failure.problem,
    )
