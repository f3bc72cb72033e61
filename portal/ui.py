"""Shared portal pieces: interface text from the API, language and direction, error messages, route cards."""

from __future__ import annotations

import html
from dataclasses import dataclass, field

import streamlit as st

from portal.client import ApiClient, ApiError, api_url

#: Shown only when the API cannot be reached, so there is no interface text to fetch.
FALLBACK = {
    "app_title": "Wegwijs",
    "language_label": "Language / Taal",
    "api_unavailable": "The service is not available right now. Please try again later. / "
                       "De dienst is nu niet beschikbaar. Probeer het later opnieuw.",
    "api_slow": "The answer is taking longer than usual. Please try again in a moment. / "
                "Het antwoord duurt langer dan normaal. Probeer het zo opnieuw.",
    "error_generic": "Something went wrong. Please try again. / Er ging iets mis. Probeer het opnieuw.",
    "emergency_notice": "Wegwijs is not for emergencies. In an emergency, call 112. / "
                        "Wegwijs is niet bedoeld voor noodgevallen. Bel in nood 112.",
}
#: Codes and own names, so the picker still works while the API is down.
LANGUAGES: dict[str, str] = {
    "nl": "Nederlands", "en": "English", "fr": "Français", "ar": "العربية", "tr": "Türkçe", "ru": "Русский",
    "uk": "Українська", "pl": "Polski", "ro": "Română", "es": "Español", "pt": "Português", "bg": "Български",
    "fa": "فارسی", "ps": "پښتو", "so": "Soomaali", "ti": "ትግርኛ", "sq": "Shqip",
}
RTL = frozenset({"ar", "fa", "ps"})
DEFAULT_LANGUAGE = "nl"


@dataclass
class Texts:
    """Interface text in one language; call it with a key (and a default for keys not in interface.yaml)."""

    lang: str
    direction: str = "ltr"
    strings: dict[str, str] = field(default_factory=dict)
    contact: dict = field(default_factory=dict)
    error: ApiError | None = None

    def __call__(self, key: str, default: str | None = None) -> str:
        return self.strings.get(key) or default or FALLBACK.get(key) or key


def client(token: str | None = None, timeout: float | None = None) -> ApiClient:
    """An API client for this visitor (rate limits apply per visitor, not to the portal as a whole)."""
    key = None
    try:
        key = st.context.ip_address
    except Exception:  # noqa: BLE001 - not available outside a browser session
        key = None
    return ApiClient(token=token, timeout=timeout, client_key=key if isinstance(key, str) and key else None)


@st.cache_data(ttl=300, show_spinner=False, max_entries=64)
def _interface(lang: str, base: str) -> dict:
    api = ApiClient(base_url=base)
    try:
        return api.interface(lang)
    finally:
        api.close()


def current_language() -> str:
    """The chosen language: the picker's value, else ``?lang=`` in the address, else Dutch."""
    lang = st.session_state.get("lang")
    if lang not in LANGUAGES:
        wanted = st.query_params.get("lang", DEFAULT_LANGUAGE)
        lang = wanted if wanted in LANGUAGES else DEFAULT_LANGUAGE
        st.session_state["lang_chosen"] = wanted in LANGUAGES and "lang" in st.query_params
        st.session_state["lang"] = lang
    return lang


def texts(lang: str | None = None) -> Texts:
    """Interface text for ``lang`` (default: the chosen language) from the API; fallbacks if it is down."""
    lang = lang or current_language()
    direction = "rtl" if lang in RTL else "ltr"
    try:
        body = _interface(lang, api_url())
    except ApiError as exc:
        return Texts(lang, direction, error=exc)
    return Texts(lang, body.get("direction", direction), body["strings"], body.get("contact") or {})


def show_error(err: ApiError, t: Texts) -> None:
    """A message a person can act on; the API's own title and detail for 4xx problems, never a traceback."""
    if err.kind == "unavailable":
        st.error(t("api_unavailable"), icon="⚠️")
    elif err.kind == "slow":
        st.warning(t("api_slow"), icon="⏳")
    elif err.status is not None and err.status >= 500:
        st.error(t("error_generic"), icon="⚠️")
    else:
        st.error(f"{err.title}: {err.detail}" if err.detail else err.title, icon="⚠️")


