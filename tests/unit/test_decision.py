"""The decision rule (route and abstention) on hand-made signals, and the calibration around it."""

from __future__ import annotations

import numpy as np
import pytest

from assistant.decision import Decision, abstain_reason, curated_answer_fits, decide
from assistant.settings import Settings

pytestmark = pytest.mark.unit

S = Settings(refusal_margin=-0.01, scope_margin=0.01, faq_evidence_threshold=0.82, publication_threshold=0.80,
             publication_offset=0.03, faq_answer_threshold=0.865, passage_question_margin=0.03)


def ranking(*rows: tuple[str, float, str]) -> list[tuple[str, float, float, str]]:
    return [(fid, score, score, route) for fid, score, route in rows]


def test_route_is_that_of_the_best_entry_however_many_registration_entries_follow():
    faq = ranking(("after-trajectory", 0.87, "practice"), ("trajectory-guidance", 0.869, "registration"),
                  ("certificate-attest", 0.868, "registration"), ("costs", 0.867, "registration"))
    d = decide(faq, 0.8, 0.7, 0.7, None, S)
    assert (d.route, d.faq_id, d.abstain_reason) == ("practice", "after-trajectory", None)


def test_a_weak_follow_up_keeps_the_route_of_the_conversation():
    faq = ranking(("costs", 0.85, "registration"))
    assert decide(faq, 0.81, 0.7, 0.7, "mo", S).route == "mo"
    # a question that matches an entry well starts a new topic
    assert decide(ranking(("nt2-where", 0.9, "nt2")), 0.81, 0.7, 0.7, "mo", S).route == "nt2"


def test_off_topic_example_nearer_than_the_evidence_abstains_with_route_none():
    d = decide(ranking(("costs", 0.84, "registration")), 0.83, 0.86, 0.7, None, S)
    assert d.abstain_reason == "out_of_scope" and d.route == "none"
    # within the margin the evidence wins
    assert decide(ranking(("costs", 0.84, "registration")), 0.83, 0.845, 0.7, None, S).abstain_reason is None


def test_personal_data_is_refused_even_when_an_off_topic_example_is_nearer():
    # Judged apart: the off-topic example (0.87) must not hide the personal-data one (0.855) that is
    # within the refusal margin of the evidence (0.86).
    d = decide(ranking(("mo-test", 0.86, "mo")), 0.8, 0.87, 0.855, None, S)
    assert d.abstain_reason == "personal_data"
    assert decide(ranking(("mo-test", 0.86, "mo")), 0.8, 0.7, 0.84, None, S).abstain_reason is None


def test_weak_evidence_abstains_and_publication_similarity_counts_with_its_offset():
    assert abstain_reason(Decision(faq_similarity=0.81, publication_similarity=0.79), S) == "weak_evidence"
    assert abstain_reason(Decision(faq_similarity=0.81, publication_similarity=0.81), S) is None
    # a strong publication passage (0.90 - 0.03 offset) outweighs an off-topic example at 0.87
    assert abstain_reason(Decision(faq_similarity=0.80, publication_similarity=0.90, abstain_similarity=0.875), S) is None


def test_curated_answer_only_for_a_strong_entry_that_is_nearer_than_the_publications():
    assert curated_answer_fits(Decision(faq_id="costs", faq_similarity=0.88), S)
    assert not curated_answer_fits(Decision(faq_id="costs", faq_similarity=0.86), S)  # below 0.865
    assert not curated_answer_fits(Decision(faq_similarity=0.95), S)  # no entry
    # a passage beats the entry after the 0.03 offset
    assert not curated_answer_fits(Decision(faq_id="costs", faq_similarity=0.88, publication_similarity=0.92), S)
    assert curated_answer_fits(Decision(faq_id="costs", faq_similarity=0.88, publication_similarity=0.90), S)
    # a curated publication question nearer than the entry by more than the 0.03 margin: a publication fact
    assert not curated_answer_fits(Decision(faq_id="costs", faq_similarity=0.88, passage_question_similarity=0.92), S)
    assert curated_answer_fits(Decision(faq_id="costs", faq_similarity=0.88, passage_question_similarity=0.90), S)


def test_calibration_picks_the_best_cell_and_breaks_ties_by_its_neighbours():
    from benchmarks.calibrate import accuracy, choose

    acc = np.array([[0.9, 0.5, 0.5], [0.5, 0.8, 0.9], [0.5, 0.85, 0.85]])
    assert choose(acc) == (1, 2)  # both 0.9 cells tie; (1, 2) has the better neighbourhood
    rows = [(True, Decision(faq_similarity=0.84, abstain_similarity=0.86)),
            (False, Decision(faq_similarity=0.88, abstain_similarity=0.86)),
            (True, Decision(abstain_reason="instructions"))]
    assert accuracy(rows, S) == 1.0
    assert accuracy(rows, S.model_copy(update={"scope_margin": 0.05})) == pytest.approx(2 / 3)


