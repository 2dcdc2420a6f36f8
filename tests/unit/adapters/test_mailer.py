"""Mailer configuration from MICROCRED_SMTP_URL, and the .eml folder mailer."""

from __future__ import annotations

import email
import email.policy
import stat
from email.message import EmailMessage
from pathlib import Path

import pytest

from microcred.adapters.mailer import FileMailer, SmtpMailer, mailer_from_settings
from microcred.services.notifications import MailError
from microcred.settings import Settings

SENDER = "noreply@badges.example"


def parse(url: str) -> SmtpMailer:
    return SmtpMailer.from_url(url, default_sender=SENDER)


def test_smtp_url_with_starttls_login_sender_and_timeout() -> None:
    mailer = parse(
        "smtp://me%40acme.example:p%40ss%3Aword@mail.example?starttls=1&from=b@acme.example&timeout=5"
    )
    assert (mailer.host, mailer.port) == ("mail.example", 587)
    assert (mailer.username, mailer.password) == ("me@acme.example", "p@ss:word")
    assert mailer.starttls and not mailer.implicit_tls
    assert (mailer.sender, mailer.timeout) == ("b@acme.example", 5.0)
    for shown in (str(mailer), repr(mailer)):
        assert "p@ss" not in shown and "word" not in shown
    assert (
        str(mailer) == "smtp://me@acme.example@mail.example:587 with STARTTLS, from b@acme.example"
    )


def test_smtp_url_defaults() -> None:
    plain = parse("smtp://relay.internal")
    assert (plain.port, plain.starttls, plain.implicit_tls) == (25, False, False)
    assert (plain.username, plain.password, plain.sender, plain.timeout) == (
        None,
        None,
        SENDER,
        20.0,
    )
    tls = parse("SMTPS://u:p@mail.example")
    assert (tls.port, tls.implicit_tls, tls.starttls) == (465, True, False)
    assert parse("smtp://mail.example:2525?starttls=0").port == 2525


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://mail.example", "use smtp:// or smtps://"),
        ("smtp://", "give a host"),
        ("smtp://mail.example:xx", "port is not a number"),
        ("smtp://mail.example?tls=1", "unknown parameter 'tls'"),
        ("smtp://mail.example?starttls=maybe", "starttls='maybe'"),
        ("smtps://mail.example?starttls=1", "drop starttls"),
        ("smtp://mail.example?timeout=0", "timeout='0'"),
        ("smtp://mail.example?timeout=soon", "timeout='soon'"),
        ("smtp://mail.example?from=nobody", "from='nobody' is not an address"),
    ],
)
def test_bad_smtp_urls_are_refused_clearly(url: str, message: str) -> None:
    with pytest.raises(ValueError, match="MICROCRED_SMTP_URL") as caught:
        parse(url)
    assert message in str(caught.value)


def test_a_password_in_clear_over_the_network_is_warned_about(
    caplog: pytest.LogCaptureFixture,
) -> None:
    parse("smtp://u:secret@127.0.0.1:2525")
    assert caplog.text == ""
    parse("smtp://u:secret@mail.example")
    assert "without TLS" in caplog.text and "secret" not in caplog.text


def test_settings_pick_smtp_or_the_outbox_folder(tmp_path: Path) -> None:
    base = Settings(data_dir=tmp_path, database_url="sqlite://", base_url="https://b.example")
    outbox = mailer_from_settings(base)
    assert outbox == FileMailer(tmp_path / "outbox", sender="noreply@b.example")
    smtp = mailer_from_settings(
        Settings(tmp_path, "sqlite://", "http://127.0.0.1:8000", smtp_url="smtp://localhost:1025")
    )
    assert isinstance(smtp, SmtpMailer)
    assert (smtp.host, smtp.port, smtp.sender) == ("localhost", 1025, "noreply@localhost")


def _message() -> EmailMessage:
    message = EmailMessage()
    message["Subject"] = "You've earned Data Literacy from Acme"
    message["To"] = "learner@example.org"
    message.set_content("Claim it: https://badges.example/claim/t\n")
    message.add_alternative("<p>Caf\u00e9 &amp; <b>badge</b></p>\n", subtype="html")
    return message


def test_the_file_mailer_writes_parseable_eml_files(tmp_path: Path) -> None:
    outbox = tmp_path / "data" / "outbox"
    mailer = FileMailer(outbox, sender=SENDER)
    mailer.send(_message())
    mailer.send(_message())
    files = sorted(outbox.iterdir())
    assert len(files) == 2 and all(f.suffix == ".eml" for f in files)
    assert stat.S_IMODE(files[0].stat().st_mode) == 0o600
    parsed = email.message_from_bytes(files[0].read_bytes(), policy=email.policy.default)
    assert isinstance(parsed, EmailMessage)
    assert parsed["From"] == SENDER and parsed["To"] == "learner@example.org"
    assert parsed["Subject"] == "You've earned Data Literacy from Acme"
    html = parsed.get_body(("html",))
    assert html is not None and "Caf\u00e9 &amp; <b>badge</b>" in html.get_content()
    assert str(mailer) == f"into the folder {outbox}, from {SENDER}"


def test_the_file_mailer_reports_an_unwritable_folder(tmp_path: Path) -> None:
    blocker = tmp_path / "outbox"
    blocker.write_text("a file, not a folder")
    with pytest.raises(MailError, match="could not write"):
        FileMailer(blocker).send(_message())
