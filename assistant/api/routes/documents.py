"""Staff: documents (upload, replace, delete, chunks), ingestion jobs, index statistics."""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from pathlib import Path
from typing import Annotated

import yaml
from fastapi import APIRouter, File, Form, UploadFile
from fastapi.responses import JSONResponse

from assistant.api.deps import Staff, State
from assistant.api.errors import ProblemError
from assistant.components.keyword_index import bump_generation
from ingest.documents import is_sidecar, slugify
from ingest.loaders import PUBLICATION_TYPES, LoadError
from ingest.pipeline import build_chunks, default_paths, ingest
from ingest.stats import index_stats

router = APIRouter(prefix="/v1", tags=["staff"], dependencies=[Staff])


def _job_body(job) -> dict:
    return {"id": job.id, "description": job.description, "state": job.state, "report": job.report,
            "error": job.error, "current_file": job.current_file, "status_url": f"/v1/jobs/{job.id}"}


def _submit_ingest(state: State, description: str, paths: list[Path]):
    def work(job):
        report = ingest(state.settings, paths, progress=False, kindex=state.index,
                        on_file=lambda p: setattr(job, "current_file", p.name))
        state.service.keywords.refresh(force=True)  # this process sees its own writes at once
        return report
    return state.jobs.submit(description, work)


async def _save_validated(state: State, upload: UploadFile, doc_id: str | None, title: str | None,
                          doc_type: str, date: dt.date | None, source_url: str | None) -> tuple[str, Path]:
    """Check an upload fully (type, size, loadable) before anything in the index is touched."""
    name = Path(upload.filename or "").name
    suffix = Path(name).suffix.lower()
    if suffix not in PUBLICATION_TYPES:
        raise ProblemError(415, "Unsupported file type",
                           f"{name or 'The file'} is not one of: {', '.join(PUBLICATION_TYPES)}.")
    limit = int(state.settings.max_file_mb * 1e6)
    data = await upload.read(limit + 1)
    if len(data) > limit:
        raise ProblemError(413, "File too large", f"{name} is over the limit of {state.settings.max_file_mb} MB.")
    doc_id = slugify(doc_id or Path(name).stem)
    meta = {"id": doc_id, "title": title or Path(name).stem, "doc_type": doc_type, "language": "nl",
            "date": date.isoformat() if date else None, "source_url": source_url}
    with tempfile.TemporaryDirectory() as tmp:
        candidate = Path(tmp) / f"{doc_id}{suffix}"
        candidate.write_bytes(data)
        (Path(tmp) / f"{doc_id}.meta.yaml").write_text(yaml.safe_dump(meta, allow_unicode=True), encoding="utf-8")
        try:
            _, chunks = build_chunks(candidate, state.settings)
        except LoadError as exc:
            raise ProblemError(422, "Document cannot be indexed", str(exc)) from None
        except ValueError as exc:
            raise ProblemError(422, "Invalid document metadata", str(exc).splitlines()[0]) from None
        if not chunks:
            raise ProblemError(422, "Document cannot be indexed", f"{name} has no text to index.")
        target = state.settings.uploads_dir / candidate.name
        for old in state.settings.uploads_dir.glob(f"{doc_id}.*"):
            old.unlink()
        shutil.copy(candidate, target)
        shutil.copy(Path(tmp) / f"{doc_id}.meta.yaml", state.settings.uploads_dir / f"{doc_id}.meta.yaml")
    return doc_id, target


@router.get("/documents")
def list_documents(state: State) -> list[dict]:
    """Every indexed document with its kind, title, chunks and when it was indexed."""
    rows = state.index.manifest.all()
    uploads = str(state.settings.uploads_dir.resolve())
    return [{"id": r["doc_id"], "title": r["title"], "kind": r["kind"], "chunks": r["chunks"],
             "uploaded": r["path"].startswith(uploads),
             "indexed_at": dt.datetime.fromtimestamp(r["indexed_at"], dt.UTC).isoformat()}
            for r in sorted(rows.values(), key=lambda r: r["doc_id"])]


