"""Run a profile every day: a systemd user timer, or a crontab line.

systemd (the default) gets two units in ``$XDG_CONFIG_HOME/systemd/user/``: ``brief-<profile>.service`` runs
``brief make --profile <profile> --quiet`` once, appending its output to a log file, and
``brief-<profile>.timer`` starts it daily with ``Persistent=true``, so a morning missed while the machine was off
is caught up at the next boot. cron has no catch-up: a missed time is simply skipped.

Every outside command (``systemctl``, ``loginctl``, ``crontab``) goes through a ``Runner`` that the caller can
replace, so tests never touch the real systemd or crontab.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from brief.config import config_home, config_path, data_home, resolve
from brief.errors import ConfigError

SYSTEMD = "systemd"
CRON = "cron"
KINDS = (SYSTEMD, CRON)
# What a scheduled run must see of this environment to find the same data folder and config file.
CARRIED = ("BRIEF_HOME", "BRIEF_CONFIG")
HEADER = "# Written by `brief schedule install`; remove with `brief schedule remove --profile {profile}{cron}`.\n"

_AT = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
_PROFILE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")
_MARK = re.compile(r"#\s*brief:([A-Za-z0-9_-]+)\s*$")
_ON_CALENDAR = re.compile(r"^OnCalendar=\*-\*-\* (\d\d):(\d\d):00\s*$", re.MULTILINE)
_COMMAND_TIMEOUT = 60  # seconds; systemctl and crontab answer at once or not at all


class Runner(Protocol):
    """Runs a command: argv and optional standard input in, (exit code, stdout, stderr) out."""

    def __call__(self, argv: Sequence[str], stdin: str | None = None) -> tuple[int, str, str]:
        """Run ``argv``; a missing program is exit code 127."""


def run_command(argv: Sequence[str], stdin: str | None = None) -> tuple[int, str, str]:
    """The real runner: a subprocess, with a missing program reported as exit code 127."""
    try:
        done = subprocess.run(
            list(argv), input=stdin, capture_output=True, text=True, timeout=_COMMAND_TIMEOUT, check=False
        )
    except FileNotFoundError:
        return 127, "", f"{argv[0]}: command not found"
    except subprocess.TimeoutExpired:
        return 124, "", f"{' '.join(argv)}: no answer after {_COMMAND_TIMEOUT} s"
    return done.returncode, done.stdout, done.stderr


# --- checking what the user asked for ----------------------------------------------------------------------


def parse_at(at: str) -> tuple[int, int]:
    """'07:30' -> (7, 30); ConfigError unless it is a 24-hour HH:MM time."""
    match = _AT.match(at.strip())
    if not match:
        raise ConfigError(f"--at {at!r} is not a time of day; write it as HH:MM on the 24-hour clock, e.g. 07:30")
    return int(match[1]), int(match[2])


_CONTROL = re.compile(r"[\x00-\x1f\x7f\x85\u2028\u2029]")


def _refuse_control_characters(values: Mapping[str, str]) -> None:
    """ConfigError for a value holding a newline or other control character: in a unit file or a crontab it
    would end the line and start a directive or a job of its own."""
    for name, value in values.items():
        match = _CONTROL.search(value)
        if match:
            raise ConfigError(
                f"{name} ({value!r}) holds the control character {match[0]!r}; a schedule cannot carry it safely "
                "into a systemd unit or crontab line: use a path without control characters"
            )


def _check_profile_name(profile: str) -> None:
    if not _PROFILE.match(profile):
        raise ConfigError(f"profile name {profile!r}: use letters, digits, '-' and '_' only")


def brief_executable(env: Mapping[str, str], argv0: str | None = None) -> list[str]:
    """The absolute command that runs this brief, so that cron's and systemd's short PATH need not find it."""
    argv0 = sys.argv[0] if argv0 is None else argv0
    running = Path(argv0)
    if running.name == "brief" and running.is_file():
        return [os.path.abspath(running)]
    found = shutil.which("brief", path=env.get("PATH"))
    if found:
        return [os.path.abspath(found)]
    if running.name == "__main__.py" and running.parent.name == "brief":  # python -m brief
        return [sys.executable, "-m", "brief"]
    raise ConfigError("cannot find the brief program to schedule: install brief so that `brief` is on PATH")


def log_file(env: Mapping[str, str], profile: str) -> Path:
    """Where a scheduled run of ``profile`` appends its messages."""
    return data_home(env) / "logs" / f"schedule-{profile}.log"


def unit_folder(env: Mapping[str, str]) -> Path:
    """The systemd user unit folder: ``$XDG_CONFIG_HOME/systemd/user``."""
    return config_home(env) / "systemd" / "user"


def carried_env(env: Mapping[str, str]) -> dict[str, str]:
    """The variables a scheduled run needs from this environment (BRIEF_HOME, BRIEF_CONFIG), made absolute."""
    paths = {"BRIEF_HOME": data_home, "BRIEF_CONFIG": config_path}
    return {name: str(paths[name](env)) for name in CARRIED if env.get(name, "").strip()}


# --- the text of units and crontab lines --------------------------------------------------------------------


def _words(executable: str | Sequence[str]) -> list[str]:
    return [executable] if isinstance(executable, str) else list(executable)


def _systemd_word(word: str, *, command: bool = True) -> str:
    """Quote one word for a unit file: % is a specifier there, and $ a variable in ExecStart."""
    word = word.replace("%", "%%")
    if command:
        word = word.replace("$", "$$")
    if not word or re.search(r"[\s\"'\\;]", word):
        word = '"' + word.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return word


def systemd_units(
    profile: str,
    at: str,
    *,
    executable: str | Sequence[str],
    home: Path | None,
    log_file: Path,
    config: Path | None = None,
) -> dict[str, str]:
    """The exact text of ``brief-<profile>.service`` and ``.timer``; BRIEF_HOME/BRIEF_CONFIG only when given."""
    _check_profile_name(profile)
    hour, minute = parse_at(at)
    command = [*_words(executable), "make", "--profile", profile, "--quiet"]
    environment = [
        f"Environment={_systemd_word(f'{name}={value}', command=False)}\n"
        for name, value in (("BRIEF_HOME", home), ("BRIEF_CONFIG", config))
        if value is not None
    ]
    log = str(log_file).replace("%", "%%")
    header = HEADER.format(profile=profile, cron="")
    service = (
        header
        + "[Unit]\n"
        + f"Description=brief: make the brief of profile {profile}\n"
        + "\n[Service]\n"
        + "Type=oneshot\n"
        + "".join(environment)
        + f"ExecStart={' '.join(_systemd_word(word) for word in command)}\n"
        + f"StandardOutput=append:{log}\n"
        + f"StandardError=append:{log}\n"
    )
    timer = (
        header
        + "[Unit]\n"
        + f"Description=brief: the brief of profile {profile} every day at {hour:02d}:{minute:02d}\n"
        + "\n[Timer]\n"
        + f"OnCalendar=*-*-* {hour:02d}:{minute:02d}:00\n"
        + "# A run missed while the machine was off or asleep starts as soon as it is back.\n"
        + "Persistent=true\n"
        + "\n[Install]\n"
        + "WantedBy=timers.target\n"
    )
    return {f"brief-{profile}.service": service, f"brief-{profile}.timer": timer}


def cron_line(
    profile: str, at: str, *, executable: str | Sequence[str], log_file: Path, env: Mapping[str, str]
) -> str:
    """One crontab line (no newline) running the profile daily, marked ``# brief:<profile>``; ``env``: assignments."""
    _check_profile_name(profile)
    hour, minute = parse_at(at)
    assignments = [f"{name}={shlex.quote(value)}" for name, value in env.items()]
    command = [*_words(executable), "make", "--profile", profile, "--quiet"]
    shell = " ".join([*assignments, *(shlex.quote(word) for word in command), ">>", shlex.quote(str(log_file)), "2>&1"])
    # cron turns an unescaped % into a newline before the shell sees the command.
    return f"{minute} {hour} * * * {shell.replace('%', chr(92) + '%')} # brief:{profile}"


