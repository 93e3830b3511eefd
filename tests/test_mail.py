"""Emailing the brief: the message, its safe HTML, SMTP settings, and sending through real SMTP servers.

The servers are aiosmtpd on 127.0.0.1 (``smtpserver.py``): plain, STARTTLS and implicit TLS, with AUTH, refusing a
recipient, or answering 451 once. Retries use a backoff of 0.01 s, and tests that count them pass a recording sleep.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import ssl
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path

import pytest
from typer.testing import CliRunner

from brief import mail, render
from brief.cli import app
from brief.errors import (
    ConfigError,
    DeliveryError,
    InputError,
    RecipientRefusedError,
    SmtpAuthError,
    UnknownNameError,
)
from brief.records import Brief, BriefSentence, ModelUse, Section, Skipped, SourceEntry
from smtpserver import FlakyHandler, RefusingHandler, closed_port, silent_server, smtp_server

PASSWORD = "pw-Zq8!unique-7431"  # distinctive, so a leak anywhere in the output is found
ARABIC_HEADLINE = "تركيا <script>alert('x')</script> وسوريا تتعاونان"
NOW = dt.datetime(2025, 10, 25, 6, 30, tzinfo=dt.timezone.utc)


def _sentence(text: str, cites: tuple[int, ...]) -> BriefSentence:
    return BriefSentence(text=text, cites=cites, generated=False, support=())


def make_brief(skipped: tuple[Skipped, ...] = (), point: str = "Israel said it was watching closely.") -> Brief:
    """A real brief, with an Arabic headline that carries markup."""
    return Brief(
        title="Brief: Turkey and Syria sign a defence pact",
        date_from=dt.date(2025, 3, 18),
        date_to=dt.date(2025, 10, 24),
        sections=(
            Section(
                "", None, None,
                (_sentence("Turkey and Syria signed a defence pact in Ankara.", (1, 2)),),
                (
                    _sentence("The pact covers training & advice.", (1, 3)),
                    _sentence(point, (2,)),
                ),
            ),
        ),
        sources=(
            SourceEntry(1, "a1", "وورلد برس عربي", "Turkey and Syria cooperate", ARABIC_HEADLINE, "ar", None,
                        "seeds/000.txt"),
            SourceEntry(2, "a2", "وكالة أنباء آسيا", "Rapprochement", "التقارب التركي السوري", "ar",
                        dt.date(2025, 3, 18), "seeds/001.txt"),
            SourceEntry(3, "a3", "Reuters", "Turkey, Syria sign deal", "Turkey, Syria sign deal", "en",
                        dt.date(2025, 10, 24), "https://example.org/a?x=1&y=2"),
        ),
        skipped=skipped,
        models=(ModelUse("translator", "opus-mt", "Helsinki-NLP/opus-mt-tc-big-ar-en@abc123", {"num_beams": 4}),),
        version="9.9.9",
        made_at=dt.datetime(2025, 10, 25, 6, 0, tzinfo=dt.timezone.utc),
        word_budget=500,
    )


def make_markdown(skipped: tuple[Skipped, ...] = ()) -> str:
    """The brief as rendered."""
    return render.to_markdown(make_brief(skipped))


BRIEF = make_brief()
MARKDOWN = render.to_markdown(BRIEF)
# What the mail carries: the local file paths left out, and (in the plain text) the Arabic isolated.
MAILED = render.to_markdown(BRIEF, for_mail=True)
PLAIN = mail.isolate_plain(MAILED)


def parts(message: EmailMessage) -> tuple[EmailMessage, EmailMessage]:
    plain, rich = message.iter_parts()
    return plain, rich  # type: ignore[return-value]


def reparse(data: bytes) -> EmailMessage:
    parsed = BytesParser(policy=policy.default).parsebytes(data)
    assert isinstance(parsed, EmailMessage)
    return parsed


# ------------------------------------------------------------------------------------------------ HTML


def test_html_has_the_headline_points_citations_and_source_list() -> None:
    page = mail.to_html(BRIEF)
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert re.search(r"<h1[^>]*>Brief: Turkey and Syria sign a defence pact</h1>", page)
    assert re.search(r"<h2[^>]*>Key points</h2>", page) and re.search(r"<h2[^>]*>Sources</h2>", page)
    cite = r'<a href="#source-{n}"[^>]*>\[{n}\]</a>'
    li = r"<li[^>]*>The pact covers training &amp; advice\. <span[^>]*>" + cite.format(n=1) + cite.format(n=3) + "</span></li>"
    assert re.search(li, page)
    assert re.search(r"<span[^>]*>" + cite.format(n=1) + cite.format(n=2) + "</span>", page)
    rows = re.findall(r'<tr id="source-\d"><td[^>]*><a name="source-\d"></a>\[(\d)\]</td><td[^>]*>(.*?)</td></tr>', page)
    assert [n for n, _ in rows] == ["1", "2", "3"]
    assert rows[2][1].startswith("<strong>Reuters</strong> — Turkey, Syria sign deal — 2025-10-24 — ")
    assert '<a href="https://example.org/a?x=1&amp;y=2"' in rows[2][1]
    assert re.search(r"<hr[^>]*>\s*<p[^>]*><em>Made by brief 9\.9\.9 on 2025-10-25 06:00 UTC", page)


def test_arabic_is_right_to_left_and_markup_in_a_headline_arrives_as_text() -> None:
    page = mail.to_html(BRIEF)
    escaped = "تركيا &lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; وسوريا تتعاونان"
    assert f'<bdi dir="rtl" lang="ar">{escaped}</bdi>' in page
    assert '<strong><bdi dir="rtl" lang="ar">وورلد برس عربي</bdi></strong>' in page  # an Arabic publisher too
    assert "<script" not in page.lower()
    assert "\u2067" not in page and "\u2069" not in page  # the isolates became <bdi>


def test_html_is_self_contained_for_mail_clients() -> None:
    page = mail.to_html(BRIEF).lower()
    for banned in ("<style", "<link", "<script", "class=", "src=", "@import", "javascript:"):
        assert banned not in page
    assert 'style="' in page


@pytest.mark.parametrize(
    ("line", "must_not_contain", "must_contain"),
    [
        ("<script>alert(1)</script>", "<script", "&lt;script&gt;alert(1)&lt;/script&gt;"),
        ('<img src="x" onerror="alert(1)">', "<img", "&lt;img src=&quot;x&quot; onerror=&quot;alert(1)&quot;&gt;"),
        ("[click](javascript:alert(1))", "<a href=\"javascript", "[click](javascript:alert(1))"),
        ("- <b>bold?</b> **not bold**", "<b>", "- &lt;b&gt;bold?&lt;/b&gt; **not bold**"),
        ("> a quote & more", "<blockquote", "&gt; a quote &amp; more"),
        ('see https://example.org/"onmouseover="x', 'href="https://example.org/"on', "&quot;onmouseover=&quot;x"),
    ],
)
def test_article_text_is_escaped_never_markup(line: str, must_not_contain: str, must_contain: str) -> None:
    page = mail.to_html(make_brief(point=line))
    assert must_not_contain not in page
    assert must_contain in page


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("plain num_beams and snake_case_name", "plain num_beams and snake_case_name"),
        ("_whole line_", "_whole line_"),  # made from the record: an article's underscores are not emphasis
        ("a *b* c", "a *b* c"),
        ("prices \\[up\\] [3]", "prices \\[up\\] [3]"),  # not a citation, not a Markdown escape
    ],
)
def test_article_text_arrives_as_written(text: str, expected: str) -> None:
    page = mail.to_html(make_brief(point=text))
    assert re.search(rf"<li[^>]*>{re.escape(expected)} <span", page)


def test_skipped_inputs_footer_is_a_list() -> None:
    page = mail.to_html(make_brief((Skipped("bad <x>.txt", "empty file"),)))
    assert "<strong>Skipped 1 input(s):</strong>" in page
    assert re.search(r"<li[^>]*>bad &lt;x&gt;\.txt — empty file</li>", page)


def test_the_page_is_the_markdowns_page_when_the_budget_cuts() -> None:
    """What the word budget left off the Markdown is not in the HTML either, and the footer says so alike."""
    long = "A long point about the pact that goes on and on for many words to fill the page. " * 3
    brief = make_brief(point=long.strip())
    tight = Brief(**{**brief.__dict__, "word_budget": 40})
    markdown, page = render.to_markdown(tight), mail.to_html(tight)
    assert "on and on" not in markdown and "on and on" not in page
    assert "Israel" not in page and "watching" not in page


# ------------------------------------------------------------------------------------------------ message


def test_message_headers_parts_charsets_and_encodings() -> None:
    message = mail.build_message(BRIEF, sender="Brief <brief@example.org>", to=["ann@example.org", "bo@example.org"],
                                 now=NOW)
    parsed = reparse(mail.message_bytes(message))
    assert parsed["From"] == "Brief <brief@example.org>"
    assert parsed["To"] == "ann@example.org, bo@example.org"
    assert parsed["Subject"] == "Brief 25 Oct 2025: Turkey and Syria sign a defence pact"  # the day it was made
    assert parsed["Date"] == "Sat, 25 Oct 2025 06:30:00 +0000"
    assert re.fullmatch(r"<[^@\s]+@example\.org>", parsed["Message-ID"])
    assert parsed["MIME-Version"] == "1.0"
    assert parsed.get_content_type() == "multipart/alternative"
    plain, rich = parts(parsed)
    assert (plain.get_content_type(), plain.get_content_charset(), plain["Content-Transfer-Encoding"]) == (
        "text/plain", "utf-8", "base64")
    assert (rich.get_content_type(), rich.get_content_charset(), rich["Content-Transfer-Encoding"]) == (
        "text/html", "utf-8", "quoted-printable")
    assert plain.get_content() == PLAIN
    assert rich.get_content().replace("\r\n", "\n") == mail.to_html(BRIEF)
    assert not any(p.get_content_disposition() == "attachment" for p in parsed.walk())


@pytest.mark.parametrize(
    "markdown",
    [
        "# Brief: x\r\nwindows line endings\r\n",
        "# Brief: x\n\nno final newline",
        "# Brief: x\n\ntrailing spaces   \n\t\n",
        "# Brief: x\nFrom the start of a line\n.\n..\n",
        "# Brief: x\n" + "a very long line " * 200 + "\n",
    ],
)
def test_markdown_only_text_without_arabic_or_paths_is_the_markdown_byte_for_byte(markdown: str) -> None:
    message = mail.build_text_message(markdown, sender="brief@example.org", to=["ann@example.org"], now=NOW)
    parsed = reparse(mail.message_bytes(message))
    assert parsed.get_content_type() == "text/plain" and not parsed.is_multipart()
    assert parsed.get_content() == markdown
    assert parsed.get_payload(decode=True) == markdown.encode("utf-8")


def test_text_part_is_the_brief_as_rendered_for_the_mail() -> None:
    plain, _ = parts(reparse(mail.message_bytes(mail.build_message(BRIEF, sender="brief@example.org",
                                                                   to=["ann@example.org"], now=NOW))))
    assert plain.get_content() == mail.isolate_plain(render.to_markdown(BRIEF, for_mail=True))
    assert "seeds/000.txt" not in plain.get_content() and "https://example.org/a?x=1&y=2" in plain.get_content()


def test_markdown_only_leaves_out_local_paths() -> None:
    message = mail.build_text_message(MARKDOWN, sender="brief@example.org", to=["ann@example.org"], now=NOW)
    assert reparse(mail.message_bytes(message)).get_content() == PLAIN


def test_raw_message_is_ascii_with_crlf_and_short_lines() -> None:
    data = mail.message_bytes(mail.build_message(BRIEF, sender="بريف <brief@example.org>",
                                                 to=["ann@example.org"], now=NOW))
    assert data.isascii()
    assert b"\n" not in data.replace(b"\r\n", b"")
    assert max(len(line) for line in data.split(b"\r\n")) <= 78


@pytest.mark.parametrize(
    ("markdown", "subject"),
    [
        (MARKDOWN, "Brief 25 Oct 2025: Turkey and Syria sign a defence pact"),  # made then; articles to 24 Oct
        ("# Brief: One day\n\n*1 source · 3 January 2026*\n", "Brief 25 Oct 2025: One day"),  # not made: today
        ("# Brief: Undated\n\n*2 sources · undated*\n\n---\n\n_Made by brief 0.1.0 on 2025-12-01 07:00 UTC · x_\n",
         "Brief 1 Dec 2025: Undated"),
        ("# Brief:   spaces\t and\u2067 isolates\u2069  \n", "Brief 25 Oct 2025: spaces and isolates"),
        ("# Prices \\[up\\] \\<again\\>\n", "Brief 25 Oct 2025: Prices [up] <again>"),  # Markdown escapes undone
    ],
)
def test_a_markdown_only_subject_comes_from_its_headline_and_footer(markdown: str, subject: str) -> None:
    assert mail.markdown_subject(markdown, NOW) == subject


@pytest.mark.parametrize(
    ("title", "made_at", "subject"),
    [
        ("Brief: Turkey and Syria sign a defence pact", None, "Brief 25 Oct 2025: Turkey and Syria sign a defence pact"),
        ("Brief:   spaces\t and\u2067 isolates\u2069 ", None, "Brief 25 Oct 2025: spaces and isolates"),
        ("Prices [up] <again>", None, "Brief 25 Oct 2025: Prices [up] <again>"),  # the record is not Markdown
        ("Brief: Undated", dt.datetime(2025, 12, 1, 7, 0, tzinfo=dt.timezone.utc), "Brief 1 Dec 2025: Undated"),
    ],
)
def test_subject_comes_from_the_record(title: str, made_at: dt.datetime | None, subject: str) -> None:
    brief = Brief(**{**BRIEF.__dict__, "title": title, "made_at": made_at or BRIEF.made_at})
    assert mail.make_subject(brief) == subject


def test_long_non_ascii_subject_is_encoded_and_folded() -> None:
    headline = "الاتفاق الأمني بين تركيا وسوريا " * 8
    brief = Brief(**{**BRIEF.__dict__, "title": f"Brief: {headline}"})
    message = mail.build_message(brief, sender="brief@example.org", to=["a@example.org"], now=NOW)
    data = mail.message_bytes(message)
    raw_subject = re.search(rb"^Subject:.*?(?=\r\n\S)", data, re.S | re.M)
    assert raw_subject and raw_subject.group().isascii() and b"=?utf-8?" in raw_subject.group()
    subject = reparse(data)["Subject"]
    assert subject.startswith("Brief 25 Oct 2025: الاتفاق الأمني بين تركيا وسوريا")
    assert subject.endswith("…") and len(subject) <= len("Brief 25 Oct 2025: ") + 121


def test_subject_can_be_given_and_cannot_inject_headers() -> None:
    message = mail.build_message(BRIEF, sender="brief@example.org", to=["a@example.org"],
                                 subject="Morning\r\nBcc: evil@example.com", now=NOW)
    parsed = reparse(mail.message_bytes(message))
    assert parsed["Subject"] == "Morning Bcc: evil@example.com" and parsed["Bcc"] is None


@pytest.mark.parametrize(
    "address",
    ["", "ann", "ann@", "@example.org", "ann@localhost", "a@example.org, b@example.org", "a@example.org\nBcc: b@x.org",
     "ann smith@example.org", "جون@example.org"],
)
def test_bad_addresses_are_refused(address: str) -> None:
    with pytest.raises(ConfigError, match="address|line break|non-ASCII"):
        mail.build_message(BRIEF, sender="brief@example.org", to=[address])


def test_no_recipient_is_refused() -> None:
    with pytest.raises(ConfigError, match="no recipient"):
        mail.build_message(BRIEF, sender="brief@example.org", to=[])


def test_dry_run_eml_parses_back_to_the_same_parts(tmp_path: Path) -> None:
    message = mail.build_message(BRIEF, sender="brief@example.org", to=["ann@example.org"], now=NOW)
    out = tmp_path / "out" / "brief.eml"
    mail.write_eml(message, out)
    assert out.read_bytes() == mail.message_bytes(message)
    parsed = reparse(out.read_bytes())
    plain, rich = parts(parsed)
    assert plain.get_content() == PLAIN
    assert rich.get_content().replace("\r\n", "\n") == mail.to_html(BRIEF)
    assert parsed["Subject"] == "Brief 25 Oct 2025: Turkey and Syria sign a defence pact"  # the day it was made
    assert [p.name for p in out.parent.iterdir()] == ["brief.eml"]  # no temporary file left behind


# ------------------------------------------------------------------------------------------------ settings


def test_settings_from_the_file_table() -> None:
    smtp = mail.smtp_settings(
        {"host": "mail.example.org", "security": "tls", "sender": "brief@example.org", "timeout": 10, "retries": 1},
        {},
    )
    assert (smtp.host, smtp.port, smtp.security, smtp.sender, smtp.timeout, smtp.retries, smtp.backoff) == (
        "mail.example.org", 465, "tls", "brief@example.org", 10.0, 1, 2.0)
    assert smtp.user is None and smtp.password is None


@pytest.mark.parametrize(("security", "port"), [("starttls", 587), ("tls", 465), ("none", 25), ("TLS", 465)])
def test_default_port_follows_security(security: str, port: int) -> None:
    smtp = mail.smtp_settings({"host": "h.example.org", "sender": "b@example.org", "security": security}, {})
    assert smtp.port == port


def test_environment_wins_over_the_file() -> None:
    env = {
        "BRIEF_SMTP_HOST": "env.example.org",
        "BRIEF_SMTP_PORT": "2525",
        "BRIEF_SMTP_SECURITY": "none",
        "BRIEF_SMTP_FROM": "env@example.org",
        "BRIEF_SMTP_RETRIES": "0",
        "BRIEF_SMTP_BACKOFF": "0.5",
        "BRIEF_SMTP_TIMEOUT": "7.5",
    }
    values = {"host": "file.example.org", "port": 587, "security": "starttls", "sender": "file@example.org"}
    smtp = mail.smtp_settings(values, env)
    assert (smtp.host, smtp.port, smtp.security, smtp.sender, smtp.retries, smtp.backoff, smtp.timeout) == (
        "env.example.org", 2525, "none", "env@example.org", 0, 0.5, 7.5)


def test_missing_host_says_how_to_set_it() -> None:
    with pytest.raises(ConfigError, match=r"BRIEF_SMTP_HOST.*\[smtp\]"):
        mail.smtp_settings({}, {})


def test_sender_defaults_to_a_user_that_is_an_address() -> None:
    env = {"BRIEF_SMTP_HOST": "h.example.org", "BRIEF_SMTP_USER": "ann@example.org", "BRIEF_SMTP_PASSWORD": PASSWORD}
    assert mail.smtp_settings({}, env).sender == "ann@example.org"
    with pytest.raises(ConfigError, match="BRIEF_SMTP_FROM"):
        mail.smtp_settings({}, {**env, "BRIEF_SMTP_USER": "ann"})


@pytest.mark.parametrize(
    ("values", "error", "match"),
    [
        ({"hots": "x"}, UnknownNameError, r"unknown \[smtp\] setting 'hots'; valid: .*host"),
        ({"password": "x"}, ConfigError, "password_file"),
        ({"security": "ssl"}, UnknownNameError, "valid: none, starttls, tls"),
        ({"port": "twenty"}, ConfigError, "port must be a whole number"),
        ({"port": 70000}, ConfigError, "out of range"),
        ({"timeout": 0}, ConfigError, "timeout must be more than 0"),
        ({"retries": -1}, ConfigError, "retries must be 0 or more"),
        ({"host": 42}, ConfigError, "host must be text"),
        ({"sender": "not an address"}, ConfigError, "sender"),
        ({"user": "ann"}, ConfigError, "no password"),
        ({"password_env": "MY_SMTP_PW"}, ConfigError, "MY_SMTP_PW.*not set"),
    ],
)
def test_bad_settings_are_refused_clearly(values: dict[str, object], error: type[Exception], match: str) -> None:
    with pytest.raises(error, match=match):
        mail.smtp_settings({"host": "h.example.org", "sender": "b@example.org", **values}, {})


def test_password_from_the_environment_wins() -> None:
    values = {"host": "h.example.org", "sender": "b@example.org", "user": "ann", "password_env": "MY_SMTP_PW"}
    assert mail.smtp_settings(values, {"MY_SMTP_PW": "from-named"}).password == "from-named"
    assert mail.smtp_settings(values, {"MY_SMTP_PW": "from-named", "BRIEF_SMTP_PASSWORD": "x"}).password == "x"


def test_password_file_only_you_can_read(tmp_path: Path) -> None:
    secret = tmp_path / "smtp-password"
    secret.write_text(PASSWORD + "\n", encoding="utf-8")
    values = {"host": "h.example.org", "sender": "b@example.org", "user": "ann", "password_file": str(secret)}
    secret.chmod(0o644)
    with pytest.raises(ConfigError, match=rf"can be read by others .*chmod 600 {re.escape(str(secret))}"):
        mail.smtp_settings(values, {})
    secret.chmod(0o600)
    assert mail.smtp_settings(values, {}).password == PASSWORD  # the editor's final newline is not part of it
    assert mail.smtp_settings(values, {"BRIEF_SMTP_PASSWORD": "env wins"}).password == "env wins"


@pytest.mark.parametrize("problem", ["missing", "folder", "empty"])
def test_bad_password_file(tmp_path: Path, problem: str) -> None:
    path = tmp_path / "pw"
    if problem == "folder":
        path.mkdir(mode=0o700)
    elif problem == "empty":
        path.write_text("\n")
        path.chmod(0o600)
    values = {"host": "h.example.org", "sender": "b@example.org", "user": "ann", "password_file": str(path)}
    with pytest.raises(ConfigError, match="password file"):
        mail.smtp_settings(values, {})


def test_password_never_in_repr_or_str() -> None:
    smtp = mail.SmtpSettings(host="h.example.org", sender="b@example.org", user="ann", password=PASSWORD)
    assert PASSWORD not in repr(smtp) and PASSWORD not in str(smtp) and "ann" in repr(smtp)


def test_password_is_not_sent_in_the_clear_to_another_host() -> None:
    with pytest.raises(ConfigError, match="unencrypted"):
        mail.SmtpSettings(host="mail.example.org", security="none", sender="b@example.org", user="a", password="p")
    mail.SmtpSettings(host="127.0.0.1", security="none", sender="b@example.org", user="a", password="p")  # local


# ------------------------------------------------------------------------------------------------ read_brief


@pytest.mark.parametrize(
    ("content", "match"),
    [(None, "cannot read"), (b"", "empty"), (b"  \n\n", "empty"), (b"# Brief\n\xff\xfe bad", "not UTF-8"),
     ("folder", "folder")],
)
def test_read_brief_refuses_what_it_cannot_use(tmp_path: Path, content: bytes | str | None, match: str) -> None:
    path = tmp_path / "brief.md"
    if content == "folder":
        path.mkdir()
    elif isinstance(content, bytes):
        path.write_bytes(content)
    with pytest.raises(InputError, match=match):
        mail.read_brief(path)


def test_read_brief_drops_a_byte_order_mark(tmp_path: Path) -> None:
    path = tmp_path / "brief.md"
    brief = "# Brief: x\n\n---\n\n_Made by brief 0.1.0 on 2025-12-01 07:00 UTC · x_\n"
    path.write_bytes(b"\xef\xbb\xbf" + brief.encode())
    assert mail.read_brief(path) == brief


# ------------------------------------------------------------------------------------------------ sending


def message_to(*to: str) -> EmailMessage:
    return mail.build_message(BRIEF, sender="brief@example.org", to=list(to), now=NOW)


class Sleeps(list[float]):
    """A sleep that only records how long it was asked to wait."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def test_plain_smtp_delivers_both_parts() -> None:
    with smtp_server() as server:
        mail.send(message_to("ann@example.org", "Bo <bo@example.org>"), server.settings())
    [got] = server.received
    assert got.mail_from == "brief@example.org" and got.rcpt_tos == ("ann@example.org", "bo@example.org")
    assert not got.tls and not got.authenticated
    received = got.message
    assert received["Subject"] == "Brief 25 Oct 2025: Turkey and Syria sign a defence pact"
    assert received.get_content_type() == "multipart/alternative"
    plain, rich = parts(received)
    assert plain.get_content_type() == "text/plain" and plain.get_content_charset() == "utf-8"
    assert plain["Content-Transfer-Encoding"] == "base64" and plain.get_content() == PLAIN
    assert rich.get_content_type() == "text/html" and rich.get_content_charset() == "utf-8"
    assert rich["Content-Transfer-Encoding"] == "quoted-printable"
    page = rich.get_content()
    assert "Turkey and Syria sign a defence pact" in page and ">[1]</a><a" in page and ">Sources</h2>" in page
    assert '<bdi dir="rtl" lang="ar">تركيا &lt;script&gt;' in page and "<script" not in page


