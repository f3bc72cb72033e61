"""Interface text for clients (the portal): the strings of ``knowledge_base/interface.yaml`` per language."""

from __future__ import annotations

from fastapi import APIRouter

from assistant.api.deps import Limited, State
from assistant.api.errors import ProblemError
from assistant.settings import LANGUAGES

router = APIRouter(prefix="/v1", tags=["interface"], dependencies=[Limited])

#: Each language's own name, for a language picker that a newcomer can read.
LANGUAGE_NAMES: dict[str, str] = {
    "nl": "Nederlands", "en": "English", "fr": "Français", "ar": "العربية", "tr": "Türkçe", "ru": "Русский",
    "uk": "Українська", "pl": "Polski", "ro": "Română", "es": "Español", "pt": "Português", "bg": "Български",
    "fa": "فارسی", "ps": "پښتو", "so": "Soomaali", "ti": "ትግርኛ", "sq": "Shqip",
}
RTL_LANGUAGES = frozenset({"ar", "fa", "ps"})


def direction(lang: str) -> str:
    """``rtl`` for Arabic, Farsi and Pashto, otherwise ``ltr``."""
    return "rtl" if lang in RTL_LANGUAGES else "ltr"


def _languages() -> list[dict[str, str]]:
    return [{"code": code, "name": LANGUAGE_NAMES[code], "direction": direction(code)} for code in LANGUAGES]


@router.get("/interface")
def languages() -> dict:
    """The 17 interface languages with their own names and writing direction."""
    return {"languages": _languages()}


@router.get("/interface/{lang}")
def interface(lang: str, state: State) -> dict:
    """Every interface string in ``lang``, its review status, direction and the default human contact."""
    if lang not in LANGUAGES:
        raise ProblemError(404, "Unknown language", f"Use one of: {', '.join(LANGUAGES)}.")
    content = state.service.content
    strings = {key: content.text(key, lang) for key in content.interface.strings}
    return {"language": lang, "name": LANGUAGE_NAMES[lang], "direction": direction(lang),
            "status": content.interface.status.get(lang, "draft"), "strings": strings,
            "languages": _languages(), "contact": content.contact("agii")}
