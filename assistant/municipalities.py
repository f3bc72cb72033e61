"""Municipalities of Flanders and Brussels: find one in a request or a question, and who serves it."""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

# Names that are also ordinary words (Dutch "geel", "landen", "boom"; English "as", "peer") or name
# another place (Lille, Essen, Forest): they count only when capitalised and not opening a sentence.
_AMBIGUOUS = {
    "as", "boom", "mol", "geel", "halen", "balen", "landen", "kapellen", "laken", "haren", "vorst", "lier",
    "ham", "lint", "hove", "bree", "zele", "lo", "peer", "essen", "lille", "bever", "forest", "deurne",
    "mariakerke", "heist", "wellen", "niel", "lede", "melle", "putte", "brakel",
}


@dataclass(frozen=True)
class Municipality:
    """One municipality with its province (``Brussel`` for the 19 Brussels municipalities)."""

    name: str
    province: str
    region: str
    postal_codes: tuple[str, ...]


def fold(text: str) -> str:
    """Lower case without accents, for matching names as people type them."""
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c)).lower().replace("’", "'")


class MunicipalityIndex:
    """Lookup by name, alias (French, English, former municipalities, districts) and postal code."""

    def __init__(self, rows: list[dict[str, str]]) -> None:
        self.by_name: dict[str, Municipality] = {}
        self.by_alias: dict[str, Municipality] = {}
        self.by_postcode: dict[str, Municipality] = {}
        for row in rows:
            m = Municipality(row["name"], row["province"], row["region"], tuple(row["postal_codes"].split()))
            self.by_name[fold(m.name)] = m
            for alias in [m.name, *filter(None, row["aliases"].split("|"))]:
                self.by_alias.setdefault(fold(alias.strip()), m)
            for code in m.postal_codes:
                self.by_postcode[code] = m
        # Longest aliases first so "Sint-Jans-Molenbeek" wins over "Molenbeek".
        names = sorted(self.by_alias, key=len, reverse=True)
        self._pattern = re.compile(r"(?<![\w-])(" + "|".join(re.escape(n) for n in names) + r")(?![\w-])")

    def lookup(self, query: str) -> Municipality | None:
        """A municipality by exact name, alias or postal code (accents and case ignored)."""
        q = fold(query.strip())
        if re.fullmatch(r"\d{4}", q):
            return self.by_postcode.get(q)
        return self.by_name.get(q) or self.by_alias.get(q)

    def find_in_text(self, text: str) -> Municipality | None:
        """The municipality a question mentions ("ik woon in Mechelen", "I live in 9000 Gent"), if any."""
        folded = fold(text)
        # Folding can change the length (ligatures), so match on the folded text and check capitals
        # on the original only when the lengths agree.
        same_shape = len(folded) == len(text)
        for match in self._pattern.finditer(folded):
            alias = match.group(1)
            if alias in _AMBIGUOUS or len(alias) <= 3:
                original = text[match.start(1) : match.end(1)] if same_shape else ""
                opens_sentence = not text[: match.start(1)].strip() or text[: match.start(1)].rstrip()[-1:] in ".!?"
                if not original[:1].isupper() or opens_sentence:
                    continue
            return self.by_alias[alias]
        for code in re.findall(r"(?<!\d)([1-9]\d{3})(?!\d)", text):
            if code in self.by_postcode and not re.search(rf"{code}\s*(euro|€|eur)\b", folded):
                return self.by_postcode[code]
        return None


@lru_cache(maxsize=4)
def load_municipalities(kb_dir: Path) -> MunicipalityIndex:
    """The index built from ``knowledge_base/municipalities.csv``."""
    with open(kb_dir / "municipalities.csv", encoding="utf-8") as f:
        return MunicipalityIndex(list(csv.DictReader(f)))


def serving_organisation(municipality: Municipality | None, route: str) -> str:
    """Organisation id that serves ``municipality`` on ``route`` (see knowledge_base/routes.yaml)."""
    if municipality is None:
        return "agii"
    if municipality.region == "Brussel":
        return "huis-nederlands-brussel" if route in ("nt2", "practice") else "bon"
    if municipality.name == "Antwerpen":
        return "atlas"
    if municipality.name == "Gent":
        return "amal"
    return "agii-" + fold(municipality.province).replace(" ", "-")
