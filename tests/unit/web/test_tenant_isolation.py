"""Tenant isolation, for every operation of the OpenAPI document.

Nothing here lists the routes by hand: the operations come from ``app.openapi()`` (and
the routes outside it from ``app.routes``), so a new route is swept the day it is added.
Only the small allow-lists below are written out, and each is itself checked: the public
routes answer without credentials, the caller-scoped ones act on the caller only.

Two organisations, A (acme) and B (globex), each have API keys of every role, a signed-in
owner, achievements and credentials (:mod:`tests.unit.web.tenancy`).  Every operation
that is not public is called with each of A's credentials against B (B's slug and B's
ids; A's slug with B's ids), with a body that is otherwise valid, and must be refused
(401, 403 or 404: never 2xx, never 5xx) without a byte of B's private data, and without
changing anything of B.  Every operation that changes something refuses A's viewer key
with 403, while A's owner may make the very same request (so the requests are plausible
and the refusals are not for a malformed body).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import fastapi.routing
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

from microcred.domain.model import SYSTEM, PermissionDenied, Role
from microcred.services.images import store_image
from microcred.services.organisations import Platform
from microcred.settings import Settings
from microcred.web.app import create_app
from microcred.web.auth import SESSION_COOKIE, CurrentCaller, InOrg
from microcred.web.context import WebOptions
from microcred.web.render.badge import badge_png
from microcred.web.ui.routing import PageRoute
from tests.unit.web.conftest import BASE_URL, PASSWORD, HttpResponse, bearer
from tests.unit.web.issuing_support import suite_credential
from tests.unit.web.tenancy import BOOTSTRAP_TOKEN, Tenant, build_tenant

#: (method, path template) as in the OpenAPI document.
Operation = tuple[str, str]

#: Operations anyone may call without credentials, and what they answer then (aimed at
#: B's public resources); the test checks both.  Keep this list short.
PUBLIC: dict[Operation, int] = {
    ("GET", "/orgs/{slug}/did.json"): 200,
    ("GET", "/orgs/{slug}"): 200,
    ("GET", "/credentials/{credential_id}"): 200,
    ("GET", "/orgs/{slug}/achievements/{achievement_id}"): 200,
    ("GET", "/status/{list_id}"): 200,
    ("POST", "/credentials/verify"): 200,
    ("POST", "/presentations/verify"): 200,
    ("POST", "/api/v1/session"): 201,
}
#: Routes left out of the OpenAPI document on purpose, all public.
PUBLIC_OUTSIDE_SCHEMA: frozenset[Operation] = frozenset(
    {
        ("GET", "/openapi.json"),
        ("GET", "/docs"),
        # a credential's files are as public as the credential itself (its id is its URL)
        ("GET", "/credentials/{credential_id}/credential.json"),
        ("GET", "/credentials/{credential_id}/credential.jwt"),
        ("GET", "/credentials/{credential_id}/badge.png"),
        ("GET", "/credentials/{credential_id}/badge.svg"),
        ("GET", "/credentials/{credential_id}/certificate.pdf"),
        # achievement images are public in every credential that names them
        ("GET", "/images/{image_id}"),
        # draws a badge from its query (name, colour, icon): reads no data
        ("GET", "/badge-preview.svg"),
    }
)
#: Operations that act on the caller's own session, whatever it is, and their answer
#: without credentials.  They name no organisation: checked on their own below.
CALLER_SCOPED: dict[Operation, int] = {
    ("GET", "/api/v1/session"): 401,
    ("DELETE", "/api/v1/session"): 204,  # ends the session it is given, if any
}
#: Refusals besides 401/403/404 that hold no data of B, and why they are right.
OTHER_REFUSALS: dict[Operation, frozenset[int]] = {
    # "credential.issuer is B's DID, but this endpoint issues as A's DID" (documented)
    ("POST", "/credentials/issue"): frozenset({422}),
}
#: Who may make an operation's request in A when an owner key may not.
MIRROR_CALLERS: dict[Operation, str] = {("POST", "/api/v1/orgs"): "the bootstrap token"}
DENIED = frozenset({401, 403, 404})
MUTATING = frozenset({"POST", "PUT", "PATCH", "DELETE"})
PROBE_EMAIL = "probe@elsewhere.example"


@pytest.fixture
def options() -> WebOptions:
    return WebOptions(bootstrap_token=BOOTSTRAP_TOKEN)


@dataclass(frozen=True)
class World:
    app: FastAPI
    client: TestClient
    a: Tenant
    b: Tenant
    spec: dict[str, Any]

    def operations(self) -> list[Operation]:
        return [
            (method.upper(), path)
            for path, item in self.spec["paths"].items()
            for method in item
            if method in ("get", "put", "post", "patch", "delete")
        ]

    def operations_set(self) -> set[Operation]:
        return set(self.operations())

    def operation(self, op: Operation) -> dict[str, Any]:
        found: dict[str, Any] = self.spec["paths"][op[1]][op[0].lower()]
        return found


@pytest.fixture
def world(app: FastAPI, client: TestClient, platform: Platform) -> World:
    a = build_tenant(platform, "acme", "Acme")
    b = build_tenant(platform, "globex", "Globex")
    return World(app, client, a, b, app.openapi())


# ------------------------------------------------------------------------ requests


@dataclass(frozen=True)
class Call:
    method: str
    url: str
    json: Any = None
    content: str | None = None
    headers: Mapping[str, str] = field(default_factory=dict)

    @property
    def text(self) -> str:
        """Everything the request says (what the answer may echo back)."""
        return f"{self.url} {self.json!r} {self.content!r}"

    def send(self, client: TestClient, auth: Mapping[str, str]) -> HttpResponse:
        headers = {**self.headers, **auth}
        if self.content is not None:
            return client.request(self.method, self.url, content=self.content, headers=headers)
        if self.json is not None:
            return client.request(self.method, self.url, json=self.json, headers=headers)
        return client.request(self.method, self.url, headers=headers)


def path_values(tenant: Tenant) -> dict[str, list[str]]:
    """The tenant's resources, by path parameter name (an unknown name fails the test)."""
    return {
        "achievement_id": [tenant.published_id, tenant.draft_id],
        "credential_id": [tenant.credential.id, tenant.vcapi_credential.id],
        "key_id": [tenant.spare_key_id],
        "list_id": [tenant.status_list_id],
        "bulk_id": [tenant.bulk_id],
    }


