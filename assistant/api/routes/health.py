"""Liveness and readiness."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from assistant.api.deps import State

router = APIRouter(tags=["health"])


@router.get("/healthz")
def healthz() -> dict:
    """The process is alive."""
    return {"status": "ok"}


@router.get("/readyz")
def readyz(state: State) -> JSONResponse:
    """The index is reachable and the embedding model is loaded."""
    checks: dict[str, str] = {}
    try:
        checks["index"] = f"{state.service.store.count()} chunks"
    except Exception as exc:
        checks["index"] = f"unreachable: {type(exc).__name__}"
    try:
        state.service.embeddings.embed_query("ready?")
        checks["model"] = "loaded"
    except Exception as exc:
        checks["model"] = f"failed: {type(exc).__name__}"
    ready = "unreachable" not in checks["index"] and checks["model"] == "loaded"
    return JSONResponse({"ready": ready, "checks": checks}, status_code=200 if ready else 503)
