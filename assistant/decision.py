"""What the evidence says: the route, and whether to abstain and why.

Kept apart from the service so that ``benchmarks/calibrate.py`` can replay the same rule over the
signals of every labelled question with other thresholds, without re-running retrieval.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

#: FAQ ranking rows as the service produces them: (faq_id, ranking score, best similarity, route).
FaqRanking = list[tuple[str, float, float, str]]


class Thresholds(Protocol):
    """The settings the rule reads (``Settings`` has them all)."""

    faq_answer_threshold: float
    faq_evidence_threshold: float
    publication_threshold: float
    publication_offset: float
    scope_margin: float
    refusal_margin: float
    off_topic_threshold: float
    passage_question_margin: float


@dataclass
class Decision:
    """The best FAQ entry, the route, whether to abstain (and why), and the signals behind them."""

    faq_id: str | None = None
    faq_similarity: float = 0.0
    route: str = "none"
    abstain_reason: str | None = None  # out_of_scope | weak_evidence | personal_data | instructions
    publication_similarity: float = 0.0
    abstain_similarity: float = 0.0  # nearest off-topic example
    refuse_similarity: float = 0.0  # nearest personal-data or instruction-change example
    off_topic_probability: float = 0.0  # of the linear classifier (scope_classifier.py)
    passage_question_similarity: float = 0.0  # nearest curated publication question


def curated_answer_fits(d: Decision, t: Thresholds) -> bool:
    """True when the best FAQ entry's curated answer should be the answer.

    Not when the entry is a weak match, nor when the question looks more like a publication fact: a
    passage nearer than the entry (after the offset), or a curated publication question nearer than
    the entry's phrasings by ``passage_question_margin``. Measured over the seven older eval sets,
    the margin 0.03 cut publication facts answered with some FAQ entry's answer from 30 to 12 of 102
    and took the curated answer from 3 of 408 FAQ questions (which still cite their entry).
    """
    if not d.faq_id or d.faq_similarity < t.faq_answer_threshold:
        return False
    if d.publication_similarity - t.publication_offset > d.faq_similarity:
        return False
    return d.passage_question_similarity <= d.faq_similarity + t.passage_question_margin


def abstain_reason(d: Decision, t: Thresholds) -> str | None:
    """Why to abstain given the signals in ``d`` (None: answer).

    Refusal and abstention are judged apart, each against the in-scope evidence: when only the
    nearest example of either kind counted, adding off-topic categories hid personal-data requests
    that were a little nearer to one of them than to a personal-data example.
    """
    in_scope = max(d.faq_similarity, d.publication_similarity - t.publication_offset)
    if d.refuse_similarity and d.refuse_similarity > in_scope + t.refusal_margin:
        return "personal_data"
    if d.abstain_similarity and d.abstain_similarity > in_scope + t.scope_margin:
        return "out_of_scope"
    if d.off_topic_probability > t.off_topic_threshold:
        return "out_of_scope"  # a topic no example covers, recognised by the classifier
    if d.faq_similarity < t.faq_evidence_threshold and d.publication_similarity < t.publication_threshold:
        return "weak_evidence"
    return None


def decide(faq_ranked: FaqRanking, publication_similarity: float, abstain_similarity: float,
           refuse_similarity: float, history_route: str | None, t: Thresholds,
           refuse_category: str = "personal_data", off_topic_probability: float = 0.0,
           passage_question_similarity: float = 0.0) -> Decision:
    """Route and abstention for one question; ``refuse_category`` is the category of the nearest
    refuse example, so an instruction change the patterns missed still gets its own refusal."""
    d = Decision(publication_similarity=publication_similarity, abstain_similarity=abstain_similarity,
                 refuse_similarity=refuse_similarity, off_topic_probability=off_topic_probability,
                 passage_question_similarity=passage_question_similarity)
    # Route: that of the best FAQ entry. A weighted vote of the 8 nearest entries was measured against
    # it (same index, one run): the vote favoured registration, which has 16 of the 40 entries, and
    # routed 0.902 / 0.906 / 0.847 on eval questions / holdout / holdout2 against 0.923 / 0.929 / 0.882.
    if faq_ranked:
        d.faq_id, _score, d.faq_similarity, d.route = faq_ranked[0]
    if history_route and d.faq_similarity < t.faq_answer_threshold:
        d.route = history_route
    d.abstain_reason = abstain_reason(d, t)
    if d.abstain_reason == "personal_data" and refuse_category == "instructions":
        d.abstain_reason = "instructions"
    if d.abstain_reason:
        d.route = history_route or "none"
    return d
