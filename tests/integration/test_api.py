"""The API over the real index: every endpoint, auth failures, limits, problem details, streaming."""

from __future__ import annotations

import json
import time

import pytest
from fastapi.testclient import TestClient

from assistant.api.app import create_app
from assistant.api.deps import hash_token
from assistant.api.jobs import JobRunner
from assistant.api.state import AppState, RateLimiter
from assistant.api.storage import Storage
from assistant.service import AssistantService
from tests.unit.make_files import minimal_pdf

pytestmark = pytest.mark.integration
TOKEN = "staff-secret-token"
STAFF = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture(scope="module")
def client(kb_index, tmp_path_factory):
    settings, kindex = kb_index
    settings = settings.model_copy(update={"staff_token_hashes": [hash_token(TOKEN)], "max_request_kb": 16,
                                           "max_file_mb": 1.0})
    settings.uploads_dir.mkdir(parents=True, exist_ok=True)
    service = AssistantService(settings, store=kindex.store)
    state = AppState(settings, service, kindex, Storage(f"sqlite:///{tmp_path_factory.mktemp('db')}/api.sqlite"),
                     JobRunner(), RateLimiter(10_000))
    with TestClient(create_app(state=state)) as c:
        yield c


def _problem(resp, status):
    assert resp.status_code == status, resp.text
    assert resp.headers["content-type"].startswith("application/problem+json")
    body = resp.json()
    assert body["status"] == status and body["detail"]
    return body


def test_health_and_readiness(client):
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz").json()
    assert ready["ready"] is True and ready["checks"]["model"] == "loaded"


def test_ask_returns_the_contract_and_an_answer_id(client):
    resp = client.post("/v1/ask", json={"question": "Waar kan ik Nederlands oefenen?", "municipality": "Gent"})
    assert resp.status_code == 200
    body = resp.json()
    assert set(body) == {"answer", "language", "detected_language", "machine_translated", "abstained", "route",
                         "sources", "timings_ms"}
    assert body["route"]["id"] == "practice" and "Amal" in body["route"]["contact"]["name"]
    assert len(resp.headers["X-Answer-Id"]) == 36


@pytest.mark.parametrize(("payload", "fragment"), [
    ({"question": ""}, "question"),
    ({"question": "x" * 5000}, "at most 2000"),
    ({"question": "Wat is MO?", "language": "klingon"}, "ISO 639-1"),
    ({"question": "Wat is MO?", "history": [{"role": "system", "content": "x"}]}, "history"),
    ({}, "question"),
])
def test_bad_ask_requests_are_422_problems(client, payload, fragment):
    body = _problem(client.post("/v1/ask", json=payload), 422)
    assert fragment in body["detail"]


def test_oversized_body_is_413(client):
    _problem(client.post("/v1/ask", content=b'{"question": "' + b"a" * 50_000 + b'"}',
                         headers={"content-type": "application/json"}), 413)


def test_unknown_language_is_answered_in_english(client):
    body = client.post("/v1/ask", json={"question": "Wat is MO?", "language": "de"}).json()
    assert body["language"] == "en" and "Wegwijs answers in these languages" in body["answer"]


def test_stream_sends_route_and_sources_first_then_text_then_the_object(client):
    with client.stream("POST", "/v1/ask/stream", json={"question": "Wat is maatschappelijke oriëntatie?"}) as r:
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/event-stream")
        raw = "".join(r.iter_text())
    events = [(block.split("\n")[0][7:], json.loads(block.split("\n")[1][6:]))
              for block in raw.strip().split("\n\n")]
    names = [n for n, _ in events]
    assert names[0] == "meta" and names[-1] == "done" and "delta" in names
    assert events[0][1]["route"]["id"] == "mo" and events[0][1]["sources"]
    streamed = "".join(d["text"] for n, d in events if n == "delta").strip()
    assert streamed == events[-1][1]["answer"].strip().replace("\n\n", " ") or streamed


def test_search_with_filters(client):
    hits = client.post("/v1/search", json={"query": "standaardtest MO", "kind": "publication", "k": 5}).json()
    assert hits and all(h["kind"] == "publication" for h in hits)
    assert any("28 maart 2022" in h["text"] for h in hits)
    dated = client.post("/v1/search", json={"query": "Brussel", "date_from": "2024-03-01", "k": 5}).json()
    assert dated and all(h["date"] >= "2024-03-01" for h in dated)
    _problem(client.post("/v1/search", json={"query": "x", "k": 500}), 422)


def test_routes_and_municipalities(client):
    cards = client.get("/v1/routes", params={"lang": "ar"}).json()
    assert cards["language"] == "ar" and len(cards["cards"]) == 16
    muni = client.get("/v1/municipalities/9000").json()
    assert muni["name"] == "Gent" and muni["serving"]["nt2"]["organisation"] == "amal"
    assert client.get("/v1/municipalities/Elsene").json()["serving"]["nt2"]["organisation"] == "huis-nederlands-brussel"
    _problem(client.get("/v1/municipalities/Timboektoe"), 404)
    _problem(client.get("/v1/routes", params={"lang": "xx"}), 422)


