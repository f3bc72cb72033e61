"""Staff (login with a staff token): documents, chunks, re-index, translation review, feedback, evaluation."""

from __future__ import annotations

import time

import streamlit as st

from portal import ui
from portal.client import ApiClient, ApiError

T = ui.texts()
DOC_TYPES = ["other", "brochure", "annual_report", "parliamentary_question", "faq_page"]
FILE_TYPES = ["txt", "md", "html", "htm", "pdf", "docx"]

st.title(T("nav_staff"))

token = st.session_state.get("staff_token")
if not token:
    with st.form("login"):
        entered = st.text_input(T("staff_token", "Staff token"), type="password", key="token_input",
                                help="Authorization: Bearer … (wegwijs hash-token)")
        go = st.form_submit_button(T("login_button"), type="primary")
    if go and entered.strip():
        probe = ApiClient(token=entered.strip())
        try:
            probe.index_stats()
        except ApiError as exc:
            ui.show_error(exc, T)
        else:
            st.session_state["staff_token"] = entered.strip()
            st.rerun()
        finally:
            probe.close()
    st.stop()

api = ui.client(token)
if st.button(T("logout_button"), key="logout"):
    st.session_state.pop("staff_token", None)
    st.rerun()
if flash := st.session_state.pop("staff_flash", None):
    st.success(flash)


def _follow(job: dict, total: int) -> None:
    """Poll a job until it has finished, with a progress bar; show its report or error."""
    bar = st.progress(0.0, text=job.get("description", ""))
    files: list[str] = []
    deadline = time.monotonic() + 900
    while True:
        try:
            job = api.job(job["id"])
        except ApiError as exc:
            ui.show_error(exc, T)
            return
        if job.get("current_file") and job["current_file"] not in files:
            files.append(job["current_file"])
        if job["state"] in ("done", "failed") or time.monotonic() > deadline:
            break
        bar.progress(min(len(files) / max(total, 1), 0.99), text=f"{job['state']} · {job.get('current_file') or ''}")
        time.sleep(0.3)
    bar.progress(1.0, text=f"{job['description']}: {job['state']}")
    if job["state"] == "done":
        report = job["report"] or {}
        st.success(T("job_done", "Done") + " — " + ", ".join(
            f"{k}: {len(v) if isinstance(v, list) else v}" for k, v in report.items() if k != "skipped"))
        for skipped in report.get("skipped") or []:
            st.warning(f"{skipped['file']}: {skipped['reason']}")
    elif job["state"] == "failed":
        st.error(job.get("error") or T("error_generic"))
    else:
        st.warning(T("api_slow"))


docs_tab, index_tab, review_tab, feedback_tab, eval_tab = st.tabs([
    T("tab_documents", "Documents"), T("reindex_button"), T("tab_review", "Translation review"),
    T("tab_feedback", "Feedback"), T("tab_evaluation", "Evaluation")])

with docs_tab:
    try:
        docs = api.documents()
    except ApiError as exc:
        docs = []
        ui.show_error(exc, T)
    ids = [d["id"] for d in docs]
    uploaded = [d["id"] for d in docs if d["uploaded"]]
    st.dataframe(docs, hide_index=True)
    st.subheader(T("upload_label"))
    with st.form("upload", clear_on_submit=False):
        file = st.file_uploader(T("upload_label"), type=FILE_TYPES, key="upload_file")
        title = st.text_input(T("doc_title", "Title"), max_chars=300, key="upload_title")
        c1, c2 = st.columns(2)
        doc_type = c1.selectbox(T("filter_kind"), DOC_TYPES, key="upload_type")
        date = c2.date_input(T("doc_date", "Date"), value=None, key="upload_date", format="YYYY-MM-DD")
        url = st.text_input(T("website"), max_chars=500, key="upload_url")
        replace = st.selectbox(T("replace_label", "Replace document (optional)"), ["", *uploaded],
                               key="upload_replace", format_func=lambda d: d or "—")
        send = st.form_submit_button(T("upload_label"), type="primary")
    if send:
        if file is None:
            st.warning(T("choose_file", "Choose a file first."))
        else:
            fields = {"title": title.strip(), "doc_type": doc_type, "date": date.isoformat() if date else "",
                      "source_url": url.strip()}
            try:
                out = api.upload(file.name, file.getvalue(), fields, replace=replace or None)
            except ApiError as exc:
                ui.show_error(exc, T)
            else:
                st.info(f"{out['doc_id']}: {out['job']['state']}")
                _follow(out["job"], total=len(uploaded) + 1)

    st.subheader(T("tab_chunks", "Chunks"))
    chosen = st.selectbox(T("filter_document"), ["", *ids], key="chunks_doc", format_func=lambda d: d or "—")
    if chosen:
        try:
            chunks = api.chunks(chosen)
        except ApiError as exc:
            chunks = []
            ui.show_error(exc, T)
        st.caption(f"{len(chunks)} chunks")
        for c in chunks:
            with st.expander(f"#{c.get('chunk_index', '')} {c.get('section') or ''} ({c.get('language') or ''})"):
                st.markdown(ui.block(c["text"], c.get("language") or "nl",
                                     "rtl" if c.get("language") in ui.RTL else "ltr", "ww-passage"),
                            unsafe_allow_html=True)

    st.subheader(T("delete_button"))
    victim = st.selectbox(T("filter_document"), ["", *ids], key="delete_doc", format_func=lambda d: d or "—")
    sure = st.checkbox(T("confirm_delete", "Yes, delete this document from the index"), key="delete_sure")
    if st.button(T("delete_button"), key="delete_go", disabled=not (victim and sure)):
        try:
            out = api.delete(victim)
        except ApiError as exc:
            ui.show_error(exc, T)
        else:
            msg = f"{out['deleted']}: {out['chunks_removed']} chunks"
            st.session_state["staff_flash"] = msg + (f" — {out['note']}" if out.get("note") else "")
            st.rerun()

