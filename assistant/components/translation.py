"""Machine translation for the long tail: a small ``Translator`` contract, its argostranslate
implementation, a deterministic fake, and ``SafeTranslator`` which adds term protection, a cache
(memory and disk, keyed by package version) and a time limit, and never raises to its caller.
"""

from __future__ import annotations

import concurrent.futures
import hashlib
import logging
import sqlite3
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, runtime_checkable

from assistant.components.argos import ArgosEngine, PackageStore
from assistant.components.protected_text import ProtectedTermError, protect
from assistant.settings import Settings

log = logging.getLogger(__name__)


class TranslationError(Exception):
    """A translation could not be made; the message says why."""


class MissingPairError(TranslationError):
    """No installed package (direct or through English) covers this pair."""


class TranslationTimeout(TranslationError):
    """The translation took longer than the time limit."""


@runtime_checkable
class Translator(Protocol):
    """Translates text between ISO 639-1 languages."""

    def version(self, source: str, target: str) -> str | None:
        """An id of what would translate source→target (packages and versions); None if unavailable."""
        ...

    def translate(self, text: str, source: str, target: str) -> str:
        """The translation; raises ``TranslationError`` (``MissingPairError`` for an unknown pair)."""
        ...


class ArgosTranslator:
    """Installed argostranslate packages, direct or chained through English."""

    def __init__(self, store: PackageStore, threads: int = 1) -> None:
        self.store = store
        self.engine = ArgosEngine(store, threads)

    def version(self, source: str, target: str) -> str | None:
        """``argos:nl→en 1.9+en→ar 1.0`` for the chain in use, or None."""
        path = self.store.path_for(source, target)
        return "argos:" + "+".join(p.label for p in path) if path else None

    def translate(self, text: str, source: str, target: str) -> str:
        """Translate through the installed chain."""
        path = self.store.path_for(source, target)
        if path is None:
            raise MissingPairError(f"no translation package for {source}→{target} (direct or through en)")
        for pkg in path:
            try:
                text = self.engine.run(pkg, text)
            except Exception as exc:  # noqa: BLE001 - CTranslate2/sentencepiece errors vary
                raise TranslationError(f"package {pkg.label} failed: {exc}") from exc
        return text


class FakeTranslator:
    """Deterministic stand-in for tests: reverses the word order, so results can be checked exactly.

    ``pairs`` limits what it can do; ``delay_s`` simulates a slow model; ``drop_placeholders`` a model
    that loses protected terms.
    """

    def __init__(self, pairs: set[tuple[str, str]] | None = None, delay_s: float = 0.0,
                 drop_placeholders: bool = False) -> None:
        self.pairs = pairs
        self.delay_s = delay_s
        self.drop_placeholders = drop_placeholders
        self.calls = 0

    def version(self, source: str, target: str) -> str | None:
        """``fake-1`` for every allowed pair."""
        return "fake-1" if self.pairs is None or (source, target) in self.pairs else None

    def translate(self, text: str, source: str, target: str) -> str:
        """Reverse the words of each line, tagged with the target language."""
        if self.version(source, target) is None:
            raise MissingPairError(f"fake translator has no {source}→{target}")
        self.calls += 1
        if self.delay_s:
            time.sleep(self.delay_s)
        lines = []
        for line in text.split("\n"):
            words = [w for w in line.split() if not (self.drop_placeholders and w.startswith("⟦"))]
            lines.append(" ".join(reversed(words)))
        return f"[{target}] " + "\n".join(lines)


@dataclass(frozen=True)
class Translated:
    """Outcome of a guarded translation: the text, or the original and the reason it was kept."""

    text: str
    machine_translated: bool
    reason: str | None = None
    cached: bool = False


