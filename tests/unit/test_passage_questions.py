"""Curated publication questions: the file format, the cache, and the passages the nearest questions vote for."""

from __future__ import annotations

import shutil

import numpy as np
import pytest
from langchain_core.documents import Document

from assistant.components.embedding import FakeEmbeddings
from assistant.passage_questions import PassageQuestionIndex, load_passage_questions
from assistant.retrieval import HybridRetriever, SearchFilters
from tests.conftest import KB

pytestmark = pytest.mark.unit

GOOD = """\
publication: report
status: draft
items:
  - quote: "In 2022 we handled 66.218 requests for social interpreting."
    questions:
      nl: "hoeveel aanvragen sociaal tolken in 2022"
      en: "how many interpreter requests in 2022"
  - quote: "The buddy project pairs newcomers with volunteers in Hasselt."
    questions:
      en: "is there a buddy project with volunteers in hasselt"
"""


def _kb(tmp_path, text=GOOD):
    (tmp_path / "publication_questions").mkdir(exist_ok=True)
    (tmp_path / "publication_questions" / "report.yaml").write_text(text, encoding="utf-8")
    return tmp_path


def _chunks() -> list[Document]:
    texts = ["Our year. In 2022 we handled 66.218 requests\nfor social   interpreting. Most were in Arabic.",
             "The buddy project pairs newcomers with volunteers in Hasselt. It started in May.",
             "An unrelated passage about the budget of the agency."]
    return [Document(page_content=t, id=f"c{i}", metadata={"kind": "publication", "doc_id": "report"})
            for i, t in enumerate(texts)]


class Counting(FakeEmbeddings):
    calls = 0

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        Counting.calls += len(texts)
        return super().embed_documents(texts)


def test_questions_load_per_language_with_white_space_normalised_quotes(tmp_path):
    questions = load_passage_questions(_kb(tmp_path))
    assert [(q.language, q.quote[:7]) for q in questions] == [("nl", "In 2022"), ("en", "In 2022"), ("en", "The bud")]
    assert load_passage_questions(tmp_path / "nothing") == []


@pytest.mark.parametrize("text, problem", [
    ("publication: report\nitems: [{quote: 'a long enough quote', questions: {xx: 'what'}}]\n", "unknown language"),
    ("publication: report\nitems: [{quote: 'a long enough quote', questions: {en: ' '}}]\n", "empty question"),
    ("publication: report\nitems: []\n", "items"),
    ("items: [{quote: 'a long enough quote', questions: {en: 'q'}}]\n", "publication"),
    ("publication: [unclosed\n", "YAML"),
])
def test_a_broken_file_is_refused_naming_it_and_the_fault(tmp_path, text, problem):
    with pytest.raises(ValueError, match=problem) as err:
        load_passage_questions(_kb(tmp_path, text))
    assert "report.yaml" in str(err.value)


def test_embeddings_are_cached_per_content(tmp_path):
    kb, fake = _kb(tmp_path), Counting()
    Counting.calls = 0
    first = PassageQuestionIndex(kb, fake, tmp_path / "cache")
    assert Counting.calls == 3 and len(first) == 3
    again = PassageQuestionIndex(kb, fake, tmp_path / "cache")
    assert Counting.calls == 3 and np.allclose(again.matrix, first.matrix)


def test_nearest_questions_vote_for_the_chunk_holding_their_quote(tmp_path):
    fake = FakeEmbeddings()
    index = PassageQuestionIndex(_kb(tmp_path), fake, tmp_path / "cache")
    assert index.resolve(_chunks(), version="v1") == []
    ranked = index.passages(fake.embed_query("buddy project volunteers hasselt"), k=5)
    assert [d.id for d, _ in ranked] == ["c1", "c0"]  # one vote per chunk, best question first
    ranked = index.passages(fake.embed_query("interpreter requests 2022"), k=1)
    assert [d.id for d, _ in ranked] == ["c0"]


def test_quotes_no_chunk_holds_are_reported_and_point_nowhere(tmp_path):
    index = PassageQuestionIndex(_kb(tmp_path), FakeEmbeddings(), tmp_path / "cache")
    missing = index.resolve(_chunks()[:1], version="v1")
    assert missing == [("report", "The buddy project pairs newcomers with volunteers in Hasselt.")]
    assert [d.id for d, _ in index.passages(FakeEmbeddings().embed_query("buddy hasselt"), k=5)] == ["c0"]
    assert index.resolve(_chunks(), version="v2") == []  # a new chunk set is looked at again


def test_an_extra_ranking_joins_the_fusion_and_lifts_its_chunk(tmp_path):
    from assistant.components.keyword_index import KeywordIndex
    from assistant.components.vector_store import MemoryChunkStore

    fake = FakeEmbeddings()
    store = MemoryChunkStore(fake)
    store.vector_store.add_documents(_chunks(), ids=[c.id for c in _chunks()])
    retriever = HybridRetriever(store, fake, KeywordIndex(store, tmp_path / "kw"))
    plain = retriever.search("budget agency", k=3, filters=SearchFilters(kind="publication"))
    assert plain[0].id == "c2"
    lifted = retriever.search("budget agency", k=3, filters=SearchFilters(kind="publication"),
                              extra_rankings=[([_chunks()[1]], 2.0)])
    assert [h.id for h in lifted].index("c1") < [h.id for h in plain].index("c1")
    assert next(h for h in lifted if h.id == "c1").fused > next(h for h in plain if h.id == "c1").fused


def test_ingest_names_a_broken_publication_questions_file_and_keeps_the_index(small_kb, tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from assistant.cli import app
    from assistant.settings import Settings

    shutil.copy(KB / "out_of_scope.yaml", small_kb / "out_of_scope.yaml")
    _kb(small_kb, "publication: report\nitems: [{quote: 'a long enough quote', questions: {xx: 'what'}}]\n")
    monkeypatch.setenv("WEGWIJS_EMBEDDING_MODE", "fake")
    monkeypatch.setenv("WEGWIJS_KNOWLEDGE_BASE_DIR", str(small_kb))
    out = CliRunner().invoke(app, ["ingest", "-q", str(small_kb / "publications")])
    assert out.exit_code == 1
    assert "index is up to date" in out.output and "report.yaml" in out.output and "unknown language" in out.output
    stats = CliRunner().invoke(app, ["index", "stats"]).output
    assert Settings().data_dir.exists() and "chunks: " in stats and "chunks: 0\n" not in stats
