"""Real servers for the portal's integration tests: a writable API over a copy of the test index, and the
portal itself (``portal.launch.start_portal``), both on loopback ports."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from assistant.api.deps import hash_token
from portal.launch import start_portal
from tests.chroma_server import free_port, wait_for_http

REPO = Path(__file__).resolve().parents[2]
STAFF_TOKEN = "portal-test-staff-token"


@dataclass
class ApiServer:
    """A running API process and where its state lives."""

    url: str
    data_dir: Path
    kb_dir: Path
    log: Path


def _stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=5)


@contextlib.contextmanager
def writable_api(index_dir: Path, workdir: Path, timeout: float = 180) -> Iterator[ApiServer]:
    """Copy the index data dir and the knowledge base into ``workdir``, then serve the API over the copies
    (staff token :data:`STAFF_TOKEN`, no rate limit), so uploads and reviews disturb no other test."""
    data, kb = workdir / "data", workdir / "kb"
    shutil.copytree(index_dir, data)
    shutil.copytree(REPO / "knowledge_base", kb)
    port = free_port()
    env = dict(os.environ, WEGWIJS_DATA_DIR=str(data), WEGWIJS_KNOWLEDGE_BASE_DIR=str(kb),
               WEGWIJS_STAFF_TOKEN_HASHES=json.dumps([hash_token(STAFF_TOKEN)]),
               WEGWIJS_RATE_LIMIT_PER_MINUTE="0", ANONYMIZED_TELEMETRY="False")
    log = workdir / f"api-{port}.log"
    with open(log, "w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "assistant.api.app:create_app", "--factory", "--host", "127.0.0.1",
             "--port", str(port), "--log-level", "warning"], env=env, cwd=REPO, stdout=out, stderr=subprocess.STDOUT)
        try:
            wait_for_http(f"http://127.0.0.1:{port}/readyz", proc, timeout, f"API (log: {log})")
            yield ApiServer(f"http://127.0.0.1:{port}", data, kb, log)
        finally:
            _stop(proc)


@contextlib.contextmanager
def portal(api_url: str, workdir: Path, timeout: float = 60) -> Iterator[str]:
    """Run the portal against ``api_url``; yields its URL."""
    port = free_port()
    log = workdir / f"portal-{port}.log"
    with open(log, "w") as out:
        proc = start_portal(api_url, port, stdout=out, stderr=subprocess.STDOUT)
        try:
            wait_for_http(f"http://127.0.0.1:{port}/_stcore/health", proc, timeout, f"portal (log: {log})")
            yield f"http://127.0.0.1:{port}"
        finally:
            _stop(proc)
