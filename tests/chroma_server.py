"""Local servers for tests and benchmarks: a real Chroma server on loopback (``chroma run``), and the
readiness wait shared with the API processes."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def chroma_executable() -> str:
    """The ``chroma`` CLI installed with chromadb in this environment."""
    candidate = Path(sys.executable).with_name("chroma")
    return str(candidate) if candidate.exists() else (shutil.which("chroma") or "chroma")


def wait_for_http(url: str, proc: subprocess.Popen, timeout: float, what: str) -> None:
    """Poll ``url`` until it answers 200; fail early if ``proc`` exits, or after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited with {proc.returncode}")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what} did not become ready within {timeout:.0f} s")
        time.sleep(0.2)


@contextlib.contextmanager
def chroma_server(path: Path, timeout: float = 60.0) -> Iterator[tuple[str, int]]:
    """Run ``chroma run`` on 127.0.0.1 with data in ``path``; yields (host, port)."""
    port = free_port()
    env = dict(os.environ, ANONYMIZED_TELEMETRY="False")
    log = open(path.parent / f"chroma-{port}.log", "w")  # noqa: SIM115 - closed below
    proc = subprocess.Popen(
        [chroma_executable(), "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)],
        stdout=log, stderr=subprocess.STDOUT, env=env,
    )
    try:
        wait_for_http(f"http://127.0.0.1:{port}/api/v2/heartbeat", proc, timeout, f"chroma run (log: {log.name})")
        yield "127.0.0.1", port
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