def test_starttls_and_auth() -> None:
    with smtp_server(starttls=True, user="ann", password=PASSWORD) as server:
        mail.send(message_to("bo@example.org"), server.settings(), ssl_context=server.client_context())
    [got] = server.received
    assert got.tls and got.authenticated and parts(got.message)[0].get_content() == PLAIN


def test_implicit_tls_and_auth() -> None:
    with smtp_server(implicit_tls=True, user="ann", password=PASSWORD) as server:
        assert server.settings().port == server.port and server.security == "tls"
        mail.send(message_to("bo@example.org"), server.settings(), ssl_context=server.client_context())
    [got] = server.received
    assert got.tls and got.authenticated


def test_wrong_password_is_an_auth_error_without_retries() -> None:
    sleeps = Sleeps()
    with smtp_server(starttls=True, user="ann", password="right") as server:
        with pytest.raises(SmtpAuthError) as caught:
            mail.send(message_to("bo@example.org"), server.settings(password=PASSWORD),
                      ssl_context=server.client_context(), sleep=sleeps)
    assert "refused the login for user 'ann'" in str(caught.value) and "535" in str(caught.value)
    assert PASSWORD not in str(caught.value) and caught.value.exit_code == 10
    assert sleeps == [] and server.received == []


def test_refused_recipient_names_it_and_nobody_gets_the_brief() -> None:
    handler = RefusingHandler(["gone@example.org"])
    with smtp_server(handler) as server:
        with pytest.raises(RecipientRefusedError) as caught:
            mail.send(message_to("ann@example.org", "gone@example.org"), server.settings())
    message = str(caught.value)
    assert "gone@example.org (550 5.1.1" in message and "ann@example.org" not in message
    assert "not sent to anyone" in message and caught.value.exit_code == 11
    assert server.received == [] and handler.data_commands == 0


