"""Build a tiny but real Argos package for tests: a randomly initialised Marian model converted to
CTranslate2, a sentencepiece model trained on a few sentences, and the metadata an .argosmodel holds.

It proves the plumbing (install, list, pairs, pivoting, the offline sentence path); its output is
noise, so no test may read quality into it.
"""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

SENTENCES = [
    "Registreer je bij het agentschap.", "Waar kan ik Nederlands leren?", "Hoeveel kost de cursus?",
    "Ik woon in Gent.", "Welkom in Vlaanderen.", "De les begint om negen uur.",
    "Where can I learn Dutch?", "How much does the course cost?", "I live in Ghent.", "Welcome to Flanders.",
]


def build_model(work: Path) -> Path:
    """A CTranslate2 model folder plus ``sentencepiece.model`` in ``work/base``; returns that folder."""
    import ctranslate2
    import sentencepiece as spm
    import torch
    from transformers import MarianConfig, MarianMTModel, MarianTokenizer

    base = work / "base"
    hf = work / "hf"
    hf.mkdir(parents=True, exist_ok=True)
    corpus = work / "corpus.txt"
    corpus.write_text("\n".join(SENTENCES * 5), encoding="utf-8")
    spm.SentencePieceTrainer.train(
        input=str(corpus), model_prefix=str(work / "sp"), vocab_size=80, model_type="unigram",
        character_coverage=1.0, pad_id=-1, bos_id=-1, eos_id=1, unk_id=0, hard_vocab_limit=False,
        minloglevel=2,
    )
    sp = spm.SentencePieceProcessor(model_file=str(work / "sp.model"))
    vocab = {sp.id_to_piece(i): i for i in range(sp.get_piece_size())}
    vocab["<pad>"] = len(vocab)
    (hf / "vocab.json").write_text(json.dumps(vocab), encoding="utf-8")
    for name in ("source.spm", "target.spm"):
        shutil.copy(work / "sp.model", hf / name)
    MarianTokenizer(str(hf / "source.spm"), str(hf / "target.spm"), str(hf / "vocab.json")).save_pretrained(hf)
    torch.manual_seed(0)
    config = MarianConfig(
        vocab_size=len(vocab), d_model=16, encoder_layers=1, decoder_layers=1, encoder_attention_heads=2,
        decoder_attention_heads=2, encoder_ffn_dim=32, decoder_ffn_dim=32, max_position_embeddings=512,
        pad_token_id=vocab["<pad>"], eos_token_id=1, decoder_start_token_id=vocab["<pad>"], forced_eos_token_id=1,
    )
    MarianMTModel(config).save_pretrained(hf)
    ctranslate2.converters.TransformersConverter(str(hf)).convert(str(base / "model"), force=True)
    shutil.copy(work / "sp.model", base / "sentencepiece.model")
    return base


def package(base: Path, out_dir: Path, from_code: str, to_code: str, version: str = "1.0") -> Path:
    """Wrap the model as ``<from>_<to>.argosmodel`` (a zip of one folder with metadata.json)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    folder = f"translate-{from_code}_{to_code}-{version.replace('.', '_')}"
    meta = {
        "package_version": version, "argos_version": "1.11", "from_code": from_code, "to_code": to_code,
        "from_name": from_code, "to_name": to_code, "type": "translate", "links": [],
    }
    target = out_dir / f"{from_code}_{to_code}.argosmodel"
    with zipfile.ZipFile(target, "w") as archive:
        archive.writestr(f"{folder}/metadata.json", json.dumps(meta))
        archive.writestr(f"{folder}/README.md", "Test package: random weights, output is noise.\n")
        for file in sorted(base.rglob("*")):
            if file.is_file():
                archive.write(file, f"{folder}/{file.relative_to(base).as_posix()}")
    return target
