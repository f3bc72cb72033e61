"""What the API process holds: the assistant, the index it writes, storage, jobs and the rate limiter."""

from __future__ import annotations

import threading
import time
from collections import defaultdict, deque
from dataclasses import dataclass

from assistant.api.jobs import JobRunner
from assistant.api.storage import Storage
from assistant.service import AssistantService
from assistant.settings import Settings
from ingest.pipeline import KnowledgeIndex


class RateLimiter:
    """Sliding one-minute window per client key."""

    def __init__(self, per_minute: int) -> None:
        self.per_minute = per_minute
        self._hits: dict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def check(self, key: str) -> float | None:
        """None when allowed; otherwise the seconds to wait."""
        if self.per_minute <= 0:
            return None
        now = time.monotonic()
        with self._lock:
            window = self._hits[key]
            while window and now - window[0] > 60:
                window.popleft()
            if len(window) >= self.per_minute:
                return max(0.0, 60 - (now - window[0]))
            window.append(now)
            return None


@dataclass
class AppState:
    """Everything the routes need, built once per process."""

    settings: Settings
    service: AssistantService
    index: KnowledgeIndex
    storage: Storage
    jobs: JobRunner
    limiter: RateLimiter

    @classmethod
    def build(cls, settings: Settings) -> AppState:
        """Open the index, load the model and the curated content, connect storage."""
        settings.ensure_dirs()
        settings.uploads_dir.mkdir(parents=True, exist_ok=True)
        service = AssistantService(settings)
        index = KnowledgeIndex.open(settings, store=service.store)
        return cls(settings, service, index, Storage(settings.storage_url), JobRunner(),
                   RateLimiter(settings.rate_limit_per_minute))