# --- planning, installing, showing, removing ---------------------------------------------------------------------


@dataclass(frozen=True)
class Plan:
    """A schedule as it would be installed: the files or crontab line, and anything the user should know."""

    kind: str  # "systemd" or "cron"
    profile: str
    at: str  # "07:30"
    log_file: Path
    units: Mapping[Path, str] = field(default_factory=dict)  # systemd: unit file -> its text
    cron: str = ""  # cron: the crontab line
    warnings: tuple[str, ...] = ()

    def text(self) -> str:
        """What --print shows: each unit file under a comment naming its path, or the crontab line."""
        if self.kind == CRON:
            return self.cron + "\n"
        return "\n".join(f"# {path}\n{text}" for path, text in self.units.items())


@dataclass(frozen=True)
class Entry:
    """One installed schedule, as ``brief schedule show`` lists it."""

    kind: str
    profile: str
    at: str  # "07:30", or "?" when the file was edited past recognition
    where: str  # the timer file, or "crontab"
    state: str  # systemd: enabled/disabled/...; cron: "installed"


def plan(
    profile: str,
    at: str,
    *,
    env: Mapping[str, str],
    cron: bool = False,
    executable: str | Sequence[str] | None = None,
) -> Plan:
    """Check the profile and time and work out the units or crontab line, touching nothing."""
    _check_profile_name(profile)
    hour, minute = parse_at(at)
    carried = carried_env(env)
    # The scheduled run sees none of this shell's other BRIEF_* variables: judge the profile without them.
    scheduled_env = {k: v for k, v in env.items() if not k.startswith("BRIEF_") or k in carried}
    settings = resolve(scheduled_env, profile=profile)  # UnknownNameError for a profile not in the file
    if not settings.inputs and settings.sources is None:
        raise ConfigError(
            f"profile {profile!r} names no inputs and no sources file, so a scheduled run would have nothing to read; "
            f"add inputs = [...] or sources = \"...\" to [profiles.{profile}] in {settings.config_file}"
        )
    warnings = []
    if settings.output is None and settings.output_dir is None and not settings.email:
        warnings.append(
            f"profile {profile!r} sets no output, output_dir or email: each brief would only be appended to the log"
        )
    command = brief_executable(env) if executable is None else _words(executable)
    log = log_file(env, profile)
    _refuse_control_characters(
        {**{name: value for name, value in carried.items()}, "the log file": str(log), "the brief program": " ".join(command)}
    )
    at_text = f"{hour:02d}:{minute:02d}"
    if cron:
        line = cron_line(profile, at, executable=command, log_file=log, env=carried)
        return Plan(CRON, profile, at_text, log, cron=line, warnings=tuple(warnings))
    texts = systemd_units(
        profile,
        at,
        executable=command,
        home=Path(carried["BRIEF_HOME"]) if "BRIEF_HOME" in carried else None,
        config=Path(carried["BRIEF_CONFIG"]) if "BRIEF_CONFIG" in carried else None,
        log_file=log,
    )
    folder = unit_folder(env)
    return Plan(SYSTEMD, profile, at_text, log, units={folder / name: text for name, text in texts.items()},
                warnings=tuple(warnings))


