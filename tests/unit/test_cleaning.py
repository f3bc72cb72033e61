"""Cleaning on the real corpus: repairs that keep meaning, original line numbers kept."""

import pytest

from ingest.cleaning import clean_lines, dehyphenate, original_lines
from tests.conftest import PUBLICATIONS

pytestmark = pytest.mark.unit

REPORT = (PUBLICATIONS / "jaarverslag-2022-agii.txt").read_text(encoding="utf-8")
OCR_SCAN = (PUBLICATIONS / "sv-werving-rechthebbenden-lokale-besturen.txt").read_text(encoding="utf-8")


def _texts(text: str) -> list[str]:
    return [line.text for line in clean_lines(text)]


def test_dehyphenation_repairs_inburgeringstraject_in_the_annual_report():
    raw = original_lines(REPORT)
    assert raw[504].rstrip().endswith("inburgerings-")  # line 505 of the file, as printed
    line = next(ln for ln in clean_lines(REPORT) if ln.number == 505)
    assert line.text.endswith("een volwaardig onderdeel van het inburgeringstraject.")
    assert "inburgerings-\ntraject" not in "\n".join(_texts(REPORT))


def test_suspended_hyphen_is_kept():
    out = dehyphenate(["de invoering van het netwerk-", "en participatietraject"], set())
    assert out[0].rstrip() + " " + out[1] == "de invoering van het netwerk- en participatietraject"


def test_real_hyphen_before_capital_is_kept():
    out = dehyphenate(["regio Oost-", "Vlaanderen"], set())
    assert out == ["regio Oost-", "Vlaanderen"]


def test_vocabulary_keeps_hyphenated_compounds():
    out = dehyphenate(["het is een e-", "mail"], {"e-mail"})
    assert out[0].endswith("e-mail")


def test_page_numbers_are_removed_but_line_numbers_survive():
    lines = clean_lines(REPORT)
    assert all(line.text.strip() != "24" for line in lines)
    sd3 = next(line for line in lines if line.text.strip() == "SD3")
    assert original_lines(REPORT)[sd3.number - 1].strip() == "SD3"


def test_ocr_slips_are_repaired_in_the_scanned_question():
    cleaned = "\n".join(_texts(OCR_SCAN))
    assert "potentiële inburgeraars" in cleaned
    assert "potentiéle" not in cleaned
    assert "in het licht van" in cleaned and "|licht" not in cleaned
    assert "(o.a. folders)" in cleaned


def test_flattened_table_rows_get_column_marks():
    cleaned = _texts(REPORT)
    assert "Provincie Antwerpen | 5.698 | 7.657" in cleaned


def test_running_headers_next_to_page_numbers_are_dropped():
    pages = []
    for n, topic in enumerate(["inburgering", "taal", "samenleven", "tolken"], start=1):
        pages += ["Jaarverslag 2022 Agentschap", "", f"Tekst over {topic}.", "", str(n), ""]
    cleaned = _texts("\n".join(pages))
    assert not any("Jaarverslag 2022 Agentschap" in t for t in cleaned)
    assert sum(t.startswith("Tekst over") for t in cleaned) == 4