def field_values(tenant: Tenant) -> dict[str, Any]:
    """Body and query members that name the tenant's resources, and plain ones."""
    return {
        "achievement_id": tenant.published_id,
        "credentialId": tenant.credential_url,
        "credential": suite_credential(tenant.did),
        "credentialStatus": [{"type": "BitstringStatusListCredential", "status": "suspended"}],
        "slug": tenant.slug,
        "role": Role.VIEWER.value,
        "name": "isolation probe",
        "description": "isolation probe",
        "reason": "isolation probe",
        "criteria_narrative": "isolation probe",
        "recipient_email": PROBE_EMAIL,
        "owner_email": PROBE_EMAIL,
    }


#: Optional members sent all the same (the request means nothing without them).
SENT_WHEN_OPTIONAL = frozenset({"credential", "criteria_narrative"})


class Spec:
    def __init__(self, spec: Mapping[str, Any]) -> None:
        self.spec = spec

    def resolve(self, schema: Mapping[str, Any]) -> Mapping[str, Any]:
        while "$ref" in schema:
            node: Any = self.spec
            for part in schema["$ref"].removeprefix("#/").split("/"):
                node = node[part]
            schema = node
        return schema

    def example(self, schema: Mapping[str, Any], values: Mapping[str, Any]) -> Any:
        """A minimal instance of ``schema``; members named in ``values`` take those."""
        schema = self.resolve(schema)
        if "enum" in schema:
            return schema["enum"][0]
        choices = schema.get("anyOf") or schema.get("oneOf")
        if choices:
            usable = [c for c in choices if self.resolve(c).get("type") != "null"]
            return self.example(usable[0], values) if usable else None
        kind = schema.get("type")
        if kind == "object" or "properties" in schema:
            required = set(schema.get("required", ()))
            return {
                name: values[name] if name in values else self.example(member, values)
                for name, member in schema.get("properties", {}).items()
                if name in required or name in SENT_WHEN_OPTIONAL
            }
        if kind == "array":
            return []
        if kind == "integer":
            return int(schema.get("minimum", 1))
        if kind == "number":
            return float(schema.get("minimum", 1))
        if kind == "boolean":
            return False
        if kind == "string":
            return "probe".ljust(int(schema.get("minLength", 0)), "e")
        return {}


