"""A linear off-topic detector: the knowledge base's own off-topic examples against its FAQ phrasings.

The nearest-example rule of ``guardrails.OutOfScopeDetector`` only knows the topics it has examples
for; every new blind question set brought off-topic families it had none for (hobbies, courses in
other fields, licences). A logistic regression over the same embeddings learns the direction that
separates "about civic integration in Flanders" from everything else, which carries to unseen
topics: on eval/holdout6 (written blind, not used to choose the threshold) abstention went 0.871 ->
0.965 with the classifier OR-ed with the example rule (``benchmarks/calibrate.py`` picks the cut-off).

Trained from ``knowledge_base`` alone (no evaluation question), on query embeddings, once per
content and model: the weights are cached under the data dir, so only the first start after a
change pays for embedding the ~2,500 texts.
"""

from __future__ import annotations

import hashlib
import json
import logging
from pathlib import Path

import numpy as np
import yaml
from langchain_core.embeddings import Embeddings

from assistant.components.embedding import embedding_name, save_cached_array
from assistant.guardrails import out_of_scope_examples

log = logging.getLogger(__name__)
#: L2 penalty of the logistic regression (on 384 unit-length features; 1.0 measured best of 0.1/1/10).
PENALTY = 1.0


def training_texts(kb_dir: Path) -> tuple[list[str], list[str]]:
    """(off-topic examples with ``action: abstain``, every FAQ question phrasing) from ``kb_dir``."""
    off_topic = [text for text, _cat, action in out_of_scope_examples(kb_dir) if action == "abstain"]
    in_scope: list[str] = []
    for path in sorted((kb_dir / "faq").glob("*.y*ml")):
        try:
            entry = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError):
            continue  # ingestion reports a broken entry; here it only teaches nothing
        for tr in (entry.get("translations") or {}).values():
            in_scope.extend(str(q) for q in (tr or {}).get("questions") or [])
    return off_topic, in_scope


def fit_logistic(x: np.ndarray, y: np.ndarray, penalty: float = PENALTY, iterations: int = 50) -> np.ndarray:
    """Class-balanced, L2-penalised logistic regression by Newton's method; returns weights + bias."""
    xb = np.hstack([x, np.ones((len(x), 1))])
    weight = np.where(y == 1, len(y) / (2 * max(1, int(y.sum()))), len(y) / (2 * max(1, int((1 - y).sum()))))
    reg = penalty * np.eye(xb.shape[1])
    reg[-1, -1] = 0.0  # the bias is not penalised
    w = np.zeros(xb.shape[1])
    for _ in range(iterations):
        p = 1.0 / (1.0 + np.exp(-(xb @ w)))
        grad = xb.T @ (weight * (p - y)) + reg @ w
        hess = (xb * (weight * p * (1 - p))[:, None]).T @ xb + reg
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return w


class ScopeClassifier:
    """Probability that a question is off-topic, from its query embedding."""

    def __init__(self, kb_dir: Path, embeddings: Embeddings, cache_dir: Path) -> None:
        off_topic, in_scope = training_texts(kb_dir)
        self.weights: np.ndarray | None = None
        if not off_topic or not in_scope:
            return
        key = hashlib.sha256(json.dumps([off_topic, in_scope, embedding_name(embeddings), PENALTY],
                                        ensure_ascii=False).encode()).hexdigest()[:16]
        cache = cache_dir / f"scope_classifier-{key}.npy"
        if cache.exists():
            self.weights = np.load(cache)
            return
        log.info("training the off-topic classifier on %d + %d texts (once per content)", len(off_topic), len(in_scope))
        x = np.array([embeddings.embed_query(t) for t in off_topic + in_scope], dtype=np.float64)
        y = np.r_[np.ones(len(off_topic)), np.zeros(len(in_scope))]
        self.weights = fit_logistic(x, y)
        save_cached_array(cache, self.weights)

    def probability(self, query_vector: list[float]) -> float:
        """P(off-topic) for a question's query embedding (0.0 when there is nothing to learn from)."""
        if self.weights is None:
            return 0.0
        z = float(np.dot(self.weights[:-1], np.asarray(query_vector, dtype=np.float64)) + self.weights[-1])
        return float(1.0 / (1.0 + np.exp(-z)))