def test_temporary_failure_is_retried_then_delivered_once() -> None:
    sleeps = Sleeps()
    handler = FlakyHandler(failures=1)
    with smtp_server(handler) as server:
        mail.send(message_to("ann@example.org"), server.settings(backoff=0.25), sleep=sleeps)
    assert handler.data_commands == 2 and len(server.received) == 1 and sleeps == [0.25]


def test_temporary_failures_give_up_after_the_retries() -> None:
    sleeps = Sleeps()
    with smtp_server(FlakyHandler(failures=10)) as server:
        with pytest.raises(DeliveryError, match=r"451 4\.3\.0 Temporary local problem.*\(tried 4 times\)"):
            mail.send(message_to("ann@example.org"), server.settings(retries=3, backoff=0.5), sleep=sleeps)
    assert sleeps == [0.5, 1.0, 2.0]  # exponential backoff between the four tries


def test_server_down_is_retried_then_a_delivery_error() -> None:
    with smtp_server() as server:
        settings = server.settings(retries=2, backoff=0.01)
    # The server has stopped: its port now refuses connections.
    with pytest.raises(DeliveryError) as caught:
        mail.send(message_to("ann@example.org"), settings)
    assert str(caught.value) == (
        f"could not send to ann@example.org via 127.0.0.1:{settings.port}: connection refused (tried 3 times)"
    )
    assert type(caught.value) is DeliveryError and caught.value.exit_code == 8


