"""Argos Translate packages: install, list and remove them offline, and run them with CTranslate2.

A package (``.argosmodel``) is a zip of one folder holding ``metadata.json``, a CTranslate2 model in
``model/`` and a ``sentencepiece.model`` (or ``bpe.model``). We read it with argostranslate's public
``Package`` class and run the model with CTranslate2 directly, splitting sentences with our own rules:
``argostranslate.translate`` would pull in stanza (9 s and 350 MB to import here) and its sentence
splitters fetch models from the network at translate time.
"""

from __future__ import annotations

import json
import logging
import shutil
import tempfile
import threading
import urllib.request
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from assistant.components.protected_text import split_sentences

log = logging.getLogger(__name__)
PIVOT = "en"
MAX_PACKAGE_MB = 1024


class ModelError(Exception):
    """A package can't be installed, found or loaded; the message says what to do."""


@dataclass(frozen=True)
class InstalledPackage:
    """One installed translation package."""

    name: str
    from_code: str
    to_code: str
    version: str
    path: Path

    @property
    def pair(self) -> tuple[str, str]:
        """(from, to) language codes."""
        return self.from_code, self.to_code

    @property
    def label(self) -> str:
        """``nl→en 1.9``."""
        return f"{self.from_code}→{self.to_code} {self.version}"