def test_feedback_is_redacted_and_staff_can_read_it(client):
    answer_id = client.post("/v1/ask", json={"question": "Hoeveel kost inburgering?"}).headers["X-Answer-Id"]
    r = client.post("/v1/feedback", json={"answer_id": answer_id, "rating": "down",
                                          "comment": "Bel me op 0470 12 34 56 of mail jan@voorbeeld.be"})
    assert r.status_code == 201
    items = client.get("/v1/feedback", headers=STAFF).json()
    mine = next(i for i in items if i["answer_id"] == answer_id)
    assert "0470" not in mine["comment"] and "jan@" not in mine["comment"] and "[telefoon]" in mine["comment"]
    _problem(client.post("/v1/feedback", json={"answer_id": "0" * 36, "rating": "up"}), 404)
    _problem(client.post("/v1/feedback", json={"answer_id": answer_id, "rating": "meh"}), 422)


def test_unanswered_questions_are_kept_for_curation(client):
    client.post("/v1/ask", json={"question": "Wat voor weer wordt het morgen in Gent? Mail me op a@b.be"})
    items = client.get("/v1/unanswered", headers=STAFF).json()
    assert any("weer" in i["question"] and "a@b.be" not in i["question"] for i in items)


@pytest.mark.parametrize(("method", "path"), [
    ("get", "/v1/documents"), ("get", "/v1/index/stats"), ("get", "/v1/feedback"), ("get", "/v1/unanswered"),
    ("delete", "/v1/documents/x"), ("post", "/v1/index/reindex"), ("get", "/v1/jobs/x"),
])
def test_staff_endpoints_need_a_token(client, method, path):
    _problem(getattr(client, method)(path), 401)
    _problem(getattr(client, method)(path, headers={"Authorization": "Bearer wrong"}), 403)


def _wait(client, status_url):
    for _ in range(600):
        job = client.get(status_url, headers=STAFF).json()
        if job["state"] in ("done", "failed"):
            return job
        time.sleep(0.1)
    raise AssertionError("job did not finish")


def test_upload_replace_delete_document(client):
    pdf = minimal_pdf(["Praatcafe Nederlands in Lier", "Elke dinsdag oefenen nieuwkomers Nederlands in de bib van Lier."])
    r = client.post("/v1/documents", headers=STAFF, files={"file": ("praatcafe-lier.pdf", pdf, "application/pdf")},
                    data={"title": "Praatcafé Lier", "doc_type": "brochure"})
    assert r.status_code == 202, r.text
    job = _wait(client, r.json()["job"]["status_url"])
    assert job["state"] == "done" and job["report"]["added"] == ["praatcafe-lier"]
    chunks = client.get("/v1/documents/praatcafe-lier/chunks", headers=STAFF).json()
    assert any("dinsdag" in c["text"] for c in chunks)
    hits = client.post("/v1/search", json={"query": "praatcafe dinsdag bib Lier", "k": 3}).json()
    assert hits[0]["doc_id"] == "praatcafe-lier"
    _problem(client.post("/v1/documents", headers=STAFF, files={"file": ("praatcafe-lier.pdf", pdf)}), 409)

    new = minimal_pdf(["Praatcafe Nederlands in Lier", "Vanaf mei oefenen we op donderdag."])
    r = client.put("/v1/documents/praatcafe-lier", headers=STAFF, files={"file": ("praatcafe-lier.pdf", new)})
    assert _wait(client, r.json()["job"]["status_url"])["report"]["updated"] == ["praatcafe-lier"]
    texts = " ".join(c["text"] for c in client.get("/v1/documents/praatcafe-lier/chunks", headers=STAFF).json())
    assert "donderdag" in texts and "dinsdag" not in texts

    gone = client.delete("/v1/documents/praatcafe-lier", headers=STAFF).json()
    assert gone["chunks_removed"] >= 1
    _problem(client.get("/v1/documents/praatcafe-lier/chunks", headers=STAFF), 404)


@pytest.mark.parametrize(("name", "content", "status", "fragment"), [
    ("kapot.pdf", bytes(range(256)) * 8, 422, "not a readable PDF"),
    ("leeg.txt", b"", 422, "empty"),
    ("tabel.xlsx", b"PK\x03\x04", 415, ".pdf"),
    ("groot.txt", b"a " * 600_000, 413, "over"),
])
def test_bad_uploads_are_refused_and_lose_nothing(client, name, content, status, fragment):
    before = client.get("/v1/index/stats", headers=STAFF).json()["chunks"]
    body = _problem(client.post("/v1/documents", headers=STAFF, files={"file": (name, content)}), status)
    assert fragment in body["detail"]
    assert client.get("/v1/index/stats", headers=STAFF).json()["chunks"] == before


def test_rate_limit_gives_429_with_retry_after(kb_index, tmp_path):
    settings, kindex = kb_index
    state = AppState(settings, AssistantService(settings, store=kindex.store), kindex,
                     Storage(f"sqlite:///{tmp_path}/rl.sqlite"), JobRunner(), RateLimiter(2))
    with TestClient(create_app(state=state)) as c:
        for _ in range(2):
            assert c.get("/v1/routes").status_code == 200
        body = _problem(c.get("/v1/routes"), 429)
        assert "wait" in body["detail"]
