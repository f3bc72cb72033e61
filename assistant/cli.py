"""The ``wegwijs`` command: one console script with sub-commands."""

from __future__ import annotations

import json
import logging
import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from assistant.cli_models import models_app
from assistant.settings import Settings

# Chroma must never phone home, whatever the client settings say.
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

app = typer.Typer(help="Wegwijs: multilingual assistant for newcomers in Flanders and Brussels.",
                  no_args_is_help=True, pretty_exceptions_enable=False)
index_app = typer.Typer(help="Inspect the index.", no_args_is_help=True)
app.add_typer(index_app, name="index")
kb_app = typer.Typer(help="The curated knowledge base.", no_args_is_help=True)
app.add_typer(kb_app, name="kb")
app.add_typer(models_app, name="models")


def _settings() -> Settings:
    return Settings()


def _fail(message: str, code: int = 1) -> None:
    typer.secho(f"error: {message}", fg=typer.colors.RED, err=True)
    raise typer.Exit(code)


@app.command()
def ingest(
    paths: Annotated[list[Path] | None, typer.Argument(help="Files or folders (default: the bundled knowledge base).")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Report what would change; write nothing.")] = False,
    force: Annotated[bool, typer.Option("--force", help="Re-embed and rewrite every chunk.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
) -> None:
    """Index documents incrementally: only new, changed and removed documents are touched."""
    from assistant.components.embedding import EmbeddingError
    from assistant.components.vector_store import StoreError
    from ingest.pipeline import ingest as run_ingest

    try:
        report = run_ingest(_settings(), paths or None, dry_run=dry_run, force=force, progress=not quiet)
    except (EmbeddingError, StoreError) as exc:
        _fail(str(exc))
        return
    title = "ingest (dry run): nothing was written" if dry_run else "ingest report"
    typer.secho(title, bold=True)
    for line in report.summary_lines():
        typer.echo(line)
    if not dry_run:
        _prepare_scope_detectors(quiet)


def _prepare_scope_detectors(quiet: bool) -> None:
    """Embed the off-topic examples and the curated publication questions and train the off-topic
    classifier now (cached per content), so the API's first start after a knowledge-base change
    does not spend minutes on it."""
    from assistant.components.embedding import build_embeddings
    from assistant.guardrails import OutOfScopeDetector
    from assistant.passage_questions import PassageQuestionIndex
    from assistant.scope_classifier import ScopeClassifier

    settings = _settings()
    if not quiet:
        typer.echo("preparing the off-topic detectors and publication questions (minutes after the knowledge base changed)")
    embeddings = build_embeddings(settings)
    cache = settings.cache_dir
    try:
        OutOfScopeDetector(settings.knowledge_base_dir, embeddings, cache)
        ScopeClassifier(settings.knowledge_base_dir, embeddings, cache)
        PassageQuestionIndex(settings.knowledge_base_dir, embeddings, cache)
    except ValueError as exc:  # a broken curated file: the index itself is written and kept
        _fail(f"the index is up to date, but the assistant cannot start: {exc}")


@index_app.command("stats")
def index_stats(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Chunks, documents and size of the index."""
    from assistant.components.vector_store import StoreError
    from ingest.stats import index_stats as collect

    try:
        stats = collect(_settings())
    except StoreError as exc:
        _fail(str(exc))
        return
    if as_json:
        typer.echo(json.dumps(stats, indent=2, ensure_ascii=False))
        return
    for key, value in stats.items():
        if isinstance(value, dict):
            typer.echo(f"{key}:")
            for k, v in value.items():
                typer.echo(f"  {k}: {v}")
        else:
            typer.echo(f"{key}: {value}")


@app.command()
def ask(
    question: Annotated[str, typer.Argument(help="The question, in any of the 17 languages.")],
    lang: Annotated[str | None, typer.Option("--lang", help="ISO 639-1 code; overrides detection.")] = None,
    municipality: Annotated[str | None, typer.Option("--municipality", help="Name or postal code.")] = None,
    history: Annotated[Path | None, typer.Option("--history", help="JSON file: [{role, content}, ...].")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print exactly the /v1/ask contract object.")] = False,
) -> None:
    """Ask the assistant a question (answers from the local index)."""
    from pydantic import ValidationError

    from assistant.schemas import AskRequest
    from assistant.service import AssistantService

    try:
        turns = json.loads(history.read_text(encoding="utf-8")) if history else []
        request = AskRequest(question=question, language=lang, municipality=municipality, history=turns)
    except (OSError, json.JSONDecodeError) as exc:
        _fail(f"cannot read the history file: {exc}")
        return
    except ValidationError as exc:
        _fail("; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()))
        return
    response = AssistantService(_settings()).ask(request)
    if as_json:
        typer.echo(response.model_dump_json(indent=2))
        return
    typer.echo(response.answer)
    typer.secho(f"\n[{response.route.id}] {response.route.title}", bold=True)
    for step in response.route.steps:
        typer.echo(f"  - {step}")
    contact = response.route.contact
    typer.echo(f"  {contact.name} {contact.url or ''}")
    for i, src in enumerate(response.sources, 1):
        typer.echo(f"[{i}] {src.title} ({src.kind}, {src.score:.2f}) {src.url or ''}")


@app.command("api")
def api_serve(
    host: Annotated[str | None, typer.Option("--host")] = None,
    port: Annotated[int | None, typer.Option("--port")] = None,
) -> None:
    """Serve the API (the one process that writes the index)."""
    import uvicorn

    from assistant.api.app import create_app

    settings = _settings()
    uvicorn.run(create_app(settings), host=host or settings.api_host, port=port or settings.api_port,
                log_level="info")


@app.command("hash-token")
def api_hash_token(token: str) -> None:
    """Print the digest to put in WEGWIJS_STAFF_TOKEN_HASHES for a staff token."""
    from assistant.api.deps import hash_token

    typer.echo(hash_token(token))


@app.command()
def purge(days: Annotated[int | None, typer.Option("--days", help="Default: WEGWIJS_RETENTION_DAYS.")] = None) -> None:
    """Delete stored answers and feedback older than the retention period."""
    from assistant.api.storage import Storage

    settings = _settings()
    removed = Storage(settings.storage_url).purge(days if days is not None else settings.retention_days)
    typer.echo(f"purged {removed} rows older than {days if days is not None else settings.retention_days} days")


@kb_app.command("review")
def kb_review() -> None:
    """Review status per language: how many texts are still draft, how many reviewed."""
    from assistant.content import review_status
    from assistant.settings import LANGUAGES

    problems: list[str] = []
    report = review_status(_settings().knowledge_base_dir, problems)
    kinds = list(report)
    typer.echo("lang  " + "  ".join(f"{k:>22}" for k in kinds))
    for lang in LANGUAGES:
        cells = []
        for kind in kinds:
            c = report[kind].get(lang)
            cells.append(f"{c['reviewed']:>4} reviewed {c['draft']:>4} draft" if c else f"{'missing':>22}")
        typer.echo(f"{lang:<5} " + "  ".join(cells))
    for problem in problems:
        typer.echo(f"not counted: {problem}", err=True)
    if problems:
        raise typer.Exit(1)


@app.command("eval")
def evaluate_cmd(
    questions: Annotated[list[Path] | None, typer.Option("--questions", help="Folder of labelled questions; "
                                                         "repeat for several (default eval/questions).")] = None,
    out: Annotated[Path | None, typer.Option("--out", help="Report file; default <data dir>/eval/report-<time>.json")]
    = None,
) -> None:
    """Evaluate the assistant on labelled questions: a JSON report with plots (the portal shows the newest)."""
    import datetime as dt

    from assistant.evaluation import evaluate, load_questions, write_report
    from assistant.service import AssistantService

    settings = _settings()
    labelled = []
    try:
        for folder in questions or []:
            if not folder.is_dir():
                _fail(f"no folder of labelled questions at {folder}")
            labelled += load_questions(folder)
        if not questions:
            labelled = load_questions()
    except ValueError as exc:
        _fail(str(exc))
    if not labelled:
        _fail("no labelled questions found")
    report = evaluate(AssistantService(settings), labelled, progress=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    path = out or settings.data_dir / "eval" / f"report-{stamp}.json"
    sources = [str(f) for f in questions] if questions else ["eval/questions"]
    plots = write_report(report, path, question_sets=sources)
    hits = report["hit_at_5"]
    typer.echo(f"{len(labelled)} questions: hit@5 {hits['assistant']:.3f} (hybrid {hits['hybrid']:.3f}, dense "
               f"{hits['dense']:.3f}, BM25 {hits['keyword']:.3f}), routing {report['routing_accuracy']:.3f}, "
               f"abstention {report['abstention_accuracy']:.3f}, p50 {report['latency_ms']['p50']:.0f} ms")
    typer.echo(f"report: {path}")
    for plot in plots:
        typer.echo(f"plot: {plot}")


@app.command()
def portal(
    port: Annotated[int | None, typer.Option("--port")] = None,
    api_url: Annotated[str | None, typer.Option("--api-url", help="Default: the configured API.")] = None,
) -> None:
    """Serve the Streamlit portal (it talks to the API over HTTP)."""
    from portal.launch import start_portal

    settings = _settings()
    url = api_url or settings.portal_api_base
    proc = start_portal(url, port or settings.portal_port, settings.portal_host)
    try:
        raise typer.Exit(proc.wait())
    except KeyboardInterrupt:
        proc.terminate()


@app.command()
def up(
    skip_ingest: Annotated[bool, typer.Option("--skip-ingest")] = False,
    no_serve: Annotated[bool, typer.Option("--no-serve", help="Index only; do not start the API.")] = False,
    no_portal: Annotated[bool, typer.Option("--no-portal", help="Serve the API without the portal.")] = False,
) -> None:
    """The main job: index the bundled knowledge base, then serve the API and the portal."""
    if not skip_ingest:
        ingest(paths=None, dry_run=False, force=False, quiet=not sys.stderr.isatty())
    index_stats(as_json=False)
    if no_serve:
        return
    settings = _settings()
    proc = None
    if not no_portal:
        from portal.launch import start_portal

        url = settings.portal_api_base
        proc = start_portal(url, settings.portal_port, settings.portal_host)
        typer.echo(f"portal: http://{settings.portal_host}:{settings.portal_port} (API {url})")
    try:
        api_serve(host=None, port=None)
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=10)


def main() -> None:  # pragma: no cover
    """Entry point for ``python -m assistant.cli``."""
    logging.basicConfig(level=logging.WARNING)
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