def test_a_server_that_never_answers_times_out() -> None:
    with silent_server() as port:
        settings = mail.SmtpSettings(host="127.0.0.1", port=port, security="none", sender="b@example.org",
                                     timeout=0.2, retries=0)
        with pytest.raises(DeliveryError, match=r"no answer within 0\.2 s \(tried once\)"):
            mail.send(message_to("ann@example.org"), settings)


def test_starttls_must_be_offered() -> None:
    sleeps = Sleeps()
    with smtp_server() as server:
        with pytest.raises(DeliveryError, match="does not offer STARTTLS"):
            mail.send(message_to("ann@example.org"), server.settings(security="starttls"), sleep=sleeps)
    assert sleeps == [] and server.received == []


@pytest.mark.parametrize("implicit", [True, False], ids=["tls", "starttls"])
def test_untrusted_certificate_is_a_clear_delivery_error(implicit: bool) -> None:
    sleeps = Sleeps()
    with smtp_server(implicit_tls=implicit, starttls=not implicit) as server:
        # The system's CAs do not know the test CA: this is what a self-signed or intercepted server looks like.
        with pytest.raises(DeliveryError, match="TLS certificate of 127.0.0.1:.* could not be verified"):
            mail.send(message_to("ann@example.org"), server.settings(), ssl_context=ssl.create_default_context(),
                      sleep=sleeps)
    assert sleeps == [] and server.received == []