def build_call(
    world: World, op: Operation, slug_of: Tenant, ids_of: Tenant, choice: Mapping[str, str]
) -> Call:
    """The request of ``op`` in ``slug_of``'s organisation naming ``ids_of``'s resources
    (``choice`` picks the path parameters' values)."""
    method, template = op
    operation = world.operation(op)
    spec = Spec(world.spec)
    values = field_values(ids_of)
    url = template
    query: list[str] = []
    for parameter in operation.get("parameters", []):
        name, where = parameter["name"], parameter["in"]
        if where == "path":
            value = slug_of.slug if name == "slug" else choice[name]
            url = url.replace("{" + name + "}", value)
        elif where == "query" and parameter.get("required"):
            value = values.get(name, spec.example(parameter["schema"], values))
            query.append(f"{name}={value}")
    if query:
        url += "?" + "&".join(query)
    body = operation.get("requestBody")
    if body is None or not body.get("required"):
        return Call(method, url)
    content = body["content"]
    if "application/json" in content:
        return Call(method, url, json=spec.example(content["application/json"]["schema"], values))
    if "text/csv" in content:
        csv = f"email,name\n{PROBE_EMAIL},Probe\n"
        return Call(method, url, content=csv, headers={"Content-Type": "text/csv"})
    raise AssertionError(f"{op}: no plausible body for {sorted(content)}: teach build_call")


def choices(world: World, op: Operation, ids_of: Tenant) -> Iterator[dict[str, str]]:
    """Every combination of ``ids_of``'s resources for the path parameters of ``op``."""
    known = path_values(ids_of)
    names = [
        p["name"]
        for p in world.operation(op).get("parameters", [])
        if p["in"] == "path" and p["name"] != "slug"
    ]
    unknown = [n for n in names if n not in known]
    assert not unknown, f"{op}: no resource for path parameter(s) {unknown}: add to path_values"
    for combination in itertools.product(*(known[n] for n in names)):
        yield dict(zip(names, combination, strict=True))


def cross_tenant_calls(world: World, op: Operation) -> list[Call]:
    """``op`` aimed at B: B's slug and B's ids, then A's slug and B's ids (when that
    request names anything of B's)."""
    a, b = world.a, world.b
    calls: list[Call] = []
    for choice in choices(world, op, b):
        calls.append(build_call(world, op, b, b, choice))
        mixed = build_call(world, op, a, b, choice)
        if mixed not in calls and any(name in mixed.text for name in _names(b)):
            calls.append(mixed)
    return calls


def _names(tenant: Tenant) -> list[str]:
    """The ids of the tenant's resources that a request may name (not its slug)."""
    return [tenant.did, *itertools.chain.from_iterable(path_values(tenant).values())]


def own_calls(world: World, op: Operation) -> list[Call]:
    """``op`` aimed at A's own resources (the first combination of ids)."""
    a = world.a
    return [build_call(world, op, a, a, next(choices(world, op, a)))]


def callers(tenant: Tenant) -> dict[str, dict[str, str]]:
    """Every kind of credential the tenant holds, as request headers."""
    org = tenant.org.name
    found = {f"{org}'s {role.value} key": bearer(tenant.keys[role]) for role in Role}
    found[f"{org}'s session (bearer)"] = bearer(tenant.session)
    found[f"{org}'s session (cookie)"] = {"Cookie": f"{SESSION_COOKIE}={tenant.session}"}
    return found


# ------------------------------------------------------------------------ checks


def leaks(response: HttpResponse, call: Call, tenant: Tenant) -> list[str]:
    """The labels of ``tenant``'s private data in the answer (what the request itself
    said, such as an id echoed in a 404, does not count)."""
    said = call.text.casefold()
    answer = (response.text + " " + " ".join(response.headers.values())).casefold()
    return [
        label
        for label, value in tenant.private_markers().items()
        if value.casefold() not in said and value.casefold() in answer
    ]


