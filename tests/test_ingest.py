"""Tests for brief.ingest: reading files and folders, decoding, and skipping bad inputs with a reason."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from brief.errors import InputError
from brief.ingest import decode, read_inputs, sniff_kind
from brief.records import RawDocument, Skipped

ARABIC = "قالت وزارة الدفاع التركية إن أنقرة ستقيم تعاوناً عسكرياً مع الإدارة السورية الجديدة.\nسطر ثانٍ."


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (ARABIC.encode("utf-8"), "utf-8"),
        (b"\xef\xbb\xbf" + ARABIC.encode("utf-8"), "utf-8-sig"),
        (b"\xff\xfe" + ARABIC.encode("utf-16-le"), "utf-16-le"),
        (b"\xfe\xff" + ARABIC.encode("utf-16-be"), "utf-16-be"),
        (ARABIC.encode("utf-16-le"), "utf-16-le"),  # no byte-order mark: found by the NUL pattern
        (ARABIC.encode("utf-16-be"), "utf-16-be"),
        (ARABIC.encode("cp1256"), "cp1256"),
    ],
    ids=["utf-8", "utf-8-bom", "utf-16-le-bom", "utf-16-be-bom", "utf-16-le", "utf-16-be", "cp1256"],
)
def test_decode_round_trips_arabic(data: bytes, encoding: str) -> None:
    assert decode(data) == (ARABIC, encoding)


@pytest.mark.parametrize("newline", ["\r\n", "\r", "\u2028"])
def test_decode_normalises_newlines(newline: str) -> None:
    assert decode(f"سطر{newline}سطر".encode()) == ("سطر\nسطر", "utf-8")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "binary"),
        ("Café crème brûlée, déjà vu".encode("latin-1"), "undecodable"),  # Latin-1 is not guessed silently
        (b"\x01\x02\x03\x04text\x05\x06\x07", "binary"),
    ],
    ids=["nul-bytes", "latin-1", "control-bytes"],
)
def test_decode_refuses_what_is_not_text(data: bytes, message: str) -> None:
    with pytest.raises(InputError, match=message):
        decode(data)


@pytest.mark.parametrize(
    ("encoding", "expected"),
    [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("utf-16", "utf-16-le"), ("cp1256", "cp1256")],
)
def test_read_inputs_decodes_files(tmp_path: Path, encoding: str, expected: str) -> None:
    path = tmp_path / "article.txt"
    path.write_bytes(ARABIC.replace("\n", "\r\n").encode(encoding))
    documents, skipped = read_inputs([path])
    assert skipped == []
    assert documents == [RawDocument(location=str(path), text=ARABIC, kind="txt", encoding=expected)]


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("empty.txt", b"", "empty file"),
        ("blank.txt", b" \n\t\n", "empty file"),
        ("image.txt", b"GIF89a\x00\x01\x00\x01\x00\x00\xff", "binary file (contains NUL bytes)"),
        ("latin.txt", "Ça a été très agréable à lire".encode("latin-1"), "undecodable"),
    ],
)
def test_bad_files_are_skipped_with_reason(tmp_path: Path, name: str, content: bytes, reason: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    documents, skipped = read_inputs([path])
    assert documents == []
    assert len(skipped) == 1
    assert skipped[0].location == str(path)
    assert skipped[0].reason.startswith(reason)


def test_missing_path_is_skipped_and_the_rest_still_read(tmp_path: Path) -> None:
    good = tmp_path / "good.txt"
    good.write_text(ARABIC, encoding="utf-8")
    missing = tmp_path / "nope.txt"
    documents, skipped = read_inputs([str(missing), good])
    assert skipped == [Skipped(str(missing), "not found")]
    assert [d.location for d in documents] == [str(good)]


def test_oversize_file_is_skipped(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_text("نص " * 100, encoding="utf-8")
    documents, skipped = read_inputs([path], max_bytes=100)
    assert documents == []
    assert skipped[0].reason.startswith("too large")
    assert "100" in skipped[0].reason


def test_folder_is_walked_in_sorted_order_without_hidden_or_other_files(tmp_path: Path) -> None:
    root = tmp_path / "news"
    for rel in ["b.txt", "a/z.md", "a/b/y.HTML", "c.htm", "a.txt", "notes.pdf", ".hidden.txt", ".git/x.txt", "d.TXT"]:
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"خبر في {rel}", encoding="utf-8")
    before = sorted(p.relative_to(root).as_posix() for p in root.rglob("*"))
    documents, skipped = read_inputs([str(root) + "/"])
    assert skipped == []
    assert [d.location for d in documents] == [
        os.path.join(str(root) + "/", rel) for rel in ["a/b/y.HTML", "a/z.md", "a.txt", "b.txt", "c.htm", "d.TXT"]
    ]
    assert [d.kind for d in documents] == ["html", "md", "txt", "txt", "html", "txt"]
    assert sorted(p.relative_to(root).as_posix() for p in root.rglob("*")) == before  # nothing written


def test_location_keeps_the_path_as_given(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "in" / "sub").mkdir(parents=True)
    (tmp_path / "in" / "sub" / "x.txt").write_text("خبر", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    documents, _ = read_inputs(["in"])
    assert [d.location for d in documents] == [os.path.join("in", "sub", "x.txt")]


def test_symlink_loop_terminates(tmp_path: Path) -> None:
    root = tmp_path / "loop"
    (root / "sub").mkdir(parents=True)
    (root / "sub" / "x.txt").write_text("خبر", encoding="utf-8")
    (root / "sub" / "back").symlink_to(root, target_is_directory=True)
    (root / "self").symlink_to(root / "sub", target_is_directory=True)
    documents, skipped = read_inputs([root])
    assert skipped == []
    assert [d.location for d in documents] == [os.path.join(str(root), "sub", "x.txt")]  # the real path wins


def test_explicit_file_with_other_suffix_is_read_if_text(tmp_path: Path) -> None:
    text_file = tmp_path / "article.log"
    text_file.write_text(ARABIC, encoding="utf-8")
    binary_file = tmp_path / "photo.jpg"
    binary_file.write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00")
    documents, skipped = read_inputs([text_file, binary_file])
    assert [(d.location, d.kind) for d in documents] == [(str(text_file), "txt")]
    assert [s.location for s in skipped] == [str(binary_file)]


def test_empty_folder_is_reported(tmp_path: Path) -> None:
    documents, skipped = read_inputs([tmp_path])
    assert documents == []
    assert skipped == [Skipped(str(tmp_path), "no .txt, .md or .html files in folder")]


@pytest.mark.parametrize(
    ("name", "text", "kind"),
    [
        ("a.html", "<p>خبر</p>", "html"),
        ("a.HTM", "<p>خبر</p>", "html"),
        ("a.txt", "  <!DOCTYPE html><html><body>خبر</body></html>", "html"),
        ("a.txt", "<html lang='ar'>", "html"),
        ("a.md", "# عنوان", "md"),
        ("a.txt", "خبر <b>", "txt"),
        ("a", "خبر", "txt"),
    ],
)
def test_sniff_kind(name: str, text: str, kind: str) -> None:
    assert sniff_kind(Path(name), text) == kind


def test_a_file_mixing_utf8_and_cp1256_lines_decodes_each_line_in_its_own_encoding() -> None:
    first, second, third = "عاجل: اجتماع في بغداد", "قال الوزير إن المحادثات ستستمر.", "وأضاف أن الاتفاق قريب."
    data = "\n".join([first, second]).encode("utf-8") + b"\n" + third.encode("cp1256")
    assert decode(data) == ("\n".join([first, second, third]), "utf-8+cp1256")


def test_a_mostly_cp1256_file_is_not_taken_for_mixed() -> None:
    text = "قال الوزير إن المحادثات ستستمر.\nوأضاف أن الاتفاق قريب.\nوتابع: لا تعليق."
    assert decode(text.encode("cp1256")) == (text, "cp1256")


def test_a_folder_walk_does_not_follow_symlinks_out_of_the_folder(tmp_path: Path) -> None:
    """`brief inspect folder` with a link to / (or anywhere outside) reads only what is inside the folder.

    In a subprocess with a time limit: following the link to / would walk the whole filesystem.
    """
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "private.txt").write_text("رسالة خاصة لا تخص الموجز أبدا في أي حال من الأحوال.", encoding="utf-8")
    root = tmp_path / "news"
    (root / "sub").mkdir(parents=True)
    (root / "sub" / "x.txt").write_text(ARABIC, encoding="utf-8")
    (root / "everything").symlink_to("/", target_is_directory=True)
    (root / "away").symlink_to(outside, target_is_directory=True)
    (root / "private.txt").symlink_to(outside / "private.txt")
    (root / "inside").symlink_to(root / "sub", target_is_directory=True)  # inside: fine (read once, real path)
    result = subprocess.run(
        [sys.executable, "-m", "brief", "inspect", "--json", str(root)],
        capture_output=True, text=True, timeout=60, check=False, cwd=Path(__file__).resolve().parent.parent,
    )
    assert result.returncode == 7, result.stderr
    assert "رسالة خاصة" not in result.stdout
    reason = "a symlink to a place outside the folder (not followed)"
    skipped = {item["path"]: item["skipped"] for item in json.loads(result.stdout) if "skipped" in item}
    assert skipped == {str(root / name): reason for name in ("away", "everything", "private.txt")}
    assert [d.location for d in read_inputs([root])[0]] == [os.path.join(str(root), "sub", "x.txt")]