def test_tls_to_a_plain_server_says_to_check_the_port() -> None:
    with smtp_server() as server:
        with pytest.raises(DeliveryError, match="TLS with 127.0.0.1:.* failed .*check the port"):
            mail.send(message_to("ann@example.org"), server.settings(security="tls"))


def test_login_needs_the_server_to_offer_auth() -> None:
    with smtp_server() as server:  # aiosmtpd offers AUTH only over TLS
        with pytest.raises(DeliveryError, match="does not offer AUTH on this connection, so user 'ann' cannot log in"):
            mail.send(message_to("ann@example.org"), server.settings(user="ann", password=PASSWORD))
    assert server.received == []


# ------------------------------------------------------------------------------------------------ brief send


def run_send(monkeypatch: pytest.MonkeyPatch, env: dict[str, str], *args: str | Path):  # noqa: ANN201
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return CliRunner().invoke(app, ["send", *(str(a) for a in args)])


@pytest.fixture
def brief_file(tmp_path: Path) -> Path:
    """A saved brief with its record beside it, as ``brief make`` leaves one when the store cannot keep it."""
    path = tmp_path / "brief.md"
    path.write_text(MARKDOWN, encoding="utf-8")
    path.with_suffix(".json").write_text(render.to_json(BRIEF), encoding="utf-8")
    return path


