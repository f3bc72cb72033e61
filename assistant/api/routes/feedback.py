"""Feedback on answers (public) and, for staff, the feedback and unanswered questions."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from assistant.api.deps import Limited, Staff, State
from assistant.api.errors import ProblemError

public = APIRouter(prefix="/v1", tags=["feedback"], dependencies=[Limited])
staff = APIRouter(prefix="/v1", tags=["staff"], dependencies=[Staff])


class FeedbackIn(BaseModel):
    """Thumbs up or down on an answer (the X-Answer-Id of /v1/ask), with an optional comment."""

    answer_id: str = Field(min_length=36, max_length=36)
    rating: Literal["up", "down"]
    comment: str | None = Field(default=None, max_length=2000)


@public.post("/feedback", status_code=201)
def give_feedback(body: FeedbackIn, state: State) -> dict:
    """Record feedback on an answer; personal data in the comment is redacted."""
    if not state.storage.answer_exists(body.answer_id):
        raise ProblemError(404, "Unknown answer", "Feedback must refer to the X-Answer-Id of an answer.")
    return {"id": state.storage.add_feedback(body.answer_id, body.rating, body.comment)}


@staff.get("/feedback")
def list_feedback(state: State, limit: int = Query(100, ge=1, le=1000)) -> list[dict]:
    """Newest feedback first."""
    return state.storage.feedback(limit)


@staff.get("/unanswered")
def list_unanswered(state: State, limit: int = Query(100, ge=1, le=1000)) -> list[dict]:
    """Questions the assistant abstained on, newest first, for curation."""
    return state.storage.unanswered(limit)