def snapshot(client: TestClient, tenant: Tenant) -> dict[str, Any]:
    """What the tenant's owner sees of it: any change made by another shows here."""
    owner = bearer(tenant.keys[Role.OWNER])
    base = f"/api/v1/orgs/{tenant.slug}"
    seen: dict[str, Any] = {}
    for path in (
        base,
        f"{base}/achievements",
        f"{base}/credentials?per_page=100",
        f"{base}/api-keys",
        f"{base}/audit?limit=1000",
        "/api/v1/session",
        f"/orgs/{tenant.slug}/did.json",
    ):
        headers = bearer(tenant.session) if path == "/api/v1/session" else owner
        response = client.get(path, headers=headers)
        assert response.status_code == 200, (path, response.text)
        seen[path] = response.json()
    status = client.get(f"/status/{tenant.status_list_id}")
    assert status.status_code == 200, status.text
    seen["status list"] = status.json()["credentialSubject"]["encodedList"]
    return seen


def describe(op: Operation, caller: str, call: Call, response: HttpResponse) -> str:
    return (
        f"{op[0]} {op[1]} as {caller}: {call.method} {call.url} -> "
        f"{response.status_code} {response.text[:300]}"
    )


def every_route(app: FastAPI) -> set[Operation]:
    """(method, path) of every route the app answers, in the OpenAPI document or not."""
    # FastAPI 0.16x keeps included routers whole; iter_route_contexts flattens them
    walk = getattr(fastapi.routing, "iter_route_contexts", None)
    routes: Iterable[Any] = app.routes if walk is None else walk(app.routes)
    found: set[Operation] = set()
    for route in routes:
        inner = getattr(route, "route", route)
        if isinstance(inner, PageRoute):
            continue  # web pages: swept by tests/unit/web/ui/test_page_security.py
        if isinstance(inner, Mount) and isinstance(inner.app, StaticFiles):
            assert inner.path == "/static"  # the package's own CSS, JS and icons
            continue
        path, methods = getattr(route, "path", None), getattr(route, "methods", None)
        assert isinstance(path, str) and methods, f"{route!r}: not an HTTP route; check it here"
        found |= {(method, path) for method in methods if method != "HEAD"}
    return found


def cross_tenant_failures(world: World) -> tuple[list[str], int]:
    """Every swept operation, aimed at B, as each of A's credentials: what was answered
    other than a refusal, what leaked, and what changed B; and how many requests."""
    client, a, b = world.client, world.a, world.b
    before = snapshot(client, b)
    failures: list[str] = []
    counted = 0
    for op in swept(world):
        allowed = DENIED | OTHER_REFUSALS.get(op, frozenset())
        for call in cross_tenant_calls(world, op):
            for caller, auth in callers(a).items():
                response = call.send(client, auth)
                counted += 1
                if response.status_code not in allowed:
                    failures.append(describe(op, caller, call, response))
                elif leaked := leaks(response, call, b):
                    failures.append(f"{describe(op, caller, call, response)} leaks {leaked}")
        after = snapshot(client, b)
        if after != before:
            failures.append(f"{op[0]} {op[1]}: B changed after A's requests")
            before = after
    return failures, counted


def mutating(world: World) -> list[Operation]:
    return [op for op in swept(world) if op[0] in MUTATING]


def viewer_failures(world: World) -> list[str]:
    """The operations that change something and do not refuse A's viewer key in A."""
    viewer = bearer(world.a.keys[Role.VIEWER])
    failures = []
    for op in mutating(world):
        for call in own_calls(world, op):
            response = call.send(world.client, viewer)
            if response.status_code != 403:
                failures.append(describe(op, "A's viewer key", call, response))
    return failures


def swept(world: World) -> list[Operation]:
    """The operations aimed at B: all but the public and the caller-scoped ones."""
    return [op for op in world.operations() if op not in PUBLIC and op not in CALLER_SCOPED]


# ------------------------------------------------------------------------ tests


def test_the_allow_lists_name_real_operations_and_every_route_is_described(
    world: World,
) -> None:
    operations = set(world.operations())
    for listed in (PUBLIC, CALLER_SCOPED, OTHER_REFUSALS, MIRROR_CALLERS):
        assert set(listed) <= operations, set(listed) - operations
    assert not set(PUBLIC) & set(CALLER_SCOPED)
    assert every_route(world.app) == operations | PUBLIC_OUTSIDE_SCHEMA
    assert len(swept(world)) >= 20  # the sweep is not vacuous


