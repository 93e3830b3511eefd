"""Web addresses as brief reads and shows them: parsed defensively, and never shown with a password.

An address comes from places brief does not control (a feed, a page's markup, front matter, a sentence's text,
the user's sources file), so reading it must never raise: ``split_url`` gives None for one that cannot be an
address (a port out of range or not a number, an unclosed ``[``), and every reader treats that as "no address".

``redact`` removes the ``user:password@`` of every address in a text. It is the one function every printer
(the footer, the JSON, ``inspect``, ``sources check``, ``config show``, ``logs``, messages) and the store use,
so a password is hidden alike everywhere, including one that holds ``@`` or a space.
"""

from __future__ import annotations

import re
from urllib.parse import SplitResult, urlsplit


def split_url(url: str) -> SplitResult | None:
    """The parts of an address, or None when it cannot be one ("http://news.test:99999/", "http://[::1")."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number or out of range
    except ValueError:
        return None
    return parts


def url_error(url: str) -> str | None:
    """Why ``url`` cannot be an address ("Port out of range 0-65535"), or None when it parses."""
    try:
        urlsplit(url).port  # noqa: B018 - as split_url, for the reason
    except ValueError as err:
        return str(err)
    return None


def redact(text: str) -> str:
    """``text`` with the ``user:password@`` of every address in it removed, for showing or storing."""
    return _USERINFO.sub(r"\1", text) if "@" in text else text


# After "scheme://": either "user:password@", where the password may hold "@" and spaces (so it runs to the last
# "@" before the address's path, query, fragment or the line's end), or a bare "user@" (no spaces).
_USERINFO = re.compile(r"\b([a-z][a-z0-9+.-]*://)(?:[^/?#@\s:]*:[^/?#\n]*@|[^/?#@\s:]*@)", re.IGNORECASE)
