"""The README's examples run: every Python block, every command-line line."""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from microcred.core.baking import bake_png
from tests.unit.core.pngs import tiny_png

README = Path(__file__).parents[2] / "README.md"
TEXT = README.read_text(encoding="utf-8")


def _blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", TEXT, flags=re.S)


def test_opens_with_the_two_commands() -> None:
    first = re.search(r"```\w*\n(.*?)```", TEXT, flags=re.S)
    assert first is not None
    commands = [line.split("#")[0].strip() for line in first.group(1).splitlines()]
    assert commands == ["./dev run", "./dev test"]


@pytest.mark.parametrize("index", range(len(_blocks("python"))))
def test_python_examples_run(index: int) -> None:
    namespace: dict[str, object] = {"__name__": "readme_example"}
    exec(compile(_blocks("python")[index], f"README.md python block {index}", "exec"), namespace)


def _cli_lines() -> list[str]:
    sh = next(b for b in _blocks("sh") if "microcred keys generate" in b)
    return [
        line.split("  #")[0].strip() for line in sh.splitlines() if line.startswith("microcred")
    ]


def test_cli_examples_run(tmp_path: Path) -> None:
    microcred = Path(sys.executable).with_name("microcred")
    unsigned = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential"],
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:learner", "name": "A. Learner"},
    }
    (tmp_path / "unsigned.json").write_text(json.dumps(unsigned))
    for line in _cli_lines():
        if line.startswith("microcred verify") and "badge.png" in line:
            signed = json.loads((tmp_path / "signed.json").read_text())
            (tmp_path / "badge.png").write_bytes(bake_png(tiny_png(), signed))
        argv, _, out = line.partition(" > ")
        result = subprocess.run(
            [str(microcred), *shlex.split(argv)[1:]],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=120,
        )
        if out:
            (tmp_path / out.strip()).write_text(result.stdout)
        if "https://" in line:  # no network here: it must fail cleanly, not crash
            assert result.returncode == 1 and "could not be" in result.stdout, line
        else:
            assert result.returncode == 0, f"{line}\n{result.stdout}\n{result.stderr}"
    first = json.loads((tmp_path / "signed.json").read_text())
    assert first["proof"]["cryptosuite"] == "eddsa-rdfc-2022"


def test_json_line_example_is_real_output_shape() -> None:
    example = json.loads(next(b for b in _blocks("json") if '"input"' in b))
    assert set(example) == {"input", "verified", "checks"}
    assert set(example["checks"][0]) == {"check", "outcome", "message", "problem"}
