"""Email a rendered brief: one multipart/alternative message (the Markdown and a safe HTML rendering) over SMTP.

markdown -> build_message -> EmailMessage -> send (SMTP, STARTTLS or TLS, AUTH, retries) or write_eml (--dry-run)

Settings come in as one ``SmtpSettings``, built by ``smtp_settings`` from the config file's ``[smtp]`` table and an
environment mapping handed in by the caller; this package never reads ``os.environ`` itself.

    html.py     the brief's Markdown as a small, self-contained HTML document (``markdown_to_html``)
    plain.py    the brief as mailed: no local file paths in its source list, Arabic runs isolated in the plain text
    message.py  the MIME message, its subject and header policy, its wire bytes; addresses; reading a brief, .eml
    smtp.py     SMTP settings from the config file and the environment; sending with retries and backoff

The public API is re-exported here.
"""

from __future__ import annotations

from brief.mail.html import markdown_to_html
from brief.mail.message import (
    build_message,
    check_address,
    is_brief,
    made_day,
    make_subject,
    message_bytes,
    read_brief,
    write_eml,
)
from brief.mail.plain import for_mail, isolate_plain
from brief.mail.smtp import (
    ENV_KEYS,
    FILE_KEYS,
    PASSWORD_ENV,
    SECURITY_PORTS,
    SmtpSettings,
    dry_run_settings,
    send,
    smtp_settings,
)

__all__ = [
    "ENV_KEYS",
    "FILE_KEYS",
    "PASSWORD_ENV",
    "SECURITY_PORTS",
    "SmtpSettings",
    "build_message",
    "check_address",
    "dry_run_settings",
    "for_mail",
    "is_brief",
    "isolate_plain",
    "made_day",
    "make_subject",
    "markdown_to_html",
    "message_bytes",
    "read_brief",
    "send",
    "smtp_settings",
    "write_eml",
]
