"""Evaluation over the labelled questions in ``eval/questions``: retrieval hit@5 per language (assistant,
hybrid, dense-only, BM25-only), routing and abstention accuracy, follow-ups, latency."""

from __future__ import annotations

import json
import statistics
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import yaml

from assistant.retrieval import Hit
from assistant.schemas import AskRequest, AskResponse, Turn
from assistant.service import AssistantService

EVAL_DIR = Path(__file__).resolve().parents[1] / "eval" / "questions"


@dataclass
class LabelledQuestion:
    """One labelled question (see eval/questions/*.yaml)."""

    id: str
    language: str
    question: str
    route: str
    abstain: bool
    faq: str | None = None
    evidence: str | None = None
    municipality: str | None = None
    history: list[dict] = field(default_factory=list)
    kind: str = "question"


def load_questions(folder: Path = EVAL_DIR) -> list[LabelledQuestion]:
    """Every labelled question: per-language files, guardrails and follow-up conversations.

    A file that is not valid YAML or lacks a required field raises ``ValueError`` naming the file."""
    out: list[LabelledQuestion] = []
    for path in sorted(folder.glob("*.yaml")):
        try:
            out += _read_questions(path)
        except (yaml.YAMLError, UnicodeDecodeError, KeyError, TypeError, AttributeError) as exc:
            problem = f"missing field {exc}" if isinstance(exc, KeyError) else str(exc).splitlines()[0]
            raise ValueError(f"{path}: not a file of labelled questions ({problem})") from None
    return out


def _read_questions(path: Path) -> list[LabelledQuestion]:
    out: list[LabelledQuestion] = []
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    for q in data.get("questions", []):
        out.append(LabelledQuestion(
            id=q["id"], language=q.get("language") or data.get("language", "mixed"), question=q["question"],
            route=q["route"], abstain=bool(q.get("abstain")), faq=q.get("faq"), evidence=q.get("evidence"),
            municipality=q.get("municipality"), kind=q.get("kind", "question")))
    for c in data.get("conversations", []):
        out.append(LabelledQuestion(
            id=c["id"], language=c["language"], question=c["question"], route=c["route"], abstain=False,
            faq=c.get("faq"), history=c["history"], kind="followup"))
    return out


def is_hit(q: LabelledQuestion, ids_and_texts: list[tuple[str | None, str]]) -> bool:
    """True when the expected FAQ entry or the evidence passage is among the results."""
    for faq_id, text in ids_and_texts:
        if q.faq and faq_id == q.faq:
            return True
        if q.evidence and " ".join(q.evidence.split()) in " ".join(text.split()):
            return True
    return False


def _hits(hits: list[Hit]) -> list[tuple[str | None, str]]:
    return [(h.doc.metadata.get("faq_id"), h.doc.page_content) for h in hits]


def _response_hits(resp: AskResponse, service: AssistantService) -> list[tuple[str | None, str]]:
    out = []
    for s in resp.sources:
        faq_id = None
        if s.kind == "faq":
            docs = service.store.get(ids=[s.id])
            faq_id = docs[0].metadata.get("faq_id") if docs else None
        out.append((faq_id, s.text))
    return out


def evaluate(service: AssistantService, questions: list[LabelledQuestion], progress: bool = False) -> dict:
    """Run every question through the assistant and the three retrieval modes; return the metrics."""
    from tqdm import tqdm

    rows = []
    for q in tqdm(questions, desc="evaluating", unit="question", disable=not progress):
        request = AskRequest(question=q.question, history=[Turn(**t) for t in q.history])
        start = time.perf_counter()
        resp, decision = service.ask_explained(request)
        elapsed = (time.perf_counter() - start) * 1000
        row = {"id": q.id, "language": q.language, "kind": q.kind, "expected_route": q.route,
               "route": resp.route.id, "expected_abstain": q.abstain, "abstained": resp.abstained,
               "abstain_reason": decision.abstain_reason, "latency_ms": elapsed, "timings": resp.timings_ms}
        if not q.abstain:
            answer_hits = _response_hits(resp, service)
            row["hit_assistant"] = is_hit(q, answer_hits)
            # A curated answer puts its entry first among the sources (see AssistantService._sources).
            curated = not resp.abstained and bool(resp.sources) and resp.sources[0].kind == "faq"
            row["expects"] = "faq" if q.faq else ("publication" if q.evidence else None)
            row["curated_answer"] = curated
            row["curated_answer_right"] = curated and bool(q.faq) and answer_hits[0][0] == q.faq
            text = service._search_text(request)
            vector = service.embeddings.embed_query(text)
            for mode in ("hybrid", "dense", "keyword"):
                hits = service.retriever.search(text, 5, mode=mode, query_vector=vector)  # type: ignore[arg-type]
                row[f"hit_{mode}"] = is_hit(q, _hits(hits))
        rows.append(row)
    return summarise(rows)


def write_report(report: dict, path: Path, plots: bool = True, **extra: object) -> list[Path]:
    """Write ``report`` (as returned by :func:`evaluate`; ``extra`` keys first) to ``path`` as JSON, and
    its plots to ``<path dir>/<path stem>/``; returns the plot paths."""
    from assistant.evaluation_plots import write_plots

    rows = report.pop("rows", [])
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({**extra, **report}, indent=1, default=str), encoding="utf-8")
    return write_plots(report, rows, path) if plots else []


def summarise(rows: list[dict]) -> dict:
    """Aggregate per-question rows into the report's figures (``rows`` keeps them, for plots)."""
    answerable = [r for r in rows if not r["expected_abstain"]]
    by_lang: dict[str, list[dict]] = defaultdict(list)
    for r in answerable:
        if r["kind"] == "question":
            by_lang[r["language"]].append(r)

    def rate(items: list[dict], key: str) -> float:
        return round(sum(bool(r[key]) for r in items) / len(items), 3) if items else float("nan")

    latencies = [r["latency_ms"] for r in rows]
    stages = defaultdict(list)
    for r in rows:
        for k, v in r["timings"].items():
            stages[k].append(v)
    return {
        "questions": len(rows),
        "hit_at_5": {m: rate(answerable, f"hit_{m}") for m in ("assistant", "hybrid", "dense", "keyword")},
        "hit_at_5_by_language": {lang: {m: rate(items, f"hit_{m}") for m in ("assistant", "hybrid", "dense", "keyword")}
                                 for lang, items in sorted(by_lang.items())},
        "routing_accuracy": round(sum(r["route"] == r["expected_route"] for r in rows) / len(rows), 3),
        "abstention_accuracy": round(sum(r["abstained"] == r["expected_abstain"] for r in rows) / len(rows), 3),
        "followup_hit": rate([r for r in answerable if r["kind"] == "followup"], "hit_assistant"),
        # Which answer people get: an FAQ question answered by its own curated entry, and a
        # publication fact answered by some curated entry instead of the passage (lower is better).
        "answers": {
            "faq_questions_answered_by_their_entry": rate([r for r in answerable if r.get("expects") == "faq"],
                                                          "curated_answer_right"),
            "publication_facts_answered_by_an_entry": rate(
                [r for r in answerable if r.get("expects") == "publication"], "curated_answer"),
        },
        "latency_ms": {"p50": round(statistics.median(latencies), 1), "p95": round(float(np.percentile(latencies, 95)), 1)},
        "stage_ms_p50": {k: round(statistics.median(v), 1) for k, v in stages.items()},
        "failures": [r for r in rows if r["route"] != r["expected_route"] or r["abstained"] != r["expected_abstain"]
                     or (not r["expected_abstain"] and not r.get("hit_assistant"))],
        "rows": rows,
    }
