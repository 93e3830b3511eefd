"""Email a rendered brief: one multipart/alternative message (the Markdown and a safe HTML rendering) over SMTP.

markdown -> build_message -> EmailMessage -> send (SMTP, STARTTLS or TLS, AUTH, retries) or write_eml (--dry-run)

Settings come in as one ``SmtpSettings``, built by ``smtp_settings`` from the config file's ``[smtp]`` table and an
environment mapping handed in by the caller; this module never reads ``os.environ`` itself.
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import ipaddress
import re
import smtplib
import socket
import ssl
import stat
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from email.message import EmailMessage, MIMEPart
from email.policy import EmailPolicy
from email.utils import format_datetime, getaddresses, make_msgid
from pathlib import Path

from brief import __version__
from brief.errors import (
    ConfigError,
    DeliveryError,
    InputError,
    RecipientRefusedError,
    SmtpAuthError,
    UnknownNameError,
)



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

SECURITY_PORTS = {"starttls": 587, "tls": 465, "none": 25}
FILE_KEYS = ("host", "port", "security", "user", "sender", "password_file", "password_env", "timeout", "retries", "backoff")
ENV_KEYS = {
    "host": "BRIEF_SMTP_HOST",
    "port": "BRIEF_SMTP_PORT",
    "security": "BRIEF_SMTP_SECURITY",
    "user": "BRIEF_SMTP_USER",
    "sender": "BRIEF_SMTP_FROM",
    "timeout": "BRIEF_SMTP_TIMEOUT",
    "retries": "BRIEF_SMTP_RETRIES",
    "backoff": "BRIEF_SMTP_BACKOFF",
}
PASSWORD_ENV = "BRIEF_SMTP_PASSWORD"

_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")
_SUBJECT_HEADLINE_MAX = 120


# --------------------------------------------------------------------------------------------------- settings


def _is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True, kw_only=True)
class SmtpSettings:
    """How to reach the mail server; the password never shows in repr or str."""

    host: str
    port: int = 0  # 0: the usual port for ``security`` (587 starttls, 465 tls, 25 none)
    security: str = "starttls"  # starttls | tls | none
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    sender: str
    timeout: float = 30.0  # seconds, for connecting and for each reply
    retries: int = 3  # further tries after the first, for temporary failures only
    backoff: float = 2.0  # seconds before the first retry, doubling each time

    def __post_init__(self) -> None:
        if not self.host.strip():
            raise ConfigError(f"no SMTP host: set {ENV_KEYS['host']} or host in the config file's [smtp] table")
        if self.security not in SECURITY_PORTS:
            raise UnknownNameError("SMTP security", self.security, SECURITY_PORTS)
        if self.port == 0:
            object.__setattr__(self, "port", SECURITY_PORTS[self.security])
        if not 0 < self.port < 65536:
            raise ConfigError(f"SMTP port {self.port} is out of range (1-65535)")
        if not self.timeout > 0:
            raise ConfigError(f"SMTP timeout must be more than 0 seconds, not {self.timeout:g}")
        if self.retries < 0:
            raise ConfigError(f"SMTP retries must be 0 or more, not {self.retries}")
        if self.backoff < 0:
            raise ConfigError(f"SMTP backoff must be 0 seconds or more, not {self.backoff:g}")
        check_address(self.sender, "sender")
        if self.user and not self.password:
            raise ConfigError(
                f"SMTP user {self.user!r} has no password: set {PASSWORD_ENV}, or password_file "
                "(a file only you can read) in the config file's [smtp] table"
            )
        if self.password and not self.user:
            raise ConfigError(
                f"an SMTP password is set but no user: set {ENV_KEYS['user']} or user in the config file's [smtp] table"
            )
        if self.user and self.security == "none" and not _is_loopback(self.host):
            # AUTH without TLS would send the password in the clear across the network.
            raise ConfigError(
                f"refusing to send the SMTP password unencrypted to {self.host}: use security starttls or tls"
            )


def _text_value(key: str, value: object) -> str:
    if isinstance(value, str):
        return value.strip()
    raise ConfigError(f"[smtp] {key} must be text, not {type(value).__name__} {value!r}")


def _number(key: str, value: object, kind: type[int] | type[float]) -> int | float:
    """A number from the file (already typed) or from the environment (text)."""
    if isinstance(value, bool):
        raise ConfigError(f"SMTP {key} must be a number, not {value!r}")
    if isinstance(value, int) or (isinstance(value, float) and kind is float):
        return kind(value)
    if isinstance(value, str):
        try:
            return kind(value.strip())
        except ValueError:
            pass
    what = "a whole number" if kind is int else "a number"
    raise ConfigError(f"SMTP {key} must be {what}, not {value!r}")


def _read_password_file(path: Path) -> str:
    path = path.expanduser()
    try:
        info = path.stat()
    except OSError as err:
        raise ConfigError(f"cannot read the SMTP password file {path}: {err.strerror or err}") from None
    if not stat.S_ISREG(info.st_mode):
        raise ConfigError(f"the SMTP password file {path} is not a regular file")
    if info.st_mode & 0o077:
        raise ConfigError(
            f"the SMTP password file {path} can be read by others (mode {stat.filemode(info.st_mode)}); "
            f"run: chmod 600 {path}"
        )
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        reason = err.strerror if isinstance(err, OSError) else "not UTF-8 text"
        raise ConfigError(f"cannot read the SMTP password file {path}: {reason or err}") from None
    password = text.removesuffix("\n").removesuffix("\r")  # an editor's final newline is not part of the password
    if not password:
        raise ConfigError(f"the SMTP password file {path} is empty")
    return password


def smtp_settings(values: Mapping[str, object], env: Mapping[str, str]) -> SmtpSettings:
    """Build the SMTP settings from the config file's ``[smtp]`` table and the environment (which wins)."""
    unknown = set(values) - set(FILE_KEYS)
    if "password" in unknown:
        raise ConfigError(
            "put the SMTP password in a file only you can read (password_file) or in "
            f"{PASSWORD_ENV}, not in the config file"
        )
    if unknown:
        raise UnknownNameError("[smtp] setting", sorted(unknown)[0], FILE_KEYS)

    merged: dict[str, object] = {k: v for k, v in values.items() if v is not None}
    for key, name in ENV_KEYS.items():
        if env.get(name, "").strip():
            merged[key] = env[name]

    if not merged.get("host"):
        raise ConfigError(
            f"no SMTP server configured: set {ENV_KEYS['host']} (and {ENV_KEYS['sender']}), "
            "or host and sender in the [smtp] table of the config file"
        )
    host = _text_value("host", merged["host"])
    security = _text_value("security", merged.get("security", "starttls")).lower()
    user = _text_value("user", merged["user"]) if merged.get("user") else None
    sender = _text_value("sender", merged["sender"]) if merged.get("sender") else ""
    if not sender:
        if user and "@" in user:
            sender = user  # most providers send as the login address
        else:
            raise ConfigError(
                f"no sender address: set {ENV_KEYS['sender']} or sender in the config file's [smtp] table"
            )

    password: str | None = None
    password_env = _text_value("password_env", merged["password_env"]) if merged.get("password_env") else None
    if env.get(PASSWORD_ENV):
        password = env[PASSWORD_ENV]
    elif password_env and env.get(password_env):
        password = env[password_env]
    elif merged.get("password_file"):
        password = _read_password_file(Path(_text_value("password_file", merged["password_file"])))
    elif password_env:
        raise ConfigError(f"[smtp] password_env names {password_env}, but it is not set")

    return SmtpSettings(
        host=host,
        port=int(_number("port", merged.get("port", 0), int)),
        security=security,
        user=user,
        password=password,
        sender=sender,
        timeout=float(_number("timeout", merged.get("timeout", 30.0), float)),
        retries=int(_number("retries", merged.get("retries", 3), int)),
        backoff=float(_number("backoff", merged.get("backoff", 2.0), float)),
    )


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


