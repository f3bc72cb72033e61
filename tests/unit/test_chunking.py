"""Structure-aware chunking on the real corpus."""

import pytest

from ingest.chunking import chunk_document, heading_of
from ingest.cleaning import clean_lines
from tests.conftest import PUBLICATIONS

pytestmark = pytest.mark.unit


def _chunks(name: str, doc_type: str):
    return chunk_document(clean_lines((PUBLICATIONS / name).read_text(encoding="utf-8")), doc_type)


@pytest.fixture(scope="module")
def report_chunks():
    return _chunks("jaarverslag-2022-agii.txt", "annual_report")


def test_report_passage_lands_whole_with_its_section_path(report_chunks):
    passage = "De afname van de standaardtest MO is gestart op 28 maart 2022."
    hits = [c for c in report_chunks if passage in c.text]
    assert len(hits) == 1
    assert hits[0].section == "SD1 > OD 1.6 > Project Standaardtest MO"
    assert hits[0].line_start <= 610 <= hits[0].line_end


def test_milestones_carry_their_project_in_the_path(report_chunks):
    hit = next(c for c in report_chunks if "Mijlpaal 4 De afname van de standaardtest MO start vanaf 28 maart 2022." in c.text)
    assert hit.section.startswith("SD1 > OD 1.6 > Project Standaardtest MO > Mijlpaal")


def test_figure_table_is_kept_whole_with_caption(report_chunks):
    fig = next(c for c in report_chunks if "figuur 4." in c.text)
    assert fig.kind == "figure"
    assert fig.text.startswith("Ξ figuur 4. Instroom minderjarige nieuwkomers")
    for row in ("Provincie Antwerpen | 652", "West-Vlaanderen | 607", "Totaal | 2.854 | 3.488 | 3.957 | 10.299"):
        assert row in fig.text


def test_chunks_stay_within_size_except_figures(report_chunks):
    for c in report_chunks:
        if c.kind != "figure":
            assert len(c.text) <= 1400 * 1.15, c.section


def test_heading_detection():
    assert heading_of("OD 1.6 We testen de verworven kennis") == (4, "OD 1.6")
    assert heading_of(" SD1 ") == (3, "SD1")
    assert heading_of("Project Standaardtest MO") == (5, "Project Standaardtest MO")
    assert heading_of("Project status Op schema") is None
    assert heading_of("Mijlpaal 2 Er is een oriëntatiekader.") == (6, "Mijlpaal 2")
    assert heading_of("## Registratie") == (2, "Registratie")
    assert heading_of("Dit is gewone tekst die geen kop is.") is None


def test_parliamentary_question_splits_question_and_numbered_answers():
    chunks = _chunks("sv-2024-170-inburgering-brussel.txt", "parliamentary_question")
    sections = [c.section for c in chunks]
    assert sections[0] == "Vraag"
    assert {"Antwoord > 1", "Antwoord > 2", "Antwoord > 3", "Antwoord > 4", "Antwoord > 5"} <= set(sections)
    first_answer = next(c for c in chunks if c.section == "Antwoord > 1")
    assert first_answer.text.startswith("ANTWOORD")
    assert "Tussen 1 juni 2022 en 20 maart 2024 ondertekenden 4.267 nieuwkomers" in first_answer.text
    for c in chunks:  # question and answer never share a chunk
        assert not (c.section.startswith("Vraag") and "ANTWOORD" in c.text)
    assert all("pdf link:" not in c.text for c in chunks)  # provenance lives in metadata


def test_scanned_question_without_answer_marker_finds_the_answers():
    chunks = _chunks("sv-werving-rechthebbenden-lokale-besturen.txt", "parliamentary_question")
    answer_1 = next(c for c in chunks if c.section == "Antwoord > 1")
    assert answer_1.text.startswith("1. In Vlaanderen ontvangen verplichte en rechthebbende inburgeraars")
    assert any(c.section == "Vraag" and "Welk specifiek beleid voert AgIl" in c.text for c in chunks)
