"""Scheduling: the exact systemd units and crontab lines, install/show/remove through a fake system, and the CLI
through fake ``systemctl``/``crontab`` programs.

No test here can reach the real systemd or crontab: library calls get ``FakeSystem`` as their runner, and an
autouse fixture points PATH at a folder holding only fake programs for the CLI's real runner. conftest gives
every test its own HOME and XDG folders, so unit files land in a temporary folder.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest
from typer.testing import CliRunner

from brief import schedule
from brief.cli import app
from brief.errors import ConfigError, UnknownNameError

EXE = "/opt/brief/bin/brief"
CONFIG = """\
[profiles.morning]
inputs = ["news"]
output_dir = "briefs"

[profiles.evening]
sources = "sources.yaml"
email = ["me@example.org"]

[profiles.bare]
inputs = ["news"]

[profiles.empty]
words = 300
"""


class FakeSystem:
    """systemctl, loginctl and crontab in memory: records every command, answers as the real ones do."""

    def __init__(
        self, *, systemd: str = "ok", crontab: str | None = None, cron: bool = True, linger: bool = False
    ) -> None:
        self.systemd = systemd  # "ok", "missing" (no systemctl), "nobus" (no user session), "refuse" (enable fails)
        self.crontab = crontab  # None: the user has no crontab yet
        self.cron = cron  # False: no crontab program
        self.linger = linger
        self.enabled: set[str] = set()
        self.calls: list[list[str]] = []

    def __call__(self, argv: Sequence[str], stdin: str | None = None) -> tuple[int, str, str]:
        argv = list(argv)
        self.calls.append(argv)
        if argv[0] == "systemctl":
            assert argv[1] == "--user"  # never the system manager
            if self.systemd == "missing":
                return 127, "", "systemctl: command not found"
            if self.systemd == "nobus":
                return 1, "", "Failed to connect to bus: No medium found\n"
            verb = argv[2]
            if verb == "is-enabled":
                return (0, "enabled\n", "") if argv[3] in self.enabled else (1, "disabled\n", "")
            if verb == "enable":
                if self.systemd == "refuse":
                    return 1, "", f"Failed to enable unit: Unit file {argv[-1]} does not exist.\n"
                self.enabled.add(argv[-1])
            if verb == "disable":
                self.enabled.discard(argv[-1])
            return 0, "", ""
        if argv[0] == "loginctl":
            return 0, "yes\n" if self.linger else "no\n", ""
        if argv[0] == "crontab":
            if not self.cron:
                return 127, "", "crontab: command not found"
            if argv[1:] == ["-l"]:
                return (1, "", "no crontab for tester\n") if self.crontab is None else (0, self.crontab, "")
            if argv[1:] == ["-"]:
                self.crontab = stdin
                return 0, "", ""
        raise AssertionError(f"unexpected command {argv}")

    def verbs(self) -> list[str]:
        """The commands run, as short strings."""
        return [" ".join(call) for call in self.calls]


FAKE_PROGRAM = """\
#!{python}
import json, os, sys
from pathlib import Path

state = Path(os.environ["FAKE_STATE"])
name = Path(sys.argv[0]).name
with open(state / "calls.log", "a") as log:
    log.write(json.dumps([name, *sys.argv[1:]]) + "\\n")
if name == "systemctl":
    if (state / "nobus").exists():
        sys.exit("Failed to connect to bus: No medium found")
    if sys.argv[2] == "is-enabled":
        print("enabled")
elif name == "loginctl":
    print("yes")
elif name == "crontab":
    table = state / "crontab"
    if sys.argv[1] == "-l":
        if not table.exists():
            sys.exit("no crontab for tester")
        sys.stdout.write(table.read_text())
    else:
        table.write_text(sys.stdin.read())
elif name == "brief":
    sys.exit("the fake brief is only there to be found on PATH")
