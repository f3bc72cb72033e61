"""Checks on the curated knowledge base: schema, 17 languages, language of each text, links, sources,
distinct question phrasings, municipalities, and the review report."""

from __future__ import annotations

import csv
import difflib
import re
import unicodedata

import pytest
from typer.testing import CliRunner

from assistant.cli import app
from assistant.content import URL, load_glossary, load_interface, load_routes, review_status
from assistant.language import detect_language
from assistant.passage_questions import load_passage_questions
from assistant.settings import LANGUAGES
from ingest.faq import read_faq
from tests.conftest import KB, PUBLICATIONS

pytestmark = pytest.mark.unit

ENTRIES = {p.stem: read_faq(p) for p in sorted((KB / "faq").glob("*.yaml"))}
ROUTES = load_routes(KB)
PASSAGE_QUESTIONS = load_passage_questions(KB)


def _norm(text: str) -> str:
    text = re.sub(r"-\s*\n\s*", "", text)
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip().lower()


PUB_TEXT = {p.stem: _norm(p.read_text(encoding="utf-8")) for p in PUBLICATIONS.glob("*.txt")}
# The source as written, white space collapsed: curated publication questions quote it verbatim.
PUB_VERBATIM = {p.stem: " ".join(p.read_text(encoding="utf-8").split()) for p in PUBLICATIONS.glob("*.txt")}

# Texts py3langid cannot place, with the reason; everything else must be detected as its language.
_NAMES = "short question dominated by Dutch names; read by hand"
LANGUAGE_EXCEPTIONS: dict[str, str] = {
    "publication_questions/jaarverslag-2022-agii/Het plan richt zich naar de 28/ru": "Russian read as Bulgarian",
    "publication_questions/jaarverslag-2022-agii/die intekenden op het Plan Sam/ru": "Russian read as Bulgarian",
    "publication_questions/jaarverslag-2022-agii/De dienst VIF organiseert en n/en": _NAMES,
    "publication_questions/jaarverslag-2022-agii/De dienst VIF organiseert en n/pl": _NAMES,
}


def _texts():
    """(where, claimed language, text) for every curated text of five words or more."""
    for eid, entry in ENTRIES.items():
        for lang, tr in entry.translations.items():
            yield f"faq/{eid}/{lang}/answer", lang, tr.answer
            for q in tr.questions:
                yield f"faq/{eid}/{lang}/question", lang, q
    for card in ROUTES.cards:
        for lang, t in card.translations.items():
            yield f"card/{card.route}/{card.organisation}/{lang}", lang, " ".join([t.title, *t.steps])
    for term in load_glossary(KB).terms:
        for lang, text in term.explanations.items():
            yield f"glossary/{term.term}/{lang}", lang, text
    for key, texts in load_interface(KB).strings.items():
        for lang, text in texts.items():
            yield f"interface/{key}/{lang}", lang, text
    for q in PASSAGE_QUESTIONS:
        yield f"publication_questions/{q.publication}/{q.quote[:30]}/{q.language}", q.language, q.text


def test_about_forty_faq_entries_in_all_languages_with_every_route():
    assert len(ENTRIES) >= 40
    for eid, entry in ENTRIES.items():
        assert entry.missing_languages() == [], eid
    assert {e.route for e in ENTRIES.values()} >= {"registration", "mo", "nt2", "practice", "none"}


def test_every_text_is_in_the_language_it_claims():
    wrong = []
    for where, lang, text in _texts():
        if len(text.split()) < 5 or where in LANGUAGE_EXCEPTIONS:
            continue
        got, _ = detect_language(text)
        if got != lang:
            wrong.append(f"{where}: detected {got}: {text[:60]!r}")
    assert not wrong, "\n".join(wrong[:20])


def test_every_cited_publication_and_quote_exists():
    for eid, entry in ENTRIES.items():
        for src in entry.sources:
            if src.publication:
                assert src.publication in PUB_TEXT, f"{eid}: unknown publication {src.publication}"
                assert _norm(src.quote or "") in PUB_TEXT[src.publication], f"{eid}: quote not found: {src.quote}"


