"""Ask: the DESIGN contract, and the same answer streamed as server-sent events."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

from fastapi import APIRouter, Response
from fastapi.responses import StreamingResponse

from assistant.api.deps import Limited, State
from assistant.schemas import AskRequest, AskResponse

router = APIRouter(prefix="/v1", tags=["ask"], dependencies=[Limited])


def _answer(state: State, request: AskRequest) -> tuple[AskResponse, str]:
    resp = state.service.ask(request)
    reason = None
    if resp.abstained:
        reason = "abstained"
    answer_id = state.storage.record_answer(request.question, resp.language, resp.route.id, resp.abstained, reason)
    return resp, answer_id


@router.post("/ask", response_model=AskResponse)
def ask(request: AskRequest, state: State, response: Response) -> AskResponse:
    """Answer a question in the asker's language, with route and cited sources."""
    resp, answer_id = _answer(state, request)
    response.headers["X-Answer-Id"] = answer_id
    return resp


def _event(name: str, data: object) -> str:
    return f"event: {name}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


@router.post("/ask/stream", response_class=StreamingResponse,
             responses={200: {"content": {"text/event-stream": {}}}})
def ask_stream(request: AskRequest, state: State) -> StreamingResponse:
    """The same answer as server-sent events: route and sources, the answer text, then the full object."""
    resp, answer_id = _answer(state, request)

    def events() -> Iterator[str]:
        payload = json.loads(resp.model_dump_json())
        yield _event("meta", {"answer_id": answer_id, "route": payload["route"], "sources": payload["sources"],
                              "language": payload["language"], "abstained": payload["abstained"]})
        for piece in re.split(r"(?<=[.!?。])\s+", resp.answer):
            if piece:
                yield _event("delta", {"text": piece + " "})
        yield _event("done", {**payload, "answer_id": answer_id})

    return StreamingResponse(events(), media_type="text/event-stream", headers={"X-Answer-Id": answer_id})