# --------------------------------------------------------------------------------------------------- HTML

_ARABIC = "\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff"
# A run of Arabic words with the spaces, digits and punctuation between them, so a whole phrase is one RTL island.
_ARABIC_RUN = re.compile(rf"[{_ARABIC}](?:[{_ARABIC}\s\d.,:;!?«»\"'()\-]*[{_ARABIC}])?")
_ISOLATE_DIR = {"\u2066": "ltr", "\u2067": "rtl", "\u2068": "auto"}
_INLINE = re.compile(
    r"(?P<isolate>[\u2066\u2067\u2068](?P<isolated>[^\u2066-\u2069]*)\u2069)"
    r"|(?P<url>https?://[^\s<>\"\u2066-\u2069]*[^\s<>\"\u2066-\u2069.,;:!?)\]'])"
    r"|(?P<cites>(?:\[\d{1,4}\])+)"
    r"|\*\*(?P<bold>[^\s*](?:.*?[^\s*])?)\*\*"
    r"|(?<![\w*])\*(?P<em>[^\s*](?:[^*]*?[^\s*])?)\*(?![\w*])"
    r"|(?<![\w_])_(?P<em_>[^\s_](?:.*?[^\s_])?)_(?![\w_])"
)
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)(?:\s+#+)?\s*$")  # "# C#" keeps its "#"; "# x ##" does not
_BULLET = re.compile(r"^\s{0,3}[-*+]\s+(.*)$")
_SOURCE = re.compile(r"^\[(\d{1,4})\]\s+(.*)$")
_RULE = re.compile(r"^\s{0,3}([-*_])(?:\s*\1){2,}\s*$")
_BIDI_CONTROLS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")

_FONT = "font-family:-apple-system,'Segoe UI',Helvetica,Arial,sans-serif"
_STYLE = {
    "body": f"margin:0;padding:0;background:#ffffff;color:#1a1a1a;{_FONT}",
    "wrap": f"max-width:680px;margin:0 auto;padding:16px;font-size:16px;line-height:1.5;{_FONT}",
    "h1": "font-size:22px;line-height:1.3;margin:0 0 4px 0",
    "h2": "font-size:17px;margin:22px 0 8px 0;padding-bottom:2px;border-bottom:1px solid #dddddd",
    "h3": "font-size:16px;margin:18px 0 6px 0",
    "p": "margin:0 0 12px 0",
    "ul": "margin:0 0 12px 0;padding-left:22px",
    "li": "margin:0 0 6px 0",
    "cite": "color:#666666;font-size:13px;white-space:nowrap",
    "a": "color:#1a55a0",
    "table": "border-collapse:collapse;width:100%;margin:0 0 12px 0;font-size:14px",
    "num": "vertical-align:top;padding:3px 8px 3px 0;white-space:nowrap;color:#666666",
    "src": "vertical-align:top;padding:3px 0",
    "hr": "border:0;border-top:1px solid #dddddd;margin:22px 0 12px 0",
    "small": "margin:0 0 8px 0;font-size:12px;color:#666666",
    "small_li": "margin:0 0 4px 0;font-size:12px;color:#666666",
}


def _plain_text(raw: str, *, mark_arabic: bool) -> str:
    """Escape text; mark Arabic runs right-to-left unless the caller already did."""
    if not mark_arabic:
        return html.escape(raw)
    out, pos = [], 0
    for m in _ARABIC_RUN.finditer(raw):
        out += [html.escape(raw[pos : m.start()]), f'<bdi dir="rtl" lang="ar">{html.escape(m.group())}</bdi>']
        pos = m.end()
    out.append(html.escape(raw[pos:]))
    return "".join(out)


def _inline(raw: str, *, mark_arabic: bool = True) -> str:
    """Inline Markdown (emphasis, citations, links, isolates) to HTML; everything else is escaped text."""
    out, pos = [], 0
    for m in _INLINE.finditer(raw):
        out.append(_plain_text(raw[pos : m.start()], mark_arabic=mark_arabic))
        pos = m.end()
        if m.group("isolate") is not None:
            direction = _ISOLATE_DIR[m.group("isolate")[0]]
            inner = m.group("isolated")
            lang = ' lang="ar"' if direction == "rtl" and re.search(f"[{_ARABIC}]", inner) else ""
            out.append(f'<bdi dir="{direction}"{lang}>{_inline(inner, mark_arabic=False)}</bdi>')
        elif m.group("url") is not None:
            url = html.escape(m.group("url"))
            out.append(f'<a href="{url}" style="{_STYLE["a"]}">{url}</a>')
        elif m.group("cites") is not None:
            out.append(f'<span style="{_STYLE["cite"]}">{html.escape(m.group("cites"))}</span>')
        elif m.group("bold") is not None:
            out.append(f"<strong>{_inline(m.group('bold'), mark_arabic=mark_arabic)}</strong>")
        else:
            inner = m.group("em") if m.group("em") is not None else m.group("em_")
            out.append(f"<em>{_inline(inner, mark_arabic=mark_arabic)}</em>")
    out.append(_plain_text(raw[pos:], mark_arabic=mark_arabic))
    return "".join(out)


def _source_row(n: str, rest: str) -> str:
    publisher, sep, tail = rest.partition(" — ")
    body = f"<strong>{_inline(publisher)}</strong>{sep}{_inline(tail)}" if sep else _inline(rest)
    return (
        f'<tr><td style="{_STYLE["num"]}">[{html.escape(n)}]</td>'
        f'<td style="{_STYLE["src"]}">{body}</td></tr>'
    )


def markdown_to_html(markdown: str) -> str:
    """The brief's Markdown as a small, self-contained HTML document: inline styles only, everything escaped."""
    body: list[str] = []
    paragraph: list[str] = []
    items: list[str] = []
    rows: list[str] = []
    section = ""
    after_rule = False
    title = ""

    def flush_paragraph() -> None:
        if paragraph:
            style = _STYLE["small"] if after_rule else _STYLE["p"]
            body.append(f'<p style="{style}">' + "\n".join(_inline(line) for line in paragraph) + "</p>")
            paragraph.clear()

    def flush_list() -> None:
        if items:
            body.append(f'<ul style="{_STYLE["ul"]}">' + "".join(items) + "</ul>")
            items.clear()

    def flush_rows() -> None:
        if rows:
            body.append(
                f'<table role="presentation" cellpadding="0" cellspacing="0" style="{_STYLE["table"]}">'
                + "".join(rows)
                + "</table>"
            )
            rows.clear()

    def flush_all() -> None:
        flush_paragraph()
        flush_list()
        flush_rows()

    for raw_line in markdown.splitlines():
        line = raw_line.rstrip()
        if not line.strip():
            flush_paragraph()  # a blank line ends a paragraph; lists and the source table run on across it
            continue
        heading = _HEADING.match(line)
        bullet = _BULLET.match(line)
        source = _SOURCE.match(line) if section == "sources" else None
        if heading:
            flush_all()
            level = min(len(heading.group(1)), 3)
            text = heading.group(2)
            if not title and level == 1:
                title = _BIDI_CONTROLS.sub("", text)
            section = _BIDI_CONTROLS.sub("", text).strip().lower()
            body.append(f'<h{level} style="{_STYLE[f"h{level}"]}">{_inline(text)}</h{level}>')
        elif _RULE.match(line):
            flush_all()
            body.append(f'<hr style="{_STYLE["hr"]}">')
            after_rule, section = True, ""
        elif bullet:
            flush_paragraph()  # as in CommonMark, a list may interrupt a paragraph
            flush_rows()
            style = _STYLE["small_li"] if after_rule else _STYLE["li"]
            items.append(f'<li style="{style}">{_inline(bullet.group(1))}</li>')
        elif source:
            flush_paragraph()
            flush_list()
            rows.append(_source_row(source.group(1), source.group(2)))
        else:
            if not paragraph:
                flush_list()
                flush_rows()
            paragraph.append(line.strip())
    flush_all()

    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html.escape(title or 'Brief')}</title>\n</head>\n"
        f'<body style="{_STYLE["body"]}">\n<div style="{_STYLE["wrap"]}">\n'
        + "\n".join(body)
        + "\n</div>\n</body>\n</html>\n"
    )


