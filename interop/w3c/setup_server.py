"""Prepare a microcred data folder for the public W3C / W3C-CCG suites.

Makes a self-signed certificate for 127.0.0.1 (``cert.pem`` / ``key.pem``), migrates the
database named by ``MICROCRED_DATABASE_URL`` (or the SQLite file in ``MICROCRED_DATA_DIR``),
creates the organisations ``--slug`` (did:web) and ``--key-slug`` (did:key) unless they
exist, and gives each a new issuer-role API key.  Prints JSON for ``make_config.py``: the
base URL and, per organisation, its DID and its key.  Run it with the same environment as
``microcred serve``; ``MICROCRED_BASE_URL`` must be ``https://127.0.0.1:<port>``.
"""

from __future__ import annotations

import argparse
import datetime
import ipaddress
import json
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from microcred.adapters.db.engine import make_engine, upgrade
from microcred.bootstrap import build_platform
from microcred.domain.model import SYSTEM, Role
from microcred.services.access import create_api_key, organisation_by_slug
from microcred.services.errors import NotFound
from microcred.services.keys import did_of
from microcred.services.organisations import Platform, create_organisation
from microcred.settings import Settings


def make_certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed P-256 certificate for 127.0.0.1 and localhost, valid for 30 days."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    alt = x509.SubjectAlternativeName(
        [x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")]
    )
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=30))
        .add_extension(alt, critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = folder / "cert.pem", folder / "key.pem"
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    key_file.chmod(0o600)
    return cert_file, key_file


def organisation(platform: Platform, slug: str, did_method: str) -> dict[str, str]:
    """The organisation ``slug`` (made if missing) and a new issuer-role API key of it."""
    try:
        org = organisation_by_slug(platform, slug)
    except NotFound:
        org = create_organisation(
            platform,
            name="W3C test suites" + (" (did:key)" if did_method == "key" else ""),
            slug=slug,
            owner_email="suites@example.org",
            did_method=did_method,
        )
    if org.did_method != did_method:
        raise SystemExit(f"{slug} issues as did:{org.did_method}, not did:{did_method}")
    issued = create_api_key(platform, org.id, name="w3c suites", role=Role.ISSUER, actor=SYSTEM)
    return {"did": did_of(platform, org), "api_key": issued.secret}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--slug", default="w3c", help="the did:web organisation")
    parser.add_argument("--key-slug", default="w3c-key", help="the did:key organisation")
    parser.add_argument("--cert-dir", type=Path, required=True)
    args = parser.parse_args()
    settings = Settings.from_env()
    if not settings.base_url.startswith("https://"):
        parser.error("set MICROCRED_BASE_URL to https://127.0.0.1:<port>")
    args.cert_dir.mkdir(parents=True, exist_ok=True)
    cert_file, key_file = make_certificate(args.cert_dir)
    upgrade(make_engine(settings.database_url))
    platform = build_platform(settings)
    print(
        json.dumps(
            {
                "base_url": settings.base_url,
                "did_web": organisation(platform, args.slug, "web"),
                "did_key": organisation(platform, args.key_slug, "key"),
                "cert": str(cert_file),
                "key": str(key_file),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