def install(
    profile: str,
    at: str,
    *,
    env: Mapping[str, str],
    cron: bool = False,
    runner: Runner = run_command,
    executable: str | Sequence[str] | None = None,
) -> Plan:
    """Install (or replace) the daily schedule of ``profile``; returns what was installed."""
    planned = plan(profile, at, env=env, cron=cron, executable=executable)
    if cron:
        lines = [line for line in _read_crontab(runner) if _marked(line) != profile]
        _make_log_folder(planned.log_file)
        _write_crontab(runner, [*lines, planned.cron])
        return planned
    _require_systemd(runner)
    _make_log_folder(planned.log_file)
    for path, text in planned.units.items():
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        except OSError as err:
            raise ConfigError(f"cannot write {path}: {err.strerror or err}") from None
    _systemctl(runner, "daemon-reload")
    _systemctl(runner, "enable", "--now", f"brief-{profile}.timer")
    warnings = list(planned.warnings)
    code, out, _ = runner(["loginctl", "show-user", str(os.getuid()), "--property=Linger", "--value"])
    if code != 0 or out.strip() != "yes":
        warnings.append(
            "systemd runs your timers only while you are logged in; to run them after a reboot without logging in: "
            "loginctl enable-linger"
        )
    return Plan(planned.kind, planned.profile, planned.at, planned.log_file, planned.units, warnings=tuple(warnings))


def show(env: Mapping[str, str], *, runner: Runner = run_command) -> list[Entry]:
    """Every installed brief schedule: systemd timers in the unit folder and marked crontab lines."""
    entries = []
    folder = unit_folder(env)
    for timer in sorted(folder.glob("brief-*.timer")):
        profile = timer.name[len("brief-") : -len(".timer")]
        try:
            match = _ON_CALENDAR.search(timer.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError):
            match = None
        code, out, err = runner(["systemctl", "--user", "is-enabled", timer.name])
        state = out.strip() or ("systemd not reachable" if code else "enabled")
        at = f"{match[1]}:{match[2]}" if match else "?"
        entries.append(Entry(SYSTEMD, profile, at, str(timer), state))
    for line in _read_crontab(runner, missing_ok=True):
        marked = _marked(line)
        if marked is not None:
            fields = line.split()
            at = f"{int(fields[1]):02d}:{int(fields[0]):02d}" if fields[0].isdigit() and fields[1].isdigit() else "?"
            entries.append(Entry(CRON, marked, at, "crontab", "installed"))
    return entries