@router.get("/documents/{doc_id}/chunks")
def document_chunks(doc_id: str, state: State) -> list[dict]:
    """The chunks of one document, in order."""
    docs = state.service.store.get(where={"doc_id": doc_id})
    if not docs:
        raise ProblemError(404, "Unknown document", f"No indexed document has id '{doc_id}'.")
    docs.sort(key=lambda d: (d.metadata.get("chunk_index", 0)))
    return [{"id": d.id, "text": d.page_content, **{k: v for k, v in d.metadata.items() if k != "original_text"}}
            for d in docs]


Upload = Annotated[UploadFile, File(description="txt, md, html, pdf or docx")]


@router.post("/documents", status_code=202)
async def upload_document(state: State, file: Upload, title: Annotated[str | None, Form()] = None,
                          doc_type: Annotated[str, Form()] = "other", date: Annotated[dt.date | None, Form()] = None,
                          source_url: Annotated[str | None, Form()] = None,
                          doc_id: Annotated[str | None, Form()] = None) -> JSONResponse:
    """Upload a document: validated now, indexed incrementally by a background job."""
    wanted = slugify(doc_id or Path(file.filename or "document").stem)
    if wanted in state.index.manifest.all():
        raise ProblemError(409, "Document exists", f"'{wanted}' is already indexed; replace it with PUT.")
    new_id, _ = await _save_validated(state, file, wanted, title, doc_type, date, source_url)
    job = _submit_ingest(state, f"upload {new_id}", [state.settings.uploads_dir])
    return JSONResponse({"doc_id": new_id, "job": _job_body(job)}, status_code=202)


@router.put("/documents/{doc_id}", status_code=202)
async def replace_document(doc_id: str, state: State, file: Upload, title: Annotated[str | None, Form()] = None,
                           doc_type: Annotated[str, Form()] = "other",
                           date: Annotated[dt.date | None, Form()] = None,
                           source_url: Annotated[str | None, Form()] = None) -> JSONResponse:
    """Replace an uploaded document; only its own chunks change."""
    row = state.index.manifest.all().get(doc_id)
    if row is None or not row["path"].startswith(str(state.settings.uploads_dir.resolve())):
        raise ProblemError(404, "Unknown document", f"'{doc_id}' is not an uploaded document.")
    await _save_validated(state, file, doc_id, title, doc_type, date, source_url)
    job = _submit_ingest(state, f"replace {doc_id}", [state.settings.uploads_dir])
    return JSONResponse({"doc_id": doc_id, "job": _job_body(job)}, status_code=202)


@router.delete("/documents/{doc_id}")
def delete_document(doc_id: str, state: State) -> dict:
    """Delete a document's chunks (and the file when it was uploaded)."""
    row = state.index.manifest.all().get(doc_id)
    if row is None:
        raise ProblemError(404, "Unknown document", f"No indexed document has id '{doc_id}'.")
    path = Path(row["path"])

    def work() -> int:
        removed = state.index.delete_document(doc_id)
        if state.settings.uploads_dir.resolve() in path.parents:
            for f in state.settings.uploads_dir.glob(f"{path.stem}.*"):
                if f == path or is_sidecar(f):
                    f.unlink(missing_ok=True)
        bump_generation(state.settings.data_dir)
        state.service.keywords.refresh(force=True)
        return removed

    removed = state.jobs.run_exclusive(work)
    note = None if state.settings.uploads_dir.resolve() in path.parents else (
        "This document belongs to the bundled knowledge base; remove its file there too, or the next "
        "full ingest adds it again.")
    return {"deleted": doc_id, "chunks_removed": removed, "note": note}


@router.post("/index/reindex", status_code=202)
def reindex(state: State) -> JSONResponse:
    """Re-index the bundled knowledge base and the uploads incrementally (a background job)."""
    paths = [*default_paths(state.settings), state.settings.uploads_dir]
    return JSONResponse({"job": _job_body(_submit_ingest(state, "reindex", paths))}, status_code=202)


@router.get("/jobs/{job_id}")
def job_status(job_id: str, state: State) -> dict:
    """Status and report of an ingestion job."""
    job = state.jobs.get(job_id)
    if job is None:
        raise ProblemError(404, "Unknown job", f"No job has id '{job_id}'.")
    return _job_body(job)


@router.get("/index/stats")
def stats(state: State) -> dict:
    """Chunks, documents, store and size of the index."""
    return index_stats(state.settings, state.index)
