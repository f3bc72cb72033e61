"""API building blocks without the model: redaction, storage and retention, rate limiting, CORS."""

from __future__ import annotations

import datetime as dt

import pytest
from fastapi.testclient import TestClient

from assistant.api.app import create_app
from assistant.api.redaction import redact
from assistant.api.state import RateLimiter
from assistant.api.storage import AnswerRecord, FeedbackRecord, Storage

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(("text", "gone", "placeholder"), [
    ("mail jan.peeters@gmail.com", "jan.peeters", "[e-mail]"),
    ("bel 0470 12 34 56", "0470", "[telefoon]"),
    ("bel +32 470 12 34 56", "470 12", "[telefoon]"),
    ("rijksregisternummer 85.07.30-033.28", "85.07.30", "[rijksregisternummer]"),
    ("ik woon in de Kerkstraat 12 bus 3", "Kerkstraat 12", "[adres]"),
    ("j'habite rue de la Loi 16", "Loi 16", "[adres]"),
])
def test_personal_data_is_redacted(text, gone, placeholder):
    out = redact(text)
    assert gone not in out and placeholder in out


def test_ordinary_numbers_survive_redaction():
    text = "Sinds 1 juni 2022 tekenden 4.267 nieuwkomers; de cursus duurt 60 uur."
    assert redact(text) == text


def test_storage_redacts_and_purges_old_rows(tmp_path):
    storage = Storage(f"sqlite:///{tmp_path}/s.sqlite")
    answer = storage.record_answer("Mijn nummer is 0470 12 34 56", "nl", "mo", True, "out_of_scope")
    storage.add_feedback(answer, "down", "mail me: x@y.be")
    assert "0470" not in storage.unanswered()[0]["question"]
    assert "x@y.be" not in storage.feedback()[0]["comment"]
    old = dt.datetime.now(dt.UTC) - dt.timedelta(days=120)
    with storage.session() as s, s.begin():
        s.get(AnswerRecord, answer).created_at = old
        for f in s.query(FeedbackRecord).all():
            f.created_at = old
    fresh = storage.record_answer("Wat is NT2?", "nl", "nt2", False, None)
    assert storage.purge(90) == 2
    assert storage.answer_exists(fresh) and not storage.answer_exists(answer)


def test_rate_limiter_window():
    limiter = RateLimiter(2)
    assert limiter.check("a") is None and limiter.check("a") is None
    wait = limiter.check("a")
    assert wait is not None and 0 < wait <= 60
    assert limiter.check("b") is None
    assert RateLimiter(0).check("a") is None


def test_cors_is_configurable(fake_settings):
    app = create_app(fake_settings.model_copy(update={"cors_origins": ["https://gemeente.example"]}))
    with TestClient(app) as client:
        r = client.options("/healthz", headers={"Origin": "https://gemeente.example",
                                                "Access-Control-Request-Method": "GET"})
        assert r.headers.get("access-control-allow-origin") == "https://gemeente.example"
        r = client.options("/healthz", headers={"Origin": "https://elders.example",
                                                "Access-Control-Request-Method": "GET"})
        assert r.headers.get("access-control-allow-origin") is None
