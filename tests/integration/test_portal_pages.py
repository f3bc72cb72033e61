"""Every portal page (Streamlit AppTest) against a real API over the real index: chat, guide, staff."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import httpx
import pytest
import yaml
from streamlit.testing.v1 import AppTest

from ingest.faq import read_faq
from portal.ui import esc as ui_esc
from tests.portal.servers import STAFF_TOKEN, writable_api

pytestmark = pytest.mark.integration
REPO = Path(__file__).resolve().parents[2]
APP = str(REPO / "portal" / "app.py")
STRINGS = yaml.safe_load((REPO / "knowledge_base" / "interface.yaml").read_text(encoding="utf-8"))["strings"]
STAFF = {"Authorization": f"Bearer {STAFF_TOKEN}"}


@pytest.fixture(scope="module")
def api(kb_index, tmp_path_factory):
    """A writable API over a copy of the session's index."""
    with writable_api(kb_index[0].data_dir, tmp_path_factory.mktemp("portal-api")) as server:
        yield server


@pytest.fixture
def at(api, monkeypatch) -> AppTest:
    monkeypatch.setenv("WEGWIJS_API_URL", api.url)
    return AppTest.from_file(APP, default_timeout=120)


def _html(at: AppTest) -> str:
    return "\n".join(str(e.value) for kind in ("markdown", "caption", "info", "success", "warning", "error")
                     for e in getattr(at, kind))


