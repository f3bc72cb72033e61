"""``wegwijs models``: translation packages, installed offline from files or by name from the Argos index."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from assistant.settings import LANGUAGES, Settings

models_app = typer.Typer(help="Translation packages (argostranslate .argosmodel files).", no_args_is_help=True)


def _store():  # type: ignore[no-untyped-def]
    from assistant.components.argos import PackageStore

    settings = Settings()
    return PackageStore(settings.packages_dir, settings.translation_index_url)


@models_app.command("list")
def models_list(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Installed packages and every language pair they reach, directly or through English."""
    store = _store()
    scanned = store.scan()
    reachable = store.reachable()
    if as_json:
        typer.echo(json.dumps({
            "folder": str(store.folder),
            "installed": [{"name": p.name, "from": p.from_code, "to": p.to_code, "version": p.version}
                          for p, _ in scanned if p is not None],
            "broken": [err for p, err in scanned if p is None],
            "pairs": [{"from": s, "to": t, "via": [p.label for p in path]} for (s, t), path in reachable.items()],
        }, indent=2, ensure_ascii=False))
        return
    typer.echo(f"packages folder: {store.folder}")
    if not scanned:
        typer.echo("no translation packages installed: answers use curated text, or Dutch with a notice.\n"
                   "install with `wegwijs models install FILE_OR_FOLDER` (or a name such as nl_en, with network)")
        return
    for pkg, err in scanned:
        typer.echo(f"  {pkg.name:<28} {pkg.label}" if pkg is not None else f"  unusable: {err}")
    typer.echo("reachable pairs:")
    for (s, t), path in reachable.items():
        via = "direct" if len(path) == 1 else "through en"
        ours = "" if s in LANGUAGES and t in LANGUAGES else "  (outside the 17 languages)"
        typer.echo(f"  {s}→{t}  {via}{ours}")


@models_app.command("install")
def models_install(
    source: Annotated[str, typer.Argument(help="A .argosmodel file, a folder of them, or a name like nl_en.")],
) -> None:
    """Install packages from a file or folder (no network), or by name from the Argos index."""
    from assistant.components.argos import ModelError

    store = _store()
    path = Path(source)
    try:
        if path.exists() or source.endswith(".argosmodel") or "/" in source:
            installed = store.install(path)
        else:
            installed = store.install_from_index(source)
    except ModelError as exc:
        typer.secho(f"error: {exc}", fg=typer.colors.RED, err=True)
        raise typer.Exit(1) from None
    for pkg in installed:
        typer.echo(f"installed {pkg.name} ({pkg.label}) in {store.folder}")


@models_app.command("remove")
def models_remove(name: Annotated[str, typer.Argument(help="Folder name or pair, e.g. nl_en.")]) -> None:
    """Remove an installed package."""
    from assistant.components.argos import ModelError

    try:
        pkg = _store().remove(name)
    except ModelError as exc:
        typer.secho(f"error: {exc}", fg=typer.colors.RED, err=True)
        raise typer.Exit(1) from None
    typer.echo(f"removed {pkg.name} ({pkg.label})")
