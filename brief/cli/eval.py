"""``brief eval``: make a brief from each evaluation set and score it against the set's gold (``brief.evaluate``)."""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from brief.cli.app import _fail, _quiet_libraries, _State, app

if TYPE_CHECKING:
    from brief.evaluate import SetResult


@app.command("eval")
def eval_command(
    sets: Annotated[
        list[Path] | None,
        typer.Argument(help="Evaluation set folders or corpus folders, or a folder of them (default: tests/eval, the five sets).", show_default=False),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the scores and their details as JSON.")] = False,
    baseline: Annotated[
        Path | None,
        typer.Option("--baseline", help="The pinned scores (default: the nearest baseline.json above the sets)."),
    ] = None,
    update_baseline: Annotated[
        bool, typer.Option("--update-baseline", help="Pin these scores (sets not scored keep theirs).")
    ] = False,
    check: Annotated[
        bool, typer.Option("--check", help="Exit 1 when a score moved the wrong way against the baseline.")
    ] = False,
    together: Annotated[
        bool, typer.Option("--together", help="One brief of every set's articles at once (not pinned).")
    ] = False,
    words: Annotated[int, typer.Option("--words", help="Word budget of each brief.")] = 500,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Say what each set missed.")] = False,
) -> None:
    """Score the brief of every evaluation set: facts covered, mixed sections, unsupported numbers, and more."""
    from brief import evaluate

    _State.verbose = verbose
    if together and update_baseline:
        raise typer.BadParameter("a brief of all sets together is not pinned", param_hint="--together")
    try:
        from brief.config import MIN_BUDGET_WORDS
        from brief.errors import UsageError

        if words < MIN_BUDGET_WORDS:  # as brief make says it
            raise UsageError(f"--words {words} is too small for a brief; use at least {MIN_BUDGET_WORDS}")
        given = sets or [evaluate.DEFAULT_SETS]
        folders = evaluate.find_sets(given)
        pinned_at = baseline or evaluate.baseline_for(given[0], folders)
        if update_baseline:
            from brief.deliver import check_destination

            check_destination(pinned_at)  # a folder that is not there fails now (exit 6), not after the scoring
        _quiet_libraries(True, verbose)
        results = []
        with tempfile.TemporaryDirectory(prefix="brief-eval-") as scratch:
            if together:
                folders = [evaluate.combine(folders, Path(scratch) / "together")]
            for folder in folders:
                print(f"brief: scoring {folder} ...", file=sys.stderr)
                results.append(evaluate.run_set(folder, words=words))
        pinned = evaluate.load_baseline(pinned_at)
    except (Exception, KeyboardInterrupt) as err:  # noqa: BLE001 - _fail prints one line, never a traceback
        _fail(err)
    worse = evaluate.regressions(results, pinned)
    _print_scores(results, worse, as_json=as_json, verbose=verbose)
    if update_baseline:
        from brief.deliver import emit
        from brief.errors import OutputError

        scores = evaluate.baseline_json(results, words, pinned)
        try:
            emit(scores, pinned_at)
        except OutputError as err:
            print(scores, end="")  # the scores are not lost: they go to standard output
            _fail(OutputError(f"{err}; the scores are on standard output"))
        print(f"brief: pinned the scores in {pinned_at}", file=sys.stderr)
    elif worse:
        print(f"brief: {len(worse)} score(s) worse than {pinned_at}:", file=sys.stderr)
        for line in worse:
            print(f"  {line}", file=sys.stderr)
        if check:
            raise typer.Exit(1)


def _print_scores(results: list[SetResult], worse: list[str], *, as_json: bool, verbose: bool) -> None:
    """The scores on standard output: JSON, or the table, the targets and (verbose) what each set missed."""
    from brief import evaluate

    if as_json:
        report = {"sets": [r.to_json() for r in results], "regressions": worse, "targets": evaluate.targets(results)}
        print(json.dumps(report, ensure_ascii=False, indent=2))
        return
    print(evaluate.table(results))
    print(f"\n{evaluate.targets_text(results)}")
    if not verbose:
        return
    for r in results:
        d = r.details
        print(f"\n{r.name}: title «{d['title']}»")
        for key in ("facts_missed", "timeline_missed", "disagreements_missed", "mixed_sections",
                    "singles_in_story", "unsupported", "near_duplicates", "uncited", "name_variants_left",
                    *evaluate.CORPUS_DETAILS):  # fmt: skip
            if d.get(key):
                print(f"  {key}: {json.dumps(d[key], ensure_ascii=False)}")