# --------------------------------------------------------------------------------------------------- message

_SOURCES_LINE = re.compile(r"^\*\d+ sources? · (.*)\*\s*$")
_LONG_DATE = re.compile(rf"\b(\d{{1,2}}) ({'|'.join(_MONTHS)}) (\d{{4}})\b")
_MADE_ON = re.compile(r"Made by brief \S+ on (\d{4})-(\d{2})-(\d{2})\b")


def _brief_date(markdown: str) -> dt.date | None:
    """The newest date the brief covers (its sources line), else the day it was made (its footer)."""
    for line in markdown.splitlines():
        found = _SOURCES_LINE.match(line.strip())
        if found:
            days = []
            for day, month, year in _LONG_DATE.findall(found.group(1)):
                try:
                    days.append(dt.date(int(year), _MONTHS.index(month) + 1, int(day)))
                except ValueError:
                    continue
            if days:
                return max(days)
            break
    made = _MADE_ON.search(markdown)
    if made:
        try:
            return dt.date(*(int(g) for g in made.groups()))
        except ValueError:
            return None
    return None


def _headline(markdown: str) -> str | None:
    for line in markdown.splitlines():
        found = _HEADING.match(line.strip())
        if found and len(found.group(1)) == 1:
            text = _BIDI_CONTROLS.sub("", found.group(2)).strip()
            return text.removeprefix("Brief:").strip() or None
    return None


