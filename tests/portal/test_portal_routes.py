"""The API routes added for the portal (interface text, translation review, evaluation reports), over a
light state: curated content and settings only, no model or index."""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml
from fastapi.testclient import TestClient

from assistant.api.app import create_app
from assistant.api.deps import hash_token
from assistant.api.routes import reports
from assistant.api.routes.review import set_faq_status
from assistant.api.state import RateLimiter
from assistant.content import CuratedContent
from assistant.settings import Settings
from ingest.faq import read_faq

KB = Path(__file__).resolve().parents[2] / "knowledge_base"
STAFF = {"Authorization": "Bearer portal-staff"}


@pytest.fixture
def kb_copy(tmp_path: Path) -> Path:
    root = tmp_path / "kb"
    shutil.copytree(KB, root)
    return root


@pytest.fixture
def client(kb_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    settings = Settings(data_dir=tmp_path / "data", knowledge_base_dir=kb_copy, embedding_mode="fake",
                        staff_token_hashes=[hash_token("portal-staff")])
    monkeypatch.setattr(reports, "ARTIFACTS", tmp_path / "artifacts")
    state = SimpleNamespace(settings=settings, service=SimpleNamespace(content=CuratedContent(kb_copy)),
                            limiter=RateLimiter(0))
    with TestClient(create_app(state=state)) as c:  # type: ignore[arg-type]
        yield c


def test_interface_text_per_language_with_direction(client):
    ar = client.get("/v1/interface/ar").json()
    strings = yaml.safe_load((KB / "interface.yaml").read_text(encoding="utf-8"))["strings"]
    assert ar["direction"] == "rtl" and ar["name"] == "العربية"
    assert ar["strings"] == {k: v["ar"] for k, v in strings.items()} and len(ar["strings"]) == len(strings)
    assert client.get("/v1/interface/uk").json()["direction"] == "ltr"
    assert len(client.get("/v1/interface").json()["languages"]) == 17
    assert ar["contact"]["url"] == "https://www.integratie-inburgering.be"
    bad = client.get("/v1/interface/xx")
    assert bad.status_code == 404 and bad.headers["content-type"].startswith("application/problem+json")


def test_review_routes_need_a_staff_token(client):
    assert client.get("/v1/kb/review").status_code == 401
    assert client.get("/v1/kb/review", headers={"Authorization": "Bearer nope"}).status_code == 403
    assert client.get("/v1/reports/latest").status_code == 401


def test_mark_a_translation_reviewed_keeps_the_rest_of_the_file(client, kb_copy):
    path = kb_copy / "faq" / "mo-test.yaml"
    before = path.read_text(encoding="utf-8")
    summary = client.get("/v1/kb/review", headers=STAFF).json()
    entry = next(e for e in summary["faq"] if e["id"] == "mo-test")
    assert entry["status"]["fr"] == "draft" and entry["route"] == "mo"
    reviewed_before = summary["summary"]["faq"]["fr"]["reviewed"]

    resp = client.put("/v1/kb/faq/mo-test/review/fr", json={"status": "reviewed"}, headers=STAFF)
    assert resp.status_code == 200 and "re-index" in resp.json()["note"]
    after = path.read_text(encoding="utf-8")
    changed = [(a, b) for a, b in zip(before.splitlines(), after.splitlines(), strict=True) if a != b]
    assert changed == [("    status: draft", "    status: reviewed")]
    assert read_faq(path).translations["fr"].status == "reviewed"
    assert read_faq(path).translations["en"].status == "draft"
    again = client.get("/v1/kb/review", headers=STAFF).json()
    assert again["summary"]["faq"]["fr"]["reviewed"] == reviewed_before + 1
    assert client.get("/v1/kb/faq/mo-test", headers=STAFF).json()["translations"]["fr"]["status"] == "reviewed"


def test_review_errors_are_problems(client):
    assert client.put("/v1/kb/faq/nope/review/fr", json={"status": "reviewed"}, headers=STAFF).status_code == 404
    assert client.put("/v1/kb/faq/mo-test/review/xx", json={"status": "reviewed"}, headers=STAFF).status_code == 422
    assert client.put("/v1/kb/faq/mo-test/review/fr", json={"status": "ok"}, headers=STAFF).status_code == 422
    assert client.get("/v1/kb/faq/..%2Fsecrets", headers=STAFF).status_code == 404


def test_a_broken_search_terms_file_is_named_not_a_server_error(client, kb_copy):
    (kb_copy / "search_terms" / "fr.yaml").write_text("language: fr\nterms: {campagne: []}\n", encoding="utf-8")
    review = client.get("/v1/kb/review", headers=STAFF)
    assert review.status_code == 200
    body = review.json()
    assert body["problems"] == ["fr.yaml: terms: Value error, term 'campagne': give 1 to 4 non-empty words"]
    assert "fr" not in body["summary"]["search terms"] and "es" in body["summary"]["search terms"]


def test_status_line_is_added_when_missing(tmp_path):
    path = tmp_path / "mo-test.yaml"
    text = (KB / "faq" / "mo-test.yaml").read_text(encoding="utf-8")
    path.write_text(text.replace("  en:\n    status: draft\n", "  en:\n", 1), encoding="utf-8")
    set_faq_status(path, "en", "reviewed")
    assert read_faq(path).translations["en"].status == "reviewed"
    with pytest.raises(ValueError, match="no 'xx' translation"):
        set_faq_status(path, "xx", "reviewed")


def test_no_report_is_a_clear_404_then_the_newest_report_and_its_plots(client, tmp_path):
    resp = client.get("/v1/reports/latest", headers=STAFF)
    assert resp.status_code == 404 and "No evaluation report has been written yet" in resp.json()["detail"]
    old = tmp_path / "artifacts" / "bench_ask.json"
    old.parent.mkdir()
    old.write_text(json.dumps({"questions": 1}))
    os.utime(old, (time.time() - 100, time.time() - 100))
    folder = tmp_path / "data" / "eval"
    (folder / "plots").mkdir(parents=True)
    (folder / "report.json").write_text(json.dumps({"questions": 143, "hit_at_5": {"assistant": 0.9}}))
    (folder / "plots" / "hit_at_5.png").write_bytes(b"\x89PNG\r\n\x1a\nfake")
    body = client.get("/v1/reports/latest", headers=STAFF).json()
    assert body["name"] == "report.json" and body["report"]["questions"] == 143 and body["plots"] == ["hit_at_5.png"]
    png = client.get("/v1/reports/latest/plots/hit_at_5.png", headers=STAFF)
    assert png.status_code == 200 and png.headers["content-type"] == "image/png" and png.content.startswith(b"\x89PNG")
    assert client.get("/v1/reports/latest/plots/..%2Freport.json", headers=STAFF).status_code == 404
