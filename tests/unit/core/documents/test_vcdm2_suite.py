"""Every input of the W3C VC Data Model 2.0 test suite, judged as its file name says.

``-ok``: valid; ``-fail``: refused; ``-fail-or-inject``: refused (microcred does not inject
a missing @context).  The suite's issuer request fills in an ``issuer`` (or the ``id`` of
an issuer object) that an input leaves out, and replaces the ``FUTURE DATE`` /
``PAST DATE`` placeholders: :func:`as_requested` does the same, so each input is judged
for the rule it is about.
"""

from __future__ import annotations

from typing import Any

import pytest

from microcred.core.documents import errors, validate_credential, validate_presentation
from microcred.core.errors import CanonicalizationError
from microcred.core.loader import DocumentLoader
from microcred.core.rdf import canonize
from tests.conftest import VECTORS
from tests.unit.core.documents.support import error_paths, vector

FOLDER = "vcdm2-test-suite-inputs"
NAMES = sorted(path.name for path in (VECTORS / FOLDER).glob("*.json"))
SUITE_ISSUER = "did:key:z6MkpJySvETLnxhQG9DzEdmKJtysBDjuuTeDfUj1uNNCUqcj"
PLACEHOLDERS = {"FUTURE DATE": "2099-01-01T00:00:00Z", "PAST DATE": "2001-01-01T00:00:00Z"}

#: Inputs that only JSON-LD processing can refuse (the safe mode of microcred.core.rdf).
JSONLD_LEVEL = {
    "credential-redef-type-fail.json": "redefines the protected term VerifiableCredential",
    "credential-redef-type2-fail.json": "redefines a term an earlier context protects",
    "credential-type-mapped-nonurl-fail.json": "maps a type to something that is not an IRI",
    "credential-type-unmapped-fail.json": "turns @vocab off, leaving a type undefined",
}
#: Templates of the suite's holder-claims test: the suite signs the presentation (and no
#: credential), so each embedded credential is secured only by the presentation's proof.
SELF_ASSERTED = {
    "presentation-self-asserted-vc-ok.json": True,
    "presentation-self-asserted-vc-holder-mismatch.json": False,
    "presentation-self-asserted-vc-issuer-mismatch.json": False,
    "presentation-self-asserted-vc-no-holder.json": False,
}

#: Where each data-model-level ``-fail`` input breaks a rule (the path of an error).
EXPECTED_ERRORS = {
    "credential-context-combo3-fail.json": "@context[1]",
    "credential-context-combo4-fail.json": "@context[1]",
    "credential-evidence-missing-type-fail.json": "evidence.type",
    "credential-id-multi-fail.json": "id",
    "credential-id-nonidentifier-fail.json": "id",
    "credential-id-not-url-fail.json": "id",
    "credential-id-subject-multi-fail.json": "credentialSubject.id",
    "credential-issuer-no-url-fail.json": "issuer",
    "credential-issuer-null-fail.json": "issuer",
    "credential-issuer-object-id-no-url-fail.json": "issuer.id",
    "credential-issuer-object-id-null-fail.json": "issuer.id",
    "credential-missing-base-context-fail-or-inject.json": "@context",
    "credential-missing-required-type-fail.json": "type",
    "credential-no-context-fail-or-inject.json": "@context",
    "credential-no-issuer-fail.json": "credentialSubject",
    "credential-no-subject-fail.json": "credentialSubject",
    "credential-no-type-fail.json": "type",
    "credential-proof-missing-type-fail.json": "proof.type",
    "credential-refresh-no-type-fail.json": "refreshService.type",
    "credential-schema-no-id-fail.json": "credentialSchema.id",
    "credential-schema-no-type-fail.json": "credentialSchema.type",
    "credential-schema-non-url-id-fail.json": "credentialSchema.id",
    "credential-status-missing-type-fail.json": "credentialStatus.type",
    "credential-status-multiple-id-fail.json": "credentialStatus.id",
    "credential-status-nonurl-id-fail.json": "credentialStatus.id",
    "credential-status-type-nonurl-fail.json": "credentialStatus.type",
    "credential-subject-multiple-empty-fail.json": "credentialSubject[1]",
    "credential-subject-no-claims-fail.json": "credentialSubject",
    "credential-termsofuse-missing-type-fail.json": "termsOfUse.type",
    "credential-termsofuse-no-type-fail.json": "termsOfUse.type",
    "credential-validUntil-validFrom-fail.json": "validUntil",
    "credential-validfrom-invalid-fail.json": "validFrom",
    "credential-validuntil-invalid-fail.json": "validUntil",
    "presentation-context-order-fail.json": "@context",
    "presentation-enveloped-vc-missing-type-fail.json": "verifiableCredential[0].type",
    "presentation-holder-fail.json": "holder",
    "presentation-holder-name-fail.json": "holder.id",
    "presentation-holder-object-fail.json": "holder.id",
    "presentation-missing-base-context-fail.json": "@context",
    "presentation-missing-required-type-fail.json": "type",
    "presentation-no-context-fail-or-inject.json": "@context",
    "presentation-no-type-fail.json": "type",
    "presentation-vc-as-string-fail.json": "verifiableCredential[0]",
    "presentation-vc-missing-required-type-fail.json": "verifiableCredential[0].type",
}

