"""The command line, end to end on the five seeds with the tiny random-weight models.

In-process runs use typer's CliRunner (with click >= 8.2 its result keeps stdout and stderr apart); one
parametrized test runs real processes for the version and the exit codes.

Making a brief takes seconds, so the module makes each kind of brief once (module-scoped fixtures) and several
tests read it. Those fixtures start before the per-test isolation of conftest, so they set up the same
isolation themselves (``_isolated``).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from brief import __version__
from brief.cli import app
from conftest import REGISTRY_TEMPLATE

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
GOLDEN = Path(__file__).resolve().parent / "golden"
SEED_NAMES = sorted(p.name for p in SEEDS.glob("*.txt"))
# The seeds by their stem: their golden facts (publisher, title, date, sentences), labelled by hand.
GOLDEN_FACTS = {
    name: json.loads((GOLDEN / f"{Path(name).stem}.json").read_text(encoding="utf-8")) for name in SEED_NAMES
}
BOILERPLATE = ["شاهد ايضاً", "أخبار ذات صلة", "FacebookTwitter", "شارك الخبر", "Loading", "الرئيسيةأخبار"]
CITES = re.compile(r"(?:\[\d+\])+")


@dataclass(frozen=True)
class Run:
    """One finished ``brief`` invocation."""

    exit_code: int
    stdout: str
    stderr: str
    output: Path | None = None  # the file written with -o

    @property
    def text(self) -> str:
        """The brief as written to the -o file."""
        assert self.output is not None
        return self.output.read_text(encoding="utf-8")


def invoke(*args: str | Path) -> Run:
    """Run the CLI in-process; stdout and stderr apart."""
    result = CliRunner().invoke(app, [str(a) for a in args])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return Run(result.exit_code, result.stdout, result.stderr)


@pytest.fixture(scope="module")
def _isolated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """What conftest's ``isolated_environment`` does per test, for the module-scoped runs; cwd is the repo."""
    home = tmp_path_factory.mktemp("cli-home")
    with pytest.MonkeyPatch.context() as mp:
        for name, value in {
            "HOME": home,
            "XDG_CACHE_HOME": home / ".cache",
            "XDG_CONFIG_HOME": home / ".config",
            "XDG_DATA_HOME": home / ".local" / "share",
            "HF_HOME": home / ".cache" / "huggingface",
            "HF_HUB_OFFLINE": "1",
            "TRANSFORMERS_OFFLINE": "1",
        }.items():
            mp.setenv(name, str(value))
        for name in list(os.environ):
            if name.startswith("BRIEF_") or name in {"HF_HUB_CACHE", "HUGGINGFACE_HUB_CACHE"}:
                mp.delenv(name)
        mp.chdir(ROOT)
        yield


