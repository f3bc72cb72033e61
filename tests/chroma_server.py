"""Start a real Chroma server on loopback for tests (``chroma run``), and stop it afterwards."""

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
        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"chroma run exited with {proc.returncode}; see {log.name}")
            try:
                if httpx.get(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise TimeoutError("chroma server did not start")
            time.sleep(0.2)
        yield "127.0.0.1", port
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
