"""Start the portal as a process (used by ``wegwijs up`` / ``wegwijs portal`` and the end-to-end tests)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

APP = Path(__file__).resolve().with_name("app.py")


def portal_command(port: int, host: str = "127.0.0.1") -> list[str]:
    """The ``streamlit run`` command line for the portal."""
    return [sys.executable, "-m", "streamlit", "run", str(APP), "--server.headless", "true",
            "--server.port", str(port), "--server.address", host, "--browser.gatherUsageStats", "false",
            "--server.fileWatcherType", "none", "--client.toolbarMode", "viewer"]


def start_portal(api_url: str, port: int, host: str = "127.0.0.1", **popen_kwargs) -> subprocess.Popen:
    """Run the portal on ``host:port`` against the API at ``api_url``; returns the process (caller stops it).

    Extra keyword arguments go to ``subprocess.Popen`` (for example ``stdout`` for a log file)."""
    env = dict(os.environ, WEGWIJS_API_URL=api_url, STREAMLIT_BROWSER_GATHER_USAGE_STATS="false")
    env.update(popen_kwargs.pop("env", {}) or {})
    return subprocess.Popen(portal_command(port, host), env=env, cwd=APP.parents[1], **popen_kwargs)
