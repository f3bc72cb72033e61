"""Repair real-world text (page artefacts, hyphenation, OCR slips, flattened tables) line by line.

Cleaning keeps the original line numbers, so every chunk can point back to (and display) the
original text it came from. Only repairs that do not change meaning are made.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass


@dataclass(frozen=True)
class Line:
    """One cleaned line and the 1-based number of the original line it starts on."""

    number: int
    text: str


_PAGE_NUMBER = re.compile(
    r"^\s*(?:-\s*\d{1,3}\s*-|\d{1,3}|pagina\s+\d{1,3}(?:\s+van\s+\d{1,3})?|page\s+\d{1,3}(?:\s+of\s+\d{1,3})?"
    r"|\d{1,3}\s*/\s*\d{1,3})\s*$",
    re.IGNORECASE,
)
_HYPHEN_END = re.compile(r"(?<=[^\W\d_])-\s*$")
_NEXT_WORD = re.compile(r"^(\s*)([a-zà-ÿ][\w'’]*)([.,;:!?)]*)(.*)$")
_SUSPENDED = {"en", "of", "tot", "and", "or", "et", "ou"}
_OCR_FIXES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"(?<=[ct])iéle(?=n?\b)"), "iële"),   # potentiéle -> potentiële (OCR reads ë as é)
    (re.compile(r"\bo0\.a\."), "o.a."),
    (re.compile(r"(?<=\s)\|(?=[a-zà-ÿ])"), ""),        # stray bar before a word: "het |licht"
    (re.compile(r"\u00ad"), ""),                        # soft hyphen
    (re.compile("ﬁ"), "fi"),
    (re.compile("ﬂ"), "fl"),
    (re.compile(r"(?<=[a-z]) -(?=[A-Z][a-z])"), "-"),   # "Vlaams -Brabant" -> "Vlaams-Brabant"
)
_TABLE_GAP = re.compile(r"\S(\s{3,})\S")


def normalise(text: str) -> str:
    """Unicode NFC, unified newlines, no non-breaking spaces or form feeds, no trailing blanks."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\u00a0", " ").replace("\f", "\n")
    return "\n".join(line.rstrip() for line in text.split("\n"))


def _is_blank(lines: list[str], i: int) -> bool:
    return i < 0 or i >= len(lines) or not lines[i].strip()


def page_number_lines(lines: list[str]) -> set[int]:
    """Indexes of lines that are page numbers: a lone number with blank lines around it."""
    return {
        i for i, line in enumerate(lines)
        if _PAGE_NUMBER.match(line) and _is_blank(lines, i - 1) and _is_blank(lines, i + 1)
    }


def running_header_lines(lines: list[str], page_numbers: set[int]) -> set[int]:
    """Indexes of short lines that repeat next to page breaks (running headers and footers)."""
    def shape(s: str) -> str:
        return re.sub(r"\d+", "#", s.strip().lower())

    near_break: Counter[str] = Counter()
    where: dict[str, list[int]] = {}
    for p in page_numbers:
        for j in range(max(0, p - 4), min(len(lines), p + 5)):
            text = lines[j].strip()
            if j != p and text and len(text) <= 80:
                near_break[shape(text)] += 1
                where.setdefault(shape(text), []).append(j)
    return {j for key, n in near_break.items() if n >= 3 for j in where[key]}


def _fix_ocr(line: str) -> str:
    for pattern, repl in _OCR_FIXES:
        line = pattern.sub(repl, line)
    return line


def _mark_table(line: str) -> str:
    """Turn wide gaps between columns of a flattened table row into `` | ``."""
    if len(_TABLE_GAP.findall(line)) >= 2 and re.search(r"\d", line):
        return re.sub(r"(?<=\S)\s{3,}(?=\S)", " | ", line.strip())
    return line


def dehyphenate(lines: list[str], vocabulary: set[str]) -> list[str]:
    """Join words broken across lines ("inburgerings-" + "traject"); keep real and suspended hyphens."""
    out = list(lines)
    for i in range(len(out) - 1):
        if not _HYPHEN_END.search(out[i]):
            continue
        j = i + 1
        while j < len(out) and not out[j].strip() and j - i <= 1:
            j += 1
        m = _NEXT_WORD.match(out[j]) if j < len(out) else None
        if not m:
            continue  # next line starts with a capital, digit or nothing: a real hyphen ("West-\nVlaanderen")
        head = re.search(r"([^\W\d_][\w'’]*)-\s*$", out[i])
        if not head:
            continue
        fragment, word, punct = head.group(1), m.group(2), m.group(3)
        if word.lower() in _SUSPENDED:
            out[i] = out[i].rstrip() + " "
            continue
        joined = fragment + word
        keep_hyphen = f"{fragment}-{word}".lower() in vocabulary and joined.lower() not in vocabulary
        out[i] = out[i][: head.start()] + (f"{fragment}-{word}" if keep_hyphen else joined) + punct
        out[j] = m.group(1) + m.group(4).lstrip()
    return out


def clean_lines(text: str) -> list[Line]:
    """Clean ``text`` into lines that remember their original line numbers."""
    raw = normalise(text).split("\n")
    drop = page_number_lines(raw)
    drop |= running_header_lines(raw, drop)
    words = re.findall(r"[^\W\d_][\w-]*[^\W\d_]", text.lower())
    vocabulary = set(words)
    fixed = [_fix_ocr(line) for line in raw]
    kept_idx = [i for i in range(len(fixed)) if i not in drop]
    joined = dehyphenate([fixed[i] for i in kept_idx], vocabulary)
    cleaned: list[Line] = []
    for i, line in zip(kept_idx, joined, strict=True):
        line = _mark_table(line).rstrip()
        if not line.strip() and cleaned and not cleaned[-1].text.strip():
            continue  # collapse runs of blank lines
        cleaned.append(Line(i + 1, re.sub(r"(?<=\S) {2,}(?=\S)", " ", line) if " | " not in line else line))
    while cleaned and not cleaned[0].text.strip():
        cleaned.pop(0)
    return cleaned


def original_lines(text: str) -> list[str]:
    """The original lines of ``text`` (only normalised), for showing a chunk's source as it was."""
    return normalise(text).split("\n")
