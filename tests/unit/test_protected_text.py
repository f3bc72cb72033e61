"""Term protection and restoration, checked exactly with the word-reversing fake translator."""

from __future__ import annotations

import pytest

from assistant.components.protected_text import ProtectedTermError, protect, split_sentences
from assistant.components.translation import FakeTranslator, SafeTranslator, TranslationCache, protected_terms
from tests.conftest import KB

pytestmark = pytest.mark.unit
TERMS = ["Agentschap Integratie en Inburgering", "Inburgering", "Bon", "MO", "NT2", "inburgeringsattest"]


def test_protect_replaces_every_kind_of_span() -> None:
    text = ("Mail info@bon.be of surf naar https://www.bon.be/nl/inburgering, bel 02 501 66 60 "
            "vóór 01/06/2022: MO kost 0 euro bij het Agentschap Integratie en Inburgering.")
    p = protect(text, TERMS)
    assert sorted(p.spans) == sorted(["https://www.bon.be/nl/inburgering", "info@bon.be", "01/06/2022",
                                      "02 501 66 60", "MO", "Agentschap Integratie en Inburgering", "0"])
    for span in p.spans:
        assert span not in p.text.replace("⟦", " ").replace("⟧", " ") or span == "0"
    assert p.restore(p.text) == text


def test_case_rules_for_names_and_words() -> None:
    # "Bon" the office is protected; French "bon" is a word. Lower-case glossary terms match any case.
    p = protect("Bon courage, c'est un bon plan. Het Inburgeringsattest krijg je na het traject.", TERMS)
    assert p.spans == ["Bon", "Inburgeringsattest"]


def test_fake_translation_restores_terms_exactly() -> None:
    safe = SafeTranslator(FakeTranslator(), TERMS)
    result = safe.translate("Ga naar Bon in 1000 Brussel: https://bon.be", "nl", "en")
    assert result.machine_translated
    assert result.text == "[en] https://bon.be Brussel: 1000 in Bon naar Ga"


def test_dropped_term_falls_back_to_the_original_with_the_reason() -> None:
    safe = SafeTranslator(FakeTranslator(drop_placeholders=True), TERMS)
    result = safe.translate("Schrijf je in bij Bon.", "nl", "en")
    assert not result.machine_translated
    assert result.text == "Schrijf je in bij Bon."
    assert "Bon" in (result.reason or "")


def test_restore_rejects_duplicates_and_accepts_bracket_variants() -> None:
    p = protect("Bel 03 338 70 11 of mail info@atlas.be", [])
    with pytest.raises(ProtectedTermError, match="repeated"):
        p.restore("⟦0⟧ ⟦0⟧ ⟦1⟧")
    assert p.spans == ["info@atlas.be", "03 338 70 11"]
    assert p.restore("[[ 1 ]] en ⟦ 0 ⟧") == "03 338 70 11 en info@atlas.be"


def test_glossary_and_organisations_are_protected_terms() -> None:
    terms = protected_terms(KB)
    assert {"NT2", "Atlas", "Agentschap Integratie en Inburgering"} <= set(terms)
    assert any(t.startswith("Atlas, integratie") for t in terms)  # full organisation names too


@pytest.mark.parametrize(("lang", "text", "expected"), [
    ("nl", "Je leert o.a. Nederlands, bv. in Gent. Dat is gratis! Waar? 1. Ga naar Atlas.",
     ["Je leert o.a. Nederlands, bv. in Gent.", "Dat is gratis!", "Waar?", "1. Ga naar Atlas."]),
    ("en", "Mr. Smith lives in Ghent. He learns Dutch (e.g. at school).",
     ["Mr. Smith lives in Ghent.", "He learns Dutch (e.g. at school)."]),
    ("ar", "أين أتعلم الهولندية؟ في غنت.", ["أين أتعلم الهولندية؟", "في غنت."]),
    ("ti", "ኣበይ ክመሃር? ኣብ ገንት።  ሓቂ", ["ኣበይ ክመሃር?", "ኣብ ገንት።", "ሓቂ"]),
    ("nl", "Eerste regel\nTweede regel. Nog een zin.", ["Eerste regel", "Tweede regel.", "Nog een zin."]),
])
def test_sentences_split_without_models(lang: str, text: str, expected: list[str]) -> None:
    assert split_sentences(text, lang) == expected


def test_cache_hits_memory_and_disk_and_is_keyed_by_version(tmp_path) -> None:
    fake = FakeTranslator()
    path = tmp_path / "cache.sqlite"
    first = SafeTranslator(fake, TERMS, TranslationCache(path))
    assert not first.translate("Waar leer ik Nederlands?", "nl", "en").cached
    assert first.translate("Waar leer ik Nederlands?", "nl", "en").cached
    assert fake.calls == 1
    again = SafeTranslator(fake, TERMS, TranslationCache(path))  # a new process: from disk
    hit = again.translate("Waar leer ik Nederlands?", "nl", "en")
    assert hit.cached and hit.text == "[en] Nederlands? ik leer Waar" and fake.calls == 1
    assert TranslationCache.key("argos:nl→en 1.0", "nl", "en", "x") != TranslationCache.key("argos:nl→en 1.1", "nl", "en", "x")


def test_timeout_and_missing_pair_give_the_original_back() -> None:
    slow = SafeTranslator(FakeTranslator(delay_s=2.0), TERMS, timeout_s=0.1)
    result = slow.translate("Waar is Bon?", "nl", "en")
    assert (result.text, result.machine_translated) == ("Waar is Bon?", False)
    assert "timed out" in (result.reason or "")
    limited = SafeTranslator(FakeTranslator(pairs={("nl", "en")}), TERMS)
    assert not limited.available("nl", "ar")
    missing = limited.translate("Waar is Bon?", "nl", "ar")
    assert not missing.machine_translated and "nl→ar" in (missing.reason or "")
    assert limited.translate("Same language", "nl", "nl").text == "Same language"
