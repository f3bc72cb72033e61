"""The README's main job: `wegwijs up` serves the API and the portal over the index it built."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import urllib.request

import pytest

from tests.chroma_server import free_port, wait_for_http

pytestmark = pytest.mark.integration


def test_up_serves_api_and_portal(kb_index, tmp_path) -> None:
    settings, _ = kb_index
    data = tmp_path / "data"
    shutil.copytree(settings.data_dir, data)
    api_port, portal_port = free_port(), free_port()
    env = dict(os.environ, WEGWIJS_DATA_DIR=str(data), WEGWIJS_API_PORT=str(api_port),
               WEGWIJS_PORTAL_PORT=str(portal_port))
    log = (tmp_path / "up.log").open("w")
    proc = subprocess.Popen([sys.executable, "-m", "assistant.cli", "up", "--skip-ingest"], env=env,
                            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        wait_for_http(f"http://127.0.0.1:{api_port}/readyz", proc, 180, f"wegwijs up API (log {log.name})")
        wait_for_http(f"http://127.0.0.1:{portal_port}/_stcore/health", proc, 120, "wegwijs up portal")
        with urllib.request.urlopen(f"http://127.0.0.1:{portal_port}/", timeout=10) as page:
            assert "streamlit" in page.read().decode().lower()
        output = (tmp_path / "up.log").read_text()
        assert f"portal: http://127.0.0.1:{portal_port} (API http://127.0.0.1:{api_port})" in output
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