CSS = """
<style>
.block-container {padding-left: 1rem; padding-right: 1rem; max-width: 60rem;}
.ww-answer, .ww-route-card, .ww-passage {overflow-wrap: anywhere;}
.ww-route-card {border: 1px solid rgba(128,128,128,.4); border-radius: .5rem; padding: .75rem 1rem;}
.ww-route-card h4 {margin: .2rem 0 .5rem 0; padding: 0;}
.ww-route-label {font-size: .85rem; opacity: .8; margin: 0;}
.ww-passage.ww-target {border-inline-start: 4px solid #1c83e1; padding-inline-start: .6rem;}
@media (max-width: 640px) { .block-container {padding-left: .5rem; padding-right: .5rem;} h1 {font-size: 1.6rem;} }
@media print { [data-testid="stSidebar"], [data-testid="stChatInput"] {display: none;} }
</style>
"""
RTL_CSS = """
<style>
[data-testid="stMainBlockContainer"], [data-testid="stBottomBlockContainer"], [data-testid="stSidebarUserContent"]
 {direction: rtl; text-align: right;}
[data-testid="stChatMessage"] {direction: rtl;}
</style>
"""


def apply_layout(t: Texts) -> None:
    """Readable at phone width; right-to-left for Arabic, Farsi and Pashto."""
    st.markdown(CSS + (RTL_CSS if t.direction == "rtl" else ""), unsafe_allow_html=True)


_MARKDOWN = {ord(ch): f"&#{ord(ch)};" for ch in "*_`[]|~\\$"}


def esc(text: object) -> str:
    """HTML-escaped text (also the characters Markdown would interpret)."""
    out = html.escape(str(text or "")).translate(_MARKDOWN)
    return out.replace("\n", "<br>")


def block(text: str, lang: str, direction: str, cls: str) -> str:
    """Text in a ``<div>`` with its language and direction."""
    return f'<div class="{cls}" dir="{direction}" lang="{esc(lang)}">{esc(text)}</div>'


def route_card_html(route: dict, t: Texts, lang: str, direction: str) -> str:
    """A route card (title, next steps, contact) as HTML in the newcomer's language and direction."""
    contact = route.get("contact") or {}
    steps = "".join(f"<li>{esc(s)}</li>" for s in route.get("steps") or [])
    parts = [f'<div class="ww-route-card" dir="{direction}" lang="{esc(lang)}" data-route="{esc(route.get("id"))}">',
             f'<p class="ww-route-label">{esc(t("route_card_title"))}</p>',
             f'<h4 class="ww-route-title">{esc(route.get("title"))}</h4>']
    if steps:
        parts.append(f'<p><strong>{esc(t("next_steps"))}</strong></p><ol>{steps}</ol>')
    if contact.get("name"):
        line = f'<strong>{esc(t("contact"))}</strong>: {esc(contact["name"])}'
        if contact.get("url"):
            line += f' · <a href="{esc(contact["url"])}" target="_blank" rel="noopener">{esc(t("website"))}</a>'
        if contact.get("phone"):
            line += f' · {esc(t("phone"))}: {esc(contact["phone"])}'
        parts.append(f"<p>{line}</p>")
    parts.append("</div>")
    return "".join(parts)


def route_card_text(route: dict, t: Texts) -> str:
    """The same route card as plain text, to copy, print or hand over."""
    contact = route.get("contact") or {}
    lines = [str(route.get("title", "")), ""]
    if route.get("steps"):
        lines.append(t("next_steps") + ":")
        lines += [f"{i}. {s}" for i, s in enumerate(route["steps"], 1)]
        lines.append("")
    if contact.get("name"):
        lines.append(f"{t('contact')}: {contact['name']}")
    if contact.get("url"):
        lines.append(f"{t('website')}: {contact['url']}")
    if contact.get("phone"):
        lines.append(f"{t('phone')}: {contact['phone']}")
    return "\n".join(lines).strip() + "\n"


def printable_card(route: dict, t: Texts, lang: str, direction: str) -> str:
    """A standalone HTML page with the route card that opens the print dialog."""
    return (f'<!doctype html><html lang="{esc(lang)}" dir="{direction}"><head><meta charset="utf-8">'
            f"<title>{esc(route.get('title'))}</title></head><body onload=\"window.print()\">"
            f"{route_card_html(route, t, lang, direction)}</body></html>")


def language_picker(t: Texts) -> str:
    """The language select box (17 languages, each in its own name); returns the chosen code."""
    return st.selectbox(t("language_label"), list(LANGUAGES), key="lang", format_func=LANGUAGES.__getitem__,
                        on_change=_chosen)


def _chosen() -> None:
    st.session_state["lang_chosen"] = True


def answer_language() -> str | None:
    """The language to ask the API for: the picked one, or None (detect) while the default is untouched."""
    return current_language() if st.session_state.get("lang_chosen") else None
