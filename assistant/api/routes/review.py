"""Staff: translation review of the curated FAQ (draft or reviewed per language), written back to the YAML."""

from __future__ import annotations

import os
import re
import threading
from pathlib import Path
from typing import Any, Literal

import yaml
from fastapi import APIRouter
from pydantic import BaseModel

from assistant.api.deps import Staff, State
from assistant.api.errors import ProblemError
from assistant.content import review_status
from assistant.settings import LANGUAGES
from ingest.faq import FaqEntry, read_faq
from ingest.loaders import LoadError

router = APIRouter(prefix="/v1/kb", tags=["staff"], dependencies=[Staff])
_write_lock = threading.Lock()
FAQ_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")


class ReviewIn(BaseModel):
    """The new review status of one language of a FAQ entry."""

    status: Literal["draft", "reviewed"]


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def set_faq_status(path: Path, lang: str, status: str) -> None:
    """Set ``translations.<lang>.status`` in a FAQ file, keeping the rest of the file as written.

    The edited text is validated as a FAQ entry before it replaces the file (atomically)."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    start = next((i for i, line in enumerate(lines) if line.rstrip() == "translations:"), None)
    if start is None:
        raise ValueError(f"{path.name} has no block-style 'translations:' section")
    key = re.compile(rf"^(\s+){re.escape(lang)}:\s*(#.*)?$")
    at = None
    for i in range(start + 1, len(lines)):
        if lines[i].strip() and _indent(lines[i]) == 0:
            break
        if key.match(lines[i]):
            at = i
            break
    if at is None:
        raise ValueError(f"{path.name} has no '{lang}' translation")
    own, child, status_line = _indent(lines[at]), None, None
    for j in range(at + 1, len(lines)):
        line = lines[j]
        if not line.strip():
            continue
        if _indent(line) <= own:
            break
        child = child if child is not None else _indent(line)
        if _indent(line) == child and line.lstrip().startswith("status:"):
            status_line = j
    new_line = " " * (child if child is not None else own + 2) + f"status: {status}\n"
    if status_line is None:
        lines.insert(at + 1, new_line)
    else:
        lines[status_line] = new_line
    text = "".join(lines)
    entry = FaqEntry.model_validate(yaml.safe_load(text))
    if entry.translations[lang].status != status:
        raise ValueError(f"{path.name}: the status of '{lang}' could not be set")
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def _faq_path(state: State, faq_id: str) -> Path:
    path = state.settings.knowledge_base_dir / "faq" / f"{faq_id}.yaml"
    if not FAQ_ID.match(faq_id) or not path.is_file():
        raise ProblemError(404, "Unknown FAQ entry", f"There is no FAQ entry '{faq_id[:80]}'.")
    return path


@router.get("/review")
def review(state: State) -> dict:
    """Draft and reviewed counts per content type and language, each FAQ entry's status, and broken files."""
    kb = state.settings.knowledge_base_dir
    problems: list[str] = []
    summary = {kind: {lang: {"draft": c.get("draft", 0), "reviewed": c.get("reviewed", 0)}
                      for lang, c in langs.items()} for kind, langs in review_status(kb, problems).items()}
    faq: list[dict[str, Any]] = []
    for path in sorted((kb / "faq").glob("*.yaml")):
        try:
            entry = read_faq(path)
        except LoadError as exc:
            faq.append({"id": path.stem, "route": None, "status": {}, "error": str(exc)})
            continue
        faq.append({"id": entry.id, "route": entry.route,
                    "status": {lang: tr.status for lang, tr in entry.translations.items()},
                    "missing": entry.missing_languages()})
    return {"summary": summary, "faq": faq, "problems": problems}


@router.get("/faq/{faq_id}")
def faq_entry(faq_id: str, state: State) -> dict:
    """One FAQ entry with its questions, answer and status in every language it has."""
    try:
        entry = read_faq(_faq_path(state, faq_id))
    except LoadError as exc:
        raise ProblemError(422, "Invalid FAQ entry", str(exc)) from None
    return {"id": entry.id, "route": entry.route, "topics": entry.topics,
            "translations": {lang: {"status": tr.status, "questions": tr.questions, "answer": tr.answer}
                             for lang, tr in entry.translations.items()}}


@router.put("/faq/{faq_id}/review/{lang}")
def set_review(faq_id: str, lang: str, body: ReviewIn, state: State) -> dict:
    """Mark one language of a FAQ entry as reviewed (or back to draft); a re-index brings it into the index."""
    if lang not in LANGUAGES:
        raise ProblemError(422, "Unknown language", f"Use one of: {', '.join(LANGUAGES)}.")
    path = _faq_path(state, faq_id)
    with _write_lock:
        try:
            set_faq_status(path, lang, body.status)
        except (ValueError, LoadError) as exc:
            raise ProblemError(409, "Status not changed", str(exc).splitlines()[0]) from None
    return {"id": faq_id, "language": lang, "status": body.status,
            "note": "Saved in the knowledge base; re-index to bring the new status into the index."}
