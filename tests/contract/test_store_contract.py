"""One contract, three stores: the in-memory fake, embedded Chroma and a Chroma server on loopback."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from langchain_core.documents import Document

from assistant.components.embedding import FakeEmbeddings
from assistant.components.vector_store import ChromaChunkStore, ChunkStore, MemoryChunkStore, StoreError
from assistant.settings import Settings
from tests.chroma_server import chroma_server

DOCS = [
    Document(id="a", page_content="inburgering verplicht in Brussel sinds juni",
             metadata={"kind": "publication", "doc_id": "pq-brussel", "date_int": 20240315, "language": "nl"}),
    Document(id="b", page_content="oefenkansen Nederlands met een buddy",
             metadata={"kind": "faq", "doc_id": "faq-buddy", "date_int": 0, "language": "nl"}),
    Document(id="c", page_content="practise Dutch with a buddy",
             metadata={"kind": "faq", "doc_id": "faq-buddy", "date_int": 0, "language": "en"}),
    Document(id="d", page_content="jaarverslag standaardtest MO gestart",
             metadata={"kind": "publication", "doc_id": "jaarverslag", "date_int": 20230601, "language": "nl"}),
]


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[tuple[str, int]]:
    with chroma_server(tmp_path_factory.mktemp("chroma-server") / "db") as address:
        yield address


def _store(kind: str, tmp_path: Path, request) -> ChunkStore:
    emb = FakeEmbeddings()
    if kind == "memory":
        return MemoryChunkStore(emb)
    if kind == "embedded":
        return ChromaChunkStore(Settings(data_dir=tmp_path, collection="contract"), emb)
    host, port = request.getfixturevalue("server")
    return ChromaChunkStore(Settings(data_dir=tmp_path, chroma_host=host, chroma_port=port,
                                     collection=f"contract-{tmp_path.name}"[:60]), emb)


@pytest.fixture(params=[
    pytest.param("memory", marks=pytest.mark.unit),
    pytest.param("embedded", marks=pytest.mark.unit),
    pytest.param("server", marks=pytest.mark.slow),
])
def store(request, tmp_path) -> ChunkStore:
    s = _store(request.param, tmp_path, request)
    s.vector_store.add_documents(DOCS, ids=[d.id for d in DOCS])
    return s


def _query(store: ChunkStore, text: str, k: int = 4, where=None):
    return store.search(FakeEmbeddings().embed_query(text), k, where)


def test_count_and_get_all(store):
    assert store.count() == 4
    got = {d.id: d for d in store.get()}
    assert set(got) == {"a", "b", "c", "d"}
    assert got["a"].metadata["doc_id"] == "pq-brussel" and "Brussel" in got["a"].page_content


def test_ranking_follows_word_overlap(store):
    hits = _query(store, "buddy Nederlands oefenkansen")
    assert hits[0][0].id == "b"  # three shared words
    assert hits[1][0].id == "c"  # one shared word
    assert hits[0][1] > hits[1][1] > hits[-1][1]
    assert 0.99 < _query(store, "oefenkansen Nederlands met een buddy", k=1)[0][1] <= 1.0001


def test_filters(store):
    assert {d.id for d, _ in _query(store, "buddy", where={"kind": "faq"})} == {"b", "c"}
    assert {d.id for d, _ in _query(store, "buddy", where={"$and": [{"kind": "faq"}, {"language": "en"}]})} == {"c"}
    assert {d.id for d, _ in _query(store, "x", where={"date_int": {"$gte": 20240101}})} == {"a"}
    assert {d.id for d in store.get(where={"doc_id": {"$in": ["jaarverslag", "pq-brussel"]}})} == {"a", "d"}


def test_get_by_ids_and_delete(store):
    assert [d.id for d in store.get(ids=["c"])] == ["c"]
    store.delete(["c", "does-not-exist"])
    assert store.count() == 3 and not store.get(ids=["c"])


def test_upsert_same_id_replaces(store):
    store.vector_store.add_documents(
        [Document(id="a", page_content="nieuwe tekst", metadata={"kind": "publication", "doc_id": "pq-brussel"})],
        ids=["a"],
    )
    assert store.count() == 4
    assert store.get(ids=["a"])[0].page_content == "nieuwe tekst"


def test_k_zero_and_k_larger_than_store(store):
    assert _query(store, "buddy", k=0) == []
    assert len(_query(store, "buddy", k=50)) == 4


@pytest.mark.unit
def test_embedded_store_refuses_a_different_embedding_model(tmp_path):
    settings = Settings(data_dir=tmp_path, collection="guard")
    ChromaChunkStore(settings, FakeEmbeddings(512))
    with pytest.raises(StoreError, match="was built with"):
        ChromaChunkStore(settings, FakeEmbeddings(256))


@pytest.mark.unit
def test_unreachable_server_gives_a_clear_error(tmp_path):
    from tests.chroma_server import free_port

    with pytest.raises(StoreError, match="Cannot open the vector store"):
        ChromaChunkStore(Settings(data_dir=tmp_path, chroma_host="127.0.0.1", chroma_port=free_port()),
                         FakeEmbeddings())


def test_vectors_are_returned_for_known_ids(store):
    vecs = store.vectors(["a", "b", "nope"])
    assert set(vecs) == {"a", "b"}
    expected = FakeEmbeddings().embed_documents([DOCS[0].page_content])[0]
    assert max(abs(x - y) for x, y in zip(vecs["a"], expected, strict=True)) < 1e-5
