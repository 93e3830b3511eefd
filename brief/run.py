"""The day's run: everything ``brief make`` does around the pipeline, as a library call.

    check the models and the destination -> take the run lock -> open the store and start a run record
    -> pipeline.make -> write the brief (with fallback) -> mail it -> finish the record

``day(settings, ...)`` returns a ``RunResult``; errors are the typed errors of ``brief.errors``, which the CLI maps to
exit codes. Nothing the user had is lost on the way: the brief is written before it is mailed; when its destination
cannot be written it is saved in ``$BRIEF_HOME/briefs/`` instead, or printed when even that fails; a read-only or
full data folder costs the lock and the record, never the brief. The store only remembers: its failures are
warnings, told through ``Notices``.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, cast

from brief.errors import (
    BriefError,
    ConfigError,
    DeliveryError,
    InputError,
    NothingNewError,
    OutputError,
    StoreError,
    UsageError,
)

if TYPE_CHECKING:
    from brief.config import Settings
    from brief.mail import SmtpSettings
    from brief.pipeline import Reporter, RunStats
    from brief.records import Brief
    from brief.store import Store

EXIT_PARTIAL = 7


class Notices(Protocol):
    """Where a run tells the user what happened beside the brief (the CLI prints these on stderr)."""

    def say(self, message: str) -> None:
        """A line of news (``wrote FILE``); silenced by --quiet."""

    def tell(self, message: str) -> None:
        """A line the user must see even with --quiet (what a dry run wrote)."""

    def warn(self, message: str) -> None:
        """Something lost that the brief did not need (the lock, the record, a copy)."""

    def error(self, message: str) -> None:
        """A failure that does not decide the exit code (another one does)."""


class StderrNotices:
    """Notices printed on standard error, as ``brief: ...`` lines."""

    def __init__(self, quiet: bool = False) -> None:
        self.quiet = quiet

    def say(self, message: str) -> None:
        """Print unless quiet."""
        if not self.quiet:
            print(f"brief: {message}", file=sys.stderr)

    def tell(self, message: str) -> None:
        """Print always."""
        print(f"brief: {message}", file=sys.stderr)

    def warn(self, message: str) -> None:
        """Print always, as a warning."""
        print(f"brief: warning: {message}", file=sys.stderr)

    def error(self, message: str) -> None:
        """Print always, as an error."""
        print(f"brief: error: {message}", file=sys.stderr)


@dataclass
class RunResult:
    """How a run ended: its exit code, the brief and where it went."""

    code: int
    brief: Brief | None = None
    written: Path | None = None  # the file that holds the brief, when one was written
    nothing_new: str | None = None  # why no brief was made (--new/--since found nothing)


@dataclass
class _Outcome:
    """What the run record keeps, filled in as the run goes."""

    status: str = "failed"
    code: int = 1
    error: str | None = None
    brief: Brief | None = None
    written: Path | None = None


def check_models(settings: Settings) -> None:
    """Every model name the run will use is in the registry (an unknown one lists the valid ones), before the lock."""
    from brief import models

    registry = models.Registry.load(settings.registry)
    registry.get("translator", settings.translator)
    registry.get("embedder", settings.embedder)
    if settings.rewrite:
        registry.get("summariser", settings.summariser)


def day(settings: Settings, reporter: Reporter, notices: Notices, *, dry_run: bool = False) -> RunResult:
    """Make, save and deliver one brief under the run lock, recording the run in the store."""
    from brief import mail
    from brief.deliver import check_destination
    from brief.lock import run_lock

    if not settings.inputs and settings.sources is None:
        raise InputError("nothing to read: give files, folders or URLs, --sources FILE, or a --profile that names them")
    if dry_run and not settings.email:
        raise UsageError("--dry-run writes the message --email would send: give --email ADDR (or a profile with email)")
    check_models(settings)
    # SMTP settings and the destination are checked before the slow work, so a mistake costs nothing; a dry run
    # needs no SMTP settings.
    smtp = None
    if settings.email:
        smtp = (mail.dry_run_settings if dry_run else mail.smtp_settings)(settings.smtp_values, os.environ)
    if settings.output is not None:
        check_destination(settings.output)
    elif settings.output_dir is not None:
        check_destination(settings.output_dir, make_folder=True)
    assert settings.home is not None
    needs_store = settings.new or settings.since is not None
    with ExitStack() as stack:
        try:
            stack.enter_context(run_lock(settings.home))
        except ConfigError as err:
            if needs_store:
                raise
            notices.warn(f"{err}; running without the lock")
        store = _open_store(settings, notices, needs_store)
        if store is None:
            return _recorded(settings, None, None, smtp, reporter, notices, dry_run)
        with store:
            from brief.store.tolerant import TolerantStore

            # A drop-in Store whose remembering fails with a warning, never stopping the brief.
            tolerant = cast("Store", TolerantStore(store, notices.warn))
            run_id = tolerant.start_run(_reads(settings), settings.profile, sys.argv)
            return _recorded(settings, tolerant, run_id, smtp, reporter, notices, dry_run)
    raise AssertionError("unreachable")  # pragma: no cover - the with block returns


def _open_store(settings: Settings, notices: Notices, needed: bool) -> Store | None:
    """The store, or None (with a warning) when it cannot be opened and the run can do without it."""
    from brief.store import Store

    assert settings.home is not None
    try:
        return Store.open(settings.home)
    except StoreError as err:
        if needed:
            raise
        notices.warn(f"{err}; this run is not recorded and translations are not cached")
        return None


def _recorded(
    settings: Settings,
    store: Store | None,
    run_id: int | None,
    smtp: SmtpSettings | None,
    reporter: Reporter,
    notices: Notices,
    dry_run: bool,
) -> RunResult:
    """Make and deliver the brief; the run record says how it went, whatever happened."""
    from brief import pipeline

    stats = pipeline.RunStats()
    outcome = _Outcome()
    try:
        result = _make_and_deliver(settings, store, run_id, smtp, reporter, notices, dry_run, stats, outcome)
        outcome.status, outcome.code = "partial" if result.code == EXIT_PARTIAL else "ok", result.code
        return result
    except NothingNewError as err:
        outcome.status, outcome.code, outcome.error = "ok", 0, str(err)
        notices.say(f"{err}; no brief made")
        return RunResult(0, nothing_new=str(err))
    except BriefError as err:
        outcome.code, outcome.error = err.exit_code, str(err)
        raise
    except KeyboardInterrupt as err:
        outcome.code = getattr(err, "exit_code", 130)
        outcome.error = f"interrupted ({getattr(err, 'name', 'Ctrl-C')})"
        raise
    except Exception as err:
        outcome.error = f"internal error: {type(err).__name__}: {err}"
        raise
    finally:
        if store is not None and run_id is not None:
            store.finish_run(
                run_id,
                outcome.status,
                outcome.code,
                output=outcome.written,
                error=outcome.error,
                timings=stats.timings,
                models=outcome.brief.models if outcome.brief else (),
                counts=stats.counts,
            )


def _make_and_deliver(
    settings: Settings,
    store: Store | None,
    run_id: int | None,
    smtp: SmtpSettings | None,
    reporter: Reporter,
    notices: Notices,
    dry_run: bool,
    stats: RunStats,
    outcome: _Outcome,
) -> RunResult:
    """The brief made, written (always before mailing), recorded and mailed."""
    from brief import pipeline, render

    made = pipeline.make(settings, settings.inputs, reporter, store=store, run_id=run_id, stats=stats)
    outcome.brief = made
    markdown, json_text = render.to_markdown(made), render.to_json(made)
    stats.counts["sections_dropped_to_fit"] = len(render.fit(made).dropped)
    chosen = render.FORMATS[settings.fmt]  # the store keeps the Markdown and the JSON whatever the format
    text = chosen.render(made)
    now = dt.datetime.now()
    with stats.timed("write"):
        written, failed = _write(settings, text, chosen.suffix, now, notices)
    outcome.written = written
    if store is not None and run_id is not None:
        store.record_brief(run_id, made, markdown, json_text, written)
    if written is not None and failed is None:
        notices.say(f"wrote {written}")
    if made.skipped:
        notices.warn(f"{len(made.skipped)} input(s) skipped (listed in the brief's footer)")
    if smtp is not None:
        with stats.timed("email"):
            _mail(settings, smtp, made, markdown, written, failed, now, notices, dry_run)
    if failed is not None:
        raise failed
    return RunResult(EXIT_PARTIAL if made.skipped else 0, brief=made, written=written)


def _keep(settings: Settings, text: str, suffix: str, now: dt.datetime, notices: Notices) -> Path | None:
    """Save the brief in ``$BRIEF_HOME/briefs/`` (never replacing one); None when that cannot be written either."""
    from brief.deliver import dated_name, write_new

    assert settings.home is not None
    try:
        return write_new(settings.home / "briefs", dated_name(now, suffix), text)
    except OutputError as err:
        notices.warn(str(err))
        return None


def _write(
    settings: Settings, text: str, suffix: str, now: dt.datetime, notices: Notices
) -> tuple[Path | None, OutputError | None]:
    """Write the brief where the settings say; when that fails, keep it somewhere (the failure is returned)."""
    from brief.deliver import dated_name, emit, write_new

    try:
        if settings.output is not None:
            emit(text, settings.output)
            return (None if str(settings.output) == "-" else settings.output), None
        if settings.output_dir is not None:
            return write_new(settings.output_dir, dated_name(now, suffix), text), None
        if settings.email:
            # Saved before it is mailed, so a mail server that is down loses nothing.
            return _keep(settings, text, suffix, now, notices), None
        emit(text, None)
        return None, None
    except OutputError as err:
        written = _keep(settings, text, suffix, now, notices)
        if written is None:
            emit(text, None)  # the last place left: the brief goes to standard output
        where = f"the brief is saved in {written} instead" if written else "the brief is on standard output"
        return written, OutputError(f"{err}; {where}")


def _markdown_copy(
    settings: Settings, markdown: str, written: Path | None, failed: OutputError | None, now: dt.datetime,
    notices: Notices,
) -> Path | None:  # fmt: skip
    """The Markdown file the mail is resent from: the brief itself, a .md beside a JSON brief, or a kept copy."""
    from brief.deliver import emit, write_new

    saved = written if written is not None and written.is_file() else None  # not /dev/null or a FIFO
    if saved is not None and settings.fmt != "markdown":
        # What is mailed (and resent) is the Markdown: keep it beside the JSON.
        saved = saved.with_suffix(".md")
        try:
            if settings.output is not None and failed is None:
                emit(markdown, saved)  # -o b.json: b.md beside it, replaced like b.json
            else:
                saved = write_new(saved.parent, saved.name, markdown, make_folders=False)
        except OutputError as err:
            notices.warn(str(err))
            saved = None
    return saved if saved is not None else _keep(settings, markdown, "md", now, notices)


def _mail(
    settings: Settings,
    smtp: SmtpSettings,
    made: Brief,
    markdown: str,
    written: Path | None,
    failed: OutputError | None,
    now: dt.datetime,
    notices: Notices,
    dry_run: bool,
) -> None:
    """Mail the brief (or write the message as .eml on a dry run); a failure says how to resend it."""
    from brief import mail
    from brief.deliver import dated_name, emit

    saved = _markdown_copy(settings, markdown, written, failed, now, notices)
    message = mail.build_message(made, sender=smtp.sender, to=list(settings.email))
    try:
        if dry_run:
            assert settings.home is not None
            eml = (saved or settings.home / "briefs" / dated_name(now, "md")).with_suffix(".eml")
            try:
                mail.write_eml(message, eml)
            except OutputError as err:
                if saved is not None:
                    raise
                emit(markdown, None)  # neither the brief nor the message could be kept: print it
                raise OutputError(f"{err}; the brief could not be saved, so it is on standard output") from err
            notices.tell(f"dry run: wrote the message to {eml} instead of sending it")
        else:
            mail.send(message, smtp)
            notices.say(f"emailed to {', '.join(settings.email)}")
    except DeliveryError as err:
        if failed is not None:  # both went wrong: say the first here, the mail failure decides the code
            notices.error(str(failed))
        to = " ".join(f"--to {a}" for a in settings.email)
        if saved is None:
            emit(markdown, None)
            raise type(err)(f"{err}. The brief could not be saved, so it is on standard output") from err
        raise type(err)(f"{err}. The brief is saved in {saved}; resend it with: brief send {saved} {to}") from err


def _reads(settings: Settings) -> list[str]:
    """What the run reads, as the run record names it."""
    return [*settings.inputs, *([f"sources: {settings.sources}"] if settings.sources else [])]
