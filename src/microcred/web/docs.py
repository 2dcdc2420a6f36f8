"""``/docs``: a self-contained page listing the endpoints of ``/openapi.json``.

FastAPI's own page loads Swagger UI from a CDN; this one needs no network and no script:
it is rendered on the server from the OpenAPI document.
"""

from __future__ import annotations

from html import escape
from typing import Any

from fastapi import FastAPI
from fastapi.responses import HTMLResponse

METHODS = ("get", "post", "put", "patch", "delete")
STYLE = (
    "body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}"
    "table{border-collapse:collapse;width:100%}td,th{text-align:left;padding:.3rem .6rem;"
    "border-bottom:1px solid #ddd;vertical-align:top}code{font-size:.95em}"
)
#: The page has an inline style and nothing else (no script, no remote resource).
CSP = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'"


def docs_page(app: FastAPI) -> HTMLResponse:
    spec = app.openapi()
    rows = []
    for path, operations in spec.get("paths", {}).items():
        for method in METHODS:
            operation: dict[str, Any] | None = operations.get(method)
            if operation is None:
                continue
            rows.append(
                f"<tr><td><code>{method.upper()}</code></td><td><code>{escape(path)}</code></td>"
                f"<td>{escape(str(operation.get('summary', '')))}</td></tr>"
            )
    info = spec.get("info", {})
    title = escape(f"{info.get('title', 'API')} {info.get('version', '')}".strip())
    html = (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
        f"<style>{STYLE}</style></head><body><h1>{title}</h1>"
        '<p>The full description is the OpenAPI document <a href="/openapi.json">'
        "/openapi.json</a>; load it into any OpenAPI viewer.</p>"
        "<table><thead><tr><th>Method</th><th>Path</th><th>What it does</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table></body></html>"
    )
    return HTMLResponse(html, headers={"Content-Security-Policy": CSP})
