"""Typed records that flow through ingestion: provenance, loaded documents, the closing report."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, field_validator

DocType = Literal["parliamentary_question", "annual_report", "brochure", "faq_page", "faq", "other"]


class DocumentMeta(BaseModel):
    """Provenance of one document (the ``<id>.meta.yaml`` sidecar)."""

    model_config = ConfigDict(extra="allow")

    id: str
    title: str
    theme: str | None = None
    date: dt.date | None = None
    doc_type: DocType = "other"
    reference: str | None = None
    source_url: str | None = None
    theme_url: str | None = None
    language: str = "nl"

    @field_validator("id")
    @classmethod
    def _slug(cls, value: str) -> str:
        if not re.fullmatch(r"[a-z0-9][a-z0-9._-]*", value):
            raise ValueError(f"document id {value!r} must be lower-case letters, digits, '.', '_' or '-'")
        return value


def slugify(name: str) -> str:
    """A document id from a file name: lower case, ASCII-ish, dashes."""
    slug = re.sub(r"[^a-z0-9._-]+", "-", name.lower()).strip("-.")
    return slug or "document"


def sidecar_path(path: Path) -> Path:
    """Where the metadata of ``path`` lives: ``<stem>.meta.yaml`` beside it."""
    return path.with_name(f"{path.stem}.meta.yaml")


def is_sidecar(path: Path) -> bool:
    """True for a ``.meta.yaml`` file (metadata of another file, not a document)."""
    return path.name.endswith(".meta.yaml")


def read_meta(path: Path, fallback_title: str) -> DocumentMeta:
    """Metadata from the sidecar of ``path``, or defaults derived from the file."""
    side = sidecar_path(path)
    if side.exists():
        data = yaml.safe_load(side.read_text(encoding="utf-8")) or {}
        data.setdefault("id", slugify(path.stem))
        data.setdefault("title", fallback_title)
        return DocumentMeta.model_validate(data)
    return DocumentMeta(id=slugify(path.stem), title=fallback_title)


@dataclass
class LoadedDocument:
    """A document as loaded from disk, before cleaning and chunking."""

    path: Path
    meta: DocumentMeta
    text: str
    kind: Literal["publication", "faq"] = "publication"
    # For paginated sources (PDF): the first line number of each page, in order.
    page_starts: list[int] = field(default_factory=list)


@dataclass
class IngestReport:
    """What one ingestion run did; printed at the end of ``wegwijs ingest``."""

    seen: int = 0
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    chunks_total: int = 0
    chunks_written: int = 0
    chunks_deleted: int = 0
    seconds: float = 0.0
    dry_run: bool = False

    def skip(self, name: str, reason: str) -> None:
        """Record a file that was not indexed, and why."""
        self.skipped.append((name, reason))

    def summary_lines(self) -> list[str]:
        """Human-readable report lines."""
        verb = "would be" if self.dry_run else ""
        lines = [
            f"documents seen: {self.seen}",
            f"added {verb}: {len(self.added)}".replace("  ", " "),
            f"updated {verb}: {len(self.updated)}".replace("  ", " "),
            f"unchanged: {len(self.unchanged)}",
            f"deleted {verb}: {len(self.deleted)}".replace("  ", " "),
            f"skipped: {len(self.skipped)}",
        ]
        lines += [f"  - {name}: {reason}" for name, reason in self.skipped]
        lines += [
            f"chunks in these documents: {self.chunks_total} "
            f"(written {self.chunks_written}, deleted {self.chunks_deleted})",
            f"seconds: {self.seconds:.1f}",
        ]
        return lines
