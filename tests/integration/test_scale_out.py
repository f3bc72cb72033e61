"""Scale-out: a Chroma server on loopback, two API processes with their own data dirs, one index."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import httpx
import pytest

from assistant.api.deps import hash_token
from tests.chroma_server import chroma_server, free_port, wait_for_http
from tests.conftest import KB
from tests.unit.make_files import minimal_pdf

pytestmark = pytest.mark.slow
TOKEN = "scale-out-token"


@contextmanager
def api_process(data: Path, host: str, chroma_port: int, cache: Path) -> Iterator[str]:
    """``wegwijs api`` against the Chroma server; yields its base URL once ready."""
    port = free_port()
    env = dict(os.environ, WEGWIJS_DATA_DIR=str(data), WEGWIJS_CHROMA_HOST=host, WEGWIJS_EMBEDDING_CACHE_DIR=str(cache),
               WEGWIJS_CHROMA_PORT=str(chroma_port), WEGWIJS_STAFF_TOKEN_HASHES=f'["{hash_token(TOKEN)}"]')
    log = open(data.parent / f"api-{port}.log", "w")  # noqa: SIM115 - closed below
    proc = subprocess.Popen([sys.executable, "-m", "assistant.cli", "api", "--port", str(port)],
                            env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for_http(f"{url}/readyz", proc, 180, f"wegwijs api (log: {log.name})")
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def test_two_api_processes_share_one_chroma_server(tmp_path):
    with ExitStack() as stack:
        host, port = stack.enter_context(chroma_server(tmp_path / "chroma"))
        seed = tmp_path / "seed"
        # One shared cache of the curated content's embeddings: `wegwijs ingest` fills it, the API
        # processes start without recomputing it (minutes for the publication questions).
        cache = tmp_path / "embedding-cache"
        env = dict(os.environ, WEGWIJS_DATA_DIR=str(seed), WEGWIJS_CHROMA_HOST=host, WEGWIJS_CHROMA_PORT=str(port),
                   WEGWIJS_EMBEDDING_CACHE_DIR=str(cache))
        subprocess.run([sys.executable, "-m", "assistant.cli", "ingest", "-q",
                        str(KB / "publications" / "sv-2024-170-inburgering-brussel.txt"), str(KB / "faq")],
                       env=env, check=True, capture_output=True)
        (tmp_path / "a").mkdir()
        (tmp_path / "b").mkdir()
        api_a = stack.enter_context(api_process(tmp_path / "a" / "data", host, port, cache))
        api_b = stack.enter_context(api_process(tmp_path / "b" / "data", host, port, cache))
        assert sorted(p.name.split("-")[0] for p in cache.glob("*.npy")) == \
            ["out_of_scope", "passage_questions", "scope_classifier"]  # computed once, by ingest

        question = {"question": "Is inburgering verplicht in Brussel?", "municipality": "Elsene"}
        a = httpx.post(f"{api_a}/v1/ask", json=question, timeout=60).json()
        b = httpx.post(f"{api_b}/v1/ask", json=question, timeout=60).json()
        assert a["answer"] == b["answer"] and a["route"] == b["route"]
        assert [s["id"] for s in a["sources"]] == [s["id"] for s in b["sources"]]

        pdf = minimal_pdf(["Taalcafe Nederlands in Elsene", "Elke woensdag oefenen nieuwkomers Nederlands in Elsene."])
        r = httpx.post(f"{api_a}/v1/documents", headers={"Authorization": f"Bearer {TOKEN}"},
                       files={"file": ("taalcafe-elsene.pdf", pdf)}, timeout=60)
        assert r.status_code == 202, r.text
        status = r.json()["job"]["status_url"]
        for _ in range(600):
            job = httpx.get(f"{api_a}{status}", headers={"Authorization": f"Bearer {TOKEN}"}).json()
            if job["state"] in ("done", "failed"):
                break
            time.sleep(0.2)
        assert job["state"] == "done", job
        # The other process notices the change within its refresh interval (about a second).
        for _ in range(20):
            # Publications only: FAQ phrasings (the Tigrinya ones name "taalcafé" too) are not the point.
            hits = httpx.post(f"{api_b}/v1/search", json={"query": "taalcafe woensdag Elsene", "k": 3,
                                                          "kind": "publication"}, timeout=60).json()
            if hits and hits[0]["doc_id"] == "taalcafe-elsene":
                break
            time.sleep(0.5)
        assert hits and hits[0]["doc_id"] == "taalcafe-elsene"
