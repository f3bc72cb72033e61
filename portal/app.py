"""Wegwijs portal: the Streamlit entry point (``streamlit run portal/app.py``); a thin client of the API.

Pages: newcomer chat, referrer guide, staff. The API's base URL comes from ``WEGWIJS_API_URL``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st

if str(Path(__file__).resolve().parents[1]) not in sys.path:  # run as a script without an installed package
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from portal import ui  # noqa: E402

st.set_page_config(page_title="Wegwijs", page_icon="🧭", layout="centered")
T = ui.texts()
ui.apply_layout(T)
with st.sidebar:
    ui.language_picker(T)
if T.error is not None:
    ui.show_error(T.error, T)

HERE = Path(__file__).parent
pages = [
    st.Page(HERE / "views" / "chat.py", title=T("nav_chat"), icon=":material/chat:", url_path="chat", default=True),
    st.Page(HERE / "views" / "guide.py", title=T("nav_guide"), icon=":material/travel_explore:", url_path="guide"),
    st.Page(HERE / "views" / "staff.py", title=T("nav_staff"), icon=":material/admin_panel_settings:",
            url_path="staff"),
]
st.navigation(pages).run()
