"""``brief models list|pull|pin``: the registry, fetching models ahead of time, pinning their revisions."""

from __future__ import annotations

import os
import sys
from typing import Annotated, Optional

import typer

from brief.cli.app import ModelsOpt, QuietOpt, _fail, _quiet_libraries, app, text

models_app = typer.Typer(help="Show, fetch and pin the models in the registry.", no_args_is_help=True)
app.add_typer(models_app, name="models")


@models_app.command("list")
def models_list(models: ModelsOpt = None) -> None:
    """Show the registry: every model, the defaults, and which are in the local cache."""
    from rich.table import Table

    from brief import config
    from brief import models as registry_mod

    try:
        settings = config.resolve(os.environ, models=models)
        registry = registry_mod.Registry.load(settings.registry)
        table = Table(title=text(f"Models in {settings.registry}"))
        for column in ("kind", "name", "default", "backend", "source", "licence", "cached"):
            table.add_column(column)
        for spec in registry.all():
            if not spec.needs_files:
                cached = "bundled"
            else:
                cached = "yes" if registry_mod.cached_folder(spec) else "no"
            default = "*" if registry.defaults.get(spec.kind) == spec.name else ""
            row = (spec.kind, spec.name, default, spec.backend, spec.ref, spec.licence or "", cached)
            table.add_row(*(text(v) for v in row))
    except (Exception, KeyboardInterrupt) as err:  # noqa: BLE001 - _fail prints one line, never a traceback
        _fail(err)
    from rich.console import Console

    # Piped output gets the whole table rather than columns cut to 80 characters.
    Console(highlight=False, width=None if sys.stdout.isatty() else 200).print(table)


@models_app.command("pull")
def models_pull(
    names: Annotated[Optional[list[str]], typer.Argument(help="Model names (default: the default of each kind).")] = None,
    all_models: Annotated[bool, typer.Option("--all", help="Fetch every model in the registry.")] = False,
    models: ModelsOpt = None,
    optimize: Annotated[
        Optional[bool],
        typer.Option(
            "--optimize/--no-optimize",
            help="Convert translators and summarisers to CTranslate2 int8, used from then on "
            "(default: when CTranslate2 is installed).",
            show_default=False,
        ),
    ] = None,
    quiet: QuietOpt = False,
) -> None:
    """Download models into the Hugging Face cache ahead of time (for offline or scheduled use)."""
    from brief import config
    from brief import models as registry_mod
    from brief.models import ctranslate2 as ct2
    from brief.models.table import conversion_kind

    try:
        settings = config.resolve(os.environ, models=models)
        registry = registry_mod.Registry.load(settings.registry)
        if all_models:
            specs = registry.all()
        elif names:
            by_name = {s.name: s for s in registry.all()}
            specs = []
            for name in names:
                if name not in by_name:
                    from brief.errors import UnknownNameError

                    raise UnknownNameError("model", name, by_name)
                specs.append(by_name[name])
        else:
            specs = [registry.get(kind) for kind in registry.defaults]
        _quiet_libraries(quiet, False)
        for spec in specs:
            if not spec.needs_files:
                print(f"{spec.name}: bundled with its package, nothing to fetch", file=sys.stderr)
                continue
            folder = registry_mod.fetch(spec, offline=settings.offline)
            print(f"{spec.name}: {registry_mod.resolved_revision(spec, folder)} in {folder}", file=sys.stderr)
            # Fast by default: converted as fetched when CTranslate2 is installed; --optimize insists (and says
            # what to install when it is not), --no-optimize leaves the model on transformers.
            if conversion_kind(spec) is not None and (optimize or (optimize is None and ct2.available())):
                if ct2.find_optimized(spec, folder) is None:
                    seconds = ct2.conversion_estimate(folder)
                    print(f"{spec.name}: converting to CTranslate2 {ct2.QUANTIZATION} (once, about {seconds:.0f} s)",
                          file=sys.stderr)  # fmt: skip
                converted = ct2.convert(spec, folder)
                size = ct2.shortlist_size(converted)
                shortlist = f" (English shortlist: {size[0]:,} of {size[1]:,} output tokens)" if size else ""
                print(f"{spec.name}: CTranslate2 {ct2.QUANTIZATION} in {converted}{shortlist}", file=sys.stderr)
    except (Exception, KeyboardInterrupt) as err:  # noqa: BLE001 - _fail prints one line, never a traceback
        _fail(err)


@models_app.command("pin")
def models_pin(
    names: Annotated[
        Optional[list[str]],
        typer.Argument(metavar="[NAME]...", help="Model names (default: every model with a Hub repo).", show_default=False),
    ] = None,
    models: ModelsOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """Resolve each model's revision to its commit hash on the Hub and write it into the registry file.

    Run it where the Hub is reachable; the registry's comments and layout stay. A pinned registry gives the same
    weights on every machine and every morning.
    """
    from brief import config
    from brief import models as registry_mod

    try:
        settings = config.resolve(os.environ, models=models)
        changed = registry_mod.pin_registry(settings.registry, list(names) if names else None)
    except (Exception, KeyboardInterrupt) as err:  # noqa: BLE001 - _fail prints one line, never a traceback
        _fail(err)
    if not quiet:
        for spec, sha in changed:
            print(f"{spec.name}: {spec.repo} {spec.revision} -> {sha}", file=sys.stderr)
        print(f"brief: pinned {len(changed)} model{'s' if len(changed) != 1 else ''} in {settings.registry}"
              if changed else f"brief: every model is already pinned in {settings.registry}", file=sys.stderr)
