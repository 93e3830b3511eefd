"""Settings: where files live, the user config file, precedence (flag > env > profile > defaults > built-in),
``show_config`` and the ``brief config`` commands."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from cli_runner import brief
from typer.testing import CliRunner

from brief import config
from brief.cli import app
from brief.config import DEFAULT_WORDS, resolve
from brief.errors import ConfigError, UnknownNameError
from brief.models import packaged_registry

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def write_config(tmp_path: Path) -> Callable[[str], dict[str, str]]:
    """Write a config.toml under tmp_path/conf; return an environment whose BRIEF_CONFIG names it."""

    def write(text: str) -> dict[str, str]:
        path = tmp_path / "conf" / "config.toml"
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return {"HOME": str(tmp_path / "home"), "BRIEF_CONFIG": str(path)}

    return write


# --- where things live ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"HOME": "/h"}, "/h/.local/share/brief"),
        ({"HOME": "/h", "XDG_DATA_HOME": "/xdg"}, "/xdg/brief"),
        ({"HOME": "/h", "XDG_DATA_HOME": "  "}, "/h/.local/share/brief"),  # blank is unset, as in platformdirs
        ({"HOME": "/h", "XDG_DATA_HOME": "/xdg", "BRIEF_HOME": "/b"}, "/b"),
        ({"HOME": "/h", "BRIEF_HOME": "~/b"}, "~/b"),  # expanded against the process's home: checked below
    ],
)
def test_data_home(env: dict[str, str], expected: str) -> None:
    assert config.data_home(env) == Path(expected).expanduser().absolute()


@pytest.mark.skipif(sys.platform in ("darwin", "win32"), reason="XDG layout")
def test_data_home_matches_platformdirs_for_the_same_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    import platformdirs

    assert config.data_home(os.environ) == Path(platformdirs.user_data_dir("brief"))
    assert config.config_path(os.environ) == Path(platformdirs.user_config_dir("brief")) / "config.toml"


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"HOME": "/h"}, "/h/.config/brief/config.toml"),
        ({"HOME": "/h", "XDG_CONFIG_HOME": "/c"}, "/c/brief/config.toml"),
        ({"HOME": "/h", "XDG_CONFIG_HOME": "/c", "BRIEF_CONFIG": "/etc/b.toml"}, "/etc/b.toml"),
    ],
)
def test_config_path(env: dict[str, str], expected: str) -> None:
    assert config.config_path(env) == Path(expected)


def test_importing_brief_creates_nothing_and_reads_no_config(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    env = {**os.environ, "HOME": str(home), "XDG_CONFIG_HOME": str(home / "c"), "XDG_DATA_HOME": str(home / "d")}
    code = "import brief, brief.config, brief.lock, brief.schedule, brief.cli; print(sorted(__import__('sys').modules))"
    run = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert list(home.iterdir()) == []
    assert list(tmp_path.iterdir()) == [home]
    assert "torch" not in run.stdout and "transformers" not in run.stdout


# --- the user config file -------------------------------------------------------------------------------------


def test_a_missing_config_file_is_an_empty_config() -> None:
    user = config.load_user_config(os.environ)
    assert (user.exists, dict(user.defaults), dict(user.profiles), dict(user.smtp)) == (False, {}, {}, {})
    assert user.path == Path(os.environ["XDG_CONFIG_HOME"]) / "brief" / "config.toml"


def test_a_missing_file_named_by_brief_config_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="BRIEF_CONFIG names .*nope.toml, which does not exist"):
        config.load_user_config({"BRIEF_CONFIG": str(tmp_path / "nope.toml")})


def test_invalid_toml_names_the_file_and_line(write_config: Callable[[str], dict[str, str]]) -> None:
    env = write_config('[defaults]\nwords = 400\ntranslator = "opus\n')
    with pytest.raises(ConfigError) as caught:
        config.load_user_config(env)
    message = str(caught.value)
    assert message.startswith(f"{env['BRIEF_CONFIG']}: invalid TOML: ") and "line 3" in message


def test_a_file_that_is_not_utf8_is_a_config_error(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_bytes('[defaults]\ntranslator = "ترجمة"\n'.encode("cp1256"))
    with pytest.raises(ConfigError, match="not UTF-8"):
        config.load_user_config({"BRIEF_CONFIG": str(path)})


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "[profiles.morning]\nwords = 400\nwrods = 3\n",
            "[profiles.morning]: unknown key 'wrods'; valid: inputs, sources, models, translator, summariser, words, "
            "max_articles, extractive, format, output_dir, output, email, new, since",
        ),
        ("[defaults]\nouptut = 'x'\n", "[defaults]: unknown key 'ouptut'; valid: inputs, sources"),
        ("[default]\nwords = 400\n", "unknown table or key 'default' at the top level; valid: [defaults], [profiles]"),
        ("[defaults]\nwords = '400'\n", "[defaults] words must be a whole number, not a string"),
        ("[defaults]\nwords = true\n", "[defaults] words must be a whole number, not a boolean"),
        ("[defaults]\nnew = 'yes'\n", "[defaults] new must be true or false, not a string"),
        ("[defaults]\ninputs = []\n", "[defaults] inputs must be a non-empty list of strings, not a list"),
        ("[defaults]\ninputs = [3]\n", "[defaults] inputs item must be a non-empty string, not a number"),
        ("[defaults]\nformat = 'yaml'\n", "[defaults] format: unknown format 'yaml'; valid: json, markdown"),
        ("[defaults]\nemail = ['not an address']\n", "'not an address' is not an email address"),
        ("[defaults]\nsince = 'yesterday'\n", "[defaults] since: 'yesterday' is not a duration"),
        ("[profiles.a]\noutput = 'x.md'\noutput_dir = 'd'\n", "[profiles.a]: set output (one file) or output_dir"),
        ("profiles = 3\n", "profiles must be tables written [profiles.<name>], not a number"),
        ("[profiles]\nmorning = 3\n", "[profiles.morning] must be a table, not a number"),
        ('[profiles."my morning"]\nwords = 400\n', "profile name 'my morning': use letters, digits, '-' and '_'"),
        ("smtp = 'host'\n", "smtp must be a table written [smtp], not a string"),
    ],
)
def test_bad_config_files_say_what_is_wrong(
    write_config: Callable[[str], dict[str, str]], text: str, message: str
) -> None:
    env = write_config(text)
    with pytest.raises(ConfigError) as caught:
        config.load_user_config(env)
    assert message in str(caught.value)
    assert str(caught.value).startswith(env["BRIEF_CONFIG"])


def test_paths_in_the_file_are_relative_to_its_folder_and_expand_the_home(
    write_config: Callable[[str], dict[str, str]], tmp_path: Path
) -> None:
    env = write_config(
        "[profiles.p]\n"
        'inputs = ["news/today", "/abs/file.txt", "https://example.org/feed.xml", "~/inbox"]\n'
        'sources = "sources.yaml"\nmodels = "../models.yaml"\noutput_dir = "~/briefs"\n'
        "[smtp]\n"
        'host = "smtp.example.org"\npassword_file = "secret/pw"\n'
    )
    user = config.load_user_config(env)
    folder = tmp_path / "conf"
    home = Path("~").expanduser()
    assert user.profiles["p"] == {
        "inputs": (str(folder / "news/today"), "/abs/file.txt", "https://example.org/feed.xml", str(home / "inbox")),
        "sources": folder / "sources.yaml",
        "models": tmp_path / "models.yaml",  # normalised: no "conf/../"
        "output_dir": home / "briefs",
    }
    assert user.smtp == {"host": "smtp.example.org", "password_file": str(folder / "secret/pw")}


def test_the_smtp_table_is_passed_on_as_written(write_config: Callable[[str], dict[str, str]]) -> None:
    env = write_config('[smtp]\nhost = "mail.example.org"\nport = 2525\nsecurity = "none"\n')
    settings = resolve(env)
    assert dict(settings.smtp_values) == {"host": "mail.example.org", "port": 2525, "security": "none"}


# --- precedence ------------------------------------------------------------------------------------------------

# key: (flag keyword and value, env value, profile TOML, defaults TOML, built-in, the Settings field and its values)
LAYERS = ["flag", "env", "profile", "defaults", "built-in"]
PRECEDENCE = {
    "words": ({"words": 100}, "200", "300", "400", lambda s: s.words, [100, 200, 300, 400, DEFAULT_WORDS]),
    "translator": (
        {"translator": "t-flag"}, "t-env", '"t-profile"', '"t-defaults"', lambda s: s.translator,
        ["t-flag", "t-env", "t-profile", "t-defaults", None],
    ),
    "format": ({"fmt": "json"}, "markdown", '"json"', '"markdown"', lambda s: s.fmt,
               ["json", "markdown", "json", "markdown", "markdown"]),
    "extractive": ({"rewrite": True}, "yes", "false", "true", lambda s: s.rewrite, [True, False, True, False, True]),
    "since": ({"since": "1h"}, "2h", '"3h"', '"4d"', lambda s: s.since,
              [dt.timedelta(hours=1), dt.timedelta(hours=2), dt.timedelta(hours=3), dt.timedelta(days=4), None]),
    "email": ({"email": ["f@x.org"]}, "e@x.org, e2@x.org", '["p@x.org"]', '"d@x.org"', lambda s: s.email,
              [("f@x.org",), ("e@x.org", "e2@x.org"), ("p@x.org",), ("d@x.org",), ()]),
    "new": ({"new": False}, "1", "false", "true", lambda s: s.new, [False, True, False, True, False]),
    "models": ({"models": Path("flag.yaml")}, "env.yaml", '"/p/profile.yaml"', '"/d/defaults.yaml"',
               lambda s: s.registry,
               [Path("flag.yaml"), Path("env.yaml"), Path("/p/profile.yaml"), Path("/d/defaults.yaml"), None]),
}


@pytest.mark.parametrize("top", range(len(LAYERS)), ids=LAYERS)
@pytest.mark.parametrize("key", PRECEDENCE)
def test_each_setting_comes_from_the_strongest_layer_that_gives_it(
    write_config: Callable[[str], dict[str, str]], key: str, top: int
) -> None:
    flag, env_value, profile_value, defaults_value, read, expected = PRECEDENCE[key]
    given = LAYERS[top:]  # the layers at and below `top` are set; the stronger ones are not
    profile_line = f"{key} = {profile_value}\n" if "profile" in given else ""
    defaults_line = f"{key} = {defaults_value}\n" if "defaults" in given else ""
    env = write_config(f"[defaults]\n{defaults_line}[profiles.p]\ninputs = ['x']\n{profile_line}")
    if "env" in given:
        env[config.ENV_VARS[key]] = env_value
    settings = resolve(env, profile="p", **(flag if "flag" in given else {}))
    want = expected[top]
    assert read(settings) == (packaged_registry() if want is None and key == "models" else want)
    origin = settings.origins[key]
    assert origin.split()[0] == {"profile": "profile", "defaults": "defaults"}.get(LAYERS[top], LAYERS[top])
    if LAYERS[top] == "env":
        assert origin == f"env {config.ENV_VARS[key]}"


def test_existing_keyword_arguments_keep_working() -> None:
    settings = resolve({}, words=500, rewrite=True, translator="x", models=Path("m.yaml"))
    assert (settings.words, settings.rewrite, settings.translator) == (500, True, "x")
    assert settings.registry == Path("m.yaml")
    assert settings.home == config.data_home({})
    assert resolve({}) == resolve({}, words=None, rewrite=None)


def test_the_profile_can_come_from_brief_profile(write_config: Callable[[str], dict[str, str]]) -> None:
    env = write_config("[profiles.a]\nwords = 300\n[profiles.b]\nwords = 200\n")
    env["BRIEF_PROFILE"] = "a"
    assert (resolve(env).profile, resolve(env).words) == ("a", 300)
    assert resolve(env, profile="b").words == 200  # the flag wins
    assert resolve(env).origins["profile"] == "env BRIEF_PROFILE"


def test_inputs_on_the_command_line_replace_the_profiles(write_config: Callable[[str], dict[str, str]]) -> None:
    env = write_config("[profiles.p]\ninputs = ['/a', '/b']\n")
    assert resolve(env, profile="p").inputs == ("/a", "/b")
    assert resolve(env, profile="p", inputs=[]).inputs == ("/a", "/b")  # none given: the profile's
    assert resolve(env, profile="p", inputs=["c.txt", Path("d")]).inputs == ("c.txt", "d")


@pytest.mark.parametrize(
    ("profile_toml", "kwargs", "env_extra", "output", "output_dir", "origin"),
    [
        ("output_dir = '/briefs'", {}, {}, None, Path("/briefs"), "profile p"),
        ("output_dir = '/briefs'", {"output": Path("one.md")}, {}, Path("one.md"), None, "flag --output"),
        ("output = '/x.md'", {"output_dir": Path("d")}, {}, None, Path("d"), "flag --output-dir"),
        ("output = '/x.md'", {}, {"BRIEF_OUTPUT_DIR": "/e"}, None, Path("/e"), "env BRIEF_OUTPUT_DIR"),
    ],
)
def test_output_and_output_dir_are_one_choice(
    write_config: Callable[[str], dict[str, str]],
    profile_toml: str,
    kwargs: dict[str, Path],
    env_extra: dict[str, str],
    output: Path | None,
    output_dir: Path | None,
    origin: str,
) -> None:
    env = write_config(f"[defaults]\noutput = '/defaults.md'\n[profiles.p]\n{profile_toml}\n")
    settings = resolve({**env, **env_extra}, profile="p", **kwargs)
    assert (settings.output, settings.output_dir) == (output, output_dir)
    assert settings.origins["output"] == settings.origins["output_dir"] == origin


def test_output_and_output_dir_both_on_the_command_line_is_an_error() -> None:
    with pytest.raises(ConfigError, match="both --output and --output-dir"):
        resolve({}, output=Path("a.md"), output_dir=Path("d"))


def test_an_unknown_profile_lists_the_valid_ones(write_config: Callable[[str], dict[str, str]]) -> None:
    env = write_config("[profiles.morning]\nwords = 300\n[profiles.evening]\nwords = 300\n")
    with pytest.raises(UnknownNameError) as caught:
        resolve(env, profile="noon")
    assert (caught.value.what, caught.value.name, caught.value.valid) == ("profile", "noon", ["evening", "morning"])
    assert str(caught.value).startswith("unknown profile 'noon'; valid: evening, morning (a profile is a")


def test_a_profile_without_a_config_file_says_where_the_file_would_be() -> None:
    with pytest.raises(UnknownNameError, match=r"valid: \(none\) .*there is no config file at .*config.toml"):
        resolve(os.environ, profile="morning")


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"BRIEF_WORDS": "many"}, "environment variable BRIEF_WORDS='many' is not a whole number"),
        ({"BRIEF_NEW": "maybe"}, "BRIEF_NEW='maybe' is not one of 1/0, true/false"),
        ({"BRIEF_SINCE": "soon"}, "BRIEF_SINCE: 'soon' is not a duration"),
        ({"BRIEF_FORMAT": "yaml"}, "BRIEF_FORMAT: unknown format 'yaml'; valid: json, markdown"),
        ({"BRIEF_EMAIL": "a@x.org,b"}, "BRIEF_EMAIL: 'b' is not an email address"),
        ({"BRIEF_WORDS": "20"}, "words 20 (env BRIEF_WORDS) is too small for a brief; use at least 50"),
    ],
)
def test_bad_environment_values_name_the_variable(env: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        resolve(env)
    assert message in str(caught.value)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"words": 10}, ConfigError, "--words 10 is too small for a brief; use at least 50"),
        ({"fmt": "yaml"}, UnknownNameError, "unknown format 'yaml'; valid: json, markdown"),
        ({"since": "1x"}, ConfigError, "--since: '1x' is not a duration"),
    ],
)
def test_bad_flags(kwargs: dict[str, object], error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        resolve({}, **kwargs)  # type: ignore[arg-type]


def test_a_too_small_word_budget_in_a_profile_names_the_profile(write_config: Callable[[str], dict[str, str]]) -> None:
    env = write_config("[profiles.tiny]\nwords = 20\n")
    with pytest.raises(ConfigError, match=r"^words 20 \(profile tiny\) is too small"):
        resolve(env, profile="tiny")
    assert resolve(env, profile="tiny", words=100).words == 100  # a flag that overrides it is fine


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("24h", dt.timedelta(hours=24)),
        ("90m", dt.timedelta(minutes=90)),
        ("2d", dt.timedelta(days=2)),
        ("1w", dt.timedelta(weeks=1)),
        ("1d12h", dt.timedelta(days=1, hours=12)),
        (" 1d 6h ", dt.timedelta(days=1, hours=6)),
    ],
)
def test_parse_duration(text: str, span: dt.timedelta) -> None:
    assert config.parse_duration(text) == span
    assert config.parse_duration(config.format_duration(span)) == span


@pytest.mark.parametrize("text", ["", "24", "h", "1.5h", "-2h", "0h", "1y", "24 hours", "1h and 2m"])
def test_parse_duration_refuses(text: str) -> None:
    with pytest.raises(ConfigError, match="duration"):
        config.parse_duration(text)


def test_settings_stay_hashable() -> None:
    assert hash(resolve({})) == hash(resolve({}))


# --- showing ---------------------------------------------------------------------------------------------------


def test_show_config_says_where_each_value_came_from_and_hides_secrets(
    write_config: Callable[[str], dict[str, str]], tmp_path: Path
) -> None:
    env = write_config(
        "[defaults]\nwords = 400\nformat = 'json'\n"
        "[profiles.morning]\ntranslator = 'opus'\noutput_dir = 'briefs'\nemail = ['me@example.org']\nsince = '24h'\n"
        "[smtp]\nhost = 'smtp.example.org'\npassword_file = 'pw'\npassword = 'hunter2'\npassword_env = 'MY_PW'\n"
    )
    env["BRIEF_SUMMARISER"] = "bart"
    text = config.show_config(resolve(env, profile="morning", new=True))
    folder = tmp_path / "conf"
    for line in [
        f"# config file: {folder / 'config.toml'}",
        "# profile: morning  (flag --profile)",
        f'home = "{tmp_path / "home" / ".local/share/brief"}"  # built-in',
        'translator = "opus"  # profile morning',
        'summariser = "bart"  # env BRIEF_SUMMARISER',
        "words = 400  # defaults",
        'format = "json"  # defaults',
        f'output_dir = "{folder / "briefs"}"  # profile morning',
        'email = ["me@example.org"]  # profile morning',
        "new = true  # flag --new",
        'since = "1d"  # profile morning',
        "extractive = false  # built-in",
        "# sources = (not set)  # built-in",
        f'password_file = "{folder / "pw"}"',
        'password = "(hidden)"',
        'password_env = "MY_PW"',
    ]:
        assert line in text.splitlines(), line
    assert "hunter2" not in text
    assert "# output" not in text  # output_dir is the destination; output is not offered as well


# --- the commands ------------------------------------------------------------------------------------------------


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def test_config_path_prints_the_default_place() -> None:
    assert invoke("config", "path") == (0, f"{Path(os.environ['XDG_CONFIG_HOME']) / 'brief' / 'config.toml'}\n", "")


def test_config_path_follows_brief_config(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("BRIEF_CONFIG", str(tmp_path / "b.toml"))
    assert invoke("config", "path")[1] == f"{tmp_path / 'b.toml'}\n"


def test_config_show_prints_a_profile(monkeypatch: pytest.MonkeyPatch) -> None:
    path = Path(os.environ["XDG_CONFIG_HOME"]) / "brief" / "config.toml"
    path.parent.mkdir(parents=True)
    path.write_text("[profiles.morning]\nwords = 300\n", encoding="utf-8")
    monkeypatch.setenv("BRIEF_WORDS", "250")
    code, out, err = invoke("config", "show", "--profile", "morning")
    assert (code, err) == (0, "")
    assert "words = 250  # env BRIEF_WORDS" in out.splitlines()
    assert "# profile: morning  (flag --profile)" in out.splitlines()
    monkeypatch.delenv("BRIEF_WORDS")
    code, out, _ = invoke("config", "show")
    assert "words = 500  # built-in" in out.splitlines()


@pytest.mark.parametrize(
    ("text", "args", "message"),
    [
        ("[profiles.morning]\n", ["--profile", "noon"], "brief: error: unknown profile 'noon'; valid: morning"),
        ("[defaults\n", [], "invalid TOML: "),
        ("[defaults]\nwrods = 3\n", [], "unknown key 'wrods'"),
    ],
)
def test_config_show_errors_are_one_line_with_exit_4(text: str, args: list[str], message: str) -> None:
    path = Path(os.environ["XDG_CONFIG_HOME"]) / "brief" / "config.toml"
    path.parent.mkdir(parents=True)
    path.write_text(text, encoding="utf-8")
    code, out, err = invoke("config", "show", *args)
    assert (code, out) == (4, "")
    assert len(err.splitlines()) == 1 and err.startswith("brief: error: ") and message in err


@pytest.mark.parametrize("value", ["2", "maybe", "enabled"])
def test_brief_allow_private_other_than_yes_or_no_is_a_config_error_naming_the_valid_values(
    tmp_path: Path, value: str
) -> None:
    """Issue 19, case 14: BRIEF_ALLOW_PRIVATE=2 was read as false, silently refusing the intranet meant."""
    (tmp_path / "a.txt").write_text("نص", encoding="utf-8")

    result = brief("make", tmp_path / "a.txt", "--extractive", "-q", env={"BRIEF_ALLOW_PRIVATE": value})

    assert result.exit_code == 4, result.stderr
    assert result.stderr.splitlines()[-1] == (
        f"brief: error: BRIEF_ALLOW_PRIVATE='{value}' is not one of 1/0, true/false, yes/no, on/off"
    )
