"""The email message: one multipart/alternative with the Markdown as text/plain and its HTML as text/html.

Also the subject drawn from the brief, the header policy that keeps an Arabic subject readable, the bytes as they
go over SMTP, checking an address, reading a saved brief and writing the message as a .eml file (``--dry-run``).
"""

from __future__ import annotations

import base64
import datetime as dt
import re
from collections.abc import Sequence
from email.message import EmailMessage, MIMEPart
from email.policy import EmailPolicy
from email.utils import format_datetime, getaddresses, make_msgid
from pathlib import Path

from brief import __version__
from brief.errors import ConfigError, InputError
from brief.mail.html import _BIDI_CONTROLS, to_html
from brief.mail.plain import for_mail, isolate_plain
from brief.records import Brief


class _Policy(EmailPolicy):
    """The standard email policy, except that a non-ASCII Subject keeps its spaces when folded.

    Python's folder (3.11) splits a long non-ASCII subject into encoded words with the spaces between them as
    folding whitespace, which RFC 2047 decoders (mail clients, and Python's own parser) drop: an Arabic headline
    arrived with words run together. Here the spaces stay inside the encoded words.
    """

    def fold(self, name: str, value: str) -> str:
        """Fold one header for a str generator."""
        folded = self._fold_encoded(name, value)
        return folded if folded is not None else super().fold(name, value)

    def fold_binary(self, name: str, value: str) -> bytes:
        """Fold one header for a bytes generator."""
        folded = self._fold_encoded(name, value)
        return folded.encode("ascii") if folded is not None else super().fold_binary(name, value)

    def _fold_encoded(self, name: str, value: str) -> str | None:
        text = str(value)
        if name.lower() != "subject" or text.isascii() or "\r" in text or "\n" in text:
            return None
        first = next(i for i, ch in enumerate(text) if not ch.isascii())
        cut = text.rfind(" ", 0, first) + 1  # plain ASCII words before the first non-ASCII one stay readable
        prefix, rest = text[:cut].rstrip(), text[cut:]
        chunks, chunk = [], ""
        for ch in rest:
            # 39 bytes make a 64-character encoded word, so "Subject: " plus one word fits in 78 columns.
            if chunk and len((chunk + ch).encode("utf-8")) > 39:
                chunks.append(chunk)
                chunk = ""
            chunk += ch
        chunks.append(chunk)
        words = [f"=?utf-8?b?{base64.b64encode(c.encode('utf-8')).decode('ascii')}?=" for c in chunks]
        limit = self.max_line_length or 78
        lines = [f"{name}:"]
        for token in ([prefix] if prefix else []) + words:
            if len(lines[-1]) + 1 + len(token) <= limit or lines[-1] == f"{name}:":
                lines[-1] += " " + token
            else:
                lines.append(" " + token)
        return self.linesep.join(lines) + self.linesep


# Built with "\n" so the text part keeps the Markdown's own line endings; sent and saved with CRLF as SMTP wants.
_POLICY = _Policy()
_WIRE = _POLICY.clone(linesep="\r\n")

_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")
_SUBJECT_HEADLINE_MAX = 120
# The Markdown's backslash escapes (render.escape), read as their character.
_BACKSLASHED = re.compile(r"\\([\\<>\[\]])")


# --------------------------------------------------------------------------------------------------- addresses


def check_address(text: str, what: str = "address") -> str:
    """The bare address (``a@example.org``) of one mailbox such as ``Name <a@example.org>``, or ConfigError."""
    if "\r" in text or "\n" in text:
        raise ConfigError(f"{what} {text!r} contains a line break")
    found = getaddresses([text])
    if len(found) != 1:
        raise ConfigError(f"{what} {text!r} is not one email address")
    addr = found[0][1]
    local, _, domain = addr.rpartition("@")
    if not local or not domain or "." not in domain.strip(".") or any(c.isspace() for c in addr):
        raise ConfigError(f"{what} {text!r} is not an email address")
    if not addr.isascii():
        raise ConfigError(f"{what} {text!r}: non-ASCII addresses are not supported; use the ASCII (xn--) form")
    return addr


# --------------------------------------------------------------------------------------------------- message

def _one_line(text: str) -> str:
    return " ".join(_BIDI_CONTROLS.sub("", text).split())


def _subject(day: dt.date, headline: str | None) -> str:
    subject = f"Brief {day.day} {_MONTHS[day.month - 1][:3]} {day.year}"
    if headline:
        headline = _one_line(headline)
        if len(headline) > _SUBJECT_HEADLINE_MAX:
            headline = headline[:_SUBJECT_HEADLINE_MAX].rsplit(" ", 1)[0].rstrip(" ,;:—-") + "…"
        subject += f": {headline}"
    return subject


def make_subject(brief: Brief) -> str:
    """'Brief 30 Nov 2026: <headline>', the day (local time) the brief was made, so a saved brief is resent as it was.

    A daily brief is known by the day it was made; the span its articles cover is in its body.
    """
    headline = brief.title.removeprefix("Brief:").strip() or None
    return _subject(brief.made_at.astimezone().date(), headline)


def _checked_message(sender: str, to: Sequence[str], subject: str, now: dt.datetime | None) -> EmailMessage:
    """The message's headers, with the sender and every recipient checked."""
    sender_addr = check_address(sender, "sender")
    if not to:
        raise ConfigError("no recipient: give at least one address to send the brief to")
    for address in to:
        check_address(address, "recipient")
    when = (now or dt.datetime.now()).astimezone()
    message = EmailMessage(policy=_POLICY)
    message["From"] = sender
    message["To"] = ", ".join(to)
    message["Subject"] = _one_line(subject)
    message["Date"] = format_datetime(when)
    message["Message-ID"] = make_msgid(domain=sender_addr.rpartition("@")[2])
    message["MIME-Version"] = "1.0"
    message["User-Agent"] = f"brief/{__version__}"
    return message