with index_tab:
    st.caption(T("reindex_help", "Re-index the knowledge base and the uploads; only changed files are embedded."))
    if st.button(T("reindex_button"), key="reindex", type="primary"):
        try:
            job = api.reindex()
        except ApiError as exc:
            ui.show_error(exc, T)
        else:
            _follow(job, total=len(ids))

with review_tab:
    try:
        review = api.review()
    except ApiError as exc:
        review = {"summary": {}, "faq": []}
        ui.show_error(exc, T)
    rows: dict[str, dict[str, str]] = {}
    for kind, langs in review["summary"].items():
        for lang, c in langs.items():
            rows.setdefault(lang, {"language": lang})[kind] = f"{c['reviewed']}/{c['reviewed'] + c['draft']}"
    if rows:
        st.dataframe(list(rows.values()), hide_index=True)
    for problem in review.get("problems", []):
        st.warning(problem)  # a broken knowledge-base file, named by the API
    entries = {e["id"]: e for e in review["faq"]}
    c1, c2 = st.columns(2)
    faq_id = c1.selectbox(T("faq_entry", "FAQ entry"), ["", *entries], key="review_faq",
                          format_func=lambda i: i and f"{i} ({sum(s == 'reviewed' for s in entries[i]['status'].values())}"
                                                      f"/{len(entries[i]['status'])})" or "—")
    review_lang = c2.selectbox(T("language_label"), list(ui.LANGUAGES), key="review_lang",
                               format_func=ui.LANGUAGES.__getitem__)
    if faq_id:
        try:
            entry: dict | None = api.faq(faq_id)
        except ApiError as exc:
            entry = None
            ui.show_error(exc, T)
        tr = entry["translations"].get(review_lang) if entry else None
        if entry and tr is None:
            st.info(T("no_translation", "This entry has no text in this language yet."))
        elif entry and tr:
            status = tr["status"]
            st.markdown(f"**{T('review_status_' + status)}**")
            left, right = st.columns(2)
            with left:
                st.caption("nl")
                st.markdown(ui.block(entry["translations"]["nl"]["answer"], "nl", "ltr", "ww-passage"),
                            unsafe_allow_html=True)
            with right:
                st.caption(review_lang)
                st.markdown(ui.block("\n".join(tr["questions"]), review_lang,
                                     "rtl" if review_lang in ui.RTL else "ltr", "ww-passage"), unsafe_allow_html=True)
                st.markdown(ui.block(tr["answer"], review_lang, "rtl" if review_lang in ui.RTL else "ltr",
                                     "ww-passage"), unsafe_allow_html=True)
            new = "draft" if status == "reviewed" else "reviewed"
            label = T("mark_reviewed", "Mark as reviewed") if new == "reviewed" else T("mark_draft", "Mark as draft")
            if st.button(label, key="review_set"):
                try:
                    out = api.set_review(faq_id, review_lang, new)
                except ApiError as exc:
                    ui.show_error(exc, T)
                else:
                    st.session_state["staff_flash"] = f"{faq_id} [{review_lang}] → {out['status']}. {out['note']}"
                    st.rerun()

with feedback_tab:
    for title, fetch in ((T("tab_feedback", "Feedback"), api.staff_feedback),
                         (T("unanswered", "Unanswered questions"), api.unanswered)):
        st.subheader(title)
        try:
            rows_ = fetch()
        except ApiError as exc:
            ui.show_error(exc, T)
            continue
        if rows_:
            st.dataframe(rows_, hide_index=True)
        else:
            st.info(T("nothing_yet", "Nothing yet."))

with eval_tab:
    try:
        latest: dict | None = api.latest_report()
    except ApiError as exc:
        latest = None
        if exc.status == 404:
            st.info(f"{exc.title}: {exc.detail}")
        else:
            ui.show_error(exc, T)
    if latest:
        report = latest["report"]
        st.caption(f"{latest['name']} · {latest['modified']}")
        scalars = {k: v for k, v in report.items() if isinstance(v, int | float) and not isinstance(v, bool)}
        cols = st.columns(min(len(scalars), 4) or 1)
        for i, (k, v) in enumerate(scalars.items()):
            cols[i % len(cols)].metric(k, v)
        for k, v in report.items():
            if k in scalars:
                continue
            with st.expander(k):
                if isinstance(v, list) and v and isinstance(v[0], dict):
                    st.dataframe(v, hide_index=True)
                else:
                    st.json(v, expanded=True)
        for name in latest["plots"]:
            try:
                st.image(api.report_plot(name), caption=name)
            except ApiError as exc:
                ui.show_error(exc, T)
