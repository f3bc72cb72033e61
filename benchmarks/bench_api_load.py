"""Load benchmark of POST /v1/ask against a real server on loopback (a script that prints numbers).

    WEGWIJS_DATA_DIR=data .venv/bin/python benchmarks/bench_api_load.py [--requests 48] [--levels 1 4 16]

Starts ``wegwijs api`` on 127.0.0.1 with the index in WEGWIJS_DATA_DIR (rate limit off), sends a
bounded number of labelled questions at each concurrency level with an asyncio client, and reports
throughput, p50/p95 latency, errors and the server's resident memory. It stops the server itself.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx
import numpy as np
import psutil

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from assistant.evaluation import load_questions  # noqa: E402
from tests.chroma_server import free_port, wait_for_http  # noqa: E402


async def level(url: str, questions: list[str], concurrency: int, total: int) -> dict:
    """Send ``total`` asks with ``concurrency`` clients; latency per request, errors counted."""
    latencies: list[float] = []
    errors = 0
    counter = iter(range(total))

    async def worker(client: httpx.AsyncClient) -> None:
        nonlocal errors
        for i in counter:
            start = time.perf_counter()
            try:
                r = await client.post(f"{url}/v1/ask", json={"question": questions[i % len(questions)]})
                if r.status_code != 200:
                    errors += 1
            except httpx.HTTPError:
                errors += 1
            latencies.append((time.perf_counter() - start) * 1000)

    async with httpx.AsyncClient(timeout=60) as client:
        start = time.perf_counter()
        await asyncio.gather(*(worker(client) for _ in range(concurrency)))
        wall = time.perf_counter() - start
    return {"concurrency": concurrency, "requests": total, "errors": errors,
            "throughput_rps": round(total / wall, 2), "p50_ms": round(statistics.median(latencies), 1),
            "p95_ms": round(float(np.percentile(latencies, 95)), 1)}


def main() -> None:
    """Start the server, run the levels, print and save the figures."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=48)
    parser.add_argument("--levels", type=int, nargs="+", default=[1, 4, 16])
    parser.add_argument("--out", type=Path, default=Path("artifacts/bench_api_load.json"))
    args = parser.parse_args()
    questions = [q.question for q in load_questions() if q.kind == "question"]
    port = free_port()
    env = dict(os.environ, WEGWIJS_RATE_LIMIT_PER_MINUTE="0")
    proc = subprocess.Popen([sys.executable, "-m", "assistant.cli", "api", "--port", str(port)],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for_http(f"{url}/readyz", proc, 180, "wegwijs api")
        server = psutil.Process(proc.pid)
        results = {"rss_mb_idle": round(server.memory_info().rss / 1e6)}
        peak = 0.0
        for conc in args.levels:
            res = asyncio.run(level(url, questions, conc, args.requests))
            peak = max(peak, server.memory_info().rss / 1e6)
            res["server_rss_mb"] = round(server.memory_info().rss / 1e6)
            results[f"c{conc}"] = res
            print(json.dumps(res), flush=True)
        results["rss_mb_peak_sampled"] = round(peak)
        print(json.dumps({"rss_mb_idle": results["rss_mb_idle"], "rss_mb_peak_sampled": results["rss_mb_peak_sampled"]}))
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(results, indent=1))
    finally:
        proc.terminate()
        proc.wait(timeout=20)


if __name__ == "__main__":
    main()
