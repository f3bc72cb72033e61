"""Loaders for every supported type, and a clear refusal for every kind of bad file."""

from pathlib import Path

import pytest

from ingest.faq import read_faq
from ingest.loaders import LoadError, load_file
from tests.unit.make_files import docx_file, encrypted_pdf, minimal_pdf

pytestmark = pytest.mark.unit
MB = 1_000_000


def test_txt_with_sidecar_metadata(tmp_path: Path):
    (tmp_path / "brochure.txt").write_text("Welkom in Vlaanderen\n\nInburgering helpt je op weg.", encoding="utf-8")
    (tmp_path / "brochure.meta.yaml").write_text("id: welkom\ntitle: Welkomstbrochure\ndoc_type: brochure\n")
    doc = load_file(tmp_path / "brochure.txt", MB)
    assert doc.meta.id == "welkom" and doc.meta.title == "Welkomstbrochure" and doc.meta.doc_type == "brochure"


def test_html_keeps_headings_and_drops_scripts(tmp_path: Path):
    html = ("<html><head><title>NT2 in Gent</title><script>alert(1)</script></head><body><nav>menu</nav>"
            "<main><h1>Nederlands leren</h1><p>Schrijf je in bij Amal.</p><ul><li>Intake</li></ul>"
            "<table><tr><td>Niveau</td><td>A2</td></tr></table></main></body></html>")
    (tmp_path / "nt2.html").write_text(html, encoding="utf-8")
    doc = load_file(tmp_path / "nt2.html", MB)
    assert doc.meta.title == "NT2 in Gent"
    assert "# Nederlands leren" in doc.text and "Schrijf je in bij Amal." in doc.text
    assert "- Intake" in doc.text and "Niveau | A2" in doc.text
    assert "alert" not in doc.text and "menu" not in doc.text


def test_pdf_text_and_pages(tmp_path: Path):
    (tmp_path / "folder.pdf").write_bytes(minimal_pdf(["Maatschappelijke orientatie", "De cursus MO is gratis."]))
    doc = load_file(tmp_path / "folder.pdf", MB)
    assert "De cursus MO is gratis." in doc.text
    assert doc.page_starts == [1]


def test_docx_headings_and_tables(tmp_path: Path):
    path = docx_file(tmp_path / "gids.docx", "Oefenkansen", ["Oefen Nederlands met een buddy."],
                     [["Wat", "Waar"], ["Praatcafe", "Bibliotheek"]])
    doc = load_file(path, MB)
    assert "# Oefenkansen" in doc.text and "Praatcafe | Bibliotheek" in doc.text


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("leeg.txt", b"", "is empty"),
        ("spaties.md", b"   \n\n ", "is empty"),
        ("kapot.pdf", bytes(range(256)) * 8, "not a readable PDF"),
        ("latin1.txt", "Oekraïne café".encode("latin-1"), "not UTF-8"),
        ("tabel.xlsx", b"PK\x03\x04data", "unsupported file type '.xlsx'"),
        ("kapot.docx", b"not a zip at all", "not a readable .docx"),
    ],
)
def test_bad_files_are_refused_with_a_reason(tmp_path: Path, name: str, content: bytes, expected: str):
    (tmp_path / name).write_bytes(content)
    with pytest.raises(LoadError) as err:
        load_file(tmp_path / name, MB)
    assert expected in str(err.value) and name in str(err.value)


def test_encrypted_pdf_is_refused(tmp_path: Path):
    (tmp_path / "geheim.pdf").write_bytes(encrypted_pdf(["Vertrouwelijk"]))
    with pytest.raises(LoadError, match="encrypted PDF"):
        load_file(tmp_path / "geheim.pdf", MB)


def test_oversized_file_is_refused_before_reading(tmp_path: Path):
    (tmp_path / "groot.txt").write_text("inburgering " * 200_000, encoding="utf-8")
    with pytest.raises(LoadError, match=r"over the limit of 1\.0 MB \(WEGWIJS_MAX_FILE_MB\)"):
        load_file(tmp_path / "groot.txt", MB)


def test_vanished_file(tmp_path: Path):
    with pytest.raises(LoadError, match="disappeared"):
        load_file(tmp_path / "weg.txt", MB)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("id: x\nroute: mo\n", "sources"),
        ("id: wrong-name\nroute: mo\nsources: [{url: 'https://www.bon.be', title: Bon}]\n"
         "translations: {nl: {questions: ['Wat is MO?'], answer: Uitleg.}}\n", "must equal the file name"),
        ("id: entry\nroute: weather\nsources: []\ntranslations: {}\n", "route"),
        ("id: entry\nroute: mo\nsources: [{url: 'not a url', title: x}]\n"
         "translations: {nl: {questions: ['Wat?'], answer: Uitleg.}}\n", "malformed url"),
        ("id: entry\nroute: mo\nsources: [{url: 'https://www.bon.be', title: Bon}]\n"
         "translations: {xx: {questions: ['Wat?'], answer: Uitleg.}}\n", "unknown language"),
        ("id: entry\nroute: mo\nsources: [{url: 'https://www.bon.be', title: Bon}]\n"
         "translations: {nl: {questions: ['Wat?'], answer: '  '}}\n", "empty answer"),
        ("id: [unclosed\n", "not valid YAML"),
        ("", "empty or not a FAQ entry"),
    ],
)
def test_invalid_faq_entries_are_refused(tmp_path: Path, body: str, expected: str):
    path = tmp_path / "entry.yaml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(LoadError, match=expected):
        read_faq(path)
