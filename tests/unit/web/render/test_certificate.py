from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from io import BytesIO
from pathlib import Path

import pypdfium2
import pytest
import zxingcpp
from pypdf import PdfReader

from microcred.web.render import fonts
from microcred.web.render.badge import badge_png
from microcred.web.render.certificate import CertificateFacts, certificate_pdf

DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
needs_dejavu = pytest.mark.skipif(
    not DEJAVU.is_file(), reason=f"needs the DejaVu Sans font at {DEJAVU} for non-Latin text"
)
URL = "https://badges.example/credentials/6f1e2d3c-1234-4abc-9def-0123456789ab?lang=en&x=1"
FACTS = CertificateFacts(
    recipient="Ada Lovelace",
    achievement="Analytical Engine Programming",
    issuer="Example University",
    description="Writes **programs** for the engine.\n\n- loops\n- `Bernoulli` numbers",
    issued=date(2026, 3, 1),
    valid_until=date(2028, 2, 29),
    url=URL,
    credential_id="urn:uuid:6f1e2d3c-1234-4abc-9def-0123456789ab",
)


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(BytesIO(pdf)).pages)


def _qr_codes(pdf: bytes) -> list[str]:
    image = pypdfium2.PdfDocument(pdf)[0].render(scale=2).to_pil()
    return [str(result.text) for result in zxingcpp.read_barcodes(image)]


def test_one_a4_landscape_page_with_the_facts() -> None:
    pdf = certificate_pdf(FACTS)
    assert pdf.startswith(b"%PDF-")
    reader = PdfReader(BytesIO(pdf))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (842, 595)
    text = _text(pdf)
    for expected in (
        "Certificate of achievement",
        "This certifies that",
        "Ada Lovelace",
        "Analytical Engine Programming",
        "Issued by Example University",
        "Issued on 1 March 2026",
        "Valid until 29 February 2028",
        URL,
        "Credential ID: urn:uuid:6f1e2d3c-1234-4abc-9def-0123456789ab",
    ):
        assert expected in text


def test_the_qr_code_holds_exactly_the_url() -> None:
    assert _qr_codes(certificate_pdf(FACTS)) == [URL]


def test_the_description_is_plain_text_without_markdown() -> None:
    text = " ".join(_text(certificate_pdf(FACTS)).split())
    assert "Writes programs for the engine. loops Bernoulli numbers" in text
    assert "**" not in text and "`" not in text


def test_a_long_description_is_trimmed() -> None:
    words = " ".join(f"word{n}" for n in range(400))
    text = _text(certificate_pdf(replace(FACTS, description=words)))
    assert "word0 word1" in text
    assert "word150" not in text  # cut at about 600 characters
    assert "…" in text


def test_long_names_stay_on_one_page() -> None:
    long = "Very long name " * 40
    facts = replace(FACTS, recipient=long, achievement=long, issuer=long, status=long)
    pdf = certificate_pdf(facts)
    assert len(PdfReader(BytesIO(pdf)).pages) == 1
    assert _qr_codes(pdf) == [URL]


def test_without_recipient_or_expiry() -> None:
    text = _text(certificate_pdf(replace(FACTS, recipient=None, valid_until=None)))
    assert "This certifies the achievement" in text
    assert "This certifies that" not in text
    assert "Valid until" not in text


def test_a_status_is_printed_when_set() -> None:
    assert "Revoked" in _text(certificate_pdf(replace(FACTS, status="Revoked")))
    assert "Revoked" not in _text(certificate_pdf(FACTS))


def test_the_badge_image_is_placed_when_given() -> None:
    with_badge = replace(FACTS, badge_png=badge_png("Engine", "#1d4ed8", "code", size=200))
    assert len(PdfReader(BytesIO(certificate_pdf(with_badge))).pages[0].images) == 2
    assert len(PdfReader(BytesIO(certificate_pdf(FACTS))).pages[0].images) == 1  # the QR code


def test_metadata() -> None:
    info = PdfReader(BytesIO(certificate_pdf(FACTS))).metadata
    assert info is not None
    assert info.title == "Certificate of achievement: Analytical Engine Programming"
    assert info.author == "Example University"
    assert info.subject == "Analytical Engine Programming, awarded to Ada Lovelace"
    assert info.creation_date == datetime(2026, 3, 1, tzinfo=UTC)


def test_the_same_facts_give_the_same_file() -> None:
    facts = replace(FACTS, badge_png=badge_png("Engine", "#1d4ed8", "code", size=100))
    assert certificate_pdf(facts) == certificate_pdf(facts)


@needs_dejavu
def test_non_latin_names_with_a_unicode_font() -> None:
    name = "Zoë Ångström Łukasz Δημήτρης Иван"
    pdf = certificate_pdf(replace(FACTS, recipient=name), font_path=DEJAVU)
    assert name in _text(pdf)


@needs_dejavu
def test_characters_the_font_lacks_show_as_question_marks() -> None:
    # DejaVu Sans has no Chinese: the name must not silently lose those letters.
    pdf = certificate_pdf(replace(FACTS, recipient="Zoë Ångström 李雷"), font_path=DEJAVU)
    assert "Zoë Ångström ??" in _text(pdf)


@needs_dejavu
def test_a_system_font_is_found_by_default() -> None:
    assert fonts.system_font() is not None
    pdf = certificate_pdf(replace(FACTS, recipient="Łukasz Δημήτρης"))
    assert "Łukasz Δημήτρης" in _text(pdf)


def test_without_any_system_font_helvetica_is_used(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fonts, "CANDIDATES", ())
    facts = replace(
        FACTS, recipient="Zoë ½ Łukasz 李雷", achievement="\u201cQuoted\u201d \u2013 dash\u2026"
    )
    pdf = certificate_pdf(facts)
    text = _text(pdf)
    assert "Zoë ½ ?ukasz ??" in text  # Latin-1 kept, everything else "?"
    assert '"Quoted" - dash...' in text
    fonts_used = PdfReader(BytesIO(pdf)).pages[0]["/Resources"]["/Font"]  # type: ignore[index]
    assert {str(font.get_object()["/BaseFont"]) for font in fonts_used.values()} <= {
        "/Helvetica",
        "/Helvetica-Bold",
    }
    assert _qr_codes(pdf) == [URL]


def test_a_missing_font_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match=r"missing\.ttf does not exist"):
        certificate_pdf(FACTS, font_path=tmp_path / "missing.ttf")
