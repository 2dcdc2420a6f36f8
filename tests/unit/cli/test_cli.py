"""The command line, driven through its public surface (Typer's runner, real files)."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
from typer.testing import CliRunner

from microcred.cli.main import app
from tests.conftest import VECTORS

runner = CliRunner()


def _keyfile(tmp_path: Path) -> Path:
    path = tmp_path / "key.json"
    result = runner.invoke(app, ["keys", "generate", "--out", str(path)])
    assert result.exit_code == 0, result.output
    return path


def _unsigned(tmp_path: Path) -> Path:
    document = {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "id": "urn:uuid:6a1f8a0e-0d4b-4b43-9c1a-1b2c3d4e5f60",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": "Safe Lifting",
        "validFrom": "2025-01-01T00:00:00Z",
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "id": "did:example:learner-1",
            "achievement": {
                "id": "https://example.org/achievements/1",
                "type": ["Achievement"],
                "name": "Safe Lifting",
                "description": "Lifts loads safely.",
                "criteria": {"narrative": "Passed the practical test."},
            },
        },
    }
    path = tmp_path / "unsigned.json"
    path.write_text(json.dumps(document))
    return path


def test_keys_generate_writes_a_private_file(tmp_path: Path) -> None:
    path = _keyfile(tmp_path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert json.loads(path.read_text())["secretKeyMultibase"].startswith("z")
    again = runner.invoke(app, ["keys", "generate", "--out", str(path)])
    assert again.exit_code == 2 and "exists" in again.output


@pytest.mark.parametrize("suite", ["eddsa-rdfc-2022", "eddsa-jcs-2022", "jose"])
def test_sign_then_verify(tmp_path: Path, suite: str) -> None:
    key = _keyfile(tmp_path)
    signed = runner.invoke(
        app, ["sign", "--key", str(key), "--suite", suite, str(_unsigned(tmp_path))]
    )
    assert signed.exit_code == 0, signed.output
    out = tmp_path / "signed.txt"
    out.write_text(signed.stdout)
    result = runner.invoke(app, ["verify", "--json", str(out)])
    line = json.loads(result.stdout)
    assert result.exit_code == 0, result.stdout
    assert line["input"] == str(out) and line["verified"] is True
    names = [c["check"] for c in line["checks"]]
    for name in ("parse", "context", "schema", "proof", "issuer", "validity", "status"):
        assert name in names
    assert set(line["checks"][0]) == {"check", "outcome", "message", "problem"}


def test_sign_refuses_bad_input(tmp_path: Path) -> None:
    key = _keyfile(tmp_path)
    bad = tmp_path / "bad.json"
    bad.write_text('{"@context": ["https://www.w3.org/ns/credentials/v2"], "type": []}')
    result = runner.invoke(app, ["sign", "--key", str(key), str(bad)])
    assert result.exit_code == 2 and "not valid" in result.output
    result = runner.invoke(app, ["sign", "--key", str(key), "--suite", "rsa", str(bad)])
    assert result.exit_code == 2 and "unknown suite" in result.output


def test_verify_reports_each_input_and_fails_if_any_fails(tmp_path: Path) -> None:
    good = VECTORS / "ob30-spec-test-vector" / "signed.json"
    tampered = tmp_path / "tampered.json"
    document = json.loads(good.read_text())
    document["name"] = "Forged"
    tampered.write_text(json.dumps(document))
    result = runner.invoke(app, ["verify", "--json", str(good), str(tampered)])
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert result.exit_code == 1
    assert [line["verified"] for line in lines] == [True, False]
    proof = next(c for c in lines[1]["checks"] if c["check"] == "proof")
    assert proof["outcome"] == "fail" and "changed after signing" in proof["message"]


def test_verify_human_output(tmp_path: Path) -> None:
    good = VECTORS / "ob30-spec-test-vector" / "signed.json"
    result = runner.invoke(app, ["verify", str(good)])
    assert result.exit_code == 0
    assert "VERIFIED" in result.stdout and "proof" in result.stdout


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 20, "No credential could be read from the PNG"),
        (
            b"<svg xmlns='http://www.w3.org/2000/svg'></svg>",
            "No credential could be read from the SVG",
        ),
        (b'{"a": "\xff"}', "not valid UTF-8"),
    ],
)
def test_verify_unusable_inputs(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "input"
    path.write_bytes(content)
    result = runner.invoke(app, ["verify", "--json", str(path)])
    line = json.loads(result.stdout)
    assert result.exit_code == 1 and line["verified"] is False
    assert line["checks"][0]["check"] == "parse" and message in line["checks"][0]["message"]


def test_verify_url_needs_allow_list_and_missing_file(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["verify", "--json", "https://example.org/c.json", str(tmp_path / "missing.json")]
    )
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert result.exit_code == 1
    assert "--allow-fetch" in lines[0]["checks"][0]["message"]
    assert "could not be read" in lines[1]["checks"][0]["message"]


def test_demo_runs(tmp_path: Path) -> None:
    result = runner.invoke(app, ["demo", "--out", str(tmp_path / "demo")])
    assert result.exit_code == 0, result.output
    assert "NOT VERIFIED" in result.stdout and result.stdout.count("VERIFIED") >= 4
    assert (tmp_path / "demo" / "credential.json").exists()


def test_identifiers_are_printed_as_they_are() -> None:
    """Rich would turn the ``:key:`` of ``did:key:`` into an emoji."""
    good = VECTORS / "vc-di-eddsa" / "Ed25519Signature2020" / "signedEdSig.json"
    result = runner.invoke(app, ["verify", str(good)])
    assert "did:key:z6Mk" in result.stdout and "\U0001f511" not in result.stdout
