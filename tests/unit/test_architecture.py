"""The credential core stays a pure library: no web, database, settings or CLI imports."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import microcred.core

CORE = Path(microcred.core.__file__).parent
FORBIDDEN = (
    "fastapi",
    "starlette",
    "litestar",
    "uvicorn",
    "sqlalchemy",
    "alembic",
    "psycopg",
    "jinja2",
    "typer",
    "click",
    "rich",
    "httpx",
    "requests",
    "urllib.request",
    "http.client",
    "socket",
    "os.environ",
    "microcred.web",
    "microcred.adapters",
    "microcred.services",
    "microcred.cli",
    "microcred.composition",
    "microcred.settings",
    "microcred.config",
)


def _imports(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.append((node.lineno, node.module))
        elif isinstance(node, ast.Attribute) and ast.unparse(node) == "os.environ":
            found.append((node.lineno, "os.environ"))
    return found


def test_core_sources_import_nothing_forbidden() -> None:
    offences = [
        f"{path.relative_to(CORE)}:{line} imports {name}"
        for path in sorted(CORE.rglob("*.py"))
        for line, name in _imports(path)
        if any(name == bad or name.startswith(bad + ".") for bad in FORBIDDEN)
    ]
    assert offences == []


def test_the_check_itself_catches_an_offence(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("import os\nfrom sqlalchemy import orm\nx = os.environ\n")
    assert [name for _, name in _imports(bad)] == ["os", "sqlalchemy", "os.environ"]


def test_importing_all_of_core_loads_no_forbidden_module() -> None:
    modules = sorted(
        "microcred.core." + ".".join(p.relative_to(CORE).with_suffix("").parts)
        for p in CORE.rglob("*.py")
        if p.name != "__init__.py"
    )
    code = (
        "import importlib, sys\n"
        f"for m in {modules!r}: importlib.import_module(m)\n"
        f"bad = [m for m in sys.modules if m.split('.')[0] in {list(FORBIDDEN[:13])!r}"
        " or m.startswith(('microcred.web', 'microcred.adapters', 'microcred.cli'))]\n"
        "print(','.join(sorted(bad)))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""
