"""Newcomer chat: ask in your own language, the answer streamed with a route card, sources and feedback."""

from __future__ import annotations

import streamlit as st

from portal import ui
from portal.client import ApiError

T = ui.texts()
LANG, DIR = T.lang, T.direction
api = ui.client()

st.title(T("app_title"))
st.caption(T("app_tagline"))
st.warning(T("emergency_notice"), icon="🚨")

messages: list[dict] = st.session_state.setdefault("messages", [])
sent: dict[str, str] = st.session_state.setdefault("feedback_sent", {})


@st.cache_data(ttl=600, show_spinner=False, max_entries=256)
def _municipality(name: str, lang: str, base: str) -> dict:
    from portal.client import ApiClient

    client = ApiClient(base_url=base)
    try:
        return client.municipality(name, lang)
    finally:
        client.close()


def _contact_box(contact: dict) -> None:
    """The human contact: the organisation for the person's municipality, or the agency."""
    line = f"**{T('human_contact')}**"
    if contact.get("name"):
        line += f"  \n{contact['name']}"
    if contact.get("url"):
        line += f"  \n[{T('website')}]({contact['url']})"
    if contact.get("phone"):
        line += f"  \n{T('phone')}: {contact['phone']}"
    st.info(line, icon="🧑‍💼")


with st.sidebar:
    municipality = st.text_input(T("municipality_label"), key="municipality", help=T("municipality_help"),
                                 max_chars=100).strip()
    contact = T.contact
    if municipality:
        try:
            found = _municipality(municipality, LANG, api.base_url)
            st.caption(f"✓ {found['name']} ({found['province']})")
            contact = found["serving"]["registration"]["contact"]
        except ApiError as exc:
            if exc.kind == "problem" and exc.status == 404:
                st.caption(T("route_unknown_municipality"))
            else:
                ui.show_error(exc, T)
    _contact_box(contact)
    if st.button(T("new_conversation"), key="new_conversation", icon=":material/refresh:"):
        messages.clear()
        st.rerun()


def _sources(sources: list[dict]) -> None:
    if not sources:
        return
    st.markdown(f"**{T('answer_sources')}**")
    if LANG != "nl" and any((s.get("language") or "nl") != LANG for s in sources):
        st.caption(T("sources_in_dutch_notice"))
    for n, src in enumerate(sources, 1):
        with st.expander(f"{n}. {src.get('title') or src.get('id')}"):
            st.markdown(ui.block(src.get("text", ""), src.get("language") or "nl",
                                 "rtl" if src.get("language") in ui.RTL else "ltr", "ww-passage"),
                        unsafe_allow_html=True)
            if src.get("url"):
                st.link_button(T("source_open"), src["url"])


def _machine_translated(data: dict) -> None:
    if not data.get("machine_translated"):
        return
    st.warning(T("machine_translated_notice"), icon="🌐")
    original = data.get("original_answer") or next((s.get("text") for s in data.get("sources") or []), "")
    if original:
        with st.expander(T("show_original")):
            st.caption(T("original_text"))
            st.markdown(ui.block(original, "nl", "ltr", "ww-original"), unsafe_allow_html=True)


def _feedback(answer_id: str) -> None:
    if answer_id in sent:
        st.success(T("feedback_thanks"), icon="🙏")
        return
    with st.form(f"fb-{answer_id}", border=False):
        rating = st.radio(T("feedback_prompt"), ["up", "down"], index=None, horizontal=True, key=f"fbr-{answer_id}",
                          format_func=lambda r: ("👍 " + T("feedback_up")) if r == "up" else ("👎 " + T("feedback_down")))
        comment = st.text_area(T("feedback_comment_label"), key=f"fbc-{answer_id}", max_chars=2000, height=68)
        submitted = st.form_submit_button(T("chat_send"))
    if submitted:
        if rating is None:
            st.warning(T("feedback_prompt"))
            return
        try:
            api.feedback(answer_id, rating, comment.strip() or None)
        except ApiError as exc:
            ui.show_error(exc, T)
            return
        sent[answer_id] = rating
        st.rerun()


def _answer(msg: dict) -> None:
    """One assistant turn: answer and sources beside the route card, then feedback."""
    if "error" in msg:
        ui.show_error(ApiError(**msg["error"]), T)
        return
    data, lang = msg["data"], msg.get("lang", LANG)
    direction = "rtl" if lang in ui.RTL else "ltr"
    left, right = st.columns([3, 2], gap="medium")
    with left:
        st.markdown(ui.block(data["answer"], lang, direction, "ww-answer"), unsafe_allow_html=True)
        _machine_translated(data)
        _sources(data.get("sources") or [])
    with right:
        st.markdown(ui.route_card_html(data["route"], T, lang, direction), unsafe_allow_html=True)
    _feedback(msg["answer_id"])


for msg in messages:
    with st.chat_message(msg["role"]):
        if msg["role"] == "user":
            st.markdown(ui.block(msg["content"], LANG, DIR, "ww-question"), unsafe_allow_html=True)
        else:
            _answer(msg)

question = st.chat_input(T("chat_placeholder"), max_chars=2000, key="question")
if question and question.strip():
    history = [{"role": m["role"], "content": m["content"] if m["role"] == "user" else m["data"]["answer"]}
               for m in messages if m["role"] == "user" or "data" in m][-20:]
    messages.append({"role": "user", "content": question.strip()})
    with st.chat_message("user"):
        st.markdown(ui.block(question.strip(), LANG, DIR, "ww-question"), unsafe_allow_html=True)
    with st.chat_message("assistant"):
        left, right = st.columns([3, 2], gap="medium")
        with left:
            placeholder = st.empty()
            placeholder.caption(T("thinking"))
        text, done = "", None
        try:
            lang, direction = LANG, DIR
            for event, payload in api.ask_stream(question.strip(), history, ui.answer_language(),
                                                 municipality or None):
                if event == "meta":
                    lang = payload.get("language") or LANG
                    direction = "rtl" if lang in ui.RTL else "ltr"
                    with right:
                        st.markdown(ui.route_card_html(payload["route"], T, lang, direction), unsafe_allow_html=True)
                elif event == "delta":
                    text += payload.get("text", "")
                    placeholder.markdown(ui.block(text, lang, direction, "ww-answer"), unsafe_allow_html=True)
                elif event == "done":
                    done = payload
        except ApiError as exc:
            placeholder.empty()
            messages.append({"role": "assistant", "error": {"kind": exc.kind, "status": exc.status,
                                                            "title": exc.title, "detail": exc.detail}})
            ui.show_error(exc, T)
        if done is not None:
            messages.append({"role": "assistant", "data": done, "answer_id": done["answer_id"],
                             "lang": done.get("language") or LANG})
            st.rerun()
