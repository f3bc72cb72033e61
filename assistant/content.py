"""Curated content of the knowledge base: route cards, organisations, glossary, interface text, FAQ.

Schemas (pydantic) and loaders for the YAML files in ``knowledge_base/``, plus the review report.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from assistant.settings import LANGUAGES, unknown_languages

Status = Literal["draft", "reviewed"]
URL = re.compile(r"^https?://[A-Za-z0-9.-]+\.[A-Za-z]{2,}(?::\d+)?(?:/\S*)?$")


def _all_languages(value: dict[str, object], what: str) -> None:
    missing = [lang for lang in LANGUAGES if lang not in value]
    extra = unknown_languages(value)
    if missing or extra:
        raise ValueError(f"{what}: missing languages {missing}, unknown {extra}")


class Organisation(BaseModel):
    """Who serves newcomers somewhere, with the contact a route card shows."""

    model_config = ConfigDict(extra="forbid")

    id: str
    name: str
    kind: Literal["city_agency", "regional_agency", "provincial_office", "language_house", "alternative"]
    serves: dict[str, str | list[str]]
    routes: list[Literal["registration", "mo", "nt2", "practice"]]
    url: str | None = None
    phone: str | None = None

    @field_validator("url")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        if value is not None and not URL.match(value):
            raise ValueError(f"malformed url {value!r}")
        return value


class CardText(BaseModel):
    """One language of a route card."""

    model_config = ConfigDict(extra="forbid")

    status: Status = "draft"
    title: str = Field(min_length=1)
    steps: list[str] = Field(min_length=1)

    @field_validator("steps")
    @classmethod
    def _no_empty_steps(cls, value: list[str]) -> list[str]:
        if any(not s.strip() for s in value):
            raise ValueError("empty step")
        return value


class RouteCard(BaseModel):
    """The next steps on one route with one kind of organisation, in 17 languages."""

    model_config = ConfigDict(extra="forbid")

    route: Literal["registration", "mo", "nt2", "practice"]
    organisation: str
    translations: dict[str, CardText]

    @field_validator("translations")
    @classmethod
    def _languages(cls, value: dict[str, CardText]) -> dict[str, CardText]:
        _all_languages(value, "route card")  # type: ignore[arg-type]
        return value


class RoutesFile(BaseModel):
    """``knowledge_base/routes.yaml``."""

    organisations: list[Organisation]
    cards: list[RouteCard]


class GlossaryTerm(BaseModel):
    """A term kept in Dutch, explained in one line per language."""

    model_config = ConfigDict(extra="forbid")

    term: str
    status: dict[str, Status]
    explanations: dict[str, str]

    @field_validator("explanations")
    @classmethod
    def _languages(cls, value: dict[str, str]) -> dict[str, str]:
        _all_languages(value, "glossary term")  # type: ignore[arg-type]
        if any(not v.strip() for v in value.values()):
            raise ValueError("empty explanation")
        return value


class Glossary(BaseModel):
    """``knowledge_base/glossary.yaml``."""

    terms: list[GlossaryTerm]


class InterfaceText(BaseModel):
    """``knowledge_base/interface.yaml``: one key per portal string, 17 languages each."""

    status: dict[str, Status]
    strings: dict[str, dict[str, str]]

    @field_validator("strings")
    @classmethod
    def _languages(cls, value: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
        for key, texts in value.items():
            _all_languages(texts, f"interface key {key}")  # type: ignore[arg-type]
            if any(not t.strip() for t in texts.values()):
                raise ValueError(f"interface key {key}: empty text")
        return value


class SearchTerms(BaseModel):
    """``knowledge_base/search_terms/<lang>.yaml``: Dutch words of the publications and the words a
    question in ``language`` uses for them (1-4 each), for keyword search across languages."""

    model_config = ConfigDict(extra="forbid")

    language: str
    status: Status = "draft"
    terms: dict[str, list[str]]

    @field_validator("language")
    @classmethod
    def _known_language(cls, value: str) -> str:
        if value not in LANGUAGES or value == "nl":
            raise ValueError(f"language {value!r}: not one of the 16 languages other than nl")
        return value

    @field_validator("terms")
    @classmethod
    def _words(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        for dutch, words in value.items():
            if not 1 <= len(words) <= 4 or any(not w.strip() for w in words):
                raise ValueError(f"term {dutch!r}: give 1 to 4 non-empty words")
        return value


def _yaml(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


def load_routes(kb: Path) -> RoutesFile:
    """Route cards and organisations."""
    return RoutesFile.model_validate(_yaml(kb / "routes.yaml"))


def load_glossary(kb: Path) -> Glossary:
    """The glossary."""
    return Glossary.model_validate(_yaml(kb / "glossary.yaml"))


def load_search_terms(kb: Path, problems: list[str] | None = None) -> dict[str, SearchTerms]:
    """Every ``search_terms/<lang>.yaml``, by language.

    A broken file (invalid, or its name and language differ) raises ``ValueError`` naming it; when a
    ``problems`` list is given, the reason is added there instead and the other files still load."""
    out: dict[str, SearchTerms] = {}
    for path in sorted((kb / "search_terms").glob("*.yaml")):
        try:
            terms = _read_search_terms(path)
        except ValueError as exc:
            if problems is None:
                raise
            problems.append(str(exc))
            continue
        out[terms.language] = terms
    return out


def _read_search_terms(path: Path) -> SearchTerms:
    try:
        terms = SearchTerms.model_validate(_yaml(path))
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise ValueError(f"{path.name}: {where}: {first['msg']}") from None
    except yaml.YAMLError as exc:
        raise ValueError(f"{path.name}: not valid YAML ({str(exc).splitlines()[0]})") from None
    if terms.language != path.stem:
        raise ValueError(f"{path.name}: says language {terms.language!r}")
    return terms


def load_interface(kb: Path) -> InterfaceText:
    """The portal's interface text."""
    return InterfaceText.model_validate(_yaml(kb / "interface.yaml"))


