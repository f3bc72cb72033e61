"""Real translations with real Argos packages, when they are installed in
``WEGWIJS_TRANSLATION_PACKAGES_DIR``; skipped, with the reason, when they are not (as on CI here)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from assistant.components.argos import PackageStore
from assistant.components.translation import ArgosTranslator, SafeTranslator, protected_terms
from tests.conftest import KB

pytestmark = pytest.mark.needs_models
FOLDER = os.environ.get("WEGWIJS_TRANSLATION_PACKAGES_DIR")


def _translator(*pairs: tuple[str, str]) -> SafeTranslator:
    if not FOLDER:
        pytest.skip("needs_models: set WEGWIJS_TRANSLATION_PACKAGES_DIR to a folder of installed argos packages")
    store = PackageStore(Path(FOLDER))
    missing = [f"{s}→{t}" for s, t in pairs if store.path_for(s, t) is None]
    if missing:
        pytest.skip(f"needs_models: no package for {', '.join(missing)} in {FOLDER}")
    return SafeTranslator(ArgosTranslator(store), protected_terms(KB), timeout_s=60)


def test_dutch_english_both_ways() -> None:
    safe = _translator(("nl", "en"), ("en", "nl"))
    en = safe.translate("Waar kan ik Nederlands leren? Ik woon in Gent.", "nl", "en")
    assert en.machine_translated, en.reason
    assert "Dutch" in en.text and "Gent" in en.text
    nl = safe.translate("Where can I learn Dutch?", "en", "nl")
    assert nl.machine_translated and "Nederlands" in nl.text


@pytest.mark.parametrize(("lang", "script"), [("ar", "\u0600"), ("uk", "\u0400"), ("tr", None)])
def test_english_to_and_from(lang: str, script: str | None) -> None:
    safe = _translator(("en", lang), (lang, "en"))
    out = safe.translate("Register with the Agentschap Integratie en Inburgering before 1 June 2022.", "en", lang)
    assert out.machine_translated, out.reason
    assert "Agentschap Integratie en Inburgering" in out.text and "2022" in out.text
    if script:
        assert any(script <= ch <= chr(ord(script) + 0xFF) for ch in out.text)
    back = safe.translate(out.text, lang, "en")
    assert back.machine_translated and "2022" in back.text
