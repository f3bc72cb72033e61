"""Language identification over the 17 supported languages (py3langid plus a script rule)."""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass

from assistant.settings import LANGUAGES

_ETHIOPIC = re.compile(r"[\u1200-\u137F\u1380-\u139F\u2D80-\u2DDF]")
_LOCK = threading.Lock()
_IDENTIFIER = None


def _identifier():
    """py3langid restricted to our languages; Amharic stands in for Ethiopic script (see below)."""
    global _IDENTIFIER
    with _LOCK:
        if _IDENTIFIER is None:
            from py3langid.langid import MODEL_FILE, LanguageIdentifier

            ident = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
            ident.set_languages([lang for lang in LANGUAGES if lang != "ti"] + ["am"])
            _IDENTIFIER = ident
        return _IDENTIFIER


def detect_language(text: str) -> tuple[str, float]:
    """The most likely of the 17 languages for ``text`` and a confidence in [0, 1].

    py3langid has no Tigrinya model and reads Ethiopic script as Amharic; Amharic is not one of our
    languages and our Ethiopic-script users write Tigrinya, so Ethiopic script means ``ti``.
    """
    if _ETHIOPIC.search(text):
        return "ti", 1.0
    lang, prob = _identifier().classify(text)
    return ("ti" if lang == "am" else lang), float(prob)


_UNRESTRICTED = None
_ARABIC_SCRIPT = re.compile(r"[\u0600-\u06FF]")
_PASHTO_LETTERS = re.compile(r"[ټډړږښګڼۍې]")
_PERSIAN_LETTERS = re.compile(r"[پچژگکی]")
_CYRILLIC = re.compile(r"[\u0400-\u04FF]")
_LATIN_WORD = re.compile(r"[A-Za-zÀ-ÿ]{2,}")
# Acronyms and names that say nothing about the language of the person typing them.
# Languages py3langid confuses with ours (Afrikaans/Frisian/Luxembourgish for Dutch, Amharic for Tigrinya...).
_NEAR_OURS = {"am", "af", "lb", "fy", "mk", "sr", "be", "gl", "ca", "ms", "id"}
_NEUTRAL = {"mo", "nt2", "vdab", "ocmw", "gpmi", "agii", "bon", "atlas", "amal", "okan", "naric", "cvo", "cbe"}


@dataclass(frozen=True)
class Detection:
    """The language to answer in, what was detected, and whether it is one of the 17."""

    language: str
    detected: str | None
    supported: bool
    confidence: float


def _unrestricted(text: str) -> tuple[str, float]:
    global _UNRESTRICTED
    with _LOCK:
        if _UNRESTRICTED is None:
            from py3langid.langid import MODEL_FILE, LanguageIdentifier

            _UNRESTRICTED = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    lang, prob = _UNRESTRICTED.classify(text)
    return lang, float(prob)


def _script_guess(text: str) -> str | None:
    if _ETHIOPIC.search(text):
        return "ti"
    if _ARABIC_SCRIPT.search(text):
        if _PASHTO_LETTERS.search(text):
            return "ps"
        return "fa" if _PERSIAN_LETTERS.search(text) else "ar"
    if _CYRILLIC.search(text):
        if re.search(r"[іїєґ]", text, re.IGNORECASE):
            return "uk"
        if re.search(r"[ыэё]", text, re.IGNORECASE):
            return "ru"
        return None
    return None


def detect(text: str, fallback: str = "en") -> Detection:
    """Detect the asker's language: a script rule first, py3langid for the rest, and ``fallback``
    for text too short or too neutral to tell ("NT2?", "MO", a name)."""
    words = [w for w in _LATIN_WORD.findall(text) if w.lower() not in _NEUTRAL]
    script = _script_guess(text)
    if script and (script in ("ti", "ps", "uk") or len(text.split()) < 3):
        return Detection(script, script, True, 1.0)
    if not script and len(words) < 2 and not _CYRILLIC.search(text):
        return Detection(fallback, None, True, 0.0)
    lang, prob = detect_language(text)
    if len(text.split()) >= 3:
        other, other_prob = _unrestricted(text)
        # A language py3langid knows but we do not support, recognised with confidence.
        if other not in LANGUAGES and other not in _NEAR_OURS and other_prob > 0.9:
            return Detection("en", other, False, other_prob)
    return Detection(lang, lang, True, prob)