class TranslationCache:
    """Translations in memory (LRU) and in SQLite on disk; keys include the package versions."""

    def __init__(self, path: Path | None, size: int = 4096) -> None:
        self.memory: OrderedDict[str, str] = OrderedDict()
        self.size = size
        self.path = path
        self._lock = threading.Lock()
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            with sqlite3.connect(path) as db:
                db.execute("CREATE TABLE IF NOT EXISTS translations (key TEXT PRIMARY KEY, text TEXT NOT NULL)")

    @staticmethod
    def key(version: str, source: str, target: str, text: str) -> str:
        """Stable key of one translation request."""
        return hashlib.sha256(f"{version}\x1f{source}\x1f{target}\x1f{text}".encode()).hexdigest()

    def get(self, key: str) -> str | None:
        """A cached translation, or None."""
        with self._lock:
            if key in self.memory:
                self.memory.move_to_end(key)
                return self.memory[key]
        if self.path is None:
            return None
        with sqlite3.connect(self.path) as db:
            row = db.execute("SELECT text FROM translations WHERE key = ?", (key,)).fetchone()
        if row:
            self._remember(key, row[0])
            return str(row[0])
        return None

    def put(self, key: str, text: str) -> None:
        """Store a translation."""
        self._remember(key, text)
        if self.path is not None:
            with sqlite3.connect(self.path) as db:
                db.execute("INSERT OR REPLACE INTO translations VALUES (?, ?)", (key, text))

    def _remember(self, key: str, text: str) -> None:
        with self._lock:
            self.memory[key] = text
            self.memory.move_to_end(key)
            while len(self.memory) > self.size:
                self.memory.popitem(last=False)


class SafeTranslator:
    """Protects terms, caches, enforces the time limit; ``translate`` never raises."""

    def __init__(self, inner: Translator, terms: list[str] | tuple[str, ...] = (),
                 cache: TranslationCache | None = None, timeout_s: float = 15.0) -> None:
        self.inner = inner
        self.terms = tuple(terms)
        self.cache = cache or TranslationCache(None)
        self.timeout_s = timeout_s
        # Two workers: a call that timed out keeps one busy until it finishes (CTranslate2 can't be
        # interrupted), the other still serves.
        self._pool = concurrent.futures.ThreadPoolExecutor(max_workers=2, thread_name_prefix="translate")

    def available(self, source: str, target: str) -> bool:
        """Whether source→target can be translated now."""
        return source == target or self.inner.version(source, target) is not None

    def translate(self, text: str, source: str, target: str) -> Translated:
        """The translation, or the original text with the reason (missing pair, timeout, lost term)."""
        if source == target or not text.strip():
            return Translated(text, False)
        version = self.inner.version(source, target)
        if version is None:
            return Translated(text, False, f"no translation package for {source}→{target}")
        protected = protect(text, self.terms)
        # The raw model output of the placeholder text is cached, so a repeat is fast whether the
        # restore check then passes or not; the check itself runs every time.
        key = TranslationCache.key(version, source, target, protected.text)
        raw = self.cache.get(key)
        cached = raw is not None
        try:
            if raw is None:
                raw = self._pool.submit(self.inner.translate, protected.text, source, target).result(
                    timeout=self.timeout_s)
                self.cache.put(key, raw)
            result = protected.restore(raw)
        except concurrent.futures.TimeoutError:
            log.warning("translation %s→%s timed out after %.1f s", source, target, self.timeout_s)
            return Translated(text, False, f"translation timed out after {self.timeout_s:g} s")
        except ProtectedTermError as exc:
            log.warning("translation %s→%s rejected: %s", source, target, exc)
            return Translated(text, False, str(exc), cached=cached)
        except TranslationError as exc:
            return Translated(text, False, str(exc))
        except Exception as exc:  # noqa: BLE001 - a broken package must not break an answer
            log.exception("translation %s→%s failed", source, target)
            return Translated(text, False, f"translation failed: {exc}")
        return Translated(result, True, cached=cached)


def protected_terms(knowledge_base: Path) -> list[str]:
    """Glossary terms and organisation names: kept in Dutch in every language."""
    from assistant.content import load_glossary, load_routes

    terms = [t.term for t in load_glossary(knowledge_base).terms]
    try:
        terms += [org.name for org in load_routes(knowledge_base).organisations]
    except (OSError, ValueError, AttributeError):
        log.warning("route organisations not loaded for term protection")
    return terms


def build_translator(settings: Settings) -> SafeTranslator | None:
    """The translator the settings ask for; None when translation is switched off."""
    if settings.translation_mode == "none":
        return None
    inner: Translator
    if settings.translation_mode == "fake":
        inner = FakeTranslator()
    else:
        inner = ArgosTranslator(PackageStore(settings.packages_dir, settings.translation_index_url),
                                settings.translation_threads)
    cache = TranslationCache(settings.data_dir / "cache" / "translations.sqlite")
    return SafeTranslator(inner, protected_terms(settings.knowledge_base_dir), cache, settings.translation_timeout_s)
