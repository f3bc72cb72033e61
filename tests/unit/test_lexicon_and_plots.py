"""The cross-lingual word list learned from the curated parallel text, and the benchmark's plots."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from langchain_core.documents import Document

from assistant.components.keyword_index import dutch_word_keys
from assistant.components.lexicon import DutchLexicon, parallel_segments, term_table
from assistant.content import load_search_terms
from assistant.evaluation_plots import plot_folder, write_plots
from assistant.service import _brussels_only
from assistant.settings import LANGUAGES

KB = Path(__file__).resolve().parents[2] / "knowledge_base"


def test_lexicon_learns_dutch_words_from_aligned_segments():
    segments = [
        {"nl": "Ik heb een tolk nodig.", "pt": "Preciso de um intérprete."},
        {"nl": "De tolk vertaalt het gesprek.", "pt": "O intérprete traduz a conversa."},
        {"nl": "Ik zoek werk.", "pt": "Procuro trabalho."},
    ] + [{"nl": f"zin {i}", "pt": f"frase {i}"} for i in range(30)]
    lexicon = DutchLexicon(segments, dutch_word_keys)
    assert "tolk" in lexicon.to_dutch("Onde encontro um intérprete?", "pt").split()
    assert lexicon.to_dutch("Onde encontro um intérprete?", "xx") == ""


def test_lexicon_from_the_bundled_knowledge_base():
    segments = parallel_segments(KB)
    assert len(segments) > 100 and all("nl" in s for s in segments)
    lexicon = DutchLexicon(segments, dutch_word_keys)
    assert len(lexicon) > 1000


def test_curated_search_terms_come_before_learned_words():
    segments = [{"nl": "De campagne loopt.", "fr": "La publicité tourne."}] * 3 + [
        {"nl": f"zin {i}", "fr": f"phrase {i}"} for i in range(40)]
    terms = {"fr": {"campagne": ["campagne", "campagnes de sensibilisation"], "metrotoestellen": ["rames de métro"],
                    "toegekend": ["alloué", "accordé"], "voor": ["pour"], "aangeboden": ["offert pour"],
                    "bestemd": ["prévu pour"], "geschikt": ["adapté pour"], "nodig": ["nécessaire pour"]}}
    lexicon = DutchLexicon(segments, dutch_word_keys, terms)
    # one-word translations and the telling words of a phrase count; "de", "pour" do not
    assert lexicon.to_dutch("Combien a été alloué à cette campagne dans le métro ?", "fr").split() == [
        "toegekend", "campagne", "metrotoestellen"]
    assert lexicon.to_dutch("Combien pour les campagnes ?", "fr").split() == ["voor", "campagne"]
    # without a curated word the learned one stands
    assert "campagne" in lexicon.to_dutch("la publicité", "fr").split()
    assert term_table({"rames": ["rames de métro"]}) == {"rames": ["rames"], "métro": ["rames"]}


def test_search_terms_files_are_validated(tmp_path):
    folder = tmp_path / "search_terms"
    folder.mkdir()
    (folder / "fr.yaml").write_text("language: fr\nterms:\n  campagne: [campagne]\n", encoding="utf-8")
    assert load_search_terms(tmp_path)["fr"].terms == {"campagne": ["campagne"]}
    for text, problem in [("language: de\nterms: {a: [b]}\n", "language"),
                          ("language: fr\nterms: {a: []}\n", "1 to 4"),
                          ("language: fr\nterms: {a: [b]}\nextra: 1\n", "extra"),
                          ("language: fr\nterms: [\n", "not valid YAML")]:
        (folder / "fr.yaml").write_text(text, encoding="utf-8")
        with pytest.raises(ValueError, match=problem):
            load_search_terms(tmp_path)
    (folder / "fr.yaml").write_text("language: es\nterms: {a: [b]}\n", encoding="utf-8")
    with pytest.raises(ValueError, match="fr.yaml: says language 'es'"):
        load_search_terms(tmp_path)


def test_one_broken_search_terms_file_leaves_the_others_working(tmp_path, monkeypatch, caplog):
    from typer.testing import CliRunner

    from assistant.cli import app
    from assistant.components.lexicon import learn_lexicon

    kb = tmp_path / "kb"
    shutil.copytree(KB, kb)
    (kb / "search_terms" / "pt.yaml").write_text("language: pt\nterms: [\n", encoding="utf-8")
    problems: list[str] = []
    assert "pt" not in load_search_terms(kb, problems) and len(load_search_terms(kb, [])) == 15
    assert problems == ["pt.yaml: not valid YAML (while parsing a flow node)"]
    lexicon = learn_lexicon(kb, dutch_word_keys)
    assert "search terms not used: pt.yaml" in caplog.text
    assert lexicon.to_dutch("Quantas solicitações de intérpretes?", "pt") == "tolk"  # learned from the FAQ
    assert "campagne" in lexicon.to_dutch("campaña", "es").split()
    monkeypatch.setenv("WEGWIJS_KNOWLEDGE_BASE_DIR", str(kb))
    out = CliRunner().invoke(app, ["kb", "review"])
    assert out.exit_code == 1 and "not counted: pt.yaml: not valid YAML" in out.output and "search terms" in out.output


def test_bundled_search_terms_cover_every_language_but_dutch():
    terms = load_search_terms(KB)
    assert sorted(terms) == sorted(lang for lang in LANGUAGES if lang != "nl")
    dutch = [list(t.terms) for t in terms.values()]
    assert all(words == dutch[0] for words in dutch) and len(dutch[0]) >= 500


def test_brussels_only_entries():
    assert _brussels_only(Document(page_content="", metadata={"topics": "brussels,bon"}))
    assert not _brussels_only(Document(page_content="", metadata={"topics": "letter,brussels,flanders"}))
    assert not _brussels_only(Document(page_content="", metadata={}))


def test_plots_are_written_next_to_the_report(tmp_path):
    report = {"questions": 2, "hit_at_5": {"assistant": 1.0, "hybrid": 0.5, "dense": 0.5, "keyword": 0.0},
              "hit_at_5_by_language": {"nl": {"assistant": 1.0, "hybrid": 0.5, "dense": 0.5, "keyword": 0.0}},
              "latency_ms": {"p50": 50.0, "p95": 90.0}}
    rows = [{"latency_ms": 40.0, "timings": {"embed": 30.0, "search": 8.0, "total": 40.0}},
            {"latency_ms": 90.0, "timings": {"embed": 70.0, "search": 15.0, "total": 90.0}}]
    out = tmp_path / "bench_ask.json"
    paths = write_plots(report, rows, out)
    assert plot_folder(out) == tmp_path / "bench_ask"
    assert len(paths) == 2 and all(p.parent == tmp_path / "bench_ask" and p.stat().st_size > 1000 for p in paths)


def test_word_list_follows_a_reindex_of_changed_faq_files(tmp_path, monkeypatch):
    import shutil

    from assistant.components import keyword_index
    from assistant.service import AssistantService
    from assistant.settings import Settings
    from ingest.pipeline import ingest

    monkeypatch.setattr(keyword_index, "CHECK_INTERVAL_S", 0.0)
    kb = tmp_path / "kb"
    shutil.copytree(KB, kb)
    settings = Settings(data_dir=tmp_path / "data", embedding_mode="fake", knowledge_base_dir=kb)
    ingest(settings, [kb / "faq"], progress=False)
    service = AssistantService(settings)
    first = service.lexicon
    service._faq_chunk("costs", "nl")  # nothing changed: the word list stays
    assert service.lexicon is first
    faq = kb / "faq" / "social-interpreters.yaml"
    faq.write_text(faq.read_text(encoding="utf-8").replace("tolk", "tolk (sociaal tolk)", 1), encoding="utf-8")
    ingest(settings, [kb / "faq"], progress=False)
    service._faq_chunk("costs", "nl")  # the next request sees the re-index
    assert service.lexicon is not first and len(service.lexicon) > 1000


def test_eval_refuses_a_broken_question_file_by_name(tmp_path):
    from typer.testing import CliRunner

    from assistant.cli import app

    folder = tmp_path / "questions"
    folder.mkdir()
    (folder / "nl.yaml").write_text("language: nl\nquestions:\n- id: x\n  question: [unclosed\n", encoding="utf-8")
    out = CliRunner().invoke(app, ["eval", "--questions", str(folder)])
    assert out.exit_code == 1 and "nl.yaml: not a file of labelled questions" in out.output
    (folder / "nl.yaml").write_text("language: nl\nquestions:\n- id: x\n  question: Wat is MO?\n", encoding="utf-8")
    out = CliRunner().invoke(app, ["eval", "--questions", str(folder)])
    assert out.exit_code == 1 and "missing field 'route'" in out.output


def test_search_term_candidates_lists_only_words_the_files_lack(tmp_path):
    import subprocess
    import sys

    script = KB.parent / "scripts" / "search_term_candidates.py"
    # the bundled files were made from the top of this list: nothing is missing there
    done = subprocess.run([sys.executable, str(script), "--top", "300"], capture_output=True, text=True, check=True)
    assert done.stdout == ""
    # without term files every frequent word is a candidate, most frequent first
    (tmp_path / "publications").symlink_to(KB / "publications")
    done = subprocess.run([sys.executable, str(script), "--top", "5", "--knowledge-base", str(tmp_path)],
                          capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["inburgeraars", "lokale", "besturen", "agentschap", "werken"]


def test_dutch_words_of_the_question_rank_the_faq_entry_that_uses_them(tmp_path):
    """A question the embedder reads poorly still moves towards its entry when the search terms give
    its Dutch words: they are matched against the Dutch entries, and the best match earns the full
    keyword bonus, the next ones less, entries without those words nothing."""
    from assistant.service import FAQ_KEYWORD_BONUS, AssistantService
    from assistant.settings import Settings
    from ingest.pipeline import ingest

    settings = Settings(data_dir=tmp_path / "data", embedding_mode="fake", knowledge_base_dir=KB)
    ingest(settings, [KB / "faq"], progress=False)
    service = AssistantService(settings)
    question = "ናይ ዩኒቨርሲቲ ዲግሪ ካብ ኢትዮጵያ ኣለኒ።"
    vector = service.embeddings.embed_query(question)
    without = {row[0]: row[1] for row in service._rank_faq(question, vector, None)}
    with_words = {row[0]: row[1] for row in service._rank_faq(question, vector, None, "erkenning diploma")}
    gain = {fid: with_words[fid] - without[fid] for fid in without}
    assert max(gain, key=lambda f: gain[f]) == "diploma-recognition"
    assert gain["diploma-recognition"] == pytest.approx(FAQ_KEYWORD_BONUS)
    assert gain["mo-online"] == 0 and gain["practice-buddy"] == 0


def test_summary_counts_which_answer_people_get():
    from assistant.evaluation import summarise

    def row(expects, curated, right, abstained=False):
        return {"id": "x", "language": "en", "kind": "question", "expected_route": "none", "route": "none",
                "expected_abstain": False, "abstained": abstained, "latency_ms": 10.0, "timings": {},
                "hit_assistant": True, "hit_hybrid": True, "hit_dense": True, "hit_keyword": True,
                "expects": expects, "curated_answer": curated, "curated_answer_right": right}

    report = summarise([row("faq", True, True), row("faq", True, False), row("faq", False, False),
                        row("publication", True, False), row("publication", False, False),
                        row("publication", False, False), row("publication", False, False)])
    assert report["answers"] == {"faq_questions_answered_by_their_entry": 0.333,
                                 "publication_facts_answered_by_an_entry": 0.25}
