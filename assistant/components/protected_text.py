"""Text that machine translation must not change, and sentence splitting that needs no model.

Protected spans (glossary terms, URLs, e-mail addresses, dates, numbers) are swapped for numbered
placeholders before translation and restored after; a placeholder that went missing or was
duplicated means the translation is not trusted (``ProtectedTermError``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

# ⟦n⟧ is rare in any text and tokenises to few pieces; restoration also accepts the shapes
# translation models are seen to turn it into ([[n]], ⟦ n ⟧, [n] with the brackets doubled).
_PLACEHOLDER = "⟦{}⟧"
_PLACEHOLDER_RE = re.compile(r"(?:⟦|\[\[)\s*(\d{1,3})\s*(?:⟧|\]\])")

_URL = r"(?:https?://|www\.)[^\s<>\"')\]]+[^\s<>\"')\].,;:!?]"
_EMAIL = r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
_DATE = r"\b\d{1,2}[./-]\d{1,2}[./-]\d{2,4}\b|\b\d{4}-\d{2}-\d{2}\b"
_PHONE = r"(?<![\w⟦+])(?:\+\d{1,3}|0\d{1,3})(?:[ ./]\d{1,4}){2,5}(?![\w⟧])"
_NUMBER = r"(?<![\w⟦])\d+(?:[.,:/]\d+)*(?:\s?%)?(?![\w⟧])"
_PATTERN_ORDER = tuple(re.compile(p) for p in (_URL, _EMAIL, _DATE, _PHONE))
_NUMBER_RE = re.compile(_NUMBER)


class ProtectedTermError(ValueError):
    """A translation lost, duplicated or invented a protected span."""


@dataclass
class ProtectedText:
    """Text with its protected spans replaced by placeholders, and the spans to put back."""

    text: str
    spans: list[str] = field(default_factory=list)

    def restore(self, translated: str) -> str:
        """Put the protected spans back; raise ``ProtectedTermError`` if any is missing or repeated."""
        found = [int(m.group(1)) for m in _PLACEHOLDER_RE.finditer(translated)]
        expected = list(range(len(self.spans)))
        if sorted(found) != expected:
            missing = [self.spans[i] for i in expected if i not in found]
            extra = sorted({i for i in found if found.count(i) > 1 or i >= len(self.spans)})
            raise ProtectedTermError(
                f"translation dropped protected terms {missing}" if missing
                else f"translation repeated or invented placeholders {extra}"
            )
        return _PLACEHOLDER_RE.sub(lambda m: self.spans[int(m.group(1))], translated)


def protect(text: str, terms: list[str] | tuple[str, ...] = ()) -> ProtectedText:
    """Replace URLs, e-mail addresses, dates, numbers and the given terms with placeholders."""
    spans: list[str] = []

    def keep(match: re.Match[str]) -> str:
        spans.append(match.group(0))
        return _PLACEHOLDER.format(len(spans) - 1)

    out = text
    for pattern in _PATTERN_ORDER:
        out = _sub_outside_placeholders(pattern, keep, out)
    if terms:
        out = _sub_outside_placeholders(_term_pattern(tuple(terms)), keep, out)
    out = _sub_outside_placeholders(_NUMBER_RE, keep, out)
    return ProtectedText(out, spans)


@lru_cache(maxsize=8)
def _term_pattern(terms: tuple[str, ...]) -> re.Pattern[str]:
    """One regex for all terms. Longest first so "Agentschap Integratie en Inburgering" wins over
    "Inburgering"; names and acronyms (Bon, MO) match their case only: French "bon" is a word."""
    ordered = sorted({t for t in terms if t}, key=len, reverse=True)
    alternatives = "|".join(
        re.escape(t) if any(c.isupper() for c in t) else f"(?i:{re.escape(t)})" for t in ordered
    )
    return re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])")


def _sub_outside_placeholders(pattern: re.Pattern[str], repl, text: str) -> str:  # type: ignore[no-untyped-def]
    """``pattern.sub`` that leaves existing placeholders alone."""
    pieces = []
    last = 0
    for m in _PLACEHOLDER_RE.finditer(text):
        pieces.append(pattern.sub(repl, text[last:m.start()]))
        pieces.append(m.group(0))
        last = m.end()
    pieces.append(pattern.sub(repl, text[last:]))
    return "".join(pieces)


# -- sentences ------------------------------------------------------------------------------------
_ABBREVIATIONS = {
    "nl": "bv bijv o.a enz nr dhr mevr art p vb ca d.w.z m.a.w i.p.v t.e.m t/m e.d resp incl excl ong",
    "en": "e.g i.e mr mrs ms dr etc no vs approx incl st p",
    "fr": "m mme mlle p.ex etc n° env cf art",
    "de": "z.b bzw usw nr dr",
    "es": "sr sra p.ej etc núm art",
    "pt": "sr sra p.ex etc art",
    "pl": "np itd itp tzw nr ul",
    "ro": "dl dna nr etc art",
    "ru": "т.е т.д т.п г ул",
    "uk": "т.д т.п вул",
    "bg": "т.е др ул",
    "tr": "vb vs dr",
    "sq": "etj nr",
}
_TERMINATORS = ".!?…؟۔።፧"
_SPLIT_RE = re.compile(rf"(?<=[{_TERMINATORS}])[\"'»”)\]]*\s+")


def split_sentences(text: str, lang: str = "nl") -> list[str]:
    """Split text into sentences with rules only (no stanza/minisbd/spacy models, no network).

    Lines are kept apart; a full stop after a known abbreviation, an initial or a list number
    does not end a sentence.
    """
    abbreviations = {a.lower() for a in _ABBREVIATIONS.get(lang, "").split()} | set(_ABBREVIATIONS["en"].split())
    sentences: list[str] = []
    for line in text.split("\n"):
        line = line.strip()
        if not line:
            continue
        start = 0
        for m in _SPLIT_RE.finditer(line):
            before = line[start:m.start()].rstrip("\"'»”)]")
            last_word = before.split()[-1] if before.split() else ""
            word = last_word.rstrip(".").lstrip("([\"'«“„").lower()
            list_number = len(before.split()) == 1 and (word.isdigit() or _PLACEHOLDER_RE.fullmatch(word))
            if before.endswith(".") and (word in abbreviations or len(word) == 1 or list_number):
                continue
            sentences.append(line[start:m.end()].strip())
            start = m.end()
        if line[start:].strip():
            sentences.append(line[start:].strip())
    return sentences
