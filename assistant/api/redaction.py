"""Remove personal data (e-mail, phone, national register number, street address) before storing or logging."""

from __future__ import annotations

import logging
import re

_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+"), "[e-mail]"),
    # Belgian national register number: YY.MM.DD-XXX.XX, with or without separators.
    (re.compile(r"\b\d{2}[.\s]?\d{2}[.\s]?\d{2}[-\s]?\d{3}[.\s]?\d{2}\b"), "[rijksregisternummer]"),
    (re.compile(r"(?<![\w+])(?:\+|00)\d{2,3}[\s./-]?(?:\(0\))?\d{1,4}(?:[\s./-]?\d{2,4}){2,4}\b"), "[telefoon]"),
    (re.compile(r"\b0\d{1,3}[\s./-]?\d{2,3}(?:[\s./-]?\d{2,3}){1,3}\b"), "[telefoon]"),
    # French order: "rue de la Loi 16", "avenue Louise 54".
    (re.compile(r"\b(?:rue|avenue|chaussée|boulevard|place|square|allée|quai)\s+(?:[\w'’-]+\s+){1,4}\d{1,4}\b",
                re.IGNORECASE), "[adres]"),
    (re.compile(
        r"\b[\w'-]*(?:straat|laan|lei|plein|weg|steenweg|dreef|kaai|markt|baan|rue|avenue|chaussée|boulevard|place|street|road)"
        r"\s+\d{1,4}(?:\s?[a-zA-Z])?(?:\s?(?:bus|bte|box)\s?\d+)?\b",
        re.IGNORECASE), "[adres]"),
)


def redact(text: str) -> str:
    """``text`` with personal data replaced by placeholders."""
    for pattern, placeholder in _PATTERNS:
        text = pattern.sub(placeholder, text)
    return text


class RedactingFilter(logging.Filter):
    """A logging filter that redacts every record's message."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Redact the formatted message in place."""
        record.msg = redact(record.getMessage())
        record.args = ()
        return True