def _ok(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def _button(at: AppTest, label: str):
    found = [b for b in at.button if b.label == label]
    assert found, [b.label for b in at.button]
    return found[0]


def _staff(at: AppTest) -> AppTest:
    at.session_state["staff_token"] = STAFF_TOKEN
    return at.switch_page("views/staff.py").run()


# --- newcomer chat -------------------------------------------------------------------------------------

def test_chat_in_arabic_streams_a_rtl_answer_with_route_card_sources_and_feedback(at, api):
    at.query_params["lang"] = "ar"
    at.run()
    at.text_input(key="municipality").set_value("Gent").run()
    assert any(c.value.startswith("✓ Gent") for c in at.sidebar.caption)
    at.chat_input[0].set_value("أين يمكنني تعلم اللغة الهولندية؟").run()
    _ok(at)
    html = _html(at)
    msg = at.session_state["messages"][-1]
    route = msg["data"]["route"]
    assert 'class="ww-answer" dir="rtl" lang="ar"' in html and msg["data"]["language"] == "ar"
    assert f'class="ww-route-card" dir="rtl" lang="ar" data-route="{route["id"]}"' in html
    assert route["id"] in ("nt2", "practice") and "Gent" in route["contact"]["name"]  # Gent's own organisation
    assert STRINGS["route_card_title"]["ar"] in html and ui_esc(route["title"]) in html
    assert STRINGS["emergency_notice"]["ar"] in [w.value for w in at.warning]
    assert any(e.label.startswith("1. ") for e in at.expander)  # sources, each with its passage
    assert STRINGS["human_contact"]["ar"] in html
    answer_id = msg["answer_id"]
    at.radio(key=f"fbr-{answer_id}").set_value("up")
    at.text_area(key=f"fbc-{answer_id}").set_value("Duidelijk, dank je")
    _button(at, STRINGS["chat_send"]["ar"]).click().run()
    _ok(at)
    assert [s.value for s in at.success] == [STRINGS["feedback_thanks"]["ar"]]
    stored = httpx.get(f"{api.url}/v1/feedback", headers=STAFF).json()
    assert any(f["answer_id"] == answer_id and f["rating"] == "up" and f["comment"] == "Duidelijk, dank je"
               for f in stored)


def test_switching_to_ukrainian_changes_the_interface_and_the_answer_language(at):
    at.run()
    assert at.chat_input[0].placeholder == STRINGS["chat_placeholder"]["nl"]
    at.selectbox(key="lang").set_value("uk").run()
    _ok(at)
    assert at.chat_input[0].placeholder == STRINGS["chat_placeholder"]["uk"]
    assert at.title[0].value == STRINGS["app_title"]["uk"]
    assert at.selectbox(key="lang").label == STRINGS["language_label"]["uk"]
    at.chat_input[0].set_value("Де можна практикувати нідерландську мову?").run()
    _ok(at)
    msg = at.session_state["messages"][-1]
    assert msg["data"]["language"] == "uk" and 'dir="ltr" lang="uk"' in _html(at)
    at.button(key="new_conversation").click().run()
    assert at.session_state["messages"] == [] and not at.chat_message


# --- referrer guide ------------------------------------------------------------------------------------

def test_guide_search_with_filters_and_a_passage_in_context(at):
    at.run()
    at.switch_page("views/guide.py").run()
    _ok(at)
    at.text_input(key="search_query").set_value("standaardtest maatschappelijke oriëntatie")
    at.selectbox(key="search_kind").set_value("publication")
    _button(at, STRINGS["search_button"]["nl"]).click().run()
    _ok(at)
    hits = at.session_state["hits"]
    assert hits and all(h["kind"] == "publication" for h in hits)
    first = hits[0]
    at.toggle(key=f"ctx-{first['id']}").set_value(True).run()
    _ok(at)
    html = _html(at)
    assert 'class="ww-passage ww-target"' in html and first["title"] in html

    at.multiselect(key="search_docs").set_value([first["doc_id"]])
    _button(at, STRINGS["search_button"]["nl"]).click().run()
    assert {h["doc_id"] for h in at.session_state["hits"]} == {first["doc_id"]}

    at.date_input(key="search_from").set_value(dt.date.today() + dt.timedelta(days=365))  # widget max: +10 y
    _button(at, STRINGS["search_button"]["nl"]).click().run()
    _ok(at)
    assert at.session_state["hits"] == [] and STRINGS["no_results"]["nl"] in [i.value for i in at.info]


def test_guide_route_card_in_the_newcomers_language_to_copy_and_print(at, api):
    at.run()
    at.switch_page("views/guide.py").run()
    at.selectbox(key="card_lang").set_value("fa").run()
    at.selectbox(key="card_route").set_value("mo").run()
    at.text_input(key="card_municipality").set_value("Antwerpen").run()
    _ok(at)
    expected = httpx.get(f"{api.url}/v1/municipalities/Antwerpen", params={"lang": "fa"}).json()["serving"]["mo"]
    code = at.code[0].value
    assert code.startswith(expected["title"]) and expected["steps"][0] in code and "Atlas" in code
    assert STRINGS["next_steps"]["fa"] in code
    assert 'class="ww-route-card" dir="rtl" lang="fa" data-route="mo"' in _html(at)
    assert any(d.label == STRINGS["print_card"]["nl"] for d in at.get("download_button"))
    topics = at.multiselect(key="card_topics")
    assert topics.options
    labels_before = len(at.expander)
    topics.set_value([topics.options[0]]).run()
    assert 0 < len(at.expander) <= labels_before


# --- staff ---------------------------------------------------------------------------------------------

def test_staff_login_refuses_a_wrong_token_with_the_apis_message(at):
    at.run()
    at.switch_page("views/staff.py").run()
    at.text_input(key="token_input").set_value("not-a-staff-token")
    _button(at, STRINGS["login_button"]["nl"]).click().run()
    _ok(at)
    assert any("This token is not a staff token." in e.value for e in at.error)
    at.text_input(key="token_input").set_value(STAFF_TOKEN)
    _button(at, STRINGS["login_button"]["nl"]).click().run()
    _ok(at)
    assert at.session_state["staff_token"] == STAFF_TOKEN and at.button(key="logout")


TEXT_V1 = ("Proefdocument portaal\n\nDeze brochure legt uit hoe de zeepbelbibliotheek van Wegwijs werkt. "
           "Nieuwkomers lenen er boeken in eenvoudig Nederlands. " * 4)
TEXT_V2 = TEXT_V1.replace("zeepbelbibliotheek", "regenboogbibliotheek")


def test_staff_upload_replace_chunks_and_delete_with_validation_messages(at, api):
    _staff(at)
    _ok(at)
    at.file_uploader(key="upload_file").set_value(("leeg.txt", b"   \n", "text/plain"))
    _button(at, STRINGS["upload_label"]["nl"]).click().run()
    assert any("cannot be indexed" in e.value for e in at.error), [e.value for e in at.error]

    at.file_uploader(key="upload_file").set_value(("portaal-proef.txt", TEXT_V1.encode(), "text/plain"))
    at.text_input(key="upload_title").set_value("Portaal proef")
    at.selectbox(key="upload_type").set_value("brochure")
    _button(at, STRINGS["upload_label"]["nl"]).click().run()
    _ok(at)
    assert any(s.value.startswith(STRINGS["job_done"]["nl"]) and "added: 1" in s.value for s in at.success), [s.value for s in at.success]
    assert at.get("progress")[-1].value == 100

    at.run()
    at.selectbox(key="chunks_doc").set_value("portaal-proef").run()
    assert "zeepbelbibliotheek" in _html(at)

    at.selectbox(key="upload_replace").set_value("portaal-proef")
    at.file_uploader(key="upload_file").set_value(("portaal-proef.txt", TEXT_V2.encode(), "text/plain"))
    _button(at, STRINGS["upload_label"]["nl"]).click().run()
    assert any("updated: 1" in s.value for s in at.success), [s.value for s in at.success]
    at.run()
    assert "regenboogbibliotheek" in _html(at) and "zeepbelbibliotheek" not in _html(at)

    at.selectbox(key="delete_doc").set_value("portaal-proef")
    at.checkbox(key="delete_sure").check().run()
    at.button(key="delete_go").click().run()
    _ok(at)
    assert any(s.value.startswith("portaal-proef:") for s in at.success)
    assert "portaal-proef" not in [d["id"] for d in httpx.get(f"{api.url}/v1/documents", headers=STAFF).json()]


def test_staff_reindex_shows_progress_and_the_report(at):
    _staff(at)
    at.button(key="reindex").click().run(timeout=300)
    _ok(at)
    done = [s.value for s in at.success if s.value.startswith(STRINGS["job_done"]["nl"])]
    assert done and "seen: " in done[0] and "skipped" not in done[0]
    assert at.get("progress")[-1].value == 100


def test_staff_translation_review_marks_a_language_reviewed(at, api):
    _staff(at)
    at.selectbox(key="review_faq").set_value("mo-test")
    at.selectbox(key="review_lang").set_value("tr").run()
    _ok(at)
    assert STRINGS["review_status_draft"]["nl"] in _html(at)
    at.button(key="review_set").click().run()
    _ok(at)
    assert any("mo-test [tr] → reviewed" in s.value for s in at.success)
    assert STRINGS["review_status_reviewed"]["nl"] in _html(at)
    assert read_faq(api.kb_dir / "faq" / "mo-test.yaml").translations["tr"].status == "reviewed"
    assert read_faq(REPO / "knowledge_base" / "faq" / "mo-test.yaml").translations["tr"].status == "draft"


def test_staff_feedback_unanswered_and_the_latest_evaluation_report(at, api):
    ask = httpx.post(f"{api.url}/v1/ask", json={"question": "Wat is het beste recept voor appeltaart?"})
    answer_id = ask.headers["X-Answer-Id"]
    httpx.post(f"{api.url}/v1/feedback", json={"answer_id": answer_id, "rating": "down", "comment": "Geen antwoord"})
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    folder = api.data_dir / "eval"
    (folder / "plots").mkdir(parents=True, exist_ok=True)
    (folder / "report.json").write_text(json.dumps({"questions": 143, "routing_accuracy": 0.9,
                                                    "hit_at_5": {"assistant": 0.89}, "failures": [{"id": "x"}]}))
    fig, ax = plt.subplots(figsize=(2, 2))
    ax.bar(["a", "b"], [1, 2])
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    (folder / "plots" / "hit_at_5.png").write_bytes(buf.getvalue())

    _staff(at)
    _ok(at)
    frames = [d.value for d in at.dataframe]
    assert any("comment" in f.columns and "Geen antwoord" in set(f["comment"]) for f in frames)
    assert any("question" in f.columns and "reason" in f.columns and
               any("appeltaart" in q for q in f["question"]) for f in frames)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["questions"] == "143" and metrics["routing_accuracy"] == "0.9"
    assert len(at.get("image")) == 1 and "report.json" in _html(at)