def test_publication_questions_quote_their_publication_once_and_cover_every_language():
    assert len(PASSAGE_QUESTIONS) >= 17 * 100
    facts: dict[tuple[str, str], set[str]] = {}
    for q in PASSAGE_QUESTIONS:
        facts.setdefault((q.publication, q.quote), set()).add(q.language)
    for (pub, quote), langs in facts.items():
        assert pub in PUB_VERBATIM, f"unknown publication {pub}"
        assert PUB_VERBATIM[pub].count(quote) == 1, f"{pub}: quote not found exactly once: {quote}"
        assert langs == set(LANGUAGES), f"{pub}: {quote[:40]}: missing {set(LANGUAGES) - langs}"


def test_every_link_is_well_formed():
    urls = [s.url for e in ENTRIES.values() for s in e.sources if s.url]
    urls += [o.url for o in ROUTES.organisations if o.url]
    for _where, _lang, text in _texts():
        urls += [u.rstrip(".,;)") for u in re.findall(r"https?://\S+", text)]
    assert urls
    bad = [u for u in urls if not URL.match(u)]
    assert not bad, bad


def test_question_phrasings_of_different_entries_do_not_collide():
    seen: dict[tuple[str, str], str] = {}
    close = []
    for lang in LANGUAGES:
        phrasings = [(eid, _norm(q)) for eid, e in ENTRIES.items() for q in e.translations[lang].questions]
        for i, (eid, q) in enumerate(phrasings):
            other = seen.get((lang, q))
            assert other in (None, eid), f"{lang}: {q!r} in both {other} and {eid}"
            seen[(lang, q)] = eid
            for eid2, q2 in phrasings[i + 1:]:
                if eid2 != eid and difflib.SequenceMatcher(None, q, q2).ratio() > 0.9:
                    close.append(f"{lang}: {eid} ~ {eid2}: {q!r} / {q2!r}")
    assert not close, "\n".join(close[:10])


def test_route_cards_cover_every_route_and_serving_organisation():
    pairs = {(c.route, c.organisation) for c in ROUTES.cards}
    for route in ("registration", "mo"):
        assert {(route, o) for o in ("agii", "atlas", "amal", "bon")} <= pairs
    for route in ("nt2", "practice"):
        assert {(route, o) for o in ("agii", "atlas", "amal", "huis-nederlands-brussel")} <= pairs
    orgs = {o.id for o in ROUTES.organisations}
    assert {"atlas", "amal", "bon", "huis-nederlands-brussel"} <= orgs
    provinces = {o.serves.get("province") for o in ROUTES.organisations if o.kind == "provincial_office"}
    assert provinces == {"Antwerpen", "Limburg", "Oost-Vlaanderen", "Vlaams-Brabant", "West-Vlaanderen"}


def test_glossary_keeps_the_terms_the_translation_protects():
    terms = {t.term for t in load_glossary(KB).terms}
    assert {"inburgeraar", "inburgeringsattest", "MO", "NT2", "OCMW", "VDAB", "leefloon", "GPMI"} <= terms


def test_municipalities_cover_flanders_and_brussels():
    with open(KB / "municipalities.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    by_region: dict[str, int] = {}
    for r in rows:
        by_region[r["region"]] = by_region.get(r["region"], 0) + 1
        assert all(re.fullmatch(r"\d{4}", pc) for pc in r["postal_codes"].split()), r["name"]
    assert by_region == {"Vlaanderen": 285, "Brussel": 19}
    names = {r["name"] for r in rows}
    assert {"Antwerpen", "Gent", "Elsene", "Sint-Niklaas", "Mechelen"} <= names
    codes = [pc for r in rows for pc in r["postal_codes"].split()]
    assert len(codes) == len(set(codes))


def test_review_report_counts_every_language():
    report = review_status(KB)
    assert set(report) == {"faq", "route cards", "glossary", "interface", "search terms", "publication questions"}
    assert set(report["faq"]) == set(LANGUAGES)
    assert set(report["search terms"]) == set(LANGUAGES) - {"nl"}
    assert sum(report["faq"]["ti"].values()) == len(ENTRIES)
    assert sum(report["publication questions"]["so"].values()) == len(PASSAGE_QUESTIONS) // len(LANGUAGES)
    out = CliRunner().invoke(app, ["kb", "review"])
    assert out.exit_code == 0 and "ti" in out.output and "draft" in out.output