"""


@pytest.fixture(autouse=True)
def fake_programs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """PATH holds only fake systemctl, loginctl, crontab and brief programs; returns their state folder."""
    bin_dir, state = tmp_path / "fake-bin", tmp_path / "fake-state"
    bin_dir.mkdir()
    state.mkdir()
    for name in ("systemctl", "loginctl", "crontab", "brief"):
        program = bin_dir / name
        program.write_text(FAKE_PROGRAM.format(python=sys.executable), encoding="utf-8")
        program.chmod(program.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PATH", str(bin_dir))
    monkeypatch.setenv("FAKE_STATE", str(state))
    return state


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """The process environment (isolated by conftest) with a config file holding four profiles."""
    path = Path(os.environ["XDG_CONFIG_HOME"]) / "brief" / "config.toml"
    path.parent.mkdir(parents=True)
    path.write_text(CONFIG, encoding="utf-8")
    return dict(os.environ)


def units_dir() -> Path:
    return Path(os.environ["XDG_CONFIG_HOME"]) / "systemd" / "user"


def log_of(profile: str) -> Path:
    return Path(os.environ["XDG_DATA_HOME"]) / "brief" / "logs" / f"schedule-{profile}.log"


# --- times and names ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("at", "parsed"), [("07:30", (7, 30)), ("7:05", (7, 5)), ("00:00", (0, 0)), ("23:59", (23, 59))]
)
def test_parse_at(at: str, parsed: tuple[int, int]) -> None:
    assert schedule.parse_at(at) == parsed


@pytest.mark.parametrize("at", ["24:00", "7.30", "07:60", "0730", "", "7:5", "noon", "7:30pm", "-1:00"])
def test_parse_at_refuses(at: str) -> None:
    with pytest.raises(ConfigError, match=rf"--at '{at}' is not a time of day; write it as HH:MM on the 24-hour"):
        schedule.parse_at(at)


@pytest.mark.parametrize("profile", ["my morning", "a;b", "-x", "ütf", ""])
def test_profile_names_that_cannot_be_unit_names_are_refused(profile: str) -> None:
    with pytest.raises(ConfigError, match="use letters, digits"):
        schedule.cron_line(profile, "07:00", executable=EXE, log_file=Path("/l"), env={})


# --- the exact text -------------------------------------------------------------------------------------------------

SERVICE = """\
# Written by `brief schedule install`; remove with `brief schedule remove --profile morning`.
[Unit]
Description=brief: make the brief of profile morning

[Service]
Type=oneshot
ExecStart=/opt/brief/bin/brief make --profile morning --quiet
StandardOutput=append:/data/brief/logs/schedule-morning.log
StandardError=append:/data/brief/logs/schedule-morning.log
"""
TIMER = """\
# Written by `brief schedule install`; remove with `brief schedule remove --profile morning`.
[Unit]
Description=brief: the brief of profile morning every day at 07:05

[Timer]
OnCalendar=*-*-* 07:05:00
# A run missed while the machine was off or asleep starts as soon as it is back.
Persistent=true

