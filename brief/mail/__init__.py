"""Email a rendered brief: one multipart/alternative message (the Markdown and a safe HTML rendering) over SMTP.

Brief -> build_message -> EmailMessage -> send (SMTP, STARTTLS or TLS, AUTH, retries) or write_eml (--dry-run)

Settings come in as one ``SmtpSettings``, built by ``smtp_settings`` from the config file's ``[smtp]`` table and an
environment mapping handed in by the caller; this package never reads ``os.environ`` itself.

    html.py     the Brief record as a small, self-contained HTML document (``to_html``)
    plain.py    the plain text as mailed: Arabic runs isolated; for a Markdown-only brief, no local file paths
    message.py  the MIME message (from the Brief record, or Markdown-only), its subject and header policy, its
                wire bytes; addresses; reading a saved brief, .eml
    saved.py    a saved brief found again with its record (the store's JSON, or the .json beside it)
    smtp.py     SMTP settings from the config file and the environment; sending with retries and backoff

The public API is re-exported here.
"""

from __future__ import annotations

from brief.mail.html import to_html
from brief.mail.message import (
    build_message,
    build_text_message,
    check_address,
    is_brief,
    made_day,
    make_subject,
    markdown_subject,
    message_bytes,
    read_brief,
    write_eml,
)
from brief.mail.plain import for_mail, isolate_plain
from brief.mail.saved import Saved, latest_brief, saved_brief
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
    "Saved",
    "build_message",
    "build_text_message",
    "check_address",
    "dry_run_settings",
    "for_mail",
    "is_brief",
    "isolate_plain",
    "made_day",
    "make_subject",
    "latest_brief",
    "markdown_subject",
    "message_bytes",
    "read_brief",
    "saved_brief",
    "send",
    "smtp_settings",
    "to_html",
    "write_eml",
]
