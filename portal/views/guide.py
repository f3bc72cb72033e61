"""Referrer guide: search the publications with filters, a passage in its context, browse by route and topic,
and a route card to copy or print in the newcomer's language."""

from __future__ import annotations

import streamlit as st

from portal import ui
from portal.client import ApiError

T = ui.texts()
api = ui.client()
ROUTES = ("registration", "mo", "nt2", "practice", "none")

st.title(T("nav_guide"))
search_tab, browse_tab = st.tabs([T("search_label"), T("route_card_title")])


def _fail(exc: ApiError) -> None:
    ui.show_error(exc, T)


@st.cache_data(ttl=120, show_spinner=False)
def _publications(base: str) -> list[dict]:
    from portal.client import ApiClient

    client = ApiClient(base_url=base)
    try:
        return client.publications()
    finally:
        client.close()


def _context(hit: dict) -> None:
    """The passage between its neighbours, with its source."""
    try:
        ctx = api.context(hit["doc_id"], hit["id"])
    except ApiError as exc:
        _fail(exc)
        return
    where = " · ".join(x for x in (ctx.get("title"), ctx.get("date")) if x)
    st.caption(where)
    for p in ctx["passages"]:
        label = p.get("section") or ""
        if p.get("line_start"):
            label += f" (r. {p['line_start']}–{p.get('line_end')})"
        if label:
            st.caption(label)
        cls = "ww-passage ww-target" if p["target"] else "ww-passage"
        st.markdown(ui.block(p["text"], "nl", "ltr", cls), unsafe_allow_html=True)
    if ctx.get("url"):
        st.link_button(T("source_open"), ctx["url"])


with search_tab:
    try:
        docs = _publications(api.base_url)
    except ApiError as exc:
        docs = []
        _fail(exc)
    titles = {d["id"]: d["title"] for d in docs}
    with st.form("search"):
        query = st.text_input(T("search_label"), max_chars=500, key="search_query")
        c1, c2 = st.columns(2)
        kind = c1.selectbox(T("filter_kind"), ["all", "publication", "faq"], key="search_kind",
                            format_func=lambda k: {"all": "—", "publication": "Publicaties / publications",
                                                   "faq": "FAQ"}[k])
        chosen = c2.multiselect(T("filter_document"), list(titles), format_func=titles.__getitem__,
                                key="search_docs")
        d1, d2 = st.columns(2)
        date_from = d1.date_input(T("filter_date_from"), value=None, key="search_from", format="YYYY-MM-DD")
        date_to = d2.date_input(T("filter_date_to"), value=None, key="search_to", format="YYYY-MM-DD")
        go = st.form_submit_button(T("search_button"), type="primary")
    if go and query.strip():
        try:
            st.session_state["hits"] = api.search(
                query.strip(), kind=None if kind == "all" else kind, documents=chosen,
                date_from=date_from.isoformat() if date_from else None,
                date_to=date_to.isoformat() if date_to else None)
        except ApiError as exc:
            st.session_state["hits"] = None
            _fail(exc)
    hits = st.session_state.get("hits")
    if hits == []:
        st.info(T("no_results"))
    for n, hit in enumerate(hits or [], 1):
        head = f"{n}. {hit['title']}" + (f" — {hit['section']}" if hit.get("section") else "")
        with st.container(border=True, key=f"hit-{n}"):
            st.markdown(f"**{ui.esc(head)}**")
            st.caption(" · ".join(x for x in (hit["kind"], hit.get("date"), f"score {hit['score']:.3f}") if x))
            st.markdown(ui.block(hit["text"], hit.get("language") or "nl", "ltr", "ww-passage"),
                        unsafe_allow_html=True)
            if hit["kind"] == "publication" and st.toggle(T("show_context", "Show in context / Toon in context"),
                                                          key=f"ctx-{hit['id']}"):
                _context(hit)
            elif hit.get("url"):
                st.link_button(T("source_open"), hit["url"])


with browse_tab:
    c1, c2 = st.columns(2)
    card_lang = c1.selectbox(T("language_label"), list(ui.LANGUAGES), key="card_lang",
                             index=list(ui.LANGUAGES).index(T.lang), format_func=ui.LANGUAGES.__getitem__)
    card_t = ui.texts(card_lang)
    route_titles: dict[str, str] = {}
    cards: list[dict] = []
    try:
        data = api.routes(card_lang)
        cards = data["cards"]
        route_titles = {c["route"]: c["title"] for c in cards if c["organisation"] == "agii"}
    except ApiError as exc:
        _fail(exc)
    route = c2.selectbox(T("next_steps"), ROUTES, key="card_route",
                         format_func=lambda r: route_titles.get(r, T("human_contact") if r == "none" else r))
    place = st.text_input(T("municipality_label"), key="card_municipality", help=T("municipality_help"),
                          max_chars=100).strip()
    card = next(({"id": c["route"], "title": c["title"], "steps": c["steps"], "contact": c["contact"]}
                 for c in cards if c["route"] == route and c["organisation"] == "agii"), None)
    if place and route != "none":
        try:
            serving = api.municipality(place, card_lang)["serving"][route]
            card = {k: serving[k] for k in ("id", "title", "steps", "contact")}
        except ApiError as exc:
            _fail(exc)
    if card:
        direction = "rtl" if card_lang in ui.RTL else "ltr"
        st.markdown(ui.route_card_html(card, card_t, card_lang, direction), unsafe_allow_html=True)
        st.caption(T("copy_card"))
        st.code(ui.route_card_text(card, card_t), language=None, wrap_lines=True)
        st.download_button(T("print_card"), ui.printable_card(card, card_t, card_lang, direction),
                           file_name=f"wegwijs-{route}-{card_lang}.html", mime="text/html", key="print_card",
                           icon=":material/print:")

    st.divider()
    try:
        entries = [e for e in api.topics(card_lang)["entries"] if e["route"] == route]
    except ApiError as exc:
        entries = []
        _fail(exc)
    all_topics = sorted({t for e in entries for t in e["topics"]})
    picked = st.multiselect(T("topic", "Topic / Onderwerp"), all_topics, key="card_topics")
    for e in entries:
        if picked and not set(picked) & set(e["topics"]):
            continue
        with st.expander(e["question"]):
            st.caption(", ".join(e["topics"]))
            direction = "rtl" if e["language"] in ui.RTL else "ltr"
            st.markdown(ui.block(e["answer"], e["language"], direction, "ww-faq"), unsafe_allow_html=True)
