"""A small cross-lingual word list learned from the curated parallel text, for keyword search.

The publications are Dutch and BM25 only matches words, so a question in Portuguese about "pedidos de
interpretação" finds nothing by keyword. The curated FAQ (question phrasings and answers) and the
glossary are written in all 17 languages, sentence for sentence; which Dutch words keep appearing in
the same sentences as a foreign word (Dice coefficient over aligned segments) gives that word's likely
Dutch translations. No translation model is needed, and the list grows with the curated content.

That text covers what the FAQ talks about, not every fact of the publications. The curated search
terms (``knowledge_base/search_terms/<lang>.yaml``: the publications' most frequent Dutch words with
the words a question in each language uses for them) fill that gap and are looked up first.
"""

from __future__ import annotations

import logging
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path

import yaml

from assistant.content import load_search_terms

log = logging.getLogger(__name__)

_WORD = re.compile(r"(?u)\b\w\w+\b")
_SENTENCE = re.compile(r"(?<=[.!?؟።])\s+")
#: Foreign words are compared by their first letters: a crude, language-free stand-in for stemming
#: that lets "interpretação"/"interpretações" or "супровід"/"супроводу" count as one word.
PREFIX = 6
MIN_DICE = 0.5  # below this a Dutch word co-occurs with the foreign one by chance as often as not
MAX_SHARE = 0.08  # foreign words in more segments than this are function words: no translation
PER_WORD = 3


def _segments(texts_by_lang: dict[str, str]) -> list[dict[str, str]]:
    """Aligned segments of one parallel text: sentence by sentence when every language has the
    same number of sentences as the Dutch, else the whole text as one segment."""
    split = {lang: [s for s in _SENTENCE.split(t.strip()) if s] for lang, t in texts_by_lang.items()}
    n = len(split.get("nl", []))
    out: list[dict[str, str]] = []
    if n > 1:
        aligned = {lang: parts for lang, parts in split.items() if len(parts) == n}
        out.extend({lang: parts[i] for lang, parts in aligned.items()} for i in range(n))
        rest = {lang: t for lang, t in texts_by_lang.items() if lang not in aligned}
        if rest:
            out.append({**rest, "nl": texts_by_lang["nl"]})
    else:
        out.append(dict(texts_by_lang))
    return out


def parallel_segments(kb_dir: Path) -> list[dict[str, str]]:
    """Aligned {language: text} segments from the FAQ entries and the glossary of ``kb_dir``."""
    out: list[dict[str, str]] = []
    for path in sorted((kb_dir / "faq").glob("*.y*ml")):
        try:
            entry = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError):
            continue  # a broken entry is reported by ingestion; here it only teaches no words
        translations = entry.get("translations") or {}
        if "nl" not in translations:
            continue
        questions = {lang: t.get("questions") or [] for lang, t in translations.items()}
        for i in range(len(questions["nl"])):
            out.append({lang: qs[i] for lang, qs in questions.items() if len(qs) > i})
        answers = {lang: str(t.get("answer") or "") for lang, t in translations.items()}
        out.extend(_segments(answers))
    glossary = kb_dir / "glossary.yaml"
    if glossary.exists():
        data = yaml.safe_load(glossary.read_text(encoding="utf-8")) or {}
        for term in data.get("terms", []):
            explanations = dict(term.get("explanations") or {})
            if "nl" in explanations:
                out.append({lang: f"{term['term']} {text}" for lang, text in explanations.items()})
    return out


def _word_key(word: str) -> str:
    return word.lower()[:PREFIX]