def _one_line(text: str) -> str:
    return " ".join(_BIDI_CONTROLS.sub("", text).split())


def make_subject(markdown: str, now: dt.datetime | None = None) -> str:
    """'Brief 24 Oct 2025: <headline>' from the brief itself, so a saved brief can be resent as it was."""
    day = _brief_date(markdown) or (now or dt.datetime.now().astimezone()).date()
    subject = f"Brief {day.day} {_MONTHS[day.month - 1][:3]} {day.year}"
    headline = _headline(markdown)
    if headline:
        headline = _one_line(headline)
        if len(headline) > _SUBJECT_HEADLINE_MAX:
            headline = headline[:_SUBJECT_HEADLINE_MAX].rsplit(" ", 1)[0].rstrip(" ,;:—-") + "…"
        subject += f": {headline}"
    return subject


def build_message(
    markdown: str,
    *,
    sender: str,
    to: Sequence[str],
    subject: str | None = None,
    now: dt.datetime | None = None,
) -> EmailMessage:
    """One multipart/alternative message: the Markdown exactly as text/plain, its HTML rendering as text/html."""
    sender_addr = check_address(sender, "sender")
    if not to:
        raise ConfigError("no recipient: give at least one address to send the brief to")
    for address in to:
        check_address(address, "recipient")
    when = (now or dt.datetime.now()).astimezone()
    message = EmailMessage(policy=_POLICY)
    message["From"] = sender
    message["To"] = ", ".join(to)
    message["Subject"] = _one_line(subject) if subject is not None else make_subject(markdown, when)
    message["Date"] = format_datetime(when)
    message["Message-ID"] = make_msgid(domain=sender_addr.rpartition("@")[2])
    message["MIME-Version"] = "1.0"
    message["User-Agent"] = f"brief/{__version__}"
    message.make_alternative()

    plain = MIMEPart(policy=_POLICY)
    # Bytes and base64, so neither line endings, trailing spaces nor a leading "From " are touched on the way.
    plain.set_content(markdown.encode("utf-8"), maintype="text", subtype="plain", cte="base64")
    plain.set_param("charset", "utf-8")
    rich = MIMEPart(policy=_POLICY)
    rich.set_content(markdown_to_html(markdown), subtype="html", charset="utf-8", cte="quoted-printable")
    message.attach(plain)
    message.attach(rich)
    return message


