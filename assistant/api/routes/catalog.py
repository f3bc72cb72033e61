"""Route cards and municipalities: who serves whom."""

from __future__ import annotations

from fastapi import APIRouter, Query

from assistant.api.deps import Limited, State
from assistant.api.errors import ProblemError
from assistant.municipalities import serving_organisation
from assistant.settings import LANGUAGES

router = APIRouter(prefix="/v1", tags=["catalog"], dependencies=[Limited])


def _lang(lang: str) -> str:
    if lang not in LANGUAGES:
        raise ProblemError(422, "Unknown language", f"Use one of: {', '.join(LANGUAGES)}.")
    return lang


@router.get("/routes")
def routes(state: State, lang: str = Query("nl", min_length=2, max_length=2)) -> dict:
    """Route cards per route and organisation, and the organisations, in one language."""
    lang = _lang(lang)
    content = state.service.content
    cards = [{"route": c.route, "organisation": c.organisation, **content.card(c.route, c.organisation, lang)}
             for c in content.routes.cards]
    orgs = [o.model_dump() for o in content.routes.organisations]
    return {"language": lang, "cards": cards, "organisations": orgs}


@router.get("/municipalities/{name_or_postcode}")
def municipality(name_or_postcode: str, state: State, lang: str = Query("nl", min_length=2, max_length=2)) -> dict:
    """A municipality (by name, alias or postal code) and the organisation serving it on each route."""
    lang = _lang(lang)
    found = state.service.municipalities.lookup(name_or_postcode[:100])
    if found is None:
        raise ProblemError(404, "Unknown municipality",
                           f"'{name_or_postcode[:100]}' is not a Flemish or Brussels municipality or postal code.")
    content = state.service.content
    serving = {}
    for route in ("registration", "mo", "nt2", "practice"):
        org = serving_organisation(found, route)
        serving[route] = {"organisation": org, **content.card(route, org, lang)}
    return {"name": found.name, "province": found.province, "region": found.region,
            "postal_codes": list(found.postal_codes), "serving": serving}