def test_a_markdown_brief_without_a_record_is_sent_as_plain_text_and_says_so(
    monkeypatch: pytest.MonkeyPatch, brief_file: Path
) -> None:
    brief_file.with_suffix(".json").unlink()
    with smtp_server() as server:
        result = run_send(monkeypatch, server.env(), brief_file, "--to", "ann@example.org")
    assert result.exit_code == 0, result.stderr
    assert "no record of" in result.stderr and "plain text only" in result.stderr
    [got] = server.received
    assert got.message.get_content_type() == "text/plain" and got.message.get_content() == PLAIN
    assert got.message["Subject"] == "Brief 25 Oct 2025: Turkey and Syria sign a defence pact"


def test_an_edited_markdown_brief_is_not_mailed_from_a_stale_record(
    monkeypatch: pytest.MonkeyPatch, brief_file: Path
) -> None:
    brief_file.write_text(MARKDOWN.replace("closely", "very closely"), encoding="utf-8")
    with smtp_server() as server:
        result = run_send(monkeypatch, server.env(), brief_file, "--to", "ann@example.org")
    assert result.exit_code == 0, result.stderr
    [got] = server.received
    assert "very closely" in got.message.get_content() and not got.message.is_multipart()


def test_a_json_brief_is_sent_as_the_full_mail(monkeypatch: pytest.MonkeyPatch, brief_file: Path) -> None:
    with smtp_server() as server:
        result = run_send(monkeypatch, server.env(), brief_file.with_suffix(".json"), "--to", "ann@example.org")
    assert result.exit_code == 0, result.stderr
    [got] = server.received
    plain, rich = parts(got.message)
    assert plain.get_content() == PLAIN and rich.get_content().replace("\r\n", "\n") == mail.to_html(BRIEF)


