"""`brief send` and `--dry-run` through the real CLI: only briefs are sent, the latest by default, a profile's
recipients, and a dry run that needs no mail server, meaning the same on `make` and `send`."""

from __future__ import annotations

import json
from email import policy
from email.parser import BytesParser
from pathlib import Path

import pytest

from cli_runner import brief
from smtpserver import smtp_server

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
SEED = sorted(SEEDS.glob("*.txt"))[0]


def parse(path: Path):  # noqa: ANN201 - an EmailMessage
    return BytesParser(policy=policy.default).parsebytes(path.read_bytes())


@pytest.fixture
def made(home: Path, tmp_path: Path) -> Path:
    """One brief made (and recorded in the store), written to brief.md."""
    out = tmp_path / "brief.md"
    result = brief("make", SEED, "--extractive", "-o", out, "-q")
    assert result.exit_code == 0, result.stderr
    return out


@pytest.mark.parametrize(
    "content",
    [
        json.dumps({"title": "Brief: x", "signature": "Made by brief 0.1.0", "sources": []}, indent=2),
        "meeting notes\n\nnothing to see here\n",
        "# A heading\n\nbut no footer of a brief\n",
    ],
    ids=["json-dump", "random-text", "markdown-not-a-brief"],
)
def test_send_refuses_a_file_that_is_not_a_brief(tmp_path: Path, content: str) -> None:
    path = tmp_path / "out.json"
    path.write_text(content, encoding="utf-8")
    with smtp_server() as server:
        result = brief("send", path, "--to", "boss@example.org", env=server.env())
    assert result.exit_code == 3, result.stderr
    assert "is not a brief made by brief" in result.stderr and "Traceback" not in result.stderr
    assert server.received == []


def test_send_without_a_file_sends_the_latest_brief(made: Path) -> None:
    with smtp_server() as server:
        result = brief("send", "--to", "ann@example.org", env=server.env())
    assert result.exit_code == 0, result.stderr
    assert "sent the latest brief (Brief " in result.stderr
    [got] = server.received
    plain = got.message.get_body(("plain",)).get_content()
    assert plain.splitlines()[0] == made.read_text(encoding="utf-8").splitlines()[0]


def test_send_without_any_brief_says_so(home: Path) -> None:
    result = brief("send", "--to", "ann@example.org", "--dry-run")
    assert result.exit_code == 3 and "no brief made yet" in result.stderr


def test_send_takes_the_recipients_of_a_profile(made: Path, tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('[profiles.team]\nemail = ["ann@example.org", "bo@example.org"]\n', encoding="utf-8")
    with smtp_server() as server:
        result = brief("send", made, "--profile", "team", env={**server.env(), "BRIEF_CONFIG": str(config)})
    assert result.exit_code == 0, result.stderr
    [got] = server.received
    assert got.rcpt_tos == ("ann@example.org", "bo@example.org")


def test_send_without_recipients_is_a_usage_error(made: Path) -> None:
    result = brief("send", made)
    assert result.exit_code == 2 and "no recipient" in result.stderr


def test_send_dry_run_needs_no_mail_server(made: Path) -> None:
    result = brief("send", made, "--to", "ann@example.org", "--dry-run")  # no BRIEF_SMTP_* at all
    assert result.exit_code == 0, result.stderr
    eml = made.with_suffix(".eml")
    assert f"wrote the message to {eml}" in result.stderr
    message = parse(eml)
    assert message["To"] == "ann@example.org" and message["From"] == "brief@localhost.invalid"


def test_make_dry_run_without_email_is_a_usage_error(home: Path, tmp_path: Path) -> None:
    result = brief("make", SEED, "--extractive", "--dry-run", "-o", tmp_path / "x.md")
    assert result.exit_code == 2
    assert "--dry-run" in result.stderr and "--email" in result.stderr
    assert not (tmp_path / "x.md").exists()


def test_make_dry_run_needs_no_mail_server_and_writes_what_send_would(home: Path, tmp_path: Path) -> None:
    out = tmp_path / "brief.md"
    result = brief("make", SEED, "--extractive", "-o", out, "--email", "ann@example.org", "--dry-run")
    assert result.exit_code == 0, result.stderr
    made_eml = parse(out.with_suffix(".eml"))
    out.with_suffix(".eml").unlink()
    resent = brief("send", out, "--to", "ann@example.org", "--dry-run")
    assert resent.exit_code == 0, resent.stderr
    sent_eml = parse(out.with_suffix(".eml"))
    assert made_eml["Subject"] == sent_eml["Subject"]
    assert made_eml.get_body(("plain",)).get_content() == sent_eml.get_body(("plain",)).get_content()


BAD_PORT = "http://news.test:99999/story"  # urllib cannot read its port: "Port out of range 0-65535"
STORY = (
    "The port of Alexandria reopened on Sunday after a two-day closure caused by a storm, {where} reported. "
    "Officials said 40 ships had waited offshore while the winds blew at more than 80 km an hour, {where} said. "
    "Traffic is expected to return to normal by Tuesday, the port authority told {where} in a statement.\n"
)
FRONT_MATTER = f"---\ntitle: Port reopens after storm\nurl: {BAD_PORT}\npublisher: Harbour News\n---\n"
PAGE = (
    "<!doctype html><html lang='en'><head><title>Port reopens after storm</title>{head}</head>"
    "<body><article><h1>Port reopens after storm</h1><p>{text}</p></article></body></html>"
)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("front-matter.md", FRONT_MATTER + STORY.format(where="Harbour News")),
        ("canonical.html", PAGE.format(head=f"<link rel='canonical' href='{BAD_PORT}'>", text=STORY.format(where="Reuters"))),
        ("og-url.html", PAGE.format(head=f"<meta property='og:url' content='{BAD_PORT}'>", text=STORY.format(where="AP"))),
        ("text.txt", STORY.format(where=BAD_PORT)),
    ],
    ids=["front-matter", "canonical", "og-url", "text"],
)
def test_an_address_with_a_port_that_does_not_parse_never_stops_the_mail(
    home: Path, tmp_path: Path, name: str, content: str
) -> None:
    (tmp_path / name).write_text(content, encoding="utf-8")
    out = tmp_path / "brief.md"

    made = brief("make", tmp_path / name, "--extractive", "-o", out, "--email", "ann@example.org", "--dry-run")
    assert made.exit_code == 0, made.stderr
    out.with_suffix(".eml").unlink()
    resent = brief("send", out, "--to", "ann@example.org", "--dry-run")

    assert resent.exit_code == 0, resent.stderr
    body = parse(out.with_suffix(".eml")).get_body(("html",)).get_content()
    if name == "text.txt":
        assert BAD_PORT in out.read_text(encoding="utf-8") and BAD_PORT in body  # shown as written
    else:
        assert BAD_PORT not in out.read_text(encoding="utf-8")  # not an address: the brief names the file instead