OK_NAMES = [name for name in NAMES if name.endswith("-ok.json")]
FAIL_NAMES = [name for name in NAMES if name.endswith(("-fail.json", "-fail-or-inject.json"))]


def as_requested(name: str) -> dict[str, Any]:
    """The input as the suite's request carries it (issuer and dates filled in)."""
    document = vector(f"{FOLDER}/{name}")
    if not name.startswith("credential-"):
        return document
    if "issuer" not in document:
        document["issuer"] = SUITE_ISSUER
    elif isinstance(document["issuer"], dict) and "id" not in document["issuer"]:
        document["issuer"]["id"] = SUITE_ISSUER
    for key in ("validFrom", "validUntil"):
        if document.get(key) in PLACEHOLDERS:
            document[key] = PLACEHOLDERS[document[key]]
    return document


def validate(name: str, document: Any) -> list[Any]:
    if name.startswith("presentation-"):
        return validate_presentation(document)
    return validate_credential(document)


def test_every_input_is_accounted_for() -> None:
    unclassified = set(NAMES) - set(OK_NAMES) - set(FAIL_NAMES) - set(SELF_ASSERTED)
    assert not unclassified
    assert set(FAIL_NAMES) == set(EXPECTED_ERRORS) | set(JSONLD_LEVEL)
    assert len(NAMES) == 96


@pytest.mark.parametrize("name", OK_NAMES)
def test_ok_inputs_are_valid(name: str) -> None:
    issues = validate(name, as_requested(name))
    assert errors(issues) == []


@pytest.mark.parametrize("name", OK_NAMES)
def test_ok_inputs_also_pass_json_ld_processing(name: str) -> None:
    """What Data Integrity canonizes (the document without its proof) is well defined."""
    document = {k: v for k, v in as_requested(name).items() if k != "proof"}
    assert canonize(document, DocumentLoader())


@pytest.mark.parametrize("name", sorted(EXPECTED_ERRORS))
def test_fail_inputs_are_refused_where_they_break_the_model(name: str) -> None:
    issues = validate(name, as_requested(name))
    assert EXPECTED_ERRORS[name] in error_paths(issues)


@pytest.mark.parametrize("name", sorted(EXPECTED_ERRORS))
def test_fail_messages_name_the_property(name: str) -> None:
    issues = errors(validate(name, as_requested(name)))
    expected = EXPECTED_ERRORS[name]
    issue = next(i for i in issues if i.path == expected)
    last = expected.rsplit(".", 1)[-1].split("[")[0]
    assert last in issue.message
    assert issue.message.endswith(".")
    assert issue.problem in ("PARSING_ERROR", "MALFORMED_VALUE_ERROR", "RANGE_ERROR")


def test_the_no_issuer_input_as_sent_lacks_its_issuer() -> None:
    document = vector(f"{FOLDER}/credential-no-issuer-fail.json")
    assert "issuer" in error_paths(validate_credential(document))


def test_validity_order_is_a_range_error() -> None:
    name = "credential-validUntil-validFrom-fail.json"
    issue = next(i for i in validate(name, as_requested(name)) if i.path == "validUntil")
    assert issue.problem == "RANGE_ERROR"


@pytest.mark.parametrize("name", sorted(JSONLD_LEVEL))
def test_jsonld_level_inputs_are_refused_by_canonization(name: str) -> None:
    """These break no data-model rule a JSON reading can see; JSON-LD processing refuses."""
    document = as_requested(name)
    assert errors(validate_credential(document)) == []
    with pytest.raises(CanonicalizationError):
        canonize(document, DocumentLoader())


@pytest.mark.parametrize("name", sorted(SELF_ASSERTED))
def test_self_asserted_templates_unsecured_are_plain_presentations(name: str) -> None:
    """Without any proof the templates are shaped like presentation-vc-ok.json."""
    assert errors(validate_presentation(as_requested(name))) == []


@pytest.mark.parametrize(("name", "valid"), sorted(SELF_ASSERTED.items()))
def test_self_asserted_credentials_secured_by_the_presentation(name: str, valid: bool) -> None:
    document = as_requested(name)
    document["proof"] = {
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-rdfc-2022",
        "proofPurpose": "authentication",
        "verificationMethod": f"{SUITE_ISSUER}#{SUITE_ISSUER.removeprefix('did:key:')}",
        "proofValue": "z5LgnXXXVjWoLSDYZbvjYUHrbpNpWbk7gHjz9bKHBK7uyUxAW7VAZTBVKyMKkmbzvmB1",
    }
    paths = error_paths(validate_presentation(document))
    if valid:
        assert paths == []
    else:
        assert paths in (["holder"], ["verifiableCredential[0].issuer"])