[Install]
WantedBy=timers.target
"""


def test_systemd_units() -> None:
    units = schedule.systemd_units(
        "morning", "7:05", executable=EXE, home=None, log_file=Path("/data/brief/logs/schedule-morning.log")
    )
    assert units == {"brief-morning.service": SERVICE, "brief-morning.timer": TIMER}


def test_systemd_units_carry_brief_home_and_quote_odd_paths() -> None:
    units = schedule.systemd_units(
        "morning",
        "07:05",
        executable=["/My Apps/python3", "-m", "brief"],
        home=Path("/srv/brief data"),
        config=Path("/etc/brief/100%.toml"),
        log_file=Path("/srv/brief data/logs/100%.log"),
    )
    service = units["brief-morning.service"]
    assert service.splitlines()[5:] == [
        "Type=oneshot",
        'Environment="BRIEF_HOME=/srv/brief data"',
        "Environment=BRIEF_CONFIG=/etc/brief/100%%.toml",
        'ExecStart="/My Apps/python3" -m brief make --profile morning --quiet',
        "StandardOutput=append:/srv/brief data/logs/100%%.log",
        "StandardError=append:/srv/brief data/logs/100%%.log",
    ]
    assert units["brief-morning.timer"] == TIMER


def test_a_dollar_in_the_command_is_not_a_systemd_variable() -> None:
    service = schedule.systemd_units("m", "07:05", executable="/opt/$HOME/brief", home=None, log_file=Path("/l"))
    assert "ExecStart=/opt/$$HOME/brief make --profile m --quiet\n" in service["brief-m.service"]


def test_cron_line() -> None:
    line = schedule.cron_line("morning", "07:05", executable=EXE, log_file=Path("/data/logs/m.log"), env={})
    assert line == (
        "5 7 * * * /opt/brief/bin/brief make --profile morning --quiet >> /data/logs/m.log 2>&1 # brief:morning"
    )


def test_cron_line_quotes_for_the_shell_and_escapes_percent_for_cron() -> None:
    line = schedule.cron_line(
        "evening",
        "18:30",
        executable="/My Apps/brief",
        log_file=Path("/logs/100%.log"),
        env={"BRIEF_HOME": "/srv/brief data", "BRIEF_CONFIG": "/etc/b.toml"},
    )
    assert line == (
        "30 18 * * * BRIEF_HOME='/srv/brief data' BRIEF_CONFIG=/etc/b.toml '/My Apps/brief' make --profile evening "
        "--quiet >> /logs/100\\%.log 2>&1 # brief:evening"
    )


# --- planning ----------------------------------------------------------------------------------------------------


def test_plan_needs_a_profile_that_exists(env: dict[str, str]) -> None:
    with pytest.raises(UnknownNameError, match="unknown profile 'noon'; valid: bare, empty, evening, morning"):
        schedule.plan("noon", "07:00", env=env, executable=EXE)


def test_plan_refuses_a_profile_with_nothing_to_read(env: dict[str, str]) -> None:
    env["BRIEF_SOURCES"] = "/somewhere/sources.yaml"  # this shell's variables are not the scheduled run's
    with pytest.raises(ConfigError, match="profile 'empty' names no inputs and no sources file"):
        schedule.plan("empty", "07:00", env=env, executable=EXE)


@pytest.mark.parametrize(("profile", "warned"), [("morning", False), ("evening", False), ("bare", True)])
def test_plan_warns_when_the_brief_would_only_reach_the_log(env: dict[str, str], profile: str, warned: bool) -> None:
    planned = schedule.plan(profile, "07:00", env=env, executable=EXE)
    assert bool(planned.warnings) == warned
    if warned:
        assert "sets no output, output_dir or email" in planned.warnings[0]


def test_plan_text_is_what_would_be_installed(env: dict[str, str]) -> None:
    planned = schedule.plan("morning", "7:05", env=env, executable=EXE)
    assert planned.at == "07:05" and planned.kind == "systemd"
    service = SERVICE.replace("/data/brief/logs/schedule-morning.log", str(log_of("morning")))
    assert planned.units == {units_dir() / "brief-morning.service": service, units_dir() / "brief-morning.timer": TIMER}
    folder = units_dir()
    service_file, timer_file = folder / "brief-morning.service", folder / "brief-morning.timer"
    assert planned.text() == f"# {service_file}\n{service}\n# {timer_file}\n{TIMER}"
    assert not units_dir().exists()  # planning touches nothing


def test_carried_env_makes_paths_absolute(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    assert schedule.carried_env({"BRIEF_HOME": "data", "BRIEF_WORDS": "300"}) == {"BRIEF_HOME": str(tmp_path / "data")}


# --- installing with systemd ------------------------------------------------------------------------------------


def test_install_systemd_writes_the_units_and_enables_the_timer(env: dict[str, str]) -> None:
    system = FakeSystem()
    done = schedule.install("morning", "07:05", env=env, runner=system, executable=EXE)
    assert system.verbs() == [
        "systemctl --user show-environment",
        "systemctl --user daemon-reload",
        "systemctl --user enable --now brief-morning.timer",
        f"loginctl show-user {os.getuid()} --property=Linger --value",
    ]
    for path, text in done.units.items():
        assert path.parent == units_dir() and path.read_text(encoding="utf-8") == text
    assert log_of("morning").parent.is_dir()  # systemd's append: does not make folders
    assert any("loginctl enable-linger" in warning for warning in done.warnings)


def test_install_says_nothing_of_lingering_when_it_is_on(env: dict[str, str]) -> None:
    done = schedule.install("morning", "07:05", env=env, runner=FakeSystem(linger=True), executable=EXE)
    assert done.warnings == ()


def test_install_carries_brief_home_into_the_unit(env: dict[str, str], tmp_path: Path) -> None:
    env["BRIEF_HOME"] = str(tmp_path / "data")
    done = schedule.install("morning", "07:05", env=env, runner=FakeSystem(), executable=EXE)
    service = (units_dir() / "brief-morning.service").read_text(encoding="utf-8")
    assert f"Environment=BRIEF_HOME={tmp_path / 'data'}\n" in service
    assert done.log_file == tmp_path / "data" / "logs" / "schedule-morning.log"


@pytest.mark.parametrize(
    ("systemd", "message"),
    [
        ("missing", "systemctl is not installed (no systemd here); schedule with cron instead: add --cron"),
        (
            "nobus",
            "no systemd user session to install a timer in (systemctl --user: Failed to connect to bus: No medium "
            "found); schedule with cron instead: add --cron",
        ),
    ],
)
def test_install_without_systemd_says_so_and_suggests_cron(env: dict[str, str], systemd: str, message: str) -> None:
    system = FakeSystem(systemd=systemd)
    with pytest.raises(ConfigError) as caught:
        schedule.install("morning", "07:05", env=env, runner=system, executable=EXE)
    assert str(caught.value) == message
    assert system.verbs() == ["systemctl --user show-environment"]
    assert not units_dir().exists()


def test_install_reports_a_refused_enable(env: dict[str, str]) -> None:
    with pytest.raises(ConfigError, match="systemctl --user enable --now brief-morning.timer failed: Failed to enable"):
        schedule.install("morning", "07:05", env=env, runner=FakeSystem(systemd="refuse"), executable=EXE)


def test_installing_again_replaces_the_units(env: dict[str, str]) -> None:
    system = FakeSystem()
    schedule.install("morning", "07:05", env=env, runner=system, executable=EXE)
    schedule.install("morning", "06:15", env=env, runner=system, executable=EXE)
    assert sorted(p.name for p in units_dir().iterdir()) == ["brief-morning.service", "brief-morning.timer"]
    assert "OnCalendar=*-*-* 06:15:00\n" in (units_dir() / "brief-morning.timer").read_text(encoding="utf-8")


# --- installing with cron -------------------------------------------------------------------------------------------

USER_CRONTAB = "MAILTO=me@example.org\n0 3 * * * /usr/bin/backup\n# 0 5 * * * old # brief:morning\n"


def cron_for(profile: str, at: str) -> str:
    return schedule.cron_line(profile, at, executable=EXE, log_file=log_of(profile), env={})


def test_install_cron_into_an_empty_crontab(env: dict[str, str]) -> None:
    system = FakeSystem()
    done = schedule.install("morning", "07:05", env=env, cron=True, runner=system, executable=EXE)
    assert system.verbs() == ["crontab -l", "crontab -"]
    assert system.crontab == cron_for("morning", "07:05") + "\n" == done.cron + "\n"
    assert log_of("morning").parent.is_dir()  # cron's >> does not make folders


def test_install_cron_keeps_the_users_lines_and_never_duplicates(env: dict[str, str]) -> None:
    system = FakeSystem(crontab=USER_CRONTAB)
    schedule.install("morning", "07:05", env=env, cron=True, runner=system, executable=EXE)
    schedule.install("evening", "18:00", env=env, cron=True, runner=system, executable=EXE)
    schedule.install("morning", "06:45", env=env, cron=True, runner=system, executable=EXE)
    assert system.crontab == USER_CRONTAB + cron_for("evening", "18:00") + "\n" + cron_for("morning", "06:45") + "\n"


def test_install_cron_carries_brief_config(env: dict[str, str], tmp_path: Path) -> None:
    path = Path(os.environ["XDG_CONFIG_HOME"]) / "brief" / "config.toml"
    env["BRIEF_CONFIG"] = str(path)
    system = FakeSystem()
    schedule.install("morning", "07:05", env=env, cron=True, runner=system, executable=EXE)
    assert system.crontab is not None and f"* * * BRIEF_CONFIG={path} {EXE} make" in system.crontab


def test_install_cron_without_cron_says_so(env: dict[str, str]) -> None:
    with pytest.raises(ConfigError, match="crontab is not installed; install cron, or leave out --cron"):
        schedule.install("morning", "07:05", env=env, cron=True, runner=FakeSystem(cron=False), executable=EXE)
    assert not log_of("morning").parent.exists()  # a failed install leaves nothing behind


def test_a_failing_crontab_is_reported(env: dict[str, str]) -> None:
    def runner(argv: Sequence[str], stdin: str | None = None) -> tuple[int, str, str]:
        return 1, "", "crontab: your UID isn't in the passwd file.\n"

    with pytest.raises(ConfigError, match="crontab -l failed: crontab: your UID isn't in the passwd file."):
        schedule.install("morning", "07:05", env=env, cron=True, runner=runner, executable=EXE)


# --- showing and removing ---------------------------------------------------------------------------------------------


def test_show_lists_timers_and_crontab_lines(env: dict[str, str]) -> None:
    system = FakeSystem(crontab=USER_CRONTAB)
    assert schedule.show(env, runner=system) == []
    schedule.install("morning", "07:05", env=env, runner=system, executable=EXE)
    schedule.install("evening", "18:30", env=env, cron=True, runner=system, executable=EXE)
    assert schedule.show(env, runner=system) == [
        schedule.Entry("systemd", "morning", "07:05", str(units_dir() / "brief-morning.timer"), "enabled"),
        schedule.Entry("cron", "evening", "18:30", "crontab", "installed"),
    ]


def test_show_without_cron_or_systemd_lists_the_files_there_are(env: dict[str, str]) -> None:
    schedule.install("morning", "07:05", env=env, runner=FakeSystem(), executable=EXE)
    entries = schedule.show(env, runner=FakeSystem(systemd="nobus", cron=False))
    assert [(e.profile, e.state) for e in entries] == [("morning", "systemd not reachable")]


def test_remove_systemd(env: dict[str, str]) -> None:
    system = FakeSystem()
    schedule.install("morning", "07:05", env=env, runner=system, executable=EXE)
    schedule.install("evening", "18:30", env=env, runner=system, executable=EXE)
    system.calls.clear()
    done = schedule.remove("morning", env=env, runner=system)
    assert system.verbs() == ["systemctl --user disable --now brief-morning.timer", "systemctl --user daemon-reload"]
    assert done == [
        "stopped and disabled brief-morning.timer",
        f"removed {units_dir() / 'brief-morning.timer'}",
        f"removed {units_dir() / 'brief-morning.service'}",
    ]
    assert sorted(p.name for p in units_dir().iterdir()) == ["brief-evening.service", "brief-evening.timer"]
    assert system.enabled == {"brief-evening.timer"}


def test_remove_systemd_removes_the_files_even_when_systemd_is_unreachable(env: dict[str, str]) -> None:
    schedule.install("morning", "07:05", env=env, runner=FakeSystem(), executable=EXE)
    done = schedule.remove("morning", env=env, runner=FakeSystem(systemd="nobus"))
    assert done[0] == (
        "could not disable brief-morning.timer (Failed to connect to bus: No medium found); removing it anyway"
    )
    assert list(units_dir().iterdir()) == []


def test_remove_cron_leaves_other_lines(env: dict[str, str]) -> None:
    system = FakeSystem(crontab=USER_CRONTAB)
    schedule.install("morning", "07:05", env=env, cron=True, runner=system, executable=EXE)
    schedule.install("evening", "18:00", env=env, cron=True, runner=system, executable=EXE)
    done = schedule.remove("morning", env=env, cron=True, runner=system)
    assert done == ["removed the crontab line of profile 'morning'"]
    assert system.crontab == USER_CRONTAB + cron_for("evening", "18:00") + "\n"


@pytest.mark.parametrize(
    ("cron", "message"),
    [
        (False, "no systemd timer for profile 'morning' in .* \\(add --cron for a crontab line\\)"),
        (True, "no crontab line for profile 'morning' \\(leave out --cron for a systemd timer\\)"),
    ],
)
def test_removing_what_is_not_there_is_an_error(env: dict[str, str], cron: bool, message: str) -> None:
    system = FakeSystem(crontab=USER_CRONTAB)
    with pytest.raises(ConfigError, match=message):
        schedule.remove("morning", env=env, cron=cron, runner=system)
    assert system.crontab == USER_CRONTAB


# --- finding brief ------------------------------------------------------------------------------------------------


def test_the_running_brief_is_preferred(tmp_path: Path) -> None:
    program = tmp_path / "venv" / "bin" / "brief"
    program.parent.mkdir(parents=True)
    program.write_text("#!/bin/sh\n", encoding="utf-8")
    assert schedule.brief_executable({"PATH": "/nowhere"}, argv0=str(program)) == [str(program)]


def test_brief_is_found_on_path(fake_programs: Path, tmp_path: Path) -> None:
    found = schedule.brief_executable(os.environ, argv0="/usr/lib/python3/pytest")
    assert found == [str(tmp_path / "fake-bin" / "brief")]


def test_python_dash_m_brief_is_scheduled_the_same_way(tmp_path: Path) -> None:
    argv0 = str(tmp_path / "brief" / "__main__.py")
    assert schedule.brief_executable({"PATH": str(tmp_path)}, argv0=argv0) == [sys.executable, "-m", "brief"]


def test_no_brief_anywhere_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot find the brief program"):
        schedule.brief_executable({"PATH": str(tmp_path)}, argv0="/usr/bin/pytest")


# --- the commands, through fake programs on PATH --------------------------------------------------------------------


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def calls(state: Path) -> list[str]:
    log = state / "calls.log"
    return [" ".join(json.loads(line)) for line in log.read_text().splitlines()] if log.exists() else []


def test_cli_print_shows_the_units_and_installs_nothing(
    env: dict[str, str], fake_programs: Path, tmp_path: Path
) -> None:
    code, out, err = invoke("schedule", "install", "--profile", "morning", "--at", "07:05", "--print")
    assert (code, err) == (0, "")
    assert out == schedule.plan("morning", "07:05", env=env, executable=str(tmp_path / "fake-bin" / "brief")).text()
    assert calls(fake_programs) == [] and not units_dir().exists()


def test_cli_cron_install_show_remove(env: dict[str, str], fake_programs: Path, tmp_path: Path) -> None:
    code, out, err = invoke("schedule", "install", "-p", "morning", "--at", "7:05", "--cron")
    assert code == 0, err
    assert "brief: profile morning runs every day at 07:05 (cron: your crontab)" in err
    line = schedule.cron_line(
        "morning", "07:05", executable=str(tmp_path / "fake-bin" / "brief"), log_file=log_of("morning"), env={}
    )
    assert (fake_programs / "crontab").read_text() == line + "\n"

    code, out, err = invoke("schedule", "show")
    assert (code, out) == (0, "morning\t07:05\tcron\tinstalled\tcrontab\n")

    code, out, err = invoke("schedule", "remove", "-p", "morning", "--cron")
    assert (code, err) == (0, "brief: removed the crontab line of profile 'morning'\n")
    assert (fake_programs / "crontab").read_text() == ""
    assert calls(fake_programs) == ["crontab -l", "crontab -", "crontab -l", "crontab -l", "crontab -"]


def test_cli_systemd_install_and_remove(env: dict[str, str], fake_programs: Path) -> None:
    code, _, err = invoke("schedule", "install", "-p", "evening", "--at", "18:30")
    assert code == 0, err
    assert f"(systemd: {units_dir() / 'brief-evening.service'}, {units_dir() / 'brief-evening.timer'})" in err
    assert f"brief: its messages go to {log_of('evening')}" in err
    assert calls(fake_programs)[:3] == [
        "systemctl --user show-environment",
        "systemctl --user daemon-reload",
        "systemctl --user enable --now brief-evening.timer",
    ]
    code, out, _ = invoke("schedule", "show")
    assert out == f"evening\t18:30\tsystemd\tenabled\t{units_dir() / 'brief-evening.timer'}\n"
    code, _, err = invoke("schedule", "remove", "-p", "evening")
    assert code == 0 and list(units_dir().iterdir()) == []


def test_cli_without_a_systemd_session_exits_4_and_suggests_cron(env: dict[str, str], fake_programs: Path) -> None:
    (fake_programs / "nobus").touch()
    code, out, err = invoke("schedule", "install", "-p", "morning", "--at", "07:05")
    assert (code, out) == (4, "")
    assert err == (
        "brief: error: no systemd user session to install a timer in (systemctl --user: Failed to connect to bus: "
        "No medium found); schedule with cron instead: add --cron\n"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["install", "-p", "morning", "--at", "25:00"], "--at '25:00' is not a time of day"),
        (["install", "-p", "noon", "--at", "07:00"], "unknown profile 'noon'; valid: bare, empty, evening, morning"),
        (["remove", "-p", "morning", "--cron"], "no crontab line for profile 'morning'"),
    ],
)
def test_cli_errors_are_one_line_with_exit_4(env: dict[str, str], args: list[str], message: str) -> None:
    code, out, err = invoke("schedule", *args)
    assert (code, out) == (4, "")
    assert len(err.splitlines()) == 1 and err.startswith("brief: error: ") and message in err


def test_cli_show_with_nothing_installed(env: dict[str, str]) -> None:
    code, out, err = invoke("schedule", "show")
    assert (code, out) == (0, "")
    assert "no schedules installed" in err


def test_cli_help_says_cron_has_no_catch_up() -> None:
    code, out, _ = invoke("schedule", "install", "--help")
    assert code == 0 and "cron has no catch-up" in " ".join(out.split())


# --- the text works where it goes ---------------------------------------------------------------------------------

RECORDER = """\
#!{python}
import json, os, sys
with open(os.environ["RECORD"], "w") as out:
    seen = {{"home": os.environ.get("BRIEF_HOME"), "config": os.environ.get("BRIEF_CONFIG")}}
    json.dump({{"argv": sys.argv[1:], **seen}}, out)
