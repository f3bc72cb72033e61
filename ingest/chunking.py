"""Structure-aware chunking: parliamentary questions by question and numbered answer parts,
reports by their headings (SD, OD x.y, Project, Acties, Mijlpaal ...), figure tables kept whole.

Chunks stay under ``max_chars`` (about 350 e5 tokens for Dutch prose: multilingual-e5-small reads 512),
except a figure with its table, which is never cut.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ingest.cleaning import Line

# (level, pattern, label builder). Lower level = higher in the hierarchy.
_HEADINGS: tuple[tuple[int, re.Pattern[str]], ...] = (
    (1, re.compile(r"^\s*(?P<label>\d{1,2})\s+(?P<title>[A-Z][^:|]{2,70})$")),
    (2, re.compile(r"^\s*(?P<label>\d{1,2}\.\d{1,2})\s+(?P<title>[A-Z][^:|]{2,70})$")),
    (3, re.compile(r"^\s*(?P<label>SD\s?\d{1,2})\s*(?P<title>)$")),
    (4, re.compile(r"^\s*(?P<label>OD\s?\d{1,2}\.\d{1,2})\b\s*(?P<title>.*)$")),
    (5, re.compile(r"^\s*(?P<label>(?:Project|Acties)\s+(?!status\b)(?P<title>\S.{1,90}))$")),
    (6, re.compile(r"^\s*(?P<label>Mijlpaal\s+\d{1,2})\b\s*(?P<title>.*)$")),
)
_MARKDOWN = re.compile(r"^(?P<hashes>#{1,6})\s+(?P<title>\S.*)$")
_FIGURE = re.compile(r"^\s*(?:Ξ\s*)?(?:figuur|figure|tabel|table)\s+\d+[.:]", re.IGNORECASE)
_NUMBERED = re.compile(r"^\s*(?P<n>\d{1,2})[.)]\s+\S")
_PQ_HEADER = re.compile(r"^\s*(title|thema|pdf link|thema link)\s*:", re.IGNORECASE)
_ANSWER = re.compile(r"^\s*ANTWOORD\s*$")


@dataclass
class Chunk:
    """One piece of a document ready to embed, with where it came from."""

    text: str
    section: str
    line_start: int
    line_end: int
    kind: str = "text"  # text | figure


@dataclass
class _Section:
    path: list[str]
    heading: str | None
    lines: list[Line] = field(default_factory=list)
    is_figure: bool = False


def _norm_label(label: str) -> str:
    label = re.sub(r"\s+", " ", label.strip())
    return re.sub(r"^(SD|OD)\s?", r"\1 ", label).replace("SD ", "SD")


def heading_of(text: str) -> tuple[int, str] | None:
    """The (level, label) of a heading line, or None."""
    md = _MARKDOWN.match(text)
    if md:
        return len(md.group("hashes")), md.group("title").strip()
    stripped = text.strip()
    if len(stripped) > 100 or stripped.endswith((".", ",", ";")) and not stripped.startswith(("OD", "Project", "Acties", "Mijlpaal")):
        return None
    for level, pattern in _HEADINGS:
        m = pattern.match(text)
        if m:
            label = m.group("label")
            if level in (1, 2):
                label = f"{label} {m.group('title').strip()}"
            return level, _norm_label(label)
    return None


def _looks_tabular(text: str) -> bool:
    return " | " in text or bool(re.fullmatch(r"[\w\s.,%()€/+-]*\d[\d\s.,%()€/+-]*", text.strip()))


def split_sections(lines: list[Line]) -> list[_Section]:
    """Split report-like text at its headings and figure captions."""
    sections: list[_Section] = [_Section(path=[], heading=None)]
    stack: list[tuple[int, str]] = []
    in_figure = False
    for line in lines:
        head = heading_of(line.text)
        if head is not None:
            level, label = head
            while stack and stack[-1][0] >= level:
                stack.pop()
            stack.append((level, label))
            sections.append(_Section(path=[lbl for _, lbl in stack], heading=line.text.strip(), lines=[line]))
            in_figure = False
            continue
        if _FIGURE.match(line.text):
            sections.append(_Section(path=[lbl for _, lbl in stack], heading=line.text.strip(),
                                     lines=[line], is_figure=True))
            in_figure = True
            continue
        if in_figure and line.text.strip() and not _looks_tabular(line.text) and len(line.text.strip()) > 60:
            # Prose after a table ends the figure.
            sections.append(_Section(path=[lbl for _, lbl in stack], heading=None))
            in_figure = False
        sections[-1].lines.append(line)
    return [s for s in sections if any(ln.text.strip() for ln in s.lines)]


def split_parliamentary_question(lines: list[Line]) -> list[_Section]:
    """Question part, then one section per numbered answer part."""
    body = [ln for ln in lines if not _PQ_HEADER.match(ln.text)]
    answer_at = next((i for i, ln in enumerate(body) if _ANSWER.match(ln.text)), None)
    if answer_at is None:
        # No ANTWOORD marker (scanned copies): the answer starts where the numbering restarts at 1.
        highest = 0
        for i, ln in enumerate(body):
            m = _NUMBERED.match(ln.text)
            if not m:
                continue
            n = int(m.group("n"))
            if n == 1 and highest >= 2:
                answer_at = i
                break
            highest = max(highest, n)
    if answer_at is None:
        return [_Section(path=["Vraag"], heading=None, lines=body)]
    sections = [_Section(path=["Vraag"], heading=None, lines=body[:answer_at])]
    current = _Section(path=["Antwoord"], heading=None)
    expected = 1
    for ln in body[answer_at:]:
        m = _NUMBERED.match(ln.text)
        if m and int(m.group("n")) == expected:
            carried: list[Line] = []
            if current.path == ["Antwoord"]:
                carried = current.lines  # "ANTWOORD op vraag nr. ..." opens the first answer part
            elif any(x.text.strip() for x in current.lines):
                sections.append(current)
            current = _Section(path=["Antwoord", str(expected)], heading=None, lines=carried)
            expected += 1
        current.lines.append(ln)
    sections.append(current)
    return [s for s in sections if any(x.text.strip() for x in s.lines)]


def _paragraphs(lines: list[Line]) -> list[list[Line]]:
    paras: list[list[Line]] = [[]]
    for ln in lines:
        if ln.text.strip():
            paras[-1].append(ln)
        elif paras[-1]:
            paras.append([])
    return [p for p in paras if p]


def _text(lines: list[Line]) -> str:
    return "\n".join(ln.text for ln in lines).strip()


def _pack(section: _Section, max_chars: int) -> list[Chunk]:
    """Pack a section's paragraphs into chunks of at most ``max_chars``, cutting at line ends."""
    label = " > ".join(section.path)
    if section.is_figure:
        return [Chunk(_text(section.lines), label, section.lines[0].number, section.lines[-1].number, "figure")]
    chunks: list[Chunk] = []
    current: list[Line] = []

    def flush() -> None:
        if current:
            text = _text(current)
            if chunks and section.heading and not text.startswith(section.heading):
                text = f"{section.heading}\n{text}"  # continuation keeps its heading for context
            chunks.append(Chunk(text, label, current[0].number, current[-1].number))
            current.clear()

    for para in _paragraphs(section.lines):
        for ln in para:
            if current and len(_text(current)) + len(ln.text) + 1 > max_chars:
                flush()
            current.append(ln)
        # Prefer to cut between paragraphs once a chunk is reasonably full.
        if len(_text(current)) > max_chars * 0.6:
            flush()
        elif current:
            current.append(Line(current[-1].number, ""))
    flush()
    return chunks