def message_bytes(message: EmailMessage) -> bytes:
    """The message exactly as it goes over SMTP (CRLF line endings)."""
    return message.as_bytes(policy=_WIRE)


# --------------------------------------------------------------------------------------------------- files


def read_brief(path: Path) -> str:
    """A saved Markdown brief, or InputError saying why it cannot be used."""
    try:
        data = path.expanduser().read_bytes()
    except IsADirectoryError:
        raise InputError(f"{path} is a folder, not a brief") from None
    except OSError as err:
        raise InputError(f"cannot read {path}: {err.strerror or err}") from None
    try:
        text = data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as err:
        raise InputError(f"{path} is not UTF-8 text (byte 0x{data[err.start]:02x} at offset {err.start})") from None
    if not text.strip():
        raise InputError(f"{path} is empty")
    return text


def write_eml(message: EmailMessage, path: Path) -> None:
    """Save the message as a .eml file, byte for byte what ``send`` would hand the server."""
    from brief.deliver import write_atomic

    write_atomic(path, message_bytes(message))


# --------------------------------------------------------------------------------------------------- sending


class _TemporaryFailure(Exception):
    """A failure another try may get past; ``str`` is the reason for the user."""


def _reply(code: int, text: bytes | str) -> str:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return " ".join(f"{code} {text}".split())


