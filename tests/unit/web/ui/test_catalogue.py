"""The gettext catalogue: current (every marked text is in it) and complete (English)."""

from __future__ import annotations

from babel.messages.pofile import read_po

from microcred.web.ui.catalogue import catalogue_path, extract
from microcred.web.ui.templating import load_translations, make_environment


def _shipped() -> dict[str, str]:
    with catalogue_path().open("rb") as handle:
        catalog = read_po(handle)
    return {str(m.id): str(m.string) for m in catalog if m.id}


def test_the_catalogue_holds_every_marked_text_and_nothing_else() -> None:
    extracted = {str(m.id) for m in extract() if m.id}
    shipped = _shipped()
    assert len(extracted) > 300
    missing = sorted(extracted - shipped.keys())
    stale = sorted(shipped.keys() - extracted)
    assert not missing, f"run python -m microcred.web.ui.catalogue; missing: {missing[:5]}"
    assert not stale, f"run python -m microcred.web.ui.catalogue; stale: {stale[:5]}"


def test_english_is_complete() -> None:
    untranslated = [msgid for msgid, text in _shipped().items() if not text.strip()]
    assert untranslated == []


def test_templates_translate_through_the_catalogue() -> None:
    translations = load_translations()
    assert translations.gettext("Verify a credential") == "Verify a credential"
    env = make_environment(translations)
    rendered = env.from_string('{{ _("Sign in") }} {{ _("%(n)s left", n=3) }}').render()
    assert rendered == "Sign in 3 left"