def test_cli_sends_a_saved_brief(monkeypatch: pytest.MonkeyPatch, brief_file: Path) -> None:
    with smtp_server() as server:
        result = run_send(monkeypatch, server.env(), brief_file, "--to", "ann@example.org", "--to", "bo@example.org")
    assert result.exit_code == 0, result.stderr
    assert f"sent {brief_file} to ann@example.org, bo@example.org via 127.0.0.1:{server.port}" in result.stderr
    [got] = server.received
    assert got.rcpt_tos == ("ann@example.org", "bo@example.org")
    assert parts(got.message)[0].get_content() == PLAIN


def test_cli_starttls_auth_with_a_custom_subject(monkeypatch: pytest.MonkeyPatch, brief_file: Path,
                                                 tmp_path: Path) -> None:
    with smtp_server(starttls=True, user="ann", password=PASSWORD) as server:
        env = server.env(SSL_CERT_FILE=str(server.write_ca(tmp_path / "ca.pem")))
        result = run_send(monkeypatch, env, brief_file, "--to", "bo@example.org", "--subject", "Morning brief", "-q")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == "" and result.stdout == ""
    [got] = server.received
    assert got.tls and got.authenticated and got.message["Subject"] == "Morning brief"


def test_cli_wrong_password_exits_10_without_showing_it(monkeypatch: pytest.MonkeyPatch, brief_file: Path,
                                                        tmp_path: Path) -> None:
    with smtp_server(starttls=True, user="ann", password="right") as server:
        env = server.env(SSL_CERT_FILE=str(server.write_ca(tmp_path / "ca.pem")), BRIEF_SMTP_PASSWORD=PASSWORD)
        result = run_send(monkeypatch, env, brief_file, "--to", "bo@example.org", "--verbose")
    assert result.exit_code == 10
    assert result.stderr.startswith("brief: error: the mail server 127.0.0.1:") and "refused the login" in result.stderr
    assert PASSWORD not in result.stderr + result.stdout
    assert server.received == []


def test_cli_refused_recipient_exits_11(monkeypatch: pytest.MonkeyPatch, brief_file: Path) -> None:
    with smtp_server(RefusingHandler(["gone@example.org"])) as server:
        result = run_send(monkeypatch, server.env(), brief_file, "--to", "gone@example.org")
    assert result.exit_code == 11 and "refused gone@example.org (550" in result.stderr


def test_cli_server_down_exits_8_after_retries(monkeypatch: pytest.MonkeyPatch, brief_file: Path) -> None:
    env = {"BRIEF_SMTP_HOST": "127.0.0.1", "BRIEF_SMTP_PORT": str(closed_port()), "BRIEF_SMTP_SECURITY": "none",
           "BRIEF_SMTP_FROM": "brief@example.org", "BRIEF_SMTP_RETRIES": "2", "BRIEF_SMTP_BACKOFF": "0.01"}
    result = run_send(monkeypatch, env, brief_file, "--to", "ann@example.org")
    assert result.exit_code == 8
    assert "connection refused (tried 3 times)" in result.stderr and result.stderr.count("\n") == 1