def term_table(terms: dict[str, list[str]]) -> dict[str, list[str]]:
    """Foreign word key -> Dutch words, from one language's search terms ({Dutch word: its words}).

    A one-word translation always counts. In a phrase ("centre d'accueil") only words that are not
    common across the list count, so "pour" or "the" never stands for a Dutch word."""
    split = {dutch: [_WORD.findall(phrase) for phrase in words] for dutch, words in terms.items()}
    phrase_words: Counter[str] = Counter()
    for phrases in split.values():
        for parts in phrases:
            if len(parts) > 1:
                phrase_words.update({_word_key(p) for p in parts})
    common = max(3, len(terms) // 100)
    table: dict[str, list[str]] = defaultdict(list)
    for dutch, phrases in split.items():
        for parts in phrases:
            for part in parts:
                key = _word_key(part)
                if part.isdigit() or (len(parts) > 1 and (len(part) < 4 or phrase_words[key] > common)):
                    continue
                if dutch not in table[key]:
                    table[key].append(dutch)
    return dict(table)


class DutchLexicon:
    """Foreign word -> Dutch words, per language, from the curated search terms and aligned parallel segments."""

    def __init__(self, segments: Iterable[dict[str, str]], dutch_key: Callable[[list[str]], list[str]],
                 terms: dict[str, dict[str, list[str]]] | None = None) -> None:
        """``dutch_key`` maps Dutch words to the keys the keyword index compares (stems; '' for stop words);
        ``terms`` are the curated search terms by language ({Dutch word: the language's words})."""
        self._terms = {lang: term_table(t) for lang, t in (terms or {}).items()}
        self._table: dict[str, dict[str, list[str]]] = {}
        pair: dict[str, Counter[tuple[str, str]]] = defaultdict(Counter)
        foreign: dict[str, Counter[str]] = defaultdict(Counter)
        dutch: Counter[str] = Counter()
        surface: dict[str, str] = {}
        n_segments: Counter[str] = Counter()
        for seg in segments:
            words = [w.lower() for w in _WORD.findall(seg.get("nl", ""))]
            keys = dutch_key(words)
            nl = set()
            for word, key in zip(words, keys, strict=True):
                if key and not key.isdigit():
                    nl.add(key)
                    surface.setdefault(key, word)
            dutch.update(nl)
            for lang, text in seg.items():
                if lang == "nl":
                    continue
                n_segments[lang] += 1
                ws = {w.lower()[:PREFIX] for w in _WORD.findall(text) if not w.isdigit()}
                foreign[lang].update(ws)
                pair[lang].update((w, d) for w in ws for d in nl)
        for lang, counts in pair.items():
            limit = max(2.0, MAX_SHARE * n_segments[lang])
            best: dict[str, list[tuple[float, str]]] = defaultdict(list)
            for (w, d), both in counts.items():
                if foreign[lang][w] > limit:
                    continue
                dice = 2 * both / (foreign[lang][w] + dutch[d])
                if dice >= MIN_DICE:
                    best[w].append((dice, d))
            self._table[lang] = {w: [surface[d] for _, d in sorted(c, reverse=True)[:PER_WORD]]
                                 for w, c in best.items()}

    def to_dutch(self, text: str, lang: str) -> str:
        """Dutch words for the words of ``text`` (written in ``lang``); empty when none are known."""
        curated, learned = self._terms.get(lang, {}), self._table.get(lang, {})
        out: list[str] = []
        for w in _WORD.findall(text):
            key = _word_key(w)
            for d in curated.get(key) or learned.get(key, []):
                if d not in out:
                    out.append(d)
        return " ".join(out)

    def __len__(self) -> int:
        return sum(len(t) for t in self._table.values()) + sum(len(t) for t in self._terms.values())


def learn_lexicon(kb_dir: Path, dutch_key: Callable[[list[str]], list[str]]) -> DutchLexicon:
    """The Dutch word list from the curated parallel text and search terms of ``kb_dir``.

    A broken search-terms file is left out with a warning: that language falls back to the words
    learned from the FAQ, the others keep theirs, and ``wegwijs kb review`` names the file."""
    problems: list[str] = []
    terms = {lang: t.terms for lang, t in load_search_terms(kb_dir, problems).items()}
    for problem in problems:
        log.warning("search terms not used: %s", problem)
    return DutchLexicon(parallel_segments(kb_dir), dutch_key, terms)


def lexicon_sources_state(kb_dir: Path) -> tuple[tuple[str, int, int], ...]:
    """Names, sizes and modification times of the files ``learn_lexicon`` reads (to notice a change)."""
    files = sorted([*(kb_dir / "faq").glob("*.y*ml"), kb_dir / "glossary.yaml",
                    *(kb_dir / "search_terms").glob("*.yaml")])
    return tuple((p.name, p.stat().st_size, p.stat().st_mtime_ns) for p in files if p.is_file())
