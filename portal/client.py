"""A thin HTTP client of the Wegwijs API (httpx). The portal never opens the index itself.

Every failure becomes an :class:`ApiError` with a ``kind`` the pages turn into a message a person can act on:
``unavailable`` (no connection), ``slow`` (timed out), ``problem`` (the API answered with problem details).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal

import httpx

DEFAULT_API_URL = "http://127.0.0.1:8080"
ErrorKind = Literal["unavailable", "slow", "problem"]


def api_url() -> str:
    """The API base URL from ``WEGWIJS_API_URL`` (default http://127.0.0.1:8080)."""
    return os.environ.get("WEGWIJS_API_URL", DEFAULT_API_URL).rstrip("/")


def api_timeout() -> float:
    """Seconds to wait for an answer (``WEGWIJS_PORTAL_TIMEOUT``, default 30)."""
    try:
        return float(os.environ.get("WEGWIJS_PORTAL_TIMEOUT", "30"))
    except ValueError:
        return 30.0


@dataclass
class ApiError(Exception):
    """A failed call: what kind of failure, and the API's own title and detail when it gave them."""

    kind: ErrorKind
    status: int | None = None
    title: str = ""
    detail: str = ""
    errors: list[dict] | None = None

    def __str__(self) -> str:
        return f"{self.kind} {self.status or ''} {self.title}: {self.detail}".strip()


def _problem(resp: httpx.Response) -> ApiError:
    try:
        body = resp.json()
    except ValueError:
        body = {}
    if not isinstance(body, dict):
        body = {}
    return ApiError("problem", resp.status_code, str(body.get("title") or resp.reason_phrase),
                    str(body.get("detail") or ""), body.get("errors"))


def parse_sse(lines: Iterator[str]) -> Iterator[tuple[str, dict]]:
    """Server-sent events from text lines: ``(event name, JSON data)`` pairs."""
    event, data = "message", list[str]()
    for line in lines:
        if line == "":
            if data:
                yield event, json.loads("\n".join(data))
            event, data = "message", []
        elif line.startswith("event:"):
            event = line[6:].strip()
        elif line.startswith("data:"):
            data.append(line[5:].lstrip())
    if data:
        yield event, json.loads("\n".join(data))


class ApiClient:
    """Calls the API; one short-lived client per page run (cheap, and safe across Streamlit threads)."""

    def __init__(self, base_url: str | None = None, token: str | None = None, timeout: float | None = None,
                 client_key: str | None = None, transport: httpx.BaseTransport | None = None) -> None:
        self.base_url = (base_url or api_url()).rstrip("/")
        self.token = token
        self.timeout = api_timeout() if timeout is None else timeout
        headers = {"Accept": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        if client_key:
            headers["X-Forwarded-For"] = client_key  # per-visitor rate limiting behind the portal
        self._http = httpx.Client(base_url=self.base_url, headers=headers, transport=transport,
                                  timeout=httpx.Timeout(self.timeout, connect=min(5.0, self.timeout)))

    def close(self) -> None:
        """Close the connection pool."""
        self._http.close()

    def _call(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        try:
            resp = self._http.request(method, path, **kwargs)
        except httpx.TimeoutException:
            raise ApiError("slow") from None
        except httpx.TransportError:
            raise ApiError("unavailable") from None
        if resp.status_code >= 400:
            raise _problem(resp)
        return resp

    def _json(self, method: str, path: str, **kwargs: Any) -> Any:
        return self._call(method, path, **kwargs).json()

    # public -----------------------------------------------------------------------------------------
    def health(self) -> bool:
        """True when the API answers ``/healthz``."""
        return self._json("GET", "/healthz").get("status") == "ok"

    def languages(self) -> list[dict]:
        """The interface languages (code, own name, direction)."""
        return self._json("GET", "/v1/interface")["languages"]

    def interface(self, lang: str) -> dict:
        """Interface strings, direction and default contact for ``lang``."""
        return self._json("GET", f"/v1/interface/{lang}")

    def ask_stream(self, question: str, history: list[dict], language: str | None,
                   municipality: str | None) -> Iterator[tuple[str, dict]]:
        """POST /v1/ask/stream; yields ``(event, data)``: ``meta``, ``delta`` ..., ``done``."""
        body = {"question": question, "history": history[-20:], "language": language,
                "municipality": municipality or None, "audience": "newcomer"}
        try:
            with self._http.stream("POST", "/v1/ask/stream", json=body,
                                   headers={"Accept": "text/event-stream"}) as resp:
                if resp.status_code >= 400:
                    resp.read()
                    raise _problem(resp)
                yield from parse_sse(resp.iter_lines())
        except httpx.TimeoutException:
            raise ApiError("slow") from None
        except httpx.TransportError:
            raise ApiError("unavailable") from None

    def feedback(self, answer_id: str, rating: str, comment: str | None) -> dict:
        """Thumbs up or down on an answer, with an optional comment."""
        return self._json("POST", "/v1/feedback", json={"answer_id": answer_id, "rating": rating,
                                                         "comment": comment or None})

    def search(self, query: str, *, kind: str | None = None, documents: list[str] | None = None,
               date_from: str | None = None, date_to: str | None = None, k: int = 10) -> list[dict]:
        """Search passages with filters."""
        body = {"query": query, "k": k, "kind": kind, "documents": documents or [], "date_from": date_from,
                "date_to": date_to}
        return self._json("POST", "/v1/search", json=body)

    def publications(self) -> list[dict]:
        """Indexed publications (id, title)."""
        return self._json("GET", "/v1/publications")

    def context(self, doc_id: str, chunk_id: str, around: int = 1) -> dict:
        """A passage with its neighbours."""
        return self._json("GET", f"/v1/publications/{doc_id}/context/{chunk_id}",
                          params={"before": around, "after": around})

    def routes(self, lang: str) -> dict:
        """Route cards and organisations in ``lang``."""
        return self._json("GET", "/v1/routes", params={"lang": lang})

    def topics(self, lang: str) -> dict:
        """FAQ entries with route and topics, in ``lang``."""
        return self._json("GET", "/v1/topics", params={"lang": lang})

    def municipality(self, name: str, lang: str) -> dict:
        """A municipality and the organisation serving it on each route."""
        return self._json("GET", f"/v1/municipalities/{name.strip()}", params={"lang": lang})

    # staff ------------------------------------------------------------------------------------------
    def index_stats(self) -> dict:
        """Index statistics (also checks the staff token)."""
        return self._json("GET", "/v1/index/stats")

    def documents(self) -> list[dict]:
        """Every indexed document."""
        return self._json("GET", "/v1/documents")

    def chunks(self, doc_id: str) -> list[dict]:
        """The chunks of one document, in order."""
        return self._json("GET", f"/v1/documents/{doc_id}/chunks")

    def upload(self, filename: str, data: bytes, fields: dict[str, str], replace: str | None = None) -> dict:
        """Upload (or, with ``replace``, replace) a document; returns the API's job."""
        files = {"file": (filename, data)}
        form = {k: v for k, v in fields.items() if v}
        if replace:
            return self._json("PUT", f"/v1/documents/{replace}", files=files, data=form)
        return self._json("POST", "/v1/documents", files=files, data=form)

    def delete(self, doc_id: str) -> dict:
        """Delete a document's chunks."""
        return self._json("DELETE", f"/v1/documents/{doc_id}")

    def reindex(self) -> dict:
        """Start an incremental re-index; returns the job."""
        return self._json("POST", "/v1/index/reindex")["job"]

    def job(self, job_id: str) -> dict:
        """Status of a job."""
        return self._json("GET", f"/v1/jobs/{job_id}")

    def staff_feedback(self, limit: int = 200) -> list[dict]:
        """Newest feedback."""
        return self._json("GET", "/v1/feedback", params={"limit": limit})

    def unanswered(self, limit: int = 200) -> list[dict]:
        """Questions the assistant abstained on."""
        return self._json("GET", "/v1/unanswered", params={"limit": limit})

    def review(self) -> dict:
        """Review summary and per-entry status."""
        return self._json("GET", "/v1/kb/review")

    def faq(self, faq_id: str) -> dict:
        """One FAQ entry in every language."""
        return self._json("GET", f"/v1/kb/faq/{faq_id}")

    def set_review(self, faq_id: str, lang: str, status: str) -> dict:
        """Mark a language of a FAQ entry reviewed or draft."""
        return self._json("PUT", f"/v1/kb/faq/{faq_id}/review/{lang}", json={"status": status})

    def latest_report(self) -> dict:
        """The newest evaluation report (404 problem when there is none)."""
        return self._json("GET", "/v1/reports/latest")

    def report_plot(self, name: str) -> bytes:
        """One PNG plot of the newest report."""
        return self._call("GET", f"/v1/reports/latest/plots/{name}").content
