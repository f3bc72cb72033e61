"""A small stand-in for the Wegwijs API, for the portal's error cases and rendering details the real
assistant does not produce yet (machine-translated answers). Interface text is the real interface.yaml."""

from __future__ import annotations

import asyncio
import contextlib
import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import uvicorn
import yaml
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, StreamingResponse

from tests.chroma_server import free_port

KB = Path(__file__).resolve().parents[2] / "knowledge_base"
ANSWER_ID = "00000000-0000-4000-8000-000000000001"
ROUTE = {"id": "nt2", "title": "Nederlands leren in Gent", "steps": ["Ga naar het Huis van het Nederlands."],
         "contact": {"name": "Huis van het Nederlands Gent", "url": "https://www.hvng.be", "phone": None}}
SOURCE = {"id": "faq-nt2#nl", "title": "Waar kan ik Nederlands leren?", "url": None, "kind": "faq",
          "text": "Je kunt Nederlands leren bij een Centrum voor Volwassenenonderwijs.", "score": 0.9,
          "language": "nl"}


def _problem(status: int, title: str, detail: str) -> JSONResponse:
    return JSONResponse({"type": "about:blank", "title": title, "status": status, "detail": detail},
                        status_code=status, media_type="application/problem+json")


def make_app(config: dict) -> FastAPI:
    """``config['mode']``: ``ok``, ``slow`` (sleeps ``config['delay']``), ``error`` (500) for /v1/ask/stream;
    ``config['machine_translated']`` marks the answer; received feedback lands in ``config['feedback']``."""
    app = FastAPI()
    strings = yaml.safe_load((KB / "interface.yaml").read_text(encoding="utf-8"))["strings"]

    @app.get("/healthz")
    def healthz() -> dict:
        return {"status": "ok"}

    @app.get("/v1/interface/{lang}")
    def interface(lang: str) -> dict:
        return {"language": lang, "direction": "rtl" if lang in ("ar", "fa", "ps") else "ltr", "status": "draft",
                "strings": {k: v[lang] for k, v in strings.items()},
                "contact": {"name": "Agentschap Integratie en Inburgering", "url": "https://www.integratie-inburgering.be",
                            "phone": None}}

    @app.get("/v1/municipalities/{name}")
    def municipality(name: str):
        return _problem(404, "Unknown municipality", f"'{name}' is not a Flemish or Brussels municipality.")

    @app.post("/v1/ask/stream")
    async def ask_stream(request: Request):
        body = await request.json()
        config.setdefault("asked", []).append(body)
        if config.get("mode") == "error":
            return _problem(500, "Server error", "Something went wrong on our side; please try again later.")
        if config.get("mode") == "slow":
            await asyncio.sleep(config.get("delay", 3))
        lang = body.get("language") or "nl"
        answer = config.get("answer", "Je kunt Nederlands leren in Gent. Vraag raad bij het Huis.")
        done = {"answer": answer, "language": lang, "detected_language": lang,
                "machine_translated": bool(config.get("machine_translated")), "abstained": False, "route": ROUTE,
                "sources": [SOURCE], "timings_ms": {"total": 1.0}, "answer_id": ANSWER_ID}
        if config.get("machine_translated"):
            done["original_answer"] = "Je kunt Nederlands leren in Gent (origineel)."

        def events() -> Iterator[str]:
            meta = {"answer_id": ANSWER_ID, "route": ROUTE, "sources": [SOURCE], "language": lang, "abstained": False}
            yield f"event: meta\ndata: {json.dumps(meta)}\n\n"
            for piece in answer.split(". "):
                yield f"event: delta\ndata: {json.dumps({'text': piece + ' '})}\n\n"
            yield f"event: done\ndata: {json.dumps(done)}\n\n"

        return StreamingResponse(events(), media_type="text/event-stream", headers={"X-Answer-Id": ANSWER_ID})

    @app.get("/v1/index/stats")
    def stats() -> dict:
        return {"chunks": 0}

    @app.get("/v1/documents")
    def documents() -> list:
        return []

    @app.get("/v1/kb/review")
    def review() -> dict:
        return {"summary": {}, "faq": []}

    @app.get("/v1/feedback")
    @app.get("/v1/unanswered")
    def empty_lists() -> list:
        return []

    @app.get("/v1/reports/latest")
    def no_report():
        return _problem(404, "No evaluation report", "No evaluation report has been written yet. Run the evaluation.")

    @app.post("/v1/feedback", status_code=201)
    async def feedback(request: Request) -> dict:
        config.setdefault("feedback", []).append(await request.json())
        return {"id": len(config["feedback"])}

    return app


@contextlib.contextmanager
def fake_api(config: dict) -> Iterator[str]:
    """Serve the fake API on a loopback port in a thread; yields its base URL."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(make_app(config), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