def _scrub(text: str, password: str | None) -> str:
    """Belt and braces: whatever a server or library says, the password is not repeated to the user."""
    return text.replace(password, "***") if password else text


def _recipients(message: EmailMessage) -> list[str]:
    fields = [str(value) for name in ("To", "Cc", "Bcc") for value in message.get_all(name, [])]
    return [check_address(addr, "recipient") for _, addr in getaddresses(fields) if addr]


def _refused(client: smtplib.SMTP, recipients: Sequence[str], where: str) -> None:
    """RCPT every recipient; if any is refused, nobody gets the message (so a corrected rerun sends it once)."""
    refused: dict[str, str] = {}
    for address in recipients:
        code, text = client.rcpt(address)
        if code not in (250, 251):
            refused[address] = _reply(code, text)
    if not refused:
        return
    try:
        client.rset()
    except (smtplib.SMTPException, OSError):
        pass
    if all(reply.startswith("4") for reply in refused.values()):
        raise _TemporaryFailure("; ".join(f"{a} deferred ({r})" for a, r in refused.items()))
    names = "; ".join(f"{a} ({r})" for a, r in refused.items())
    raise RecipientRefusedError(f"the mail server {where} refused {names}; the brief was not sent to anyone")


def _attempt(
    payload: bytes, recipients: Sequence[str], smtp: SmtpSettings, context: ssl.SSLContext | None
) -> None:
    """One connection, one try; raises _TemporaryFailure for what is worth retrying, BriefError for what is not."""
    where = f"{smtp.host}:{smtp.port}"
    client: smtplib.SMTP | None = None
    try:
        if smtp.security == "tls":
            client = smtplib.SMTP_SSL(smtp.host, smtp.port, timeout=smtp.timeout, context=context)
        else:
            client = smtplib.SMTP(smtp.host, smtp.port, timeout=smtp.timeout)
        client.ehlo_or_helo_if_needed()
        if smtp.security == "starttls":
            if not client.has_extn("starttls"):
                raise DeliveryError(
                    f"{where} does not offer STARTTLS, so the connection cannot be encrypted; "
                    "check the port, or set security to tls (usually port 465)"
                )
            client.starttls(context=context)
            client.ehlo()
        if smtp.user:
            if not client.has_extn("auth"):
                raise DeliveryError(f"{where} does not offer AUTH on this connection, so user {smtp.user!r} cannot log in")
            try:
                client.login(smtp.user, smtp.password or "")
            except smtplib.SMTPAuthenticationError as err:
                if 400 <= err.smtp_code < 500:
                    raise _TemporaryFailure(f"login deferred ({_reply(err.smtp_code, err.smtp_error)})") from None
                raise SmtpAuthError(
                    f"the mail server {where} refused the login for user {smtp.user!r} "
                    f"({_reply(err.smtp_code, err.smtp_error)}); check the user name and password"
                ) from None
        code, text = client.mail(check_address(smtp.sender, "sender"))
        if code != 250:
            if 400 <= code < 500:
                raise _TemporaryFailure(f"sender deferred ({_reply(code, text)})")
            raise DeliveryError(f"the mail server {where} refused the sender {smtp.sender} ({_reply(code, text)})")
        _refused(client, recipients, where)
        code, text = client.data(payload)
        if code != 250:
            if 400 <= code < 500:
                raise _TemporaryFailure(f"message deferred ({_reply(code, text)})")
            raise DeliveryError(f"the mail server {where} refused the message ({_reply(code, text)})")
    except ssl.SSLCertVerificationError as err:
        raise DeliveryError(
            f"the TLS certificate of {where} could not be verified ({err.verify_message or err.reason}); "
            "not sending the brief over a connection that may not be private"
        ) from None
    except ssl.SSLError as err:
        raise DeliveryError(
            f"TLS with {where} failed ({err.reason or err}); check the port and security "
            "(tls is usually port 465, starttls 587)"
        ) from None
    except smtplib.SMTPServerDisconnected as err:
        cause = err.__context__  # smtplib turns a read that timed out or broke into "disconnected"
        if isinstance(cause, TimeoutError):
            raise _TemporaryFailure(f"no answer within {smtp.timeout:g} s") from None
        if isinstance(cause, OSError):
            raise _TemporaryFailure(f"the connection broke ({cause.strerror or cause})") from None
        raise _TemporaryFailure("the server closed the connection") from None
    except smtplib.SMTPResponseException as err:  # connect, HELO and STARTTLS replies
        reply = _reply(err.smtp_code, err.smtp_error)
        if 400 <= err.smtp_code < 500:
            raise _TemporaryFailure(reply) from None
        raise DeliveryError(f"the mail server {where} said: {reply}") from None
    except smtplib.SMTPException as err:
        raise DeliveryError(f"could not talk to the mail server {where}: {err}") from None
    except (TimeoutError, socket.timeout):
        raise _TemporaryFailure(f"no answer within {smtp.timeout:g} s") from None
    except ConnectionRefusedError:
        raise _TemporaryFailure("connection refused") from None
    except socket.gaierror as err:
        raise _TemporaryFailure(f"cannot look up {smtp.host} ({err.strerror or err})") from None
    except OSError as err:
        raise _TemporaryFailure(err.strerror or str(err) or type(err).__name__) from None
    finally:
        if client is not None:
            _close(client)