def test_out_of_scope_detector_finds_the_nearest_example_of_each_kind(tmp_path):
    from assistant.components.embedding import FakeEmbeddings
    from assistant.guardrails import OutOfScopeDetector

    (tmp_path / "out_of_scope.yaml").write_text(
        "categories:\n"
        "  - {id: weather, action: abstain, examples: {en: ['will it rain in Ghent tomorrow']}}\n"
        "  - {id: personal_data, action: refuse, examples: {en: ['give me the address of my neighbour']}}\n",
        encoding="utf-8")
    fake = FakeEmbeddings()
    detector = OutOfScopeDetector(tmp_path, fake, tmp_path / "cache")
    question = fake.embed_query("will it rain at the address of my neighbour tomorrow")
    nearest, abstain, refuse = (detector.nearest(question), detector.nearest(question, "abstain"),
                                detector.nearest(question, "refuse"))
    assert abstain is not None and refuse is not None and nearest is not None
    assert (abstain.category, refuse.category) == ("weather", "personal_data")
    assert nearest.similarity == max(abstain.similarity, refuse.similarity)
    assert detector.nearest(question, "no-such-action") is None


def test_an_instruction_change_found_by_its_examples_gets_the_instruction_refusal():
    faq = ranking(("mo-test", 0.86, "mo"))
    assert decide(faq, 0.8, 0.7, 0.87, None, S, refuse_category="instructions").abstain_reason == "instructions"
    assert decide(faq, 0.8, 0.7, 0.87, None, S, refuse_category="personal_data").abstain_reason == "personal_data"


def test_scope_classifier_learns_off_topic_from_the_knowledge_base_and_caches_its_weights(tmp_path):
    from assistant.components.embedding import FakeEmbeddings
    from assistant.scope_classifier import ScopeClassifier

    (tmp_path / "faq").mkdir()
    (tmp_path / "out_of_scope.yaml").write_text(
        "categories:\n"
        "  - {id: weather, action: abstain, examples: {en: ['will it rain tomorrow', 'is it sunny this weekend',"
        " 'how cold will the weather be']}}\n"
        "  - {id: personal_data, action: refuse, examples: {en: ['give me the address of my neighbour']}}\n",
        encoding="utf-8")
    (tmp_path / "faq" / "mo.yaml").write_text(
        "id: mo\nroute: mo\ntranslations:\n  en:\n    questions: ['what is the civic orientation course',"
        " 'where do I take the civic integration course', 'how long is the integration course']\n",
        encoding="utf-8")

    class Counting(FakeEmbeddings):
        calls = 0

        def embed_query(self, text: str) -> list[float]:
            Counting.calls += 1
            return super().embed_query(text)

    fake = Counting()
    first = ScopeClassifier(tmp_path, fake, tmp_path / "cache")
    assert Counting.calls == 6  # the 3 abstain examples and the 3 phrasings; refuse examples are not off-topic
    assert first.probability(fake.embed_query("will the weather be sunny")) > 0.5
    assert first.probability(fake.embed_query("how long is the civic orientation course")) < 0.5
    Counting.calls = 0
    again = ScopeClassifier(tmp_path, fake, tmp_path / "cache")
    assert Counting.calls == 0 and again.weights is not None and np.allclose(again.weights, first.weights)
    assert ScopeClassifier(tmp_path / "empty", fake, tmp_path / "cache").probability([0.0] * 512) == 0.0


def test_a_topic_without_examples_abstains_when_the_classifier_is_sure():
    d = decide(ranking(("costs", 0.86, "registration")), 0.8, 0.7, 0.7, None, S, off_topic_probability=0.95)
    assert d.abstain_reason == "out_of_scope" and d.route == "none"
    assert decide(ranking(("costs", 0.86, "registration")), 0.8, 0.7, 0.7, None, S,
                  off_topic_probability=0.3).abstain_reason is None


@pytest.mark.parametrize("content, problem", [
    ("categories: [unclosed", "not a valid out-of-scope file"),
    ("categories:\n  - {action: abstain, examples: {en: ['x']}}\n", "missing field 'id'"),
    ("categories:\n  - {id: w, action: shout, examples: {en: ['x']}}\n", "action must be abstain or refuse"),
    ("categories:\n  - {id: w, examples: {en: 'one string'}}\n", "must be a list"),
])
def test_a_broken_out_of_scope_file_is_refused_by_name(tmp_path, content, problem):
    from assistant.guardrails import out_of_scope_examples

    (tmp_path / "out_of_scope.yaml").write_text(content, encoding="utf-8")
    with pytest.raises(ValueError, match="out_of_scope.yaml: not a valid out-of-scope file") as err:
        out_of_scope_examples(tmp_path)
    assert problem in str(err.value)