def test_the_public_operations_answer_without_credentials(world: World, platform: Platform) -> None:
    b, client = world.b, world.client
    bodies: dict[Operation, Any] = {
        ("POST", "/credentials/verify"): {"verifiableCredential": b.credential.document},
        ("POST", "/presentations/verify"): {
            "verifiablePresentation": {
                "@context": ["https://www.w3.org/ns/credentials/v2"],
                "type": ["VerifiablePresentation"],
                "verifiableCredential": [b.credential.document],
            }
        },
        ("POST", "/api/v1/session"): {"email": b.owner_email, "password": PASSWORD},
    }
    for op, expected in PUBLIC.items():
        method, template = op
        url = (
            template.replace("{slug}", b.slug)
            .replace("{credential_id}", b.credential.id)
            .replace("{achievement_id}", b.published_id)
            .replace("{list_id}", b.status_list_id)
        )
        response = client.request(method, url, json=bodies.get(op))
        client.cookies.clear()  # signing in sets B's session cookie
        assert response.status_code == expected, (op, response.text[:500])
    image = store_image(platform, SYSTEM, b.org.id, badge_png("B", "#123456", "star"))
    for method, template in PUBLIC_OUTSIDE_SCHEMA:
        path = template.replace("{credential_id}", b.credential.id).replace("{image_id}", image.id)
        expected = 404 if path.endswith(".jwt") else 200  # B's credential is not a VC-JWT
        assert client.request(method, path).status_code == expected, path


def test_every_other_operation_needs_credentials(world: World) -> None:
    failures = []
    for op in world.operations():
        if op in PUBLIC:
            continue
        expected = CALLER_SCOPED.get(op, 401)
        for call in cross_tenant_calls(world, op) if op not in CALLER_SCOPED else [Call(*op)]:
            response = call.send(world.client, {})
            if response.status_code != expected:
                failures.append(describe(op, "no credentials", call, response))
    assert not failures, "\n".join(failures)


def test_no_credential_of_a_reaches_anything_of_b(world: World) -> None:
    """Every non-public operation, as each of A's credentials, aimed at B."""
    failures, counted = cross_tenant_failures(world)
    assert counted >= 300  # 7 credentials times every way of aiming each operation at B
    assert not failures, f"{len(failures)} of {counted} requests:\n" + "\n".join(failures)
    for auth in callers(world.a).values():  # A's credentials were valid all along
        response = world.client.get(f"/api/v1/orgs/{world.a.slug}", headers=auth)
        assert response.status_code == 200


def test_what_a_reads_of_its_own_organisation_holds_nothing_of_b(world: World) -> None:
    client, a, b = world.client, world.a, world.b
    owner = bearer(a.keys[Role.OWNER])
    read = 0
    for op in world.operations():
        if op[0] != "GET" or op in PUBLIC_OUTSIDE_SCHEMA:
            continue
        if op in PUBLIC and "{slug}" not in op[1]:
            continue  # names no organisation: B's credentials are public by design
        for call in own_calls(world, op):
            response = call.send(client, owner)
            assert response.status_code < 500, describe(op, "A's owner", call, response)
            assert not leaks(response, call, b), describe(op, "A's owner", call, response)
            read += response.status_code == 200
    assert read >= 10


def test_the_public_operations_serve_nothing_private(world: World) -> None:
    """A draft is not public, through B's slug or A's; B's documents name no secrets."""
    client, a, b = world.client, world.a, world.b
    for slug in (a.slug, b.slug):
        for achievement in (b.draft_id, a.draft_id if slug == b.slug else b.published_id):
            call = Call("GET", f"/orgs/{slug}/achievements/{achievement}")
            for caller, auth in {"no credentials": {}, **callers(a)}.items():
                response = call.send(client, auth)
                assert response.status_code == 404, describe(
                    ("GET", call.url), caller, call, response
                )
                assert not leaks(response, call, b) and not leaks(response, call, a)
    for path in (f"/orgs/{b.slug}", f"/orgs/{b.slug}/did.json", f"/status/{b.status_list_id}"):
        call = Call("GET", path)
        response = call.send(client, bearer(a.keys[Role.OWNER]))
        assert response.status_code == 200 and not leaks(response, call, b), path