def _merge_small(chunks: list[Chunk], min_chars: int, max_chars: int, siblings: bool) -> list[Chunk]:
    """Merge a small chunk into the previous one of the same section (or a sibling section)."""
    merged: list[Chunk] = []
    for ch in chunks:
        prev = merged[-1] if merged else None
        small = min(len(ch.text), len(prev.text)) if prev else 0
        # A tiny tail may overflow the limit a little rather than stand alone.
        limit = max_chars * 1.15 if small < min_chars // 2 else max_chars
        if (
            prev is not None and ch.kind == prev.kind == "text"
            and small < min_chars
            and len(prev.text) + len(ch.text) + 2 <= limit
            and (prev.section == ch.section or siblings and _common_parent(prev.section, ch.section))
        ):
            prev.text = f"{prev.text}\n\n{ch.text}"
            prev.line_end = ch.line_end
            if prev.section != ch.section:
                prev.section = _merged_label(prev.section, ch.section)
            continue
        merged.append(Chunk(ch.text, ch.section, ch.line_start, ch.line_end, ch.kind))
    return merged


def _common_parent(a: str, b: str) -> bool:
    pa, pb = a.split(" > "), b.split(" > ")
    if len(pa) < 2 or len(pb) < 2:
        return False
    return pa[:-1] == pb[:-1] or pa == pb[: len(pa)] or pb == pa[: len(pb)]


def _merged_label(a: str, b: str) -> str:
    pa, pb = a.split(" > "), b.split(" > ")
    if pa[:-1] == pb[:-1] and len(pa) == len(pb):
        first = pa[-1].split(" – ")[0]
        return " > ".join(pa[:-1] + [f"{first} – {pb[-1]}"])
    return a if len(pa) <= len(pb) else b


def chunk_document(lines: list[Line], doc_type: str, max_chars: int = 1400, min_chars: int = 200) -> list[Chunk]:
    """Chunks for one cleaned document, following its structure."""
    if doc_type == "parliamentary_question":
        sections = split_parliamentary_question(lines)
    else:
        sections = split_sections(lines)
    chunks = [c for s in sections for c in _pack(s, max_chars)]
    chunks = _merge_small(chunks, min_chars, max_chars, siblings=doc_type != "parliamentary_question")
    for ch in chunks:
        ch.section = _short_path(ch.section)
    # A heading followed directly by a sub-heading yields a chunk with no body: it says nothing the
    # next chunk's section path does not.
    return [c for c in chunks if c.text.strip() and not (len(c.text) < 80 and heading_of(c.text.strip()))]


def _short_path(path: str) -> str:
    """Start the path at the strategic goal (SD) when there is one: chapter numbers add nothing there."""
    parts = path.split(" > ") if path else []
    for i, part in enumerate(parts):
        if re.match(r"SD\d", part):
            return " > ".join(parts[i:])
    return path
