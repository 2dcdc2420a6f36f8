"""Verifying Data Integrity proofs (Data Integrity 1.0 §4.3/§4.4, EdDSA §3)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from microcred.core import multibase
from microcred.core.dids import Resolver, VerificationMethod
from microcred.core.errors import MicrocredError
from microcred.core.loader import DocumentLoader
from microcred.core.proofs.suites import Cryptosuite, suite_for
from microcred.core.report import Check, Outcome, Problem
from microcred.core.timeutil import parse_datetime


@dataclass(frozen=True)
class ProofExpectations:
    """What the verifier requires of every proof."""

    now: datetime
    purpose: str = "assertionMethod"
    #: The identifier that must control the key (the issuer, or a presentation's holder).
    controller: str | None = None
    challenge: str | None = None
    domain: str | None = None
    #: Noun used in sentences: "credential" or "presentation".
    noun: str = "credential"


#: Opens the sentence of a proof failure caused by invalid JSON-LD (the verifier reports
#: such a failure as a ``context`` failure too).
CANNOT_COMPUTE = "the signed data cannot be computed: "


class _Refused(Exception):
    def __init__(self, message: str, problem: str = Problem.PROOF_VERIFICATION_ERROR) -> None:
        super().__init__(message)
        self.message = message
        self.problem = problem


def verify_proofs(
    document: Mapping[str, Any],
    *,
    loader: DocumentLoader,
    resolver: Resolver,
    expect: ProofExpectations,
) -> list[Check]:
    """Checks named ``proof`` (one per proof) and ``issuer`` (who controls each key)."""
    proofs = document.get("proof")
    if proofs is None:
        return [
            Check.failed(
                "proof", f"The {expect.noun} has no proof.", Problem.PROOF_VERIFICATION_ERROR
            )
        ]
    all_proofs = proofs if isinstance(proofs, list) else [proofs]
    if not all_proofs:
        return [
            Check.failed(
                "proof",
                f"The {expect.noun}'s proof list is empty.",
                Problem.PROOF_VERIFICATION_ERROR,
            )
        ]
    checks: list[Check] = []
    for index, proof in enumerate(all_proofs):
        label = f"Proof {index + 1} of {len(all_proofs)}" if len(all_proofs) > 1 else "The proof"
        checks.extend(_verify_one(document, proof, all_proofs, label, loader, resolver, expect))
    return _allow_other_signers(checks)


def _allow_other_signers(checks: list[Check]) -> list[Check]:
    """A valid proof by someone other than the issuer (a witness, an endorser in a proof
    set or chain) is no failure once another valid proof is the issuer's: it is reported
    as a warning.  Without any proof of the issuer's, each stays a failure."""
    issuer_checks = [c for c in checks if c.name == "issuer"]
    others = [
        c
        for c in issuer_checks
        if c.outcome is Outcome.FAIL and c.problem == Problem.INVALID_VERIFICATION_METHOD
    ]
    if not others or all(c.outcome is Outcome.FAIL for c in issuer_checks):
        return checks
    note = " Another proof is the issuer's, so this one counts as an additional signature."
    return [
        Check.warning(c.name, c.message + note, c.problem) if c in others else c for c in checks
    ]


def _verify_one(
    document: Mapping[str, Any],
    proof: Any,
    all_proofs: Sequence[Any],
    label: str,
    loader: DocumentLoader,
    resolver: Resolver,
    expect: ProofExpectations,
) -> list[Check]:
    try:
        suite = _check_shape(proof, expect)
        method = _resolve(resolver, proof["verificationMethod"])
        _check_signature(document, proof, all_proofs, suite, method, loader)
    except _Refused as refused:
        return [Check.failed("proof", f"{label} is not valid: {refused.message}", refused.problem)]
    checks = [_proof_passed(label, suite, method)]
    checks.append(_binding(label, proof, method, expect))
    return checks


def _proof_passed(label: str, suite: Cryptosuite, method: VerificationMethod) -> Check:
    message = f"{label} ({suite.name}) is a valid signature by {method.id}."
    if suite.legacy:
        return Check.warning(
            "proof",
            f"{message} It uses the legacy suite {suite.name}; current issuers use "
            "eddsa-rdfc-2022.",
        )
    return Check.passed("proof", message)


def _check_shape(proof: Any, expect: ProofExpectations) -> Cryptosuite:
    if not isinstance(proof, dict):
        raise _Refused("it is not a JSON object", Problem.MALFORMED_VALUE_ERROR)
    try:
        suite = suite_for(proof)
    except MicrocredError as exc:
        raise _Refused(str(exc)) from exc
    for name in ("verificationMethod", "proofPurpose", "proofValue"):
        if not isinstance(proof.get(name), str):
            raise _Refused(f"its {name} is missing or not a string", Problem.MALFORMED_VALUE_ERROR)
    if proof["proofPurpose"] != expect.purpose:
        raise _Refused(
            f"its proofPurpose is {proof['proofPurpose']!r}, but a {expect.noun} needs "
            f"{expect.purpose!r}"
        )
    _check_times(proof, expect)
    _check_challenge(proof, expect)
    return suite


def _check_times(proof: Mapping[str, Any], expect: ProofExpectations) -> None:
    if "created" in proof and parse_datetime(proof["created"]) is None:
        raise _Refused(
            "its created date is not an XML Schema dateTimeStamp", Problem.MALFORMED_VALUE_ERROR
        )
    if "expires" in proof:
        expires = parse_datetime(proof["expires"])
        if expires is None:
            raise _Refused("its expires date is not a dateTimeStamp", Problem.MALFORMED_VALUE_ERROR)
        if expires < expect.now:
            raise _Refused(f"it expired at {proof['expires']}")