def _plain_part(text: str) -> MIMEPart:
    plain = MIMEPart(policy=_POLICY)
    # Bytes and base64, so neither line endings, trailing spaces nor a leading "From " are touched on the way.
    plain.set_content(isolate_plain(text).encode("utf-8"), maintype="text", subtype="plain", cte="base64")
    plain.set_param("charset", "utf-8")
    return plain


def build_message(
    brief: Brief,
    *,
    sender: str,
    to: Sequence[str],
    subject: str | None = None,
    now: dt.datetime | None = None,
) -> EmailMessage:
    """One multipart/alternative message made from the brief's record: its Markdown as text/plain, HTML as text/html.

    Both leave out the local files the sources were read from; the plain text is ``render.to_markdown(brief,
    for_mail=True)`` with every Arabic run direction-isolated (``isolate_plain``), otherwise byte for byte.
    """
    from brief import render

    message = _checked_message(sender, to, subject if subject is not None else make_subject(brief), now)
    message.make_alternative()
    rich = MIMEPart(policy=_POLICY)
    rich.set_content(to_html(brief), subtype="html", charset="utf-8", cte="quoted-printable")
    # The email package documents MIMEPart parts for a multipart message; typeshed's attach() asks for a message.
    message.attach(_plain_part(render.to_markdown(brief, for_mail=True)))  # type: ignore[arg-type]
    message.attach(rich)  # type: ignore[arg-type]
    return message


# A Markdown brief with no record anywhere (no JSON beside it, not in the store) is mailed as it is: plain text.
_MADE_ON = re.compile(r"Made by brief \S+ on (\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}) UTC")


def made_day(markdown: str) -> dt.date | None:
    """The day (local time) a Markdown brief was made, from its footer; None when it has none."""
    made = _MADE_ON.search(markdown)
    if not made:
        return None
    try:
        year, month, day, hour, minute = (int(g) for g in made.groups())
        moment = dt.datetime(year, month, day, hour, minute, tzinfo=dt.timezone.utc)
    except ValueError:
        return None
    return moment.astimezone().date()


def markdown_subject(markdown: str, now: dt.datetime | None = None) -> str:
    """The subject of a Markdown-only brief: its made day and its '# ' headline, as ``make_subject`` says them."""
    first = next((line.strip() for line in markdown.splitlines() if line.strip()), "")
    # The Markdown escapes what an article's text could make into markup (render.escape): undo that here.
    headline = _BACKSLASHED.sub(r"\1", first.removeprefix("# ")).removeprefix("Brief:").strip() or None
    return _subject(made_day(markdown) or (now or dt.datetime.now()).astimezone().date(), headline)


def build_text_message(
    markdown: str,
    *,
    sender: str,
    to: Sequence[str],
    subject: str | None = None,
    now: dt.datetime | None = None,
) -> EmailMessage:
    """A Markdown brief with no record (JSON) to make the HTML from: one text/plain part, as mailed
    (``for_mail``: no local file paths; Arabic isolated)."""
    message = _checked_message(sender, to, subject if subject is not None else markdown_subject(markdown, now), now)
    message.set_content(isolate_plain(for_mail(markdown)).encode("utf-8"), maintype="text", subtype="plain",
                        cte="base64")  # fmt: skip
    message.set_param("charset", "utf-8")
    return message


def message_bytes(message: EmailMessage) -> bytes:
    """The message exactly as it goes over SMTP (CRLF line endings)."""
    return message.as_bytes(policy=_WIRE)


# --------------------------------------------------------------------------------------------------- files


_FOOTER = re.compile(r"^_?Made by brief \S+ on \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC", re.MULTILINE)


def is_brief(text: str) -> bool:
    """True for a Markdown brief as ``brief make`` writes it: a '# ' headline first, and its 'Made by brief' footer.

    What is mailed must be a brief: not a JSON dump, a log or any other text that happens to be at hand.
    """
    first = next((line for line in text.splitlines() if line.strip()), "")
    return first.startswith("# ") and _FOOTER.search(text) is not None


def read_text(path: Path) -> str:
    """A saved brief's text (Markdown or JSON), or InputError saying why it cannot be read."""
    from brief.userfiles import BRIEF_LIMIT, read_user_bytes

    data = read_user_bytes(path, what="brief", limit=BRIEF_LIMIT, error=InputError)  # regular files only, bounded
    try:
        text = data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as err:
        raise InputError(f"{path} is not UTF-8 text (byte 0x{data[err.start]:02x} at offset {err.start})") from None
    if not text.strip():
        raise InputError(f"{path} is empty")
    return text


def read_brief(path: Path) -> str:
    """A saved Markdown brief, or InputError saying why it cannot be used."""
    text = read_text(path)
    if not is_brief(text):
        raise InputError(
            f"{path} is not a brief made by brief; a brief starts with its '# ' headline and ends with its"
            " 'Made by brief' footer (or is the JSON brief `brief make --format json` writes)"
        )
    return text


def write_eml(message: EmailMessage, path: Path) -> None:
    """Save the message as a .eml file, byte for byte what ``send`` would hand the server."""
    from brief.deliver import write_atomic

    write_atomic(path, message_bytes(message))
