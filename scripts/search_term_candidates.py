"""Print the publications' most frequent Dutch words that ``knowledge_base/search_terms/`` lacks.

    .venv/bin/python scripts/search_term_candidates.py [--top 700]

The search terms started from this list (the 700 stems found in the most paragraphs, present in at
least two and at most a quarter of them, words of four letters or more, most common spelling).
Staff extend the term files with its output after adding publications.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assistant.components.keyword_index import dutch_word_keys  # noqa: E402
from assistant.content import load_search_terms  # noqa: E402
from assistant.settings import Settings  # noqa: E402
from ingest.loaders import LoadError, load_file  # noqa: E402
from ingest.pipeline import discover  # noqa: E402


def candidates(kb: Path, top: int) -> list[str]:
    """The ``top`` Dutch words by paragraph frequency, in that order."""
    files, _roots, _refused = discover([kb / "publications"])
    paragraphs = []
    for path in files:
        try:
            text = load_file(path, int(Settings().max_file_mb * 1e6)).text
        except LoadError as exc:
            print(f"skipped: {exc}", file=sys.stderr)
            continue
        paragraphs += [p for p in re.split(r"\n\s*\n", text) if len(p) > 40]
    df: Counter[str] = Counter()
    spelling: dict[str, Counter[str]] = defaultdict(Counter)
    for paragraph in paragraphs:
        words = [w.lower() for w in re.findall(r"(?u)\b[^\W\d_]{3,}\b", paragraph)]
        seen = set()
        for word, key in zip(words, dutch_word_keys(words), strict=True):
            if key:
                spelling[key][word] += 1
                seen.add(key)
        df.update(seen)
    ranked = sorted((k for k in df if 2 <= df[k] <= 0.25 * len(paragraphs)), key=lambda k: (-df[k], k))
    words = [spelling[k].most_common(1)[0][0] for k in ranked]
    return [w for w in words if len(w) >= 4][:top]


def main() -> None:
    """Print the candidates that no term file has yet."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--top", type=int, default=700)
    parser.add_argument("--knowledge-base", type=Path, default=ROOT / "knowledge_base")
    args = parser.parse_args()
    have = {w for t in load_search_terms(args.knowledge_base).values() for w in t.terms}
    for word in candidates(args.knowledge_base, args.top):
        if word not in have:
            print(word)


if __name__ == "__main__":
    main()