def _check_challenge(proof: Mapping[str, Any], expect: ProofExpectations) -> None:
    if expect.challenge is not None and proof.get("challenge") != expect.challenge:
        raise _Refused(
            "its challenge does not match the one the verifier issued",
            Problem.INVALID_CHALLENGE_ERROR,
        )
    if expect.domain is not None:
        domain = proof.get("domain")
        domains = domain if isinstance(domain, list) else [domain]
        if expect.domain not in domains:
            raise _Refused(
                f"its domain {domain!r} is not the verifier's {expect.domain!r}",
                Problem.INVALID_DOMAIN_ERROR,
            )


def _resolve(resolver: Resolver, vm_id: str) -> VerificationMethod:
    try:
        method = resolver.resolve(vm_id)
    except MicrocredError as exc:
        raise _Refused(
            f"its key cannot be found: {exc}", Problem.INVALID_VERIFICATION_METHOD
        ) from exc
    if method.public_key is None:
        raise _Refused(f"{vm_id} is not an Ed25519 key", Problem.INVALID_VERIFICATION_METHOD)
    return method


def _unsecured(
    document: Mapping[str, Any], proof: Mapping[str, Any], all_proofs: Sequence[Any]
) -> dict[str, Any]:
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    previous = proof.get("previousProof")
    if previous is None:
        return unsecured
    wanted = [previous] if isinstance(previous, str) else previous
    if not isinstance(wanted, list) or not all(isinstance(w, str) for w in wanted):
        raise _Refused(
            "its previousProof is not a proof id or a list of them", Problem.MALFORMED_VALUE_ERROR
        )
    by_id = {p.get("id"): p for p in all_proofs if isinstance(p, dict) and "id" in p}
    missing = [w for w in wanted if w not in by_id]
    if missing:
        raise _Refused(f"the previous proof {missing[0]} it chains to is missing")
    unsecured["proof"] = [by_id[w] for w in wanted]
    return unsecured


def _check_context(document: dict[str, Any], options: Mapping[str, Any]) -> None:
    """EdDSA §3.2.2 step 4: the document's @context must start with the proof's."""
    if "@context" not in options:
        return
    expected = options["@context"]
    expected = expected if isinstance(expected, list) else [expected]
    actual = document.get("@context")
    actual = actual if isinstance(actual, list) else [actual]
    if actual[: len(expected)] != expected:
        raise _Refused("the document's @context does not start with the proof's @context")
    document["@context"] = options["@context"]


def _check_signature(
    document: Mapping[str, Any],
    proof: Mapping[str, Any],
    all_proofs: Sequence[Any],
    suite: Cryptosuite,
    method: VerificationMethod,
    loader: DocumentLoader,
) -> None:
    unsecured = _unsecured(document, proof, all_proofs)
    options = {k: v for k, v in proof.items() if k != "proofValue"}
    _check_context(unsecured, options)
    signature = _signature_bytes(proof["proofValue"])
    try:
        hash_data = suite.hash(
            suite.transform(unsecured, loader), suite.configure_proof(options, unsecured, loader)
        )
    except MicrocredError as exc:
        raise _Refused(f"{CANNOT_COMPUTE}{exc}", Problem.MALFORMED_VALUE_ERROR) from exc
    key = method.public_key
    if key is None or not key.verify(signature, hash_data):
        raise _Refused(
            "the signature does not match the document and the key: the document was "
            "changed after signing, or a different key signed it",
            Problem.PROOF_VERIFICATION_ERROR,
        )


def _signature_bytes(proof_value: str) -> bytes:
    if not proof_value.startswith("z"):
        raise _Refused(
            "its proofValue is not multibase base58btc ('z…')", Problem.MALFORMED_VALUE_ERROR
        )
    try:
        signature = multibase.decode(proof_value)
    except MicrocredError as exc:
        raise _Refused(
            f"its proofValue cannot be decoded: {exc}", Problem.MALFORMED_VALUE_ERROR
        ) from exc
    if len(signature) != 64:
        raise _Refused(
            "its proofValue is not a 64-byte Ed25519 signature", Problem.MALFORMED_VALUE_ERROR
        )
    return signature


def _binding(
    label: str, proof: Mapping[str, Any], method: VerificationMethod, expect: ProofExpectations
) -> Check:
    who = "issuer" if expect.noun == "credential" else "holder"
    if expect.controller is not None and method.controller != expect.controller:
        return Check.failed(
            "issuer",
            f"{label} was made with a key of {method.controller}, which is not the {who} "
            f"{expect.controller}.",
            Problem.INVALID_VERIFICATION_METHOD,
        )
    if method.from_url_convention:
        return Check.warning(
            "issuer",
            f"{label}'s key is named inside its URL ({method.id}), the 1EdTech convention; "
            f"no key list of {method.controller} was consulted.",
        )
    if expect.purpose not in method.purposes:
        return Check.failed(
            "issuer",
            f"{method.controller} does not authorise the key {method.id} for {expect.purpose}.",
            Problem.INVALID_RELATIONSHIP_FOR_VERIFICATION_METHOD,
        )
    return Check.passed("issuer", f"{label}'s key belongs to the {who} {method.controller}.")