def review_status(kb: Path, problems: list[str] | None = None) -> dict[str, dict[str, Counter[str]]]:
    """Per content type, per language: how many texts are draft and how many reviewed (a broken
    search-terms file is named in ``problems`` when that list is given, see ``load_search_terms``)."""
    from assistant.passage_questions import publication_question_status
    from ingest.faq import read_faq

    report: dict[str, dict[str, Counter[str]]] = {}

    def add(kind: str, lang: str, status: str) -> None:
        report.setdefault(kind, {}).setdefault(lang, Counter())[status] += 1

    for path in sorted((kb / "faq").glob("*.yaml")):
        for lang, tr in read_faq(path).translations.items():
            add("faq", lang, tr.status)
    for card in load_routes(kb).cards:
        for lang, text in card.translations.items():
            add("route cards", lang, text.status)
    for term in load_glossary(kb).terms:
        for lang, status in term.status.items():
            add("glossary", lang, status)
    for lang, status in load_interface(kb).status.items():
        add("interface", lang, status)
    for lang, terms in load_search_terms(kb, problems).items():
        add("search terms", lang, terms.status)
    for question_status, lang in publication_question_status(kb):
        add("publication questions", lang, question_status)
    return report


class CuratedContent:
    """Everything curated the assistant reads at run time, loaded once."""

    def __init__(self, kb: Path) -> None:
        self.routes = load_routes(kb)
        self.interface = load_interface(kb)
        self.organisations = {o.id: o for o in self.routes.organisations}
        self.cards: dict[tuple[str, str], RouteCard] = {(c.route, c.organisation): c for c in self.routes.cards}

    def text(self, key: str, lang: str) -> str:
        """An interface string in ``lang`` (English when the language or key is missing)."""
        texts = self.interface.strings.get(key, {})
        return texts.get(lang) or texts.get("en") or key

    def contact(self, org_id: str) -> dict[str, str | None]:
        """Contact of an organisation; ``agii`` alone means the agency's central site."""
        org = self.organisations.get(org_id)
        if org is None:
            return {"name": "Agentschap Integratie en Inburgering", "url": "https://www.integratie-inburgering.be",
                    "phone": None}
        return {"name": org.name, "url": org.url, "phone": org.phone}

    def card(self, route: str, org_id: str, lang: str) -> dict:
        """The route card (title, steps, contact) for ``route`` at ``org_id`` in ``lang``."""
        contact = self.contact(org_id)
        card_org = "agii" if org_id.startswith("agii") else org_id
        card = self.cards.get((route, card_org)) if route != "none" else None
        if card is None:
            return {"id": "none", "title": self.text("human_contact", lang), "steps": [], "contact": contact}
        text = card.translations.get(lang) or card.translations["en"]
        steps = list(text.steps)
        if org_id == "agii":
            steps.append(self.text("route_unknown_municipality", lang))
        return {"id": route, "title": text.title, "steps": steps, "contact": contact}