def _read_metadata(folder: Path) -> dict[str, Any]:
    try:
        meta = json.loads((folder / "metadata.json").read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ModelError("not an Argos package: metadata.json is missing") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ModelError(f"not an Argos package: metadata.json is not valid JSON ({exc})") from None
    if not isinstance(meta, dict):
        raise ModelError("not an Argos package: metadata.json is not an object")
    if meta.get("type", "translate") != "translate":
        raise ModelError(f"package type {meta.get('type')!r} is not a translation package")
    for key in ("from_code", "to_code"):
        if not isinstance(meta.get(key), str) or not meta[key]:
            raise ModelError(f"not an Argos package: metadata.json has no {key}")
    if not (folder / "model" / "model.bin").is_file():
        raise ModelError("not an Argos package: model/model.bin (the CTranslate2 model) is missing")
    if not ((folder / "sentencepiece.model").is_file() or (folder / "bpe.model").is_file()):
        raise ModelError("not an Argos package: no sentencepiece.model or bpe.model tokenizer")
    return meta


class PackageStore:
    """The folder of installed packages (``WEGWIJS_TRANSLATION_PACKAGES_DIR``)."""

    def __init__(self, folder: Path, index_url: str | None = None) -> None:
        self.folder = folder
        self.index_url = index_url
        self._lock = threading.Lock()

    def installed(self) -> list[InstalledPackage]:
        """Installed packages, sorted by pair; folders that are not valid packages are skipped."""
        return [p for p, err in self.scan() if p is not None]

    def scan(self) -> list[tuple[InstalledPackage | None, str | None]]:
        """Every package folder: the package, or None and why it is not usable."""
        if not self.folder.is_dir():
            return []
        out: list[tuple[InstalledPackage | None, str | None]] = []
        for sub in sorted(self.folder.iterdir()):
            if not sub.is_dir() or sub.name.startswith("."):
                continue
            try:
                meta = _read_metadata(sub)
            except ModelError as exc:
                out.append((None, f"{sub.name}: {exc}"))
                continue
            out.append((InstalledPackage(sub.name, meta["from_code"], meta["to_code"],
                                         str(meta.get("package_version") or "0"), sub), None))
        return out

    def find(self, name: str) -> InstalledPackage:
        """An installed package by folder name or pair (``nl-en``, ``nl_en``)."""
        wanted = name.replace("_", "-").replace("→", "-").lower()
        for pkg in self.installed():
            if pkg.name == name or f"{pkg.from_code}-{pkg.to_code}" == wanted:
                return pkg
        names = ", ".join(f"{p.name} ({p.from_code}-{p.to_code})" for p in self.installed()) or "none"
        raise ModelError(f"no installed package {name!r}; installed: {names}")

    # -- install ---------------------------------------------------------------------------------
    def install(self, source: Path) -> list[InstalledPackage]:
        """Install a ``.argosmodel`` file, or every one in a folder; nothing changes for a bad file."""
        if source.is_dir():
            files = sorted(source.glob("*.argosmodel"))
            if not files:
                raise ModelError(f"no .argosmodel files in {source}")
            return [self._install_file(f) for f in files]
        if not source.exists():
            raise ModelError(f"{source} does not exist")
        return [self._install_file(source)]

    def _install_file(self, path: Path) -> InstalledPackage:
        if path.stat().st_size > MAX_PACKAGE_MB * 1024 * 1024:
            raise ModelError(f"{path.name}: larger than {MAX_PACKAGE_MB} MB, refusing to unpack")
        if not zipfile.is_zipfile(path):
            raise ModelError(f"{path.name}: not an Argos package (.argosmodel files are zip archives)")
        self.folder.mkdir(parents=True, exist_ok=True)
        with self._lock, tempfile.TemporaryDirectory(dir=self.folder, prefix=".staging-") as tmp:
            staging = Path(tmp)
            try:
                with zipfile.ZipFile(path) as archive:
                    roots = _check_members(archive.namelist(), path.name)
                    archive.extractall(staging)
            except zipfile.BadZipFile as exc:
                raise ModelError(f"{path.name}: damaged archive ({exc})") from None
            unpacked = staging / roots
            try:
                meta = _read_metadata(unpacked)
            except ModelError as exc:
                raise ModelError(f"{path.name}: {exc}") from None
            _check_loads(unpacked, path.name)
            name = f"translate-{meta['from_code']}_{meta['to_code']}"
            target = self.folder / name
            if target.exists():  # replace the same pair only once the new one proved loadable
                old = self.folder / f".old-{name}"
                shutil.rmtree(old, ignore_errors=True)
                target.rename(old)
                unpacked.rename(target)
                shutil.rmtree(old, ignore_errors=True)
            else:
                unpacked.rename(target)
        return InstalledPackage(name, meta["from_code"], meta["to_code"],
                                str(meta.get("package_version") or "0"), target)

    def install_from_index(self, name: str, timeout_s: float = 30.0) -> list[InstalledPackage]:
        """Download a package by name (``nl_en`` or ``nl-en``) from the Argos index and install it."""
        if not self.index_url:
            raise ModelError("no package index configured (WEGWIJS_TRANSLATION_INDEX_URL)")
        index = json.loads(_fetch(self.index_url, timeout_s, "the Argos package index"))
        wanted = name.replace("-", "_").lower()
        matches = [m for m in index if isinstance(m, dict) and
                   (f"{m.get('from_code')}_{m.get('to_code')}" == wanted or m.get("code") == name)]
        if not matches:
            pairs = sorted(f"{m.get('from_code')}_{m.get('to_code')}" for m in index if isinstance(m, dict))
            raise ModelError(f"the index has no package {name!r}; it has: {', '.join(pairs)}")
        links = [str(link) for link in matches[0].get("links", [])]
        if not links:
            raise ModelError(f"the index gives no download link for {name!r}")
        data = _fetch(links[0], timeout_s, f"package {name}")
        with tempfile.TemporaryDirectory() as tmp:
            file = Path(tmp) / f"{wanted}.argosmodel"
            file.write_bytes(data)
            return self.install(file)

    def remove(self, name: str) -> InstalledPackage:
        """Remove an installed package by folder name or pair."""
        pkg = self.find(name)
        with self._lock:
            shutil.rmtree(pkg.path)
        return pkg

    # -- pairs -----------------------------------------------------------------------------------
    def path_for(self, source: str, target: str) -> list[InstalledPackage] | None:
        """Packages to chain for source→target: direct, else through English; None if unreachable."""
        by_pair = {p.pair: p for p in self.installed()}
        if (source, target) in by_pair:
            return [by_pair[(source, target)]]
        first, second = by_pair.get((source, PIVOT)), by_pair.get((PIVOT, target))
        if first is not None and second is not None:
            return [first, second]
        return None

    def reachable(self) -> dict[tuple[str, str], list[InstalledPackage]]:
        """Every reachable pair with the packages it goes through."""
        codes = {c for p in self.installed() for c in p.pair}
        out = {}
        for s in sorted(codes):
            for t in sorted(codes):
                if s != t and (path := self.path_for(s, t)) is not None:
                    out[(s, t)] = path
        return out


def _check_members(names: list[str], label: str) -> str:
    """The archive's single top folder; refuse absolute paths and ``..`` (zip slip)."""
    roots = set()
    for n in names:
        p = PurePosixPath(n)
        if p.is_absolute() or ".." in p.parts or n.startswith("\\"):
            raise ModelError(f"{label}: refusing an archive entry outside the package folder ({n!r})")
        if p.parts:
            roots.add(p.parts[0])
    if len(roots) != 1:
        raise ModelError(f"{label}: expected one package folder in the archive, found {len(roots)}")
    return roots.pop()


def _check_loads(folder: Path, label: str) -> None:
    """Load the model and tokenizer once, so a broken package is refused at install time."""
    import ctranslate2

    try:
        ctranslate2.Translator(str(folder / "model"), device="cpu", intra_threads=1)
    except Exception as exc:  # noqa: BLE001 - CTranslate2 raises RuntimeError/ValueError variants
        raise ModelError(f"{label}: the CTranslate2 model does not load ({exc})") from None
    sp = folder / "sentencepiece.model"
    if sp.is_file():
        import sentencepiece

        try:
            sentencepiece.SentencePieceProcessor(model_file=str(sp))
        except Exception as exc:  # noqa: BLE001
            raise ModelError(f"{label}: the sentencepiece model does not load ({exc})") from None


def _fetch(url: str, timeout_s: float, what: str) -> bytes:
    try:
        with urllib.request.urlopen(url, timeout=timeout_s) as response:  # noqa: S310 - configured URL
            return bytes(response.read())
    except (OSError, ValueError) as exc:
        raise ModelError(
            f"cannot download {what} from {url} ({exc}). Without a network, fetch the .argosmodel file "
            "elsewhere and run `wegwijs models install FILE_OR_FOLDER`."
        ) from None


class ArgosEngine:
    """Runs installed packages: one CTranslate2 translator per package, loaded on first use."""

    def __init__(self, store: PackageStore, threads: int = 1) -> None:
        self.store = store
        self.threads = threads
        self._loaded: dict[Path, tuple[Any, Any, str]] = {}
        self._lock = threading.Lock()

    def _load(self, pkg: InstalledPackage) -> tuple[Any, Any, str]:
        with self._lock:
            if pkg.path not in self._loaded:
                import ctranslate2
                from argostranslate.package import Package  # light: metadata and tokenizer only

                meta = Package(pkg.path)
                translator = ctranslate2.Translator(str(pkg.path / "model"), device="cpu",
                                                    inter_threads=1, intra_threads=self.threads)
                self._loaded[pkg.path] = (translator, meta.tokenizer, meta.target_prefix)
            return self._loaded[pkg.path]

    def run(self, pkg: InstalledPackage, text: str) -> str:
        """Translate with one package, sentence by sentence, keeping line breaks."""
        translator, tokenizer, prefix = self._load(pkg)
        out_lines = []
        for line in text.split("\n"):
            sentences = split_sentences(line, pkg.from_code)
            if not sentences:
                out_lines.append("")
                continue
            tokens = [tokenizer.encode(s) for s in sentences]
            results = translator.translate_batch(
                tokens,
                target_prefix=[[prefix]] * len(tokens) if prefix else None,
                beam_size=2, replace_unknowns=True, max_batch_size=32,
                max_decoding_length=min(400, 16 + 2 * max(len(t) for t in tokens)),
            )
            translated = []
            for result in results:
                value = tokenizer.decode(result.hypotheses[0])
                if prefix and value.startswith(prefix):
                    value = value[len(prefix):]
                translated.append(value.strip())
            out_lines.append(" ".join(translated))
        return "\n".join(out_lines)