@pytest.fixture(scope="module")
def registry(tiny_models: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny registry of conftest, once for the module."""
    paths = {name: json.dumps(str(folder.resolve())) for name, folder in tiny_models.items()}
    path = tmp_path_factory.mktemp("cli-registry") / "models.yaml"
    path.write_text(REGISTRY_TEMPLATE.format(**paths), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def markdown_run(_isolated: None, registry: Path, tmp_path_factory: pytest.TempPathFactory) -> Run:
    """`brief make seeds/ -o` into an empty folder (-o makes no folders: see test_no_loss.py)."""
    output = tmp_path_factory.mktemp("cli-out") / "new" / "deeper" / "out.md"
    output.parent.mkdir(parents=True)
    run = invoke("make", "seeds/", "--models", registry, "-o", output)
    return Run(run.exit_code, run.stdout, run.stderr, output)


@pytest.fixture(scope="module")
def json_run(_isolated: None, registry: Path) -> Run:
    """`brief make seeds/ --format json` to stdout."""
    return invoke("make", "seeds/", "--models", registry, "--format", "json", "--quiet")


@pytest.fixture(scope="module")
def partial_run(_isolated: None, registry: Path, tmp_path_factory: pytest.TempPathFactory) -> Run:
    """A copy of the seeds plus an empty file, with a budget of 150 words."""
    folder = tmp_path_factory.mktemp("cli-partial") / "seeds"
    shutil.copytree(SEEDS, folder)
    (folder / "empty.txt").write_text("", encoding="utf-8")
    output = folder.parent / "out.md"
    run = invoke("make", folder, "--models", registry, "--words", "150", "-o", output)
    return Run(run.exit_code, run.stdout, run.stderr, output)


@pytest.fixture(scope="module")
def inspected(_isolated: None) -> list[dict]:
    """`brief inspect` on the five seed files."""
    run = invoke("inspect", "--json", *(f"seeds/{name}" for name in SEED_NAMES))
    assert run.exit_code == 0, run.stderr
    return json.loads(run.stdout)


def section(text: str, heading: str) -> list[str]:
    """The non-blank lines under a `## ` heading, up to the next heading or rule."""
    lines = text.splitlines()
    start = lines.index(heading) + 1
    if heading.startswith("# "):  # the title heads the lead story: its sources-and-dates line comes first
        start = next(k for k in range(start, len(lines)) if lines[k].strip()) + 1
    out = []
    for line in lines[start:]:
        if line.startswith("## ") or line == "---":
            break
        if line.strip():
            out.append(line)
    return out


def body(text: str) -> str:
    """Everything before the source list (what the word budget counts)."""
    return text.split("## Sources")[0]


def source_lines(text: str) -> list[str]:
    return [line for line in section(text, "## Sources") if line.startswith("[")]


def ends_in_citations(paragraph: str) -> bool:
    """Every stretch of text is followed by one or more [n]: so every sentence ends with its citations."""
    stretches = CITES.split(paragraph)
    return stretches[-1].strip() == "" and all(s.strip() for s in stretches[:-1])


# --- make: the markdown brief -------------------------------------------------------------------------------


def test_make_succeeds_and_says_where_it_wrote(markdown_run: Run) -> None:
    assert markdown_run.exit_code == 0, markdown_run.stderr
    assert f"brief: wrote {markdown_run.output}" in markdown_run.stderr
    assert markdown_run.stdout == ""


def test_the_output_folder_holds_only_the_brief(markdown_run: Run) -> None:
    assert markdown_run.output is not None and markdown_run.output.is_file()
    assert [p.name for p in markdown_run.output.parent.iterdir()] == ["out.md"]


def seed_of(line: str) -> str:
    """The seed file a source line names (its location, the last part)."""
    return line.split(" — ")[-1].removeprefix("seeds/")


def test_sources_list_every_seed_with_its_facts(markdown_run: Run) -> None:
    # The five seeds report one story, and a 500-word page cites each of them; numbered by first use.
    lines = source_lines(markdown_run.text)
    assert [line[: line.index("]") + 1] for line in lines] == ["[1]", "[2]", "[3]", "[4]", "[5]"]
    assert sorted(seed_of(line) for line in lines) == sorted(SEED_NAMES)
    for n, line in enumerate(lines, start=1):
        name = seed_of(line)
        facts = GOLDEN_FACTS[name]
        parts = line.split(" — ")
        assert len(parts) >= 4, line
        publisher = facts["publisher"] or "Unknown publisher"
        if re.search("[\u0600-\u06ff]", publisher):
            publisher = f"\u2067{publisher}\u2069"  # isolated, so it cannot turn the line right-to-left
        assert parts[0] == f"[{n}] {publisher}"
        assert parts[-1] == f"seeds/{name}"
        assert parts[-2] == (facts["date"] or "undated")
        assert facts["title"] in line
    dates = {seed_of(line): line.split(" — ")[-2] for line in lines}
    assert [dates[n] for n in SEED_NAMES] == ["undated", "2025-03-18", "2025-10-24", "undated", "undated"]
    seed_002 = next(line for line in lines if "002_53188c940ec2cd34" in line)
    assert GOLDEN_FACTS["002_53188c940ec2cd34.txt"]["title"] in seed_002  # the Arabic headline, kept whole


def story_heading(text: str) -> str:
    """The first story's heading: the page's title, since the lead story's section starts under it and its
    heading is not printed twice (issue 17); the five seeds report one story."""
    return next(line for line in text.splitlines() if line.startswith("# "))


def test_every_sentence_ends_with_citations_of_listed_sources(markdown_run: Run) -> None:
    text = markdown_run.text
    lines = section(text, story_heading(text))
    # The seeds' story has three or more dated events: a timeline closes its section, one cited line each.
    assert "**Timeline**" in lines
    lines, timeline = lines[: lines.index("**Timeline**")], lines[lines.index("**Timeline**") + 1 :]
    assert len(timeline) >= 3 and all(t.startswith("- ") and ends_in_citations(t[2:]) for t in timeline)
    bottom = [line for line in lines if not line.startswith("- ")]
    points = [line for line in lines if line.startswith("- ")]
    assert len(bottom) == 1 and ends_in_citations(bottom[0])
    # Only Sources: the one story is headed by the title, printed once (issue 17).
    assert [line.startswith("## ") for line in text.splitlines()].count(True) == 1
    assert points and all(p.startswith("- ") and ends_in_citations(p[2:]) for p in points)
    cited = {int(n) for n in re.findall(r"\[(\d+)\]", "\n".join(bottom + points))}
    assert cited and cited <= {1, 2, 3, 4, 5}
    listed = {int(line[1 : line.index("]")]) for line in source_lines(text)}
    assert listed == {1, 2, 3, 4, 5}


def test_the_body_keeps_to_the_word_budget(markdown_run: Run) -> None:
    assert len(body(markdown_run.text).split()) <= 500


def test_the_footer_says_how_the_brief_was_made(markdown_run: Run) -> None:
    footer = next(line for line in markdown_run.text.splitlines() if "Made by brief" in line)
    for needed in (__version__, "tiny-marian", "tiny-bart", "e5-small"):
        assert needed in footer
    assert "Skipped" not in markdown_run.text


# --- make: partial input, smaller budget --------------------------------------------------------------------


def test_a_bad_input_is_skipped_and_listed_with_exit_7(partial_run: Run) -> None:
    assert partial_run.exit_code == 7, partial_run.stderr
    assert "1 input(s) skipped" in partial_run.stderr
    text = partial_run.text
    assert 1 <= len(source_lines(text)) <= 5  # only the sources the shorter page cites
    footer = text[text.index("---") :]
    assert "**Skipped 1 input(s):**" in footer
    empty = partial_run.output.parent / "seeds" / "empty.txt"  # type: ignore[union-attr]
    assert f"- {empty} — empty file" in footer.splitlines()


def test_words_150_keeps_the_body_to_150_words(partial_run: Run) -> None:
    text = partial_run.text
    assert len(body(text).split()) <= 150
    assert section(text, story_heading(text)) and ends_in_citations(section(text, story_heading(text))[0])


# --- make: JSON ---------------------------------------------------------------------------------------------


def test_json_brief_lists_the_sources(json_run: Run) -> None:
    assert json_run.exit_code == 0, json_run.stderr
    brief = json.loads(json_run.stdout)
    sources = brief["sources"]
    assert [s["n"] for s in sources] == [1, 2, 3, 4, 5]
    assert sorted(s["location"] for s in sources) == [f"seeds/{name}" for name in SEED_NAMES]
    for source in sources:
        name = source["location"].removeprefix("seeds/")
        facts = GOLDEN_FACTS[name]
        assert {"n", "publisher", "title_en", "title_ar", "date", "location"} <= set(source)
        assert source["publisher"] == facts["publisher"]
        assert source["title_ar"] == facts["title"]
        assert source["date"] == facts["date"]
        assert source["location"] == f"seeds/{name}"
        assert source["title_en"]


def test_json_sentences_carry_their_provenance(json_run: Run, inspected: list[dict]) -> None:
    brief = json.loads(json_run.stdout)
    location_of = {s["n"]: s["location"] for s in brief["sources"]}
    cleaned = {a["path"]: set(a["sentences"]) for a in inspected}
    lead = brief["sections"][0]
    sentences = lead["bottom_line"] + lead["points"]
    assert lead["bottom_line"] and lead["points"]
    for sentence in sentences:
        assert sentence["text"].strip()
        assert sentence["cites"] and all(1 <= n <= 5 for n in sentence["cites"])
        assert isinstance(sentence["generated"], bool)
        assert sentence["support"]
        for support in sentence["support"]:
            assert support["source"] in sentence["cites"]
            assert support["original"] in cleaned[location_of[support["source"]]]
            assert isinstance(support["english"], str) and support["english"]
    # Random weights write nonsense, and every generated sentence is caught: the sources are quoted instead.
    assert not any(sentence["generated"] for sentence in sentences)
    assert brief["words"] <= 500


# --- make: failures -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("quiet", [[], ["--quiet"]])
def test_offline_without_the_model_says_how_to_get_it(quiet: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    run = invoke("make", "seeds/", *quiet)
    assert run.exit_code == 5
    assert "Traceback" not in run.stderr
    assert run.stderr.count("brief: error: ") == 1
    lines = [line for line in run.stderr.splitlines() if "brief models pull" in line]
    assert len(lines) == 1
    assert "brief models pull opus-mt-tc-big-ar-en distilbart-cnn-12-6" in lines[0]  # every missing model at once
    if quiet:
        assert run.stderr.startswith("brief: error: models not available: translator opus-mt-tc-big-ar-en")
    assert run.stdout == ""


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--translator", "nope"], 4, "unknown translator 'nope'; valid: tiny-marian, tiny-nllb"),
        (["--summariser", "nope"], 4, "unknown summariser 'nope'; valid: tiny-bart"),
        (["--format", "yaml"], 4, "unknown format 'yaml'; valid: json, markdown"),
        (["--words", "10"], 2, "--words 10 is too small"),
    ],
)
def test_bad_configuration_exits_4_and_lists_the_choices(
    tiny_registry: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], code: int, message: str
) -> None:
    monkeypatch.chdir(ROOT)
    run = invoke("make", "seeds/", "--models", tiny_registry, *args)
    assert run.exit_code == code
    errors = [line for line in run.stderr.splitlines() if line.startswith("brief: error: ")]
    assert len(errors) == 1 and message in errors[0]
    assert run.stdout == ""


def test_a_missing_input_alone_exits_3(tiny_registry: Path, tmp_path: Path) -> None:
    missing = tmp_path / "no-such-folder"
    run = invoke("make", missing, "--models", tiny_registry, "-o", tmp_path / "out.md")
    assert run.exit_code == 3
    assert f"brief: error: no usable article in the input ({missing}: not found)" in run.stderr.splitlines()
    assert not (tmp_path / "out.md").exists()


def test_a_missing_extra_input_is_skipped_with_exit_7(tiny_registry: Path, tmp_path: Path) -> None:
    missing = tmp_path / "gone.txt"
    output = tmp_path / "out.md"
    run = invoke("make", SEEDS / SEED_NAMES[2], missing, "--models", tiny_registry, "--extractive", "-o", output)
    assert run.exit_code == 7, run.stderr
    assert f"- {missing} — not found" in output.read_text(encoding="utf-8").splitlines()


# --- make: writing the brief --------------------------------------------------------------------------------


def test_an_existing_output_is_replaced_without_leftovers(tiny_registry: Path, tmp_path: Path) -> None:
    output = tmp_path / "out" / "brief.md"
    output.parent.mkdir()
    output.write_text("an old brief\n", encoding="utf-8")
    run = invoke("make", SEEDS / SEED_NAMES[2], "--models", tiny_registry, "--extractive", "-o", output)
    assert run.exit_code == 0, run.stderr
    text = output.read_text(encoding="utf-8")
    assert text.startswith("# ") and "## Sources" in text and "an old brief" not in text
    assert [p.name for p in output.parent.iterdir()] == ["brief.md"]


def test_an_unwritable_output_exits_6_with_one_line(tiny_registry: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "file.txt"
    blocker.write_text("a file, not a folder\n", encoding="utf-8")
    output = blocker / "out.md"
    run = invoke("make", SEEDS / SEED_NAMES[2], "--models", tiny_registry, "--extractive", "-q", "-o", output)
    assert run.exit_code == 6
    assert run.stderr.splitlines() == [run.stderr.strip()]
    assert run.stderr.startswith(f"brief: error: cannot write {output}")
    assert "Traceback" not in run.stderr
    assert blocker.read_text(encoding="utf-8") == "a file, not a folder\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file.txt", "models.yaml"]


# --- inspect ------------------------------------------------------------------------------------------------


def test_inspect_prints_each_seed_cleaned(inspected: list[dict]) -> None:
    assert len(inspected) == 5
    for item, name in zip(inspected, SEED_NAMES):
        facts = GOLDEN_FACTS[name]
        assert set(item) == {
            *("id", "path", "also_at", "url", "publisher", "title", "date", "byline", "credit"),
            *("language", "sentences", "dropped"),
        }
        assert item["path"] == f"seeds/{name}"
        assert item["language"] == "ar"
        assert (item["publisher"], item["title"], item["date"]) == (facts["publisher"], facts["title"], facts["date"])
        assert item["sentences"] == facts["sentences"]
    assert len({item["id"] for item in inspected}) == 5


@pytest.mark.parametrize("phrase", BOILERPLATE)
def test_inspect_drops_page_furniture_and_says_why(inspected: list[dict], phrase: str) -> None:
    found = False
    for item in inspected:
        assert not any(phrase in sentence for sentence in item["sentences"])
        raw = (ROOT / item["path"]).read_text(encoding="utf-8").splitlines()
        dropped = {d["line"]: d["reason"] for d in item["dropped"]}
        for line in (line.strip() for line in raw if phrase in line):
            found = True
            assert dropped.get(line), f"{item['path']}: {line!r} is not listed as dropped with a reason"
    assert found, f"no seed has {phrase!r}: the check would be empty"


def test_inspect_ids_are_stable(_isolated: None, inspected: list[dict]) -> None:
    again = json.loads(invoke("inspect", "--json", *(f"seeds/{name}" for name in SEED_NAMES)).stdout)
    assert [a["id"] for a in again] == [a["id"] for a in inspected]


# --- models -------------------------------------------------------------------------------------------------


def test_models_list_shows_names_and_what_is_cached(tiny_registry: Path) -> None:
    run = invoke("models", "list", "--models", tiny_registry)
    assert run.exit_code == 0, run.stderr
    rows = {name: line for line in run.stdout.splitlines() for name in re.findall(r"│ (tiny-\w+|e5-small) ", line)}
    assert set(rows) == {"tiny-marian", "tiny-nllb", "tiny-bart", "e5-small"}
    for name in ("tiny-marian", "tiny-nllb", "tiny-bart"):
        assert re.search(r"│ yes\s+│$", rows[name]), rows[name]
    assert "bundled" in rows["e5-small"]


def test_models_pull_of_a_local_model_succeeds(tiny_registry: Path, tiny_models: dict[str, Path]) -> None:
    run = invoke("models", "pull", "tiny-marian", "--models", tiny_registry)
    assert run.exit_code == 0, run.stderr
    assert run.stderr.startswith("tiny-marian: ") and str(tiny_models["marian"].resolve()) in run.stderr


def test_models_pull_of_an_unknown_name_exits_4(tiny_registry: Path) -> None:
    run = invoke("models", "pull", "nope", "--models", tiny_registry)
    assert run.exit_code == 4
    assert run.stderr == "brief: error: unknown model 'nope'; valid: e5-small, tiny-bart, tiny-marian, tiny-nllb\n"


# --- a real process -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("command", "code", "stdout", "stderr"),
    [
        ([sys.executable, "-m", "brief", "--version"], 0, f"brief {__version__}\n", ""),
        (["brief", "make", "seeds/", "--format", "yaml"], 4, "", "unknown format 'yaml'"),
        (["brief", "make", "seeds/", "--no-such-flag"], 2, "", "No such option"),
        (["brief", "make", "no-such-folder/", "-q"], 3, "", "no-such-folder/: not found"),
        (["brief", "make", "seeds/", "-q"], 5, "", "brief models pull opus-mt-tc-big-ar-en"),
    ],
)
def test_exit_codes_through_a_real_process(command: list[str], code: int, stdout: str, stderr: str) -> None:
    if command[0] == "brief":
        command = [str(Path(sys.executable).with_name("brief")), *command[1:]]
    # The environment is conftest's: a temporary HOME, Hugging Face offline, no BRIEF_* settings.
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == code, done.stderr
    assert done.stdout == stdout
    assert stderr in done.stderr
    assert "Traceback" not in done.stderr


def test_an_unknown_model_name_fails_before_the_lock_and_the_run_record(home: Path) -> None:
    """The names are checked before the run takes the lock or starts a record: a typo leaves nothing behind."""
    run = invoke("make", str(ROOT / "seeds"), "--translator", "nope")
    assert run.exit_code == 4 and "unknown translator 'nope'" in run.stderr
    assert not home.exists()  # no lock file, no store, no run record
