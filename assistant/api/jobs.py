"""Ingestion jobs run in the background, one at a time: the API is the only writer of the index."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from ingest.documents import IngestReport

JobState = Literal["queued", "running", "done", "failed"]


@dataclass
class Job:
    """One ingestion job and what came of it."""

    id: str
    description: str
    state: JobState = "queued"
    created_at: float = field(default_factory=time.time)
    finished_at: float | None = None
    report: dict | None = None
    error: str | None = None
    current_file: str | None = None


class JobRunner:
    """A single worker thread; jobs queue behind each other."""

    def __init__(self) -> None:
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()
        self._write_lock = threading.Lock()

    def submit(self, description: str, work: Callable[[Job], IngestReport]) -> Job:
        """Queue ``work`` and return its job at once."""
        job = Job(id=str(uuid.uuid4()), description=description)
        with self._lock:
            self._jobs[job.id] = job
        threading.Thread(target=self._run, args=(job, work), daemon=True, name=f"ingest-{job.id[:8]}").start()
        return job

    def _run(self, job: Job, work: Callable[[Job], IngestReport]) -> None:
        with self._write_lock:
            job.state = "running"
            try:
                report = work(job)
                job.report = {
                    "seen": report.seen, "added": report.added, "updated": report.updated,
                    "unchanged": len(report.unchanged), "deleted": report.deleted,
                    "skipped": [{"file": f, "reason": r} for f, r in report.skipped],
                    "chunks_written": report.chunks_written, "chunks_deleted": report.chunks_deleted,
                    "seconds": round(report.seconds, 2),
                }
                job.state = "done"
            except Exception as exc:  # reported on the job; the index keeps what it had
                job.error = f"{type(exc).__name__}: {exc}"
                job.state = "failed"
            finally:
                job.finished_at = time.time()

    def run_exclusive(self, work: Callable[[], object]) -> object:
        """Run a short write (a delete) while no ingestion job is writing."""
        with self._write_lock:
            return work()

    def get(self, job_id: str) -> Job | None:
        """A job by id."""
        return self._jobs.get(job_id)

    def wait(self, job_id: str, timeout: float = 600) -> Job | None:
        """Block until the job has finished (tests, CLI)."""
        deadline = time.monotonic() + timeout
        job = self.get(job_id)
        while job is not None and job.state in ("queued", "running") and time.monotonic() < deadline:
            time.sleep(0.05)
        return job
