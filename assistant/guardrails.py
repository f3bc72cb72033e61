"""What the assistant must not answer: off-topic questions, requests for other people's personal data,
and attempts to change its instructions.

Two signals: nearest-neighbour similarity to curated out-of-scope examples in 17 languages
(``knowledge_base/out_of_scope.yaml``), compared with the similarity to the curated FAQ phrasings;
and a few explicit patterns for instruction attacks, which are short and formulaic in any language.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml
from langchain_core.embeddings import Embeddings

from assistant.components.embedding import embedding_name, save_cached_array

_INSTRUCTION_PATTERNS = re.compile(
    r"(ignore|disregard|forget)\s+(all\s+|any\s+|your\s+|the\s+|previous\s+|prior\s+|above\s+)*(instructions|rules|prompt)"
    r"|system\s*prompt|jailbreak|you\s+are\s+now\s+(a|an|my)\b|pretend\s+(you|to\s+be)"
    r"|negeer\s+(alle\s+|je\s+|de\s+|vorige\s+)*(instructies|regels)|systeemprompt"
    r"|ignore[rz]?\s+(toutes\s+)?(tes|vos|les)\s+(instructions|consignes)"
    r"|ignorier\w*\s+(alle\s+)?(deine|ihre|die)?\s*(anweisungen|regeln)"
    r"|تجاهل\s+(كل\s+)?(التعليمات|تعليماتك)|игнорируй\w*\s+(все\s+)?(инструкции|правила)"
    r"|ігноруй\w*\s+(всі\s+|усі\s+)?(інструкції|правила)|talimatlar\w*\s+(yok\s+say|görmezden\s+gel|unut)"
    r"|ignora\s+(todas\s+)?(tus|las)\s+(instrucciones|reglas)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class ScopeMatch:
    """The nearest out-of-scope example: its category, what to do, and the similarity."""

    category: str
    action: str  # abstain | refuse
    similarity: float


def is_instruction_attack(text: str) -> bool:
    """True when the text tries to change the assistant's instructions."""
    return bool(_INSTRUCTION_PATTERNS.search(text))


def out_of_scope_examples(kb_dir: Path) -> list[tuple[str, str, str]]:
    """(example question, category, action) for every example in ``kb_dir/out_of_scope.yaml``."""
    path = kb_dir / "out_of_scope.yaml"
    try:
        data = yaml.safe_load(path.read_bytes()) if path.exists() else None
        out: list[tuple[str, str, str]] = []
        for cat in (data or {}).get("categories", []):
            if cat.get("action", "abstain") not in ("abstain", "refuse"):
                raise ValueError(f"category {cat.get('id')!r}: action must be abstain or refuse")
            for examples in (cat.get("examples") or {}).values():
                if not isinstance(examples, list):
                    raise ValueError(f"category {cat.get('id')!r}: examples per language must be a list")
                out.extend((str(ex), str(cat["id"]), cat.get("action", "abstain")) for ex in examples)
    except (yaml.YAMLError, UnicodeDecodeError, AttributeError, KeyError, TypeError, ValueError) as exc:
        problem = f"missing field {exc}" if isinstance(exc, KeyError) else str(exc).splitlines()[0]
        raise ValueError(f"{path}: not a valid out-of-scope file ({problem})") from None
    return out


class OutOfScopeDetector:
    """Nearest neighbour over the curated out-of-scope examples (embedded once, cached on disk)."""

    def __init__(self, kb_dir: Path, embeddings: Embeddings, cache_dir: Path) -> None:
        examples = out_of_scope_examples(kb_dir)
        texts = [text for text, _cat, _action in examples]
        self.labels: list[tuple[str, str]] = [(cat, action) for _text, cat, action in examples]
        raw = json.dumps(examples, ensure_ascii=False).encode()
        key = hashlib.sha256(raw + embedding_name(embeddings).encode()).hexdigest()[:16]
        cache = cache_dir / f"out_of_scope-{key}.npy"
        if cache.exists():
            self.vectors = np.load(cache)
        else:
            self.vectors = np.array(embeddings.embed_documents(texts), dtype=np.float32) if texts else np.zeros((0, 1))
            save_cached_array(cache, self.vectors)

    def nearest(self, query_vector: list[float], action: str | None = None) -> ScopeMatch | None:
        """The closest out-of-scope example (of one ``action`` when given), or None when there are none."""
        rows = [i for i, (_cat, act) in enumerate(self.labels) if action is None or act == action]
        if not rows:
            return None
        sims = self.vectors[rows] @ np.asarray(query_vector, dtype=np.float32)
        best = int(np.argmax(sims))
        i = rows[best]
        return ScopeMatch(self.labels[i][0], self.labels[i][1], float(sims[best]))