def remove(
    profile: str, *, env: Mapping[str, str], cron: bool = False, runner: Runner = run_command
) -> list[str]:
    """Remove the schedule of ``profile``; returns what was removed, one line each; ConfigError if there is none."""
    _check_profile_name(profile)
    if cron:
        lines = _read_crontab(runner)
        kept = [line for line in lines if _marked(line) != profile]
        if len(kept) == len(lines):
            raise ConfigError(f"no crontab line for profile {profile!r} (leave out --cron for a systemd timer)")
        _write_crontab(runner, kept)
        return [f"removed the crontab line of profile {profile!r}"]
    folder = unit_folder(env)
    units = [folder / f"brief-{profile}.timer", folder / f"brief-{profile}.service"]
    if not any(path.exists() for path in units):
        raise ConfigError(f"no systemd timer for profile {profile!r} in {folder} (add --cron for a crontab line)")
    done = []
    # Stopping may fail when systemd is unreachable; the files still go, so the timer cannot come back.
    code, _, err = runner(["systemctl", "--user", "disable", "--now", f"brief-{profile}.timer"])
    if code == 0:
        done.append(f"stopped and disabled brief-{profile}.timer")
    else:
        reason = _first_line(err) or f"exit {code}"
        done.append(f"could not disable brief-{profile}.timer ({reason}); removing it anyway")
    for path in units:
        if path.exists():
            try:
                path.unlink()
            except OSError as err_:
                raise ConfigError(f"cannot remove {path}: {err_.strerror or err_}") from None
            done.append(f"removed {path}")
    runner(["systemctl", "--user", "daemon-reload"])
    return done


# --- helpers ---------------------------------------------------------------------------------------------------


def _first_line(text: str) -> str:
    return next((line.strip() for line in text.splitlines() if line.strip()), "")


def _marked(line: str) -> str | None:
    """The profile a crontab line was written for, or None for a line brief did not write."""
    if line.lstrip().startswith("#"):
        return None
    match = _MARK.search(line)
    return match[1] if match else None


def _make_log_folder(log: Path) -> None:
    try:
        log.parent.mkdir(parents=True, exist_ok=True)  # neither cron's >> nor systemd's append: makes folders
    except OSError as err:
        raise ConfigError(f"cannot make the log folder {log.parent}: {err.strerror or err}") from None


def _require_systemd(runner: Runner) -> None:
    """ConfigError, suggesting --cron, unless a systemd user manager answers."""
    code, _, err = runner(["systemctl", "--user", "show-environment"])
    if code == 127:
        raise ConfigError("systemctl is not installed (no systemd here); schedule with cron instead: add --cron")
    if code != 0:
        reason = _first_line(err) or f"exit {code}"
        raise ConfigError(
            f"no systemd user session to install a timer in (systemctl --user: {reason}); "
            "schedule with cron instead: add --cron"
        )


def _systemctl(runner: Runner, *args: str) -> None:
    code, _, err = runner(["systemctl", "--user", *args])
    if code != 0:
        raise ConfigError(f"systemctl --user {' '.join(args)} failed: {_first_line(err) or f'exit {code}'}")


def _read_crontab(runner: Runner, *, missing_ok: bool = False) -> list[str]:
    """The user's crontab lines; none when there is no crontab yet."""
    code, out, err = runner(["crontab", "-l"])
    if code == 0:
        return out.splitlines()
    if code == 127:
        if missing_ok:
            return []
        raise ConfigError("crontab is not installed; install cron, or leave out --cron to use a systemd timer")
    if "no crontab" in err.lower():
        return []
    raise ConfigError(f"crontab -l failed: {_first_line(err) or f'exit {code}'}")


def _write_crontab(runner: Runner, lines: list[str]) -> None:
    text = "".join(f"{line}\n" for line in lines)  # cron ignores a last line without its newline
    code, _, err = runner(["crontab", "-"], text)
    if code != 0:
        raise ConfigError(f"crontab - failed: {_first_line(err) or f'exit {code}'}")
