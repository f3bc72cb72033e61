"""Portal pieces without a server: isolation from the core packages, the HTTP client's errors, SSE, cards."""

from __future__ import annotations

import ast
from pathlib import Path

import httpx
import pytest

from portal import ui
from portal.client import ApiClient, ApiError, parse_sse
from tests.chroma_server import free_port

PORTAL = Path(__file__).resolve().parents[2] / "portal"


def test_portal_imports_nothing_from_assistant_or_ingest():
    offenders = []
    files = sorted(PORTAL.rglob("*.py"))
    assert len(files) >= 6
    for path in files:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [f"{path.name}: {n}" for n in names if n.split(".")[0] in ("assistant", "ingest", "eval")]
    assert offenders == []


def test_parse_sse_events_in_order():
    lines = ["event: meta", 'data: {"a": 1}', "", "event: delta", 'data: {"text": "Hallo "}', "",
             "event: done", 'data: {"answer": "Hallo"}', ""]
    assert list(parse_sse(iter(lines))) == [("meta", {"a": 1}), ("delta", {"text": "Hallo "}),
                                            ("done", {"answer": "Hallo"})]


def _client(handler) -> ApiClient:
    return ApiClient(base_url="http://api.test", transport=httpx.MockTransport(handler), timeout=2)


def test_problem_details_become_api_errors_with_the_api_message():
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(415, json={"title": "Unsupported file type", "status": 415,
                                         "detail": "x.exe is not one of: .txt, .md"},
                              headers={"content-type": "application/problem+json"})

    with pytest.raises(ApiError) as err:
        _client(handler).upload("x.exe", b"MZ", {})
    assert (err.value.kind, err.value.status, err.value.title) == ("problem", 415, "Unsupported file type")
    assert "x.exe is not one of" in err.value.detail


def test_connection_refused_is_unavailable_and_timeout_is_slow():
    with pytest.raises(ApiError) as err:
        ApiClient(base_url=f"http://127.0.0.1:{free_port()}", timeout=2).health()
    assert err.value.kind == "unavailable"

    def slow(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("timed out", request=request)

    with pytest.raises(ApiError) as err:
        list(_client(slow).ask_stream("Wat is MO?", [], None, None))
    assert err.value.kind == "slow"


def test_ask_stream_sends_the_contract_and_reads_events():
    seen = {}

    def handler(request: httpx.Request) -> httpx.Response:
        seen["body"] = request.read().decode()
        text = 'event: meta\ndata: {"route": {"id": "mo"}}\n\nevent: done\ndata: {"answer": "MO is ..."}\n\n'
        return httpx.Response(200, text=text, headers={"content-type": "text/event-stream"})

    events = list(_client(handler).ask_stream("Wat is MO?", [{"role": "user", "content": "hoi"}], "nl", "Gent"))
    assert events == [("meta", {"route": {"id": "mo"}}), ("done", {"answer": "MO is ..."})]
    assert '"municipality":"Gent"' in seen["body"].replace(" ", "") and '"audience":"newcomer"' in seen["body"].replace(" ", "")


def test_staff_token_is_sent_as_bearer():
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"auth": request.headers.get("authorization")})

    api = ApiClient(base_url="http://api.test", token="s3cret", transport=httpx.MockTransport(handler))
    assert api.index_stats() == {"auth": "Bearer s3cret"}


ROUTE = {"id": "mo", "title": "MO <cursus>", "steps": ["Stap *één*", "Stap twee"],
         "contact": {"name": "Atlas", "url": "https://www.atlas-antwerpen.be", "phone": None}}


def test_route_card_text_and_html_are_escaped_and_directed():
    t = ui.Texts("ar", "rtl", {"next_steps": "الخطوات التالية", "contact": "اتصال", "website": "الموقع",
                               "route_card_title": "إلى أين يمكنك الذهاب؟"})
    text = ui.route_card_text(ROUTE, t)
    assert text.splitlines()[0] == "MO <cursus>" and "1. Stap *één*" in text and "الموقع: https://www.atlas" in text
    html = ui.route_card_html(ROUTE, t, "ar", "rtl")
    assert 'dir="rtl"' in html and 'lang="ar"' in html and "&lt;cursus&gt;" in html and "<cursus>" not in html
    assert "&#42;één&#42;" in html  # no Markdown emphasis sneaks in
    assert "onload=\"window.print()\"" in ui.printable_card(ROUTE, t, "ar", "rtl")


def test_texts_fall_back_when_a_key_is_missing():
    t = ui.Texts("nl", strings={"search_button": "Zoek"})
    assert t("search_button") == "Zoek"
    assert t("tab_review", "Translation review") == "Translation review"
    assert "not available" in t("api_unavailable")


def test_every_interface_key_the_pages_use_is_in_the_knowledge_base():
    import re
    from pathlib import Path

    import yaml

    root = Path(__file__).resolve().parents[2]
    strings = yaml.safe_load((root / "knowledge_base" / "interface.yaml").read_text(encoding="utf-8"))["strings"]
    used = {m for p in (root / "portal").rglob("*.py")
            for m in re.findall(r"""\bT\(\s*["']([a-z_]+)["']\s*[,)]""", p.read_text(encoding="utf-8"))}
    assert len(used) > 40
    assert sorted(used - set(strings)) == []  # a missing key would show English in every language
