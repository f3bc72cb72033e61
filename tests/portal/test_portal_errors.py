"""The portal pages (AppTest) against a fake API: API down, slow, server error, and rendering of
streamed, right-to-left and machine-translated answers with feedback."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from streamlit.testing.v1 import AppTest

from tests.chroma_server import free_port
from tests.portal.fake_api import ANSWER_ID, fake_api

REPO = Path(__file__).resolve().parents[2]
APP = str(REPO / "portal" / "app.py")
STRINGS = yaml.safe_load((REPO / "knowledge_base" / "interface.yaml").read_text(encoding="utf-8"))["strings"]


def _app(monkeypatch: pytest.MonkeyPatch, url: str, timeout: str = "10") -> AppTest:
    monkeypatch.setenv("WEGWIJS_API_URL", url)
    monkeypatch.setenv("WEGWIJS_PORTAL_TIMEOUT", timeout)
    return AppTest.from_file(APP, default_timeout=30)


def _texts(at: AppTest) -> str:
    parts = [e.value for kind in ("error", "warning", "info", "success", "markdown", "caption")
             for e in getattr(at, kind)]
    return "\n".join(str(p) for p in parts)


def _no_traceback(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert "Traceback" not in _texts(at)


def test_api_down_says_so_on_every_page(monkeypatch):
    at = _app(monkeypatch, f"http://127.0.0.1:{free_port()}").run()
    _no_traceback(at)
    assert any("not available right now" in e.value for e in at.error)
    at.chat_input[0].set_value("Waar kan ik Nederlands leren?").run()
    _no_traceback(at)
    assert sum("not available right now" in e.value for e in at.error) >= 2
    for page in ("views/guide.py", "views/staff.py"):
        at.switch_page(page).run()
        _no_traceback(at)
        assert any("not available right now" in e.value for e in at.error), page
    at.text_input(key="token_input").set_value("token").run()
    at.button[-1].click().run()
    _no_traceback(at)
    assert any("not available right now" in e.value for e in at.error)


def test_slow_answer_gives_the_slow_notice_in_the_chosen_language(monkeypatch):
    config = {"mode": "slow", "delay": 4}
    with fake_api(config) as url:
        at = _app(monkeypatch, url, timeout="1").run()
        at.selectbox(key="lang").set_value("en").run()
        at.chat_input[0].set_value("Where can I learn Dutch?").run()
    _no_traceback(at)
    assert any("taking longer than usual" in w.value for w in at.warning)
    assert config["asked"][0]["language"] == "en"


def test_server_error_gives_a_plain_message(monkeypatch):
    with fake_api({"mode": "error"}) as url:
        at = _app(monkeypatch, url).run()
        at.chat_input[0].set_value("Wat is MO?").run()
    _no_traceback(at)
    assert any(e.value == "Er ging iets mis. Probeer het opnieuw." for e in at.error)
    assert "Something went wrong on our side" not in _texts(at)


def test_rtl_machine_translated_answer_with_sources_and_feedback(monkeypatch):
    config = {"mode": "ok", "machine_translated": True, "answer": "يمكنك تعلم اللغة الهولندية. اسأل في البيت."}
    with fake_api(config) as url:
        monkeypatch.setenv("WEGWIJS_API_URL", url)
        at = AppTest.from_file(APP, default_timeout=30)
        at.query_params["lang"] = "ar"
        at.run()
        assert at.chat_input[0].placeholder == STRINGS["chat_placeholder"]["ar"]
        assert at.selectbox(key="lang").label == STRINGS["language_label"]["ar"]
        at.chat_input[0].set_value("أين يمكنني تعلم اللغة الهولندية؟").run()
        _no_traceback(at)
        html = _texts(at)
        assert 'class="ww-answer" dir="rtl" lang="ar"' in html and "اسأل في البيت" in html
        assert 'class="ww-route-card" dir="rtl"' in html and "Nederlands leren in Gent" in html
        assert config["asked"][0]["language"] == "ar" and config["asked"][0]["audience"] == "newcomer"
        warnings = [w.value for w in at.warning]
        assert STRINGS["emergency_notice"]["ar"] in warnings and STRINGS["machine_translated_notice"]["ar"] in warnings
        labels = [e.label for e in at.expander]
        assert "1. Waar kan ik Nederlands leren?" in labels and STRINGS["show_original"]["ar"] in labels
        assert "origineel" in html and "Centrum voor Volwassenenonderwijs" in html
        radio = at.radio(key=f"fbr-{ANSWER_ID}")
        radio.set_value("down")
        at.text_area(key=f"fbc-{ANSWER_ID}").set_value("Te kort")
        submit = [b for b in at.button if b.label == STRINGS["chat_send"]["ar"]]
        assert len(submit) == 1
        submit[0].click().run()
        _no_traceback(at)
    assert config["feedback"] == [{"answer_id": ANSWER_ID, "rating": "down", "comment": "Te kort"}]
    assert [s.value for s in at.success] == [STRINGS["feedback_thanks"]["ar"]]


def test_staff_page_says_clearly_when_there_is_no_evaluation_report(monkeypatch):
    with fake_api({"mode": "ok"}) as url:
        at = _app(monkeypatch, url).run()
        at.session_state["staff_token"] = "whatever"
        at.switch_page("views/staff.py").run()
    _no_traceback(at)
    assert "No evaluation report: No evaluation report has been written yet. Run the evaluation." in [
        i.value for i in at.info]