def test_cli_dry_run_writes_the_message_and_sends_nothing(monkeypatch: pytest.MonkeyPatch, brief_file: Path,
                                                          tmp_path: Path) -> None:
    out = tmp_path / "brief.eml"  # next to the brief, as `brief make --email --dry-run` writes it
    with smtp_server() as server:
        result = run_send(monkeypatch, server.env(), brief_file, "--to", "ann@example.org", "--dry-run")
    assert result.exit_code == 0, result.stderr
    assert f"wrote the message to {out} instead of sending it" in result.stderr and server.received == []
    parsed = reparse(out.read_bytes())
    plain, rich = parts(parsed)
    assert parsed["To"] == "ann@example.org" and parsed["From"] == "brief@example.org"
    assert plain.get_content() == PLAIN and "Turkey and Syria sign a defence pact" in rich.get_content()


@pytest.mark.parametrize(("content", "match"), [(None, "cannot read"), (b"", "is empty"), (b"\xff\xfe\x00", "UTF-8")])
def test_cli_unusable_brief_exits_3(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, content: bytes | None,
                                    match: str) -> None:
    path = tmp_path / "brief.md"
    if content is not None:
        path.write_bytes(content)
    env = {"BRIEF_SMTP_HOST": "127.0.0.1", "BRIEF_SMTP_FROM": "brief@example.org"}
    result = run_send(monkeypatch, env, path, "--to", "ann@example.org")
    assert result.exit_code == 3 and match in result.stderr


def test_cli_without_smtp_settings_exits_4(brief_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = run_send(monkeypatch, {}, brief_file, "--to", "ann@example.org")
    assert result.exit_code == 4 and "BRIEF_SMTP_HOST" in result.stderr


@pytest.mark.parametrize("to", ["not-an-address", "a@example.org\r\nBcc: b@example.org"])
def test_cli_bad_recipient_is_a_usage_error(brief_file: Path, monkeypatch: pytest.MonkeyPatch, to: str) -> None:
    result = run_send(monkeypatch, {}, brief_file, "--to", to)
    assert result.exit_code == 2 and "--to" in result.stderr


def test_nothing_in_os_environ_is_read_by_the_library(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BRIEF_SMTP_HOST", "env.example.org")
    with pytest.raises(ConfigError, match="BRIEF_SMTP_HOST"):
        mail.smtp_settings({}, {})  # only the mapping handed in counts
    assert os.environ["BRIEF_SMTP_HOST"] == "env.example.org"


def write_config(tmp_path: Path, smtp_table: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(f"[smtp]\n{smtp_table}\n", encoding="utf-8")
    return path


def test_cli_reads_the_smtp_table_of_the_config_file(monkeypatch: pytest.MonkeyPatch, brief_file: Path,
                                                     tmp_path: Path) -> None:
    secret = tmp_path / "smtp-password"
    secret.write_text(PASSWORD + "\n", encoding="utf-8")
    secret.chmod(0o600)
    with smtp_server(starttls=True, user="ann", password=PASSWORD) as server:
        config = write_config(tmp_path, (
            f'host = "127.0.0.1"\nport = {server.port}\nsecurity = "starttls"\nuser = "ann"\n'
            'sender = "brief@example.org"\npassword_file = "smtp-password"\nretries = 0\n'
        ))
        env = {"BRIEF_CONFIG": str(config), "SSL_CERT_FILE": str(server.write_ca(tmp_path / "ca.pem"))}
        result = run_send(monkeypatch, env, brief_file, "--to", "bo@example.org")
    assert result.exit_code == 0, result.stderr
    [got] = server.received
    assert got.tls and got.authenticated


def test_cli_refuses_a_password_file_others_can_read(monkeypatch: pytest.MonkeyPatch, brief_file: Path,
                                                    tmp_path: Path) -> None:
    secret = tmp_path / "smtp-password"
    secret.write_text(PASSWORD, encoding="utf-8")
    secret.chmod(0o644)
    config = write_config(tmp_path, f'host = "127.0.0.1"\nsender = "b@example.org"\nuser = "ann"\n'
                                    f'password_file = "{secret}"\n')
    result = run_send(monkeypatch, {"BRIEF_CONFIG": str(config)}, brief_file, "--to", "bo@example.org")
    assert result.exit_code == 4 and f"chmod 600 {secret}" in result.stderr
    assert PASSWORD not in result.stderr + result.stdout


# ------------------------------------------------------------------------------------------------ the record


@pytest.mark.parametrize("budget", [500, 40], ids=["whole", "cut-to-fit"])
def test_from_json_reads_to_json_back_to_the_same_markdown_and_mail(budget: int) -> None:
    brief = Brief(**{**make_brief((Skipped("bad.txt", "empty file"),), point="A point. " * 12).__dict__,
                     "word_budget": budget, "left_out": ("3 articles were in an earlier brief",)})  # fmt: skip
    back = Brief.from_json(render.to_json(brief))
    assert render.to_markdown(back) == render.to_markdown(brief)
    assert mail.to_html(back) == mail.to_html(brief)


@pytest.mark.parametrize("text", ["{}", '{"signature": "x"}', "[1, 2]", "not json", '{"signature": 1, "sections": 2}'])
def test_from_json_refuses_what_is_not_a_brief(text: str) -> None:
    with pytest.raises(ValueError, match="brief|JSON|Expecting"):
        Brief.from_json(text)
