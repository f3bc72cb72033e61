"""The ``/v1/ask`` contract of DESIGN.md, field for field (clients and the evaluation depend on it)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field, SerializerFunctionWrapHandler, field_validator, model_serializer

RouteId = Literal["registration", "mo", "nt2", "practice", "none"]
MAX_QUESTION_CHARS = 2000


class Turn(BaseModel):
    """One earlier turn of the conversation."""

    role: Literal["user", "assistant"]
    content: str = Field(max_length=8000)


class AskRequest(BaseModel):
    """A question, optionally with the conversation so far, a language and a municipality."""

    question: str = Field(min_length=1, max_length=MAX_QUESTION_CHARS)
    history: list[Turn] = Field(default_factory=list, max_length=20)
    language: str | None = Field(default=None, description="ISO 639-1; overrides detection")
    municipality: str | None = Field(default=None, max_length=100)
    audience: Literal["newcomer", "referrer"] = "newcomer"

    @field_validator("question")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("the question is empty")
        return value.strip()

    @field_validator("language")
    @classmethod
    def _iso(cls, value: str | None) -> str | None:
        if value is None:
            return None
        value = value.strip().lower()
        if not (len(value) == 2 and value.isalpha()):
            raise ValueError("language must be an ISO 639-1 code such as 'nl' or 'ar'")
        return value


class Contact(BaseModel):
    """Who to contact next."""

    name: str
    url: str | None = None
    phone: str | None = None


class Route(BaseModel):
    """The next step for this person."""

    id: RouteId
    title: str
    steps: list[str]
    contact: Contact


class Source(BaseModel):
    """A cited chunk: the whole chunk text as indexed, in its original language."""

    id: str
    title: str
    url: str | None = None
    kind: Literal["publication", "faq"]
    text: str
    score: float
    section: str | None = None
    language: str | None = None


class AskResponse(BaseModel):
    """The assistant's answer."""

    answer: str
    language: str
    detected_language: str | None
    machine_translated: bool = False
    abstained: bool = False
    route: Route
    sources: list[Source]
    timings_ms: dict[str, float]
    original_answer: str | None = Field(
        default=None, description="Only when machine_translated: the answer before translation (Dutch)."
    )

    @model_serializer(mode="wrap")
    def _omit_empty_original(self, handler: SerializerFunctionWrapHandler):  # type: ignore[no-untyped-def]
        # No return annotation: with one, pydantic would publish it as the response schema.
        # The contract's fields stay exactly as DESIGN.md lists them unless a translation happened.
        data: dict[str, Any] = handler(self)
        if data.get("original_answer") is None:
            data.pop("original_answer", None)
        return data
