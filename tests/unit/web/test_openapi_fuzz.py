"""Property-based requests to every operation of the OpenAPI document (schemathesis), in
process against the ASGI app, authenticated with organisation A's admin key: whatever
the input, no answer is a 5xx.

Each operation gets schema-valid requests and schema-violating ones, with generated path
parameters and with A's real slug and ids (so that requests get past the lookups), and
valid requests with a NUL character in the path or in one string of the query or body
(PostgreSQL text cannot hold one).  The examples are derandomized, so every run sends
the same requests; ``MICROCRED_FUZZ_EXAMPLES`` raises the bound and
``MICROCRED_FUZZ_RANDOM=1`` draws new examples, for a deeper run by hand.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import Case, GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Ok
from sqlalchemy.exc import DataError

from microcred.domain.model import Organisation, Role
from microcred.services.organisations import Platform
from tests.unit.web.conftest import BASE_URL, assert_problem, bearer, key_for
from tests.unit.web.tenancy import Tenant, build_tenant

EXAMPLES = int(os.environ.get("MICROCRED_FUZZ_EXAMPLES", "12"))
DERANDOMIZE = os.environ.get("MICROCRED_FUZZ_RANDOM", "") == ""
#: NUL goes into the string of this index (modulo their number) of the query and body.
MAX_STRINGS = 64


def real_parameters(tenant: Tenant) -> dict[str, str]:
    """Path parameters that name the tenant's resources."""
    return {
        "slug": tenant.slug,
        "achievement_id": tenant.published_id,
        "credential_id": tenant.credential.id,
        "key_id": tenant.spare_key_id,
        "list_id": tenant.status_list_id,
        "bulk_id": tenant.bulk_id,
    }


@pytest.mark.integration  # the slowest web test: about 10 s for each database
def test_no_input_makes_a_server_error(
    app: FastAPI, platform: Platform, caplog: pytest.LogCaptureFixture
) -> None:
    tenant = build_tenant(platform, "acme", "Acme")
    build_tenant(platform, "globex", "Globex")  # another organisation, to be looked past
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    auth = bearer(tenant.keys[Role.ADMIN])
    known = real_parameters(tenant)
    failures: dict[str, str] = {}
    operations = 0
    for result in schema.get_all_operations():
        assert isinstance(result, Ok), result.err()  # the document is a valid OpenAPI
        operation = result.ok()
        operations += 1
        names = {p.name for p in operation.path_parameters}
        unknown = names - known.keys()
        assert not unknown, f"{operation.label}: add {unknown} to real_parameters"
        fixed = {name: known[name] for name in names}
        runs: list[tuple[str, st.SearchStrategy[Case[Any]]]] = [
            (f"{mode.value}, {'real' if parameters else 'generated'} path", strategy)
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
            for parameters in ({}, fixed)
            if parameters or not fixed
            for strategy in [operation.as_strategy(mode, path_parameters=parameters)]
        ]
        valid = operation.as_strategy(GenerationMode.POSITIVE, path_parameters=fixed)
        if fixed:
            runs.append(("NUL in the path", valid.map(nul_in_path)))
        picks = st.integers(0, MAX_STRINGS - 1)
        runs.append(("NUL in the query or body", st.tuples(valid, picks).map(nul_in_input)))
        for name, strategy in runs:
            try:
                with caplog.at_level(logging.ERROR, logger="microcred.web"):
                    _fuzz(strategy, auth)
            except Unsatisfiable:
                pass  # negative mode: nothing of the operation can be invalid
            except (AssertionError, BaseExceptionGroup) as exc:  # reported with the others
                failures[f"{operation.label} ({name})"] = f"{exc}\n{_logged(caplog)}"
            caplog.clear()
    assert operations >= 30
    assert not failures, "\n\n".join(f"{label}:\n{why}" for label, why in failures.items())


def _fuzz(strategy: st.SearchStrategy[Case[Any]], auth: dict[str, str]) -> None:
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=DERANDOMIZE,
        phases=[Phase.explicit, Phase.generate, Phase.shrink],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy)
    def run(case: Case[Any]) -> None:
        response = case.call(headers=auth)
        case.validate_response(response, checks=[not_a_server_error])

    run()


def nul_in_path(case: Case[Any]) -> Case[Any]:
    """The case with a NUL character in each path parameter."""
    case.path_parameters = {k: f"{v}%00" for k, v in case.path_parameters.items()}
    return case


def nul_in_input(drawn: tuple[Case[Any], int]) -> Case[Any]:
    """The case with a NUL character in one string of its query or body (the others
    stay valid, so that the request gets as far as it can)."""
    case, pick = drawn
    count = [0]
    _walk((case.query, case.body), lambda text: text, count)
    if count[0]:
        target = pick % count[0]
        counter = [0]

        def add(text: str) -> str:
            return text + "\x00" if counter[0] - 1 == target else text

        case.query, body = _walk((case.query, case.body), add, counter)
        if isinstance(body, str | dict | list):
            case.body = body
    return case


def _walk(value: Any, change: Callable[[str], str], count: list[int]) -> Any:
    """``value`` with ``change`` applied to each string, counted in ``count``."""
    if isinstance(value, str):
        count[0] += 1
        return change(value)
    if isinstance(value, dict):
        return {k: _walk(v, change, count) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_walk(v, change, count) for v in value)
    return value


def _logged(caplog: pytest.LogCaptureFixture) -> str:
    """The tracebacks the app logged for its 500 answers (the cause, not the symptom)."""
    records: list[Any] = caplog.records
    return "\n".join(r.getMessage() + "\n" + (r.exc_text or "") for r in records[-3:])


# ----------------------------------------------------- what the fuzzing found (regressions)


def test_a_nul_character_is_refused_not_a_server_error(
    client: TestClient, platform: Platform, acme: Organisation
) -> None:
    """PostgreSQL text cannot hold NUL: it was a 500 wherever a string reached a query.
    SQLite would store it (or find nothing): it refuses it alike (adapters/db/engine.py),
    so both answer 422 and nothing is stored."""
    owner = bearer(key_for(platform, acme, Role.OWNER))
    for method, path, body in (
        ("GET", "/status/x%00", None),
        ("GET", "/credentials/x%00", None),
        ("GET", "/api/v1/orgs/acme%00", None),
        ("POST", "/api/v1/session", {"email": "a\x00@x.example", "password": "p"}),
        ("POST", "/api/v1/orgs/acme/api-keys", {"name": "a\x00", "role": "viewer"}),
        ("POST", "/api/v1/orgs/acme/credentials/x%00/revoke", {"reason": "x"}),
    ):
        response = client.request(method, path, json=body, headers=owner)
        assert_problem(response, 422, "NUL character")
    listed = client.get("/api/v1/orgs/acme/api-keys", headers=owner)
    assert listed.status_code == 200 and "\\u0000" not in listed.text


def test_other_database_errors_are_still_server_errors(app: FastAPI) -> None:
    """Only the NUL error is the caller's; any other stays a logged 500."""

    @app.get("/raise/{what}")
    def fail(what: str) -> None:
        message = "PostgreSQL text fields cannot contain NUL (0x00) bytes"
        if what != "nul":
            message = "numeric field overflow"
        raise DataError("SELECT 1", {}, ValueError(message))

    with TestClient(app, base_url=BASE_URL) as client:
        assert_problem(client.get("/raise/nul"), 422, "NUL character")
        assert_problem(client.get("/raise/overflow"), 500)
