"""Loaders: bytes on disk to ``LoadedDocument``; anything unusable raises ``LoadError`` with a reason."""

from __future__ import annotations

import io
import re
from pathlib import Path

from ingest.documents import LoadedDocument, read_meta

PUBLICATION_TYPES = (".txt", ".md", ".html", ".htm", ".pdf", ".docx")
FAQ_TYPES = (".yaml", ".yml")
SUPPORTED = PUBLICATION_TYPES + FAQ_TYPES


class LoadError(ValueError):
    """A file that cannot be indexed; ``str(err)`` is the line for the report."""


def supported_message(path: Path) -> str:
    """The refusal for an unsupported file type."""
    return (
        f"unsupported file type {path.suffix or '(none)'!r} for {path.name}; supported: "
        f"{', '.join(PUBLICATION_TYPES)} and FAQ entries (.yaml in faq/)"
    )


def _decode(data: bytes, path: Path) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise LoadError(
            f"{path.name} is not UTF-8 text (invalid byte 0x{data[exc.start]:02x} at offset {exc.start}); "
            "save it as UTF-8 and ingest again"
        ) from None


def _first_line_title(text: str, path: Path) -> str:
    for line in text.splitlines():
        line = line.strip().lstrip("#").strip()
        if len(line) > 3:
            return line[:160]
    return path.stem


def load_text(path: Path, data: bytes) -> LoadedDocument:
    """Plain text and Markdown."""
    text = _decode(data, path)
    if not text.strip():
        raise LoadError(f"{path.name} has no text")
    return LoadedDocument(path=path, meta=read_meta(path, _first_line_title(text, path)), text=text)


def load_html(path: Path, data: bytes) -> LoadedDocument:
    """HTML: main text with headings kept as Markdown ``#`` lines so chunking sees the structure."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(data, "lxml")
    for tag in soup(["script", "style", "nav", "footer", "header", "noscript", "form"]):
        tag.decompose()
    title = soup.title.get_text(" ", strip=True) if soup.title else ""
    root = soup.find("main") or soup.find("article") or soup.body or soup
    lines: list[str] = []
    for el in root.find_all(["h1", "h2", "h3", "h4", "p", "li", "tr", "caption", "pre"]):
        if el.find_parent(["p", "li", "tr"]) is not None and el.name != "tr":
            continue
        if el.name == "tr":
            cells = [c.get_text(" ", strip=True) for c in el.find_all(["td", "th"])]
            text = " | ".join(c for c in cells if c)
        else:
            text = el.get_text(" ", strip=True)
        if not text:
            continue
        if el.name in ("h1", "h2", "h3", "h4"):
            lines += ["", "#" * int(el.name[1]) + " " + text, ""]
        elif el.name == "li":
            lines.append(f"- {text}")
        else:
            lines += [text, ""]
    body = "\n".join(lines).strip()
    if not body:
        raise LoadError(f"{path.name} contains no readable text")
    return LoadedDocument(path=path, meta=read_meta(path, title or _first_line_title(body, path)), text=body)


def load_pdf(path: Path, data: bytes) -> LoadedDocument:
    """PDF via pypdf; encrypted files open only with an empty password."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise LoadError(f"{path.name} is an encrypted PDF; ingest an unencrypted copy")
        pages = [page.extract_text() or "" for page in reader.pages]
    except LoadError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise LoadError(f"{path.name} is not a readable PDF ({type(exc).__name__}: {exc})") from None
    except Exception as exc:  # pypdf raises many kinds on damaged files
        if "encrypt" in str(exc).lower() or "decrypt" in str(exc).lower():
            raise LoadError(f"{path.name} is an encrypted PDF; ingest an unencrypted copy") from None
        raise LoadError(f"{path.name} is not a readable PDF ({type(exc).__name__}: {exc})") from None
    if not any(p.strip() for p in pages):
        raise LoadError(f"{path.name} has no extractable text (a scanned image?); run OCR first")
    page_starts: list[int] = []
    lines: list[str] = []
    for page in pages:
        page_starts.append(len(lines) + 1)
        lines.extend(page.splitlines())
        lines.append("")
    text = "\n".join(lines)
    meta_title = reader.metadata.title if reader.metadata and reader.metadata.title else None
    meta = read_meta(path, meta_title or _first_line_title(text, path))
    return LoadedDocument(path=path, meta=meta, text=text, page_starts=page_starts)


def load_docx(path: Path, data: bytes) -> LoadedDocument:
    """Word documents via python-docx; heading styles become ``#`` lines, tables rows ``a | b``."""
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, ValueError, KeyError, OSError) as exc:
        raise LoadError(f"{path.name} is not a readable .docx file ({type(exc).__name__})") from None
    except Exception as exc:  # zipfile.BadZipFile and friends
        raise LoadError(f"{path.name} is not a readable .docx file ({type(exc).__name__})") from None
    lines: list[str] = []
    for para in document.paragraphs:
        text = para.text.strip()
        if not text:
            continue
        style = (para.style.name if para.style is not None else "") or ""
        level = re.match(r"Heading (\d)", style)
        if level or style == "Title":
            lines += ["", "#" * (int(level.group(1)) if level else 1) + " " + text, ""]
        else:
            lines += [text, ""]
    for table in document.tables:
        lines.append("")
        for row in table.rows:
            lines.append(" | ".join(cell.text.strip() for cell in row.cells))
        lines.append("")
    text = "\n".join(lines).strip()
    if not text:
        raise LoadError(f"{path.name} has no text")
    title = document.core_properties.title or _first_line_title(text, path)
    return LoadedDocument(path=path, meta=read_meta(path, title), text=text)


def load_file(path: Path, max_bytes: int) -> LoadedDocument:
    """Load one publication file; raises ``LoadError`` with the reason to report."""
    suffix = path.suffix.lower()
    if suffix not in PUBLICATION_TYPES:
        raise LoadError(supported_message(path))
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise LoadError(
                f"{path.name} is {size / 1e6:.1f} MB, over the limit of {max_bytes / 1e6:.1f} MB "
                "(WEGWIJS_MAX_FILE_MB)"
            )
        data = path.read_bytes()
    except FileNotFoundError:
        raise LoadError(f"{path.name} disappeared before it could be read") from None
    except PermissionError:
        raise LoadError(f"{path.name} cannot be read (permission denied)") from None
    if not data.strip():
        raise LoadError(f"{path.name} is empty")
    if suffix in (".txt", ".md"):
        return load_text(path, data)
    if suffix in (".html", ".htm"):
        return load_html(path, data)
    if suffix == ".pdf":
        return load_pdf(path, data)
    return load_docx(path, data)
