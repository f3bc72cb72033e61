"""Language identification over the 17 supported languages (py3langid plus a script rule)."""

from __future__ import annotations

import re
import threading

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