print("ran")
"""


def as_cron_runs_it(line: str) -> str:
    """The command part of a crontab line after cron's own processing: ``\\%`` is a %, a bare % ends it."""
    command = line.split(None, 5)[5]
    out, escaped = [], False
    for ch in command:
        if escaped:
            out.append(ch if ch == "%" else "\\" + ch)
            escaped = False
        elif ch == "\\":
            escaped = True
        elif ch == "%":
            break
        else:
            out.append(ch)
    return "".join(out)


def test_the_crontab_line_runs_brief_as_cron_would(tmp_path: Path) -> None:
    folder = tmp_path / "My 100% apps"
    folder.mkdir()
    program = folder / "brief"
    program.write_text(RECORDER.format(python=sys.executable), encoding="utf-8")
    program.chmod(0o755)
    log = tmp_path / "logs 50%" / "m.log"
    log.parent.mkdir()
    record = tmp_path / "record.json"
    env = {"BRIEF_HOME": str(tmp_path / "data 'home'"), "BRIEF_CONFIG": str(tmp_path / "c%d.toml")}
    line = schedule.cron_line("morning", "07:05", executable=str(program), log_file=log, env=env)
    # cron hands the command to /bin/sh -c with a minimal environment
    subprocess.run(["/bin/sh", "-c", as_cron_runs_it(line)], env={"RECORD": str(record), "PATH": "/usr/bin:/bin"},
                   check=True)
    assert json.loads(record.read_text()) == {
        "argv": ["make", "--profile", "morning", "--quiet"],
        "home": env["BRIEF_HOME"],
        "config": env["BRIEF_CONFIG"],
    }
    assert log.read_text() == "ran\n"


def test_the_units_pass_systemd_analyze_verify(tmp_path: Path, fake_programs: Path) -> None:
    analyze = shutil.which("systemd-analyze", path="/usr/bin:/bin")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed")
    runtime = tmp_path / "runtime"
    runtime.mkdir(mode=0o700)
    program = tmp_path / "My Apps" / "brief"  # verify checks the program exists: the quoting must hold
    program.parent.mkdir()
    shutil.copy2(tmp_path / "fake-bin" / "brief", program)
    units = schedule.systemd_units(
        "morning",
        "07:05",
        executable=str(program),
        home=tmp_path / "data home",
        config=tmp_path / "100%.toml",
        log_file=tmp_path / "logs" / "m.log",
    )
    for name, text in units.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    # verify reads the files only; it starts no manager and changes nothing (a private runtime folder to be sure)
    run = subprocess.run(
        [analyze, "--user", "verify", *(str(tmp_path / name) for name in units)],
        env={**os.environ, "XDG_RUNTIME_DIR": str(runtime)},
        capture_output=True,
        text=True,
    )
    assert (run.returncode, run.stderr) == (0, "")