def test_the_caller_scoped_operations_act_on_the_caller_only(world: World) -> None:
    client, a, b = world.client, world.a, world.b
    before = snapshot(client, b)
    for caller, auth in callers(a).items():
        response = client.get("/api/v1/session", headers=auth)
        if "session" in caller:
            assert response.status_code == 200 and response.json()["id"] == a.owner_id
        else:
            assert response.status_code == 401, response.text
        assert not leaks(response, Call("GET", "/api/v1/session"), b)
    for caller, auth in callers(a).items():  # the sessions last: this ends A's session
        response = client.delete("/api/v1/session", headers=auth)
        assert response.status_code == 204, (caller, response.text)
        assert not leaks(response, Call("DELETE", "/api/v1/session"), b)
    assert client.get("/api/v1/session", headers=bearer(a.session)).status_code == 401
    assert snapshot(client, b) == before  # B's session included


def test_a_viewer_key_changes_nothing_and_an_owner_may(world: World) -> None:
    """Every operation that changes something refuses A's viewer key in A with 403; A's
    owner may make the same request (it is well-formed and reaches the route's work)."""
    client, a = world.client, world.a
    assert len(mutating(world)) >= 15
    before = snapshot(client, a)
    failures = viewer_failures(world)
    assert not failures, "\n".join(failures)
    assert snapshot(client, a) == before

    mirrors = {"the bootstrap token": bearer(BOOTSTRAP_TOKEN)}
    owner = bearer(a.keys[Role.OWNER])
    for op in mutating(world):
        for call in own_calls(world, op):
            caller = MIRROR_CALLERS.get(op, "A's owner key")
            response = call.send(client, mirrors.get(caller, owner))
            if not (200 <= response.status_code < 300 or response.status_code == 409):
                failures.append(describe(op, caller, call, response))
    assert not failures, "\n".join(failures)


def test_the_sweep_fails_for_a_route_without_a_tenant_check(
    platform: Platform, settings: Settings, options: WebOptions
) -> None:
    """The checks above, on an app with the routes someone might add carelessly."""
    app = create_app(platform, settings, options)

    @app.get("/api/v1/orgs/{slug}/members")
    def members(scope: InOrg) -> dict[str, str]:  # no role check: any caller reads it
        return {"organisation": scope.org.name}

    @app.post("/api/v1/orgs/{slug}/rename")
    def rename(scope: InOrg) -> dict[str, str]:  # checks membership, not the role
        scope.actor.require(scope.org.id, Role.VIEWER)
        return {"slug": scope.org.slug}

    @app.get("/api/v1/orgs/{slug}/peek")
    def peek(scope: InOrg) -> dict[str, str]:  # refuses, but names what it refuses
        raise PermissionDenied(f"{scope.org.id} is not yours")

    @app.get("/api/v1/everything")
    def everything(caller: CurrentCaller) -> list[str]:  # no organisation at all
        return ["anything"]

    @app.get("/api/v1/hidden", include_in_schema=False)
    def hidden() -> None:
        return None

    with TestClient(app, base_url=BASE_URL) as client:
        a = build_tenant(platform, "acme", "Acme")
        b = build_tenant(platform, "globex", "Globex")
        world = World(app, client, a, b, app.openapi())
        failures, _ = cross_tenant_failures(world)
        viewer = viewer_failures(world)
    assert every_route(app) - world.operations_set() == {("GET", "/api/v1/hidden")} | set(
        PUBLIC_OUTSIDE_SCHEMA
    )
    found = "\n".join(failures)
    assert "GET /api/v1/orgs/acme/members -> 200" not in found  # A may read its own
    for sign in (
        "GET /api/v1/orgs/globex/members -> 200",
        "GET /api/v1/orgs/globex/peek -> 403",
        "leaks ['organisation id']",
        "GET /api/v1/everything -> 200",
    ):
        assert sign in found, sign
    assert not any("/rename" in f for f in failures)  # B refuses A's callers ...
    assert any("POST /api/v1/orgs/acme/rename -> 200" in f for f in viewer)  # ... A, not
    assert not any("/rename" not in f for f in viewer)
    widgets = ("GET", "/api/v1/orgs/{slug}/widgets/{widget_id}")
    parameters = [{"name": "widget_id", "in": "path", "required": True}]
    unknown = replace(world, spec={"paths": {widgets[1]: {"get": {"parameters": parameters}}}})
    with pytest.raises(AssertionError, match="widget_id"):
        cross_tenant_calls(unknown, widgets)  # a new kind of resource must be named