def _close(client: smtplib.SMTP) -> None:
    # The message is either delivered or not by now; a failing QUIT must not make it look unsent.
    try:
        client.quit()
    except (smtplib.SMTPException, OSError):
        client.close()


def send(
    message: EmailMessage,
    smtp: SmtpSettings,
    *,
    sleep: Callable[[float], None] = time.sleep,
    ssl_context: ssl.SSLContext | None = None,
) -> None:
    """Send the message, retrying temporary failures with exponential backoff; raise DeliveryError if it cannot."""
    recipients = _recipients(message)
    if not recipients:
        raise ConfigError("the message has no recipient")
    payload = message_bytes(message)
    context = ssl_context or (ssl.create_default_context() if smtp.security != "none" else None)
    tries = smtp.retries + 1
    reason = ""
    for attempt in range(1, tries + 1):
        try:
            _attempt(payload, recipients, smtp, context)
            return
        except _TemporaryFailure as failure:
            reason = str(failure)
        except DeliveryError as err:
            raise type(err)(_scrub(str(err), smtp.password)) from None
        if attempt < tries:
            sleep(smtp.backoff * 2 ** (attempt - 1))
    times = "once" if tries == 1 else f"{tries} times"
    raise DeliveryError(
        _scrub(
            f"could not send to {', '.join(recipients)} via {smtp.host}:{smtp.port}: {reason} (tried {times})",
            smtp.password,
        )
    )
