"""Page URLs in, decoded ``RawDocument``s out: one careful HTTP GET per address, standard library only.

Careful means: a timeout on connecting and on every read, plus an overall deadline per address that a
watchdog enforces by shutting the socket, so a server that hangs or trickles (its status line, its headers or
its body) cannot hang a run; a size limit checked while the body streams in, never after; a few retries with
exponential backoff, only for failures that may pass (connection errors, timeouts, 429, 5xx); redirects
followed, to web addresses only; and content that is not a web page refused before its body is read.

Polite and safe means: every address is checked against its site's ``robots.txt`` (fetched once per site per
run, by ``Session``); and an address brief did not get from its user (a feed item's link, a redirect) is
refused when its host resolves to a loopback, private, link-local, unspecified or multicast address, checked
on the very addresses the socket then connects to. The host the user named may be anywhere (an intranet
feed), and ``WebSettings.allow_private`` lifts the rule for a whole source. ``user:password@`` in an address
is sent as HTTP Basic authentication to that host only and never shown (``brief.urls.redact``).

Every failure is a ``FetchError`` whose message is a short reason a user can read ("HTTP 404 Not Found").
"""

from __future__ import annotations

import base64
import codecs
import dataclasses
import email.utils
import functools
import http.client
import ipaddress
import re
import socket
import ssl
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import zlib
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from http import HTTPStatus
from pathlib import PurePosixPath
from typing import IO, Any

from brief import __version__
from brief.errors import ConfigError, InputError
from brief.ingest.files import DEFAULT_MAX_BYTES, decode, sniff_kind
from brief.records import RawDocument
from brief.urls import redact, url_error

# Names the tool and says what it does; no project address is published yet, and an invented one would mislead.
DEFAULT_USER_AGENT = f"brief/{__version__} (news brief tool; fetches only the pages and feeds its user named)"

# Media types read as pages, with the kind they become (the cleaner treats "html" as markup).
PAGE_KINDS = {
    "text/html": "html",
    "application/xhtml+xml": "html",
    "text/plain": "txt",
    "text/markdown": "md",
    "text/x-markdown": "md",
}
# Media types a feed may come as; generic XML is let through too and judged by how the body starts.
FEED_TYPES = frozenset(
    {
        "application/rss+xml",
        "application/atom+xml",
        "application/rdf+xml",
        "application/x-rss+xml",
        "application/feed+xml",
        "application/xml",
        "text/xml",
    }
)

_ACCEPT = (
    "text/html,application/xhtml+xml,application/rss+xml,application/atom+xml,"
    "application/xml;q=0.9,text/plain;q=0.8,*/*;q=0.1"
)
_CHUNK = 64 * 1024
# Where a page may declare its encoding: <meta charset=...>, <meta http-equiv ... content="...; charset=...">,
# or an XML declaration (XHTML). Pages put it early, but heavy <head>s push it past the 1 KiB HTML's prescan uses.
_META_CHARSET = re.compile(
    rb"""<meta\b[^>]*?charset\s*=\s*["']?\s*([a-z0-9_.:\-]+)|<\?xml\b[^>]*?encoding\s*=\s*["']([a-z0-9_.:\-]+)""",
    re.IGNORECASE,
)
_META_WINDOW = 8192
# Single-byte Western labels that Arabic sites often declare by mistake (a CMS default) over UTF-8 or cp1256.
_WESTERN = frozenset({"ascii", "latin-1", "iso8859-1", "cp1252", "iso8859-15"})
_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")


class FetchError(InputError):
    """An address could not be fetched as a page; ``str(err)`` is the short reason."""

    def __init__(self, reason: str, *, temporary: bool = False, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.temporary = temporary  # worth another try
        self.retry_after = retry_after  # seconds the server asked us to wait, if it did


# The product token robots.txt groups are matched against ("User-agent: brief").
ROBOTS_AGENT = "brief"
# An error page up to this size is read to its end, so its connection can be reused.
_SMALL_ERROR_PAGE = 64 * 1024
# robots.txt is read up to this size (RFC 9309 asks parsers to read at least 500 KiB).
_ROBOTS_MAX_BYTES = 512 * 1024


class Pool:
    """Idle keep-alive connections of one run, by site, so a feed's items reuse the connection the feed opened.

    A connection is kept only when its last answer was read to the end and the server did not ask to close, and
    only for a fetch under the same rules: the key holds whether the host was checked as public when connected
    (a connection to an internal address made for a source the user named is not lent to a feed item of
    another). Idle for longer than ``IDLE`` seconds, it is closed (servers drop theirs after 5 to 75 s).
    Thread-safe: feed items are fetched side by side, each on a connection of its own.
    """

    IDLE = 30.0
    PER_SITE = 8

    def __init__(self) -> None:
        self._idle: dict[tuple[Any, ...], list[tuple[http.client.HTTPConnection, float]]] = {}
        self._lock = threading.Lock()
        self.opened = 0  # connections made
        self.reused = 0  # requests sent on a connection an earlier one had opened

    def take(self, key: tuple[Any, ...]) -> http.client.HTTPConnection | None:
        """An idle connection for ``key``, or None."""
        stale = []
        try:
            with self._lock:
                idle = self._idle.get(key, [])
                while idle:
                    conn, since = idle.pop()
                    if time.monotonic() - since < self.IDLE:
                        return conn
                    stale.append(conn)
            return None
        finally:
            for conn in stale:
                conn.close()

    def put(self, key: tuple[Any, ...], conn: http.client.HTTPConnection) -> None:
        """Keep ``conn`` for the next request to its site (closed when the site already has enough idle)."""
        with self._lock:
            idle = self._idle.setdefault(key, [])
            if len(idle) < self.PER_SITE:
                idle.append((conn, time.monotonic()))
                return
        conn.close()

    def count(self, *, reused: bool) -> None:
        with self._lock:
            if reused:
                self.reused += 1
            else:
                self.opened += 1

    def close(self) -> None:
        """Close every idle connection."""
        with self._lock:
            idle, self._idle = self._idle, {}
        for conns in idle.values():
            for conn, _ in conns:
                conn.close()


class Session:
    """What one run learns about the web and keeps: each site's robots.txt, fetched once, and the idle
    connections to each site (thread-safe)."""

    def __init__(self) -> None:
        self._robots: dict[tuple[str, str, int], Any] = {}  # (scheme, host, port) -> Protego, or None: allow all
        self._lock = threading.Lock()
        self._site_locks: dict[tuple[str, str, int], threading.Lock] = {}
        self.pool = Pool()
        # Set when the run is stopped (a signal, Ctrl-C): fetches in flight end at once, none starts.
        self.cancelled = threading.Event()
        self._guards: set[_Guard] = set()

    def cancel(self) -> None:
        """Stop every fetch of this run now: the sockets of those in flight are shut, later ones refused."""
        self.cancelled.set()
        with self._lock:
            guards = list(self._guards)
        for guard in guards:
            guard.expire()

    def watching(self, guard: _Guard, on: bool) -> None:
        """Count ``guard``'s fetch among those a cancellation must end (``on``), or no longer."""
        with self._lock:
            if on:
                self._guards.add(guard)
            else:
                self._guards.discard(guard)

    def robots(self, key: tuple[str, str, int], load: Any) -> Any:
        """The parsed robots.txt of a site, loading it with ``load()`` the first time (one load per site)."""
        with self._lock:
            site_lock = self._site_locks.setdefault(key, threading.Lock())
        with site_lock:  # feed items of one site are fetched side by side: one robots.txt request, not four
            if key not in self._robots:
                self._robots[key] = load()
            return self._robots[key]


@dataclass(frozen=True)
class WebSettings:
    """How brief talks to web servers; built once (by config) and passed down."""

    timeout: float = 20.0  # seconds to connect, and for each read
    retries: int = 2  # further attempts after a temporary failure
    backoff: float = 1.0  # seconds before the first retry; doubles for each further one
    max_bytes: int = DEFAULT_MAX_BYTES  # largest body read, after decompression
    user_agent: str = DEFAULT_USER_AGENT
    max_items: int = 20  # newest items read from a feed (a source's own limit wins)
    # Seconds for one address in all: connecting, status line, headers and body, retries and redirects included.
    deadline: float = 60.0
    max_retry_after: float = 30.0  # a server asking to wait longer than this is not waited for
    workers: int = 4  # feed items fetched at the same time
    proxy: str | None = None  # "http://host:port" for http and https; None: connect directly
    ca_file: str | None = None  # PEM certificates to trust instead of the system's (a company's TLS proxy)
    # Fetch loopback, private and link-local addresses even when the user did not name them (feed items,
    # redirects): for an intranet source (allow_private: true in the sources file) or BRIEF_ALLOW_PRIVATE=1.
    allow_private: bool = False
    robots: bool = True  # obey each site's robots.txt
    # Per run: robots.txt already read. Shared by copies made with dataclasses.replace, so one run reads each once.
    session: Session = field(default_factory=Session, compare=False, repr=False)

    def __post_init__(self) -> None:
        for name in ("timeout", "deadline", "max_bytes", "max_items", "workers"):
            if not getattr(self, name) > 0:
                raise ConfigError(f"web setting {name} must be more than 0, not {getattr(self, name)!r}")
        for name in ("retries", "backoff", "max_retry_after"):
            if getattr(self, name) < 0:
                raise ConfigError(f"web setting {name} must not be negative, not {getattr(self, name)!r}")


@dataclass(frozen=True)
class Response:
    """A fetched body and what the server said about it."""

    url: str  # where it came from in the end, after redirects
    status: int
    content_type: str  # media type in lower case without parameters; "" when the server sent none
    charset: str | None  # the charset parameter of Content-Type, as sent
    body: bytes  # decompressed
    etag: str | None = None  # validators for a conditional GET next time (feeds)
    last_modified: str | None = None


def is_url(given: object) -> bool:
    """Whether an input names a web address (http:// or https://) rather than a path."""
    return isinstance(given, str) and given[:8].lower().startswith(("http://", "https://"))


def fetch(url: str, settings: WebSettings, *, named_by: str | None = None) -> RawDocument:
    """Fetch one web page (HTML or plain text) as a document; raise FetchError with a short reason.

    ``named_by``: the address the user named that led here (a feed, for its items); by default ``url`` itself.
    """
    return to_document(redact(url), download(url, settings, named_by=named_by))


def download(
    url: str, settings: WebSettings, *, named_by: str | None = None, validators: Mapping[str, str] | None = None
) -> Response:
    """GET an address, following redirects and retrying temporary failures; refuse what is not a page or feed.

    The host of ``named_by`` (by default ``url``'s own) is the one the user chose, so it may be an internal
    address; any other host must resolve to public addresses unless ``settings.allow_private``.
    ``validators`` (``If-None-Match``/``If-Modified-Since``) make it conditional: an unchanged resource gives
    a Response with status 304 and no body.
    """
    _check_url(url)
    url, auth = _split_credentials(url)
    guard = _Guard(settings, named_by=named_by if named_by is not None else url)
    guard.check_host(url)
    if settings.robots and not _robots_allow(url, settings, guard):
        raise FetchError(f"refused by the site's robots.txt ({_origin(url)}/robots.txt; brief obeys it)")
    opener = _opener(settings, guard)
    attempt = 1
    while True:
        try:
            with guard.watch():
                try:
                    return _get(opener, url, settings, guard, auth, validators)
                finally:
                    guard.release()
        except FetchError as err:
            if not err.temporary or attempt > settings.retries:
                raise _tried(err, attempt) from None
            if err.retry_after is not None and err.retry_after > settings.max_retry_after:
                raise _tried(FetchError(f"{err.reason} (the server asks to wait {err.retry_after:g} s)"), attempt)
            wait = err.retry_after if err.retry_after is not None else settings.backoff * 2 ** (attempt - 1)
            if time.monotonic() + wait >= guard.deadline:
                raise _tried(err, attempt) from None
            if settings.session.cancelled.wait(wait):  # a stopped run does not wait out a backoff
                raise _stopped()
            attempt += 1


def to_document(location: str, response: Response) -> RawDocument:
    """Decode a fetched page into a document; raise FetchError for content that is not a page."""
    kind = PAGE_KINDS.get(response.content_type)
    if kind is None and response.content_type:
        raise FetchError(f"not a web page ({response.content_type})")
    if not response.body.strip():
        raise FetchError("empty page")
    text, encoding = decode_page(response.body, response.charset, markup=kind not in ("txt", "md"))
    if not text.strip():
        raise FetchError("empty page")
    if kind is None:  # the server did not say: judge by the address's suffix and the first characters
        kind = sniff_kind(PurePosixPath(urllib.parse.urlsplit(response.url).path), text)
    return RawDocument(location=location, text=text, kind=kind, encoding=encoding, url=response.url)


def decode_page(body: bytes, charset: str | None, *, markup: bool = True) -> tuple[str, str]:
    """Decode a page by its byte-order mark, declared charset or <meta charset>, else by ``files.decode``."""
    if body.startswith(_BOMS):
        return _decode_or_fail(body)
    labels = [charset]
    if markup:
        match = _META_CHARSET.search(body[:_META_WINDOW])
        if match:
            labels.append((match.group(1) or match.group(2)).decode("ascii"))
    for label in labels:
        codec = _codec(label)
        if codec is None or codec.startswith(("utf-16", "utf-32")):
            continue  # a body without a byte-order mark that claims UTF-16 is not (HTML says so too)
        if codec in _WESTERN:
            try:
                return decode(body)  # UTF-8 or Arabic cp1256 under a wrong Western label
            except InputError:
                pass
        try:
            return _newlines(body.decode(codec)), codec
        except UnicodeDecodeError:
            continue  # declared wrongly: try the next declaration, then guess
    return _decode_or_fail(body)


def _decode_or_fail(body: bytes) -> tuple[str, str]:
    try:
        text, encoding = decode(body)
    except InputError as err:
        nearly = _nearly_utf8(body)
        if nearly is None:
            raise FetchError(str(err)) from None
        return nearly, "utf-8"
    if "cp1256" in encoding:  # "cp1256", or "utf-8+cp1256" for a file pasted together from both
        # A UTF-8 page cut off mid-character also "decodes" as cp1256, into mojibake: UTF-8 wins if it nearly fits.
        nearly = _nearly_utf8(body)
        if nearly is not None:
            return nearly, "utf-8"
    return text, encoding


def _nearly_utf8(body: bytes) -> str | None:
    """UTF-8 with a stray bad byte or a character cut off at the end (a truncated download); None otherwise."""
    text = body.decode("utf-8", errors="replace")
    if text.count("\ufffd") > max(1, len(text) // 1000) or "\x00" in text:
        return None
    return _newlines(text.rstrip("\ufffd"))


def _codec(label: str | None) -> str | None:
    if not label:
        return None
    try:
        return codecs.lookup(label.strip().strip("\"'")).name
    except LookupError:
        return None


def _newlines(text: str) -> str:
    # The same line endings files.decode gives, so a page reads alike fetched or saved.
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n")


def _check_url(url: str) -> None:
    problem = url_error(url)
    if problem is not None:
        raise FetchError(f"not a valid web address ({problem})")
    parts = urllib.parse.urlsplit(url)
    if parts.scheme.lower() not in ("http", "https"):
        raise FetchError("not a web address (only http:// and https:// are fetched)")
    if not parts.hostname:
        raise FetchError("not a valid web address (no host name)")


def _split_credentials(url: str) -> tuple[str, str | None]:
    """The address without ``user:password@``, and the Basic authorization it stood for (None without one)."""
    parts = urllib.parse.urlsplit(url)
    if "@" not in parts.netloc:
        return url, None
    userinfo, _, hostport = parts.netloc.rpartition("@")
    user, _, password = userinfo.partition(":")
    token = f"{urllib.parse.unquote(user)}:{urllib.parse.unquote(password)}".encode()
    return urllib.parse.urlunsplit(parts._replace(netloc=hostport)), "Basic " + base64.b64encode(token).decode("ascii")


def _origin(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return f"{parts.scheme.lower()}://{parts.netloc.rpartition('@')[2]}"


def _site(url: str) -> tuple[str, str, int]:
    """(scheme, host, port) of an address, the key robots.txt and the user's trust are given for."""
    parts = urllib.parse.urlsplit(url)
    scheme = parts.scheme.lower()
    return scheme, (parts.hostname or "").lower(), parts.port or (443 if scheme == "https" else 80)


# Top-level names no public site uses: RFC 6761/6762/8375 special-use names, and the ones intranets use
# (ICANN's name-collision list: corp, home, mail, lan, internal ...).
_INTERNAL_TLDS = frozenset({
    "local", "localhost", "localdomain", "internal", "intranet", "corp", "home", "lan", "private", "priv", "mail",
    "test", "invalid", "example", "arpa",
})  # fmt: skip


def _internal_name(host: str) -> bool:
    """Whether a host name can only be an internal one: a single label ("intranet") or an intranet's suffix."""
    labels = host.rstrip(".").split(".")
    return len(labels) == 1 or labels[-1] in _INTERNAL_TLDS


def _refused_kind(address: str) -> str | None:
    """What makes an IP address internal ("loopback", "private", ...), or None for a public one."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])  # an IPv6 zone (fe80::1%eth0) is no part of the address
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped  # ::ffff:127.0.0.1 is 127.0.0.1
    for kind in ("loopback", "unspecified", "link_local", "multicast", "private", "reserved"):
        if getattr(ip, f"is_{kind}"):
            return kind.replace("_", "-")
    if not ip.is_global:
        return "non-public"  # shared address space (100.64/10) and the like
    return None


class _Guard:
    """One address's fetch: its deadline (a watchdog shuts the sockets when it passes) and who may be reached."""

    def __init__(self, settings: WebSettings, *, named_by: str) -> None:
        self.settings = settings
        self.deadline = time.monotonic() + settings.deadline
        self.named_by = named_by
        self.trusted = _site(named_by)[1:]  # (host, port) the user chose: may be an internal address
        proxy = urllib.parse.urlsplit(settings.proxy) if settings.proxy else None
        self.proxy = ((proxy.hostname or "").lower(), proxy.port or 80) if proxy else None
        self.expired = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        # Connections this fetch took or made, with their last answer: back to the pool, or closed, at the end.
        self._used: list[tuple[tuple[Any, ...], http.client.HTTPConnection, http.client.HTTPResponse | None]] = []

    def pool_key(self, scheme: str, req: urllib.request.Request) -> tuple[Any, ...]:
        """Which idle connections a request may use: same scheme, host, port, proxy tunnel and address rules."""
        parts = urllib.parse.urlsplit(f"//{req.host}")
        host = (parts.hostname or "").lower()
        port = parts.port or (443 if scheme == "https" else 80)
        checked = not self.may_be_internal(host, port) and (host, port) != self.proxy
        return (scheme, host, port, req._tunnel_host, checked, self.settings.ca_file)  # type: ignore[attr-defined]

    def adopt(self, key: tuple[Any, ...], conn: http.client.HTTPConnection) -> None:
        """Take on a pooled connection: this fetch's deadline watches its socket, and a reconnect is checked here."""
        conn._create_connection = self.connect  # type: ignore[attr-defined]
        with self._lock:
            if self.expired:
                conn.close()
                raise _out_of_time(self.settings)
            if conn.sock is not None:
                self._sockets.append(conn.sock)
                conn.sock.settimeout(self.settings.timeout)
        self._used.append((key, conn, None))

    def used(self, key: tuple[Any, ...], conn: http.client.HTTPConnection, answer: http.client.HTTPResponse) -> None:
        """Note the connection a request went out on and its answer."""
        self._used = [entry for entry in self._used if entry[1] is not conn]
        self._used.append((key, conn, answer))

    def release(self, *, finished_only: bool = False) -> None:
        """Return to the pool each connection whose answer was read to the end (``brief_read_whole``) and may
        stay open; close the others. ``finished_only``: leave the connections still in use (a redirect's next
        hop releases the one that brought the redirect, so the hop to the same host can take it)."""
        pool = self.settings.session.pool
        kept = []
        for key, conn, answer in self._used:
            whole = answer is not None and getattr(answer, "brief_read_whole", False) and not answer.will_close
            done = whole and answer is not None and answer.isclosed()
            if finished_only and not done:
                kept.append((key, conn, answer))
            elif done and conn.sock is not None and not self.expired:
                pool.put(key, conn)
            else:
                conn.close()
        self._used = kept

    def open_timeout(self) -> float:
        """The timeout for one connect or read: the setting, or what is left of the deadline if that is less."""
        if self.settings.session.cancelled.is_set():
            raise _stopped()
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise _out_of_time(self.settings)
        return min(self.settings.timeout, left)

    @contextmanager
    def watch(self) -> Iterator[None]:
        """Shut every socket of this fetch when the deadline passes, whatever it is waiting for."""
        session = self.settings.session
        timer = threading.Timer(max(0.0, self.deadline - time.monotonic()), self.expire)
        timer.daemon = True
        timer.start()
        session.watching(self, True)
        try:
            if session.cancelled.is_set():  # stopped before this fetch began watching
                self.expire()
            yield
        except Exception:
            if self.expired:
                raise self._ended() from None
            raise
        finally:
            timer.cancel()
            session.watching(self, False)
            with self._lock:
                self._sockets.clear()
        if self.expired:  # a shut socket reads as the end of the body: what came is cut short, not whole
            raise self._ended()

    def _ended(self) -> FetchError:
        """Why the sockets were shut: the run was stopped, or the deadline passed."""
        return _stopped() if self.settings.session.cancelled.is_set() else _out_of_time(self.settings)

    def expire(self) -> None:
        """Shut every socket of this fetch now (the deadline passed, or the run was stopped)."""
        with self._lock:
            self.expired = True
            for sock in self._sockets:
                try:
                    # The plain socket's shutdown, also under TLS: the blocked read returns at once.
                    socket.socket.shutdown(sock, socket.SHUT_RDWR)
                except OSError:
                    pass

    def check_host(self, url: str) -> None:
        """Refuse, before connecting, an address whose host resolves to an internal address it may not reach."""
        _, host, port = _site(url)
        if self.may_be_internal(host, port):
            return
        try:
            infos = self.resolve(host, port)
        except (socket.gaierror, UnicodeError):
            # "host not found" comes from the connection itself, or the proxy resolves the name. What a proxy
            # resolves cannot be checked here, so a name only an intranet uses is refused before it gets there.
            if self.proxy is not None and _internal_name(host):
                raise FetchError(
                    f"refused: {host} is an internal name (it does not resolve here, and the proxy "
                    f"{self.proxy[0]}:{self.proxy[1]} would reach it); only an address you named may be internal "
                    "(allow_private: true on the source, or BRIEF_ALLOW_PRIVATE=1, allows it)"
                ) from None
            return
        for info in infos:
            self._refuse_internal(host, str(info[4][0]))

    def resolve(self, host: str, port: int) -> list[Any]:
        """``socket.getaddrinfo`` within this fetch's time: the watchdog cannot wake a lookup (it holds no socket
        of ours), so it runs in a thread of its own, and a resolver that does not answer in time is a timeout."""
        answer: dict[str, Any] = {}

        def lookup() -> None:
            try:
                answer["infos"] = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
            except BaseException as err:  # noqa: BLE001 - handed to the caller as it came
                answer["error"] = err

        wait = self.open_timeout()
        thread = threading.Thread(target=lookup, name=f"brief-lookup-{host}", daemon=True)
        thread.start()
        end = time.monotonic() + wait
        while thread.is_alive() and (left := end - time.monotonic()) > 0:
            thread.join(min(left, 0.05))  # in slices: a stopped run does not wait out a slow resolver
            if self.settings.session.cancelled.is_set():
                raise _stopped()
        if thread.is_alive():  # left to finish on its own; a daemon thread does not keep brief from exiting
            raise FetchError(f"timed out looking up {host} after {wait:g} s", temporary=True)
        if "error" in answer:
            raise answer["error"]
        return answer["infos"]

    def may_be_internal(self, host: str, port: int) -> bool:
        """Whether this host may be internal: the one the user named, or any with allow_private."""
        return self.settings.allow_private or (host, port) == self.trusted

    def _refuse_internal(self, host: str, address: str) -> None:
        kind = _refused_kind(address)
        if kind is not None:
            shown = host if host == address else f"{host} ({address})"
            raise FetchError(
                f"refused: {shown} is a {kind} address, and only an address you named may be internal "
                "(allow_private: true on the source, or BRIEF_ALLOW_PRIVATE=1, allows it)"
            )

    def connect(self, address: tuple[str, int], timeout: Any = None, source_address: Any = None) -> socket.socket:
        """socket.create_connection, to addresses checked here (so a second DNS answer cannot differ)."""
        host, port = address
        host = host.strip("[]").lower()
        checked = not self.may_be_internal(host, port) and (host, port) != self.proxy
        try:
            infos = self.resolve(host, port)
        except UnicodeError as err:
            raise FetchError(f"not a valid web address ({err})") from None
        if checked:
            for info in infos:
                self._refuse_internal(host, str(info[4][0]))
        error: OSError | None = None
        for family, kind, proto, _, sockaddr in infos:
            sock = socket.socket(family, kind, proto)
            with self._lock:
                self._sockets.append(sock)
                if self.expired:
                    sock.close()
                    raise _out_of_time(self.settings)
            try:
                sock.settimeout(self.open_timeout())
                if source_address:
                    sock.bind(source_address)
                sock.connect(sockaddr)
                sock.settimeout(self.settings.timeout)  # each read; the watchdog holds the whole deadline
                return sock
            except OSError as err:
                error = err
                sock.close()
        raise error if error is not None else OSError("getaddrinfo returned nothing")


class _Redirects(urllib.request.HTTPRedirectHandler):
    max_redirections = 10

    def __init__(self, guard: _Guard) -> None:
        self.guard = guard

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # noqa: ANN001, ANN201 - urllib's signature
        if urllib.parse.urlsplit(newurl).scheme.lower() not in ("http", "https"):
            raise _refused_redirect(newurl)
        newurl, _ = _split_credentials(newurl)  # credentials a server hands out are not used, nor shown
        self.guard.check_host(newurl)
        fp.brief_read_whole = True  # urllib reads the redirect's body to the end before following it
        settings = self.guard.settings
        if settings.robots and not _robots_allow(newurl, settings, self.guard):
            raise FetchError(f"redirected to an address the site's robots.txt refuses ({newurl}; brief obeys it)")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


class _KeepAlive:
    """urllib's do_open, but on a connection kept open for the next request to the same site.

    urllib sends ``Connection: close`` and closes every connection after one answer, so a feed's twenty items on
    one host cost twenty TCP (and TLS) handshakes. Here the connection comes from the run's pool when one is idle
    (a reused one the server has meanwhile closed is replaced by a new one, once: GET is safe to resend), and
    ``_Guard.release`` returns it once its answer has been read.
    """

    guard: _Guard
    scheme = "http"

    def do_open(self, http_class, req, **kwargs):  # noqa: ANN001, ANN003, ANN201 - urllib's signature
        if not req.host:
            raise urllib.error.URLError("no host given")
        guard, pool = self.guard, self.guard.settings.session.pool
        key = guard.pool_key(self.scheme, req)
        headers = dict(req.unredirected_hdrs)
        headers.update({k: v for k, v in req.headers.items() if k not in headers})
        headers = {name.title(): value for name, value in headers.items()}
        tunnel = {}
        if "Proxy-Authorization" in headers:
            tunnel["Proxy-Authorization"] = headers.pop("Proxy-Authorization")
        guard.release(finished_only=True)
        conn = pool.take(key)
        while True:
            reused = conn is not None
            if conn is None:
                conn = http_class(req.host, timeout=req.timeout, **kwargs)
                if req._tunnel_host:
                    conn.set_tunnel(req._tunnel_host, headers=tunnel)
                guard.used(key, conn, None)
            else:
                guard.adopt(key, conn)
            try:
                try:
                    conn.request(req.get_method(), req.selector, req.data, headers)
                except OSError as err:
                    raise urllib.error.URLError(err) from err
                answer = conn.getresponse()
            except (urllib.error.URLError, http.client.RemoteDisconnected, ConnectionError) as err:
                conn.close()
                cause = err.reason if isinstance(err, urllib.error.URLError) else err
                if reused and not guard.expired and isinstance(cause, (ConnectionError, http.client.RemoteDisconnected)):
                    conn = None  # the server closed the idle connection: once more on a new one
                    continue
                raise
            except BaseException:
                conn.close()
                raise
            break
        pool.count(reused=reused)
        guard.used(key, conn, answer)
        answer.url = req.get_full_url()
        answer.msg = answer.reason
        return answer


class _HTTPHandler(_KeepAlive, urllib.request.HTTPHandler):
    def __init__(self, guard: _Guard) -> None:
        super().__init__()
        self.guard = guard

    def http_open(self, req):  # noqa: ANN001, ANN201 - urllib's signature
        return self.do_open(functools.partial(_connection, http.client.HTTPConnection, self.guard), req)


class _HTTPSHandler(_KeepAlive, urllib.request.HTTPSHandler):
    scheme = "https"

    def __init__(self, guard: _Guard, context: ssl.SSLContext) -> None:
        super().__init__(context=context)
        self.guard = guard

    def https_open(self, req):  # noqa: ANN001, ANN201 - urllib's signature
        connection = functools.partial(_connection, http.client.HTTPSConnection, self.guard, context=self._context)
        return self.do_open(connection, req)


def _connection(kind: type[http.client.HTTPConnection], guard: _Guard, *args: Any, **kwargs: Any) -> Any:
    """An http.client connection whose sockets come from the guard (checked addresses, watched deadline)."""
    conn = kind(*args, **kwargs)
    conn._create_connection = guard.connect  # type: ignore[attr-defined] # http.client's own hook for this
    return conn


def _opener(settings: WebSettings, guard: _Guard) -> urllib.request.OpenerDirector:
    """http and https only: no file://, ftp:// or data: handlers, and no proxy unless the settings name one."""
    opener = urllib.request.OpenerDirector()
    proxies = {"http": settings.proxy, "https": settings.proxy} if settings.proxy else {}
    for handler in (
        urllib.request.ProxyHandler(proxies),
        _HTTPHandler(guard),
        _HTTPSHandler(guard, _tls_context(settings.ca_file)),
        _Redirects(guard),
        urllib.request.HTTPDefaultErrorHandler(),
        urllib.request.HTTPErrorProcessor(),
    ):
        opener.add_handler(handler)
    return opener


@lru_cache(maxsize=4)
def _tls_context(ca_file: str | None) -> ssl.SSLContext:
    """Loading the certificates once is enough; a missing CA file is a configuration error."""
    try:
        return ssl.create_default_context(cafile=ca_file)
    except (OSError, ssl.SSLError) as err:
        raise ConfigError(f"cannot use CA file {ca_file}: {getattr(err, 'strerror', None) or err}") from None


def _robots_allow(url: str, settings: WebSettings, guard: _Guard) -> bool:
    """Whether the site's robots.txt lets brief fetch ``url``; a missing or unreadable robots.txt allows all."""
    key = _site(url)
    rules = settings.session.robots(key, lambda: _load_robots(url, settings, guard))
    return rules is None or rules.can_fetch(url, ROBOTS_AGENT)


def _load_robots(url: str, settings: WebSettings, guard: _Guard) -> Any:
    """The parsed robots.txt of ``url``'s site, or None (allow all) when there is none or it cannot be read."""
    from protego import Protego  # only when a site is actually fetched: importing brief stays light

    robots_url = _origin(url) + "/robots.txt"
    quick = dataclasses.replace(
        settings, retries=0, robots=False, max_bytes=_ROBOTS_MAX_BYTES, deadline=min(settings.deadline, settings.timeout)
    )
    try:
        response = download(robots_url, quick, named_by=guard.named_by)
    except FetchError:
        return None  # 404, 5xx, timeouts, refusals: the rules cannot be known, and brief fetches as if none
    if response.status != 200 or response.content_type not in ("text/plain", ""):
        return None
    try:
        return Protego.parse(response.body.decode("utf-8", errors="replace"))
    except Exception:  # noqa: BLE001 - protego is lenient; a file it still chokes on counts as no rules
        return None


def _get(
    opener: urllib.request.OpenerDirector,
    url: str,
    settings: WebSettings,
    guard: _Guard,
    auth: str | None,
    validators: Mapping[str, str] | None = None,
) -> Response:
    """One attempt: GET, judge the headers, stream the body within the size limit and the deadline."""
    timeout = guard.open_timeout()
    request = urllib.request.Request(
        url,
        headers={
            "User-Agent": settings.user_agent,
            "Accept": _ACCEPT,
            "Accept-Encoding": "gzip, deflate",
            "Accept-Language": "ar,en;q=0.8,*;q=0.5",
        },
    )
    if auth is not None:
        request.add_unredirected_header("Authorization", auth)  # never sent on to where a redirect points
    for name, value in (validators or {}).items():
        request.add_header(name, value)
    try:
        response = opener.open(request, timeout=timeout)
    except urllib.error.HTTPError as err:
        _read_out(err)
        if err.code == 304 and validators:
            return Response(url=redact(err.geturl()), status=304, content_type="", charset=None, body=b"")
        raise _http_error(err) from None
    except (OSError, http.client.HTTPException, ValueError) as err:
        raise _via_proxy(_network_error(err, timeout), settings) from None
    with response:
        headers = response.headers
        content_type = headers.get_content_type() if headers.get("Content-Type") else ""
        if content_type and content_type not in PAGE_KINDS and content_type not in FEED_TYPES:
            raise FetchError(f"not a web page ({content_type})")
        length = (headers.get("Content-Length") or "").strip()
        if length.isdigit() and int(length) > settings.max_bytes:
            raise FetchError(_too_large(int(length), settings.max_bytes))
        try:
            body = _read_body(response, headers.get("Content-Encoding"), settings, guard.deadline)
        except (OSError, http.client.HTTPException) as err:
            raise _network_error(err, timeout) from None
        setattr(response, "brief_read_whole", True)  # read to the end: the connection may be reused
        return Response(
            url=redact(response.geturl()),
            status=response.status,
            content_type=content_type,
            charset=headers.get_content_charset() if content_type else None,
            body=body,
            etag=headers.get("ETag"),
            last_modified=headers.get("Last-Modified"),
        )


def _read_out(err: urllib.error.HTTPError) -> None:
    """Read a short error answer to its end, marked so its connection can serve the next request, then close it.

    A short error page (robots.txt's 404 on most sites) is read out; a long one is not worth it. A redirect urllib
    gave up on (a loop) before reading its body is marked too.
    """
    length = (err.headers.get("Content-Length") or "").strip()
    read_out = False
    if err.fp is not None and (err.code == 304 or (length.isdigit() and int(length) <= _SMALL_ERROR_PAGE)):
        try:
            err.read()
            read_out = True
        except (OSError, http.client.HTTPException):
            pass
    if err.fp is not None:
        setattr(err.fp, "brief_read_whole", read_out)  # a mark on urllib's response object
    err.close()


def _read_body(response: IO[bytes], coding: str | None, settings: WebSettings, deadline: float) -> bytes:
    """Read what is available chunk by chunk, so the limit and the deadline are checked as the bytes arrive."""
    coding = (coding or "identity").strip().lower()
    if coding in ("gzip", "x-gzip", "deflate"):
        inflater = zlib.decompressobj(zlib.MAX_WBITS | 32)  # gzip or zlib header, found from the first bytes
    elif coding == "identity":
        inflater = None
    else:
        raise FetchError(f"unsupported content encoding ({coding})")
    limit = settings.max_bytes
    chunks: list[bytes] = []
    size = 0
    while True:
        if time.monotonic() > deadline:
            raise _out_of_time(settings)
        # read1 returns what has arrived rather than waiting for a whole chunk: a slow trickle meets the deadline.
        chunk = response.read1(_CHUNK)  # type: ignore[attr-defined]
        if not chunk:
            break
        if inflater is not None:
            try:
                # Inflate at most one byte past the limit: a small compressed body must not balloon in memory.
                chunk = inflater.decompress(chunk, limit + 1 - size)
            except zlib.error:
                raise FetchError(f"damaged {coding} body") from None
        size += len(chunk)
        if size > limit:
            raise FetchError(_too_large(None, limit))
        chunks.append(chunk)
    if inflater is not None:
        try:
            rest = inflater.flush()
        except zlib.error:
            raise FetchError(f"damaged {coding} body") from None
        if size + len(rest) > limit:
            raise FetchError(_too_large(None, limit))
        chunks.append(rest)
    return b"".join(chunks)


def _http_error(err: urllib.error.HTTPError) -> FetchError:
    code = err.code
    if 300 <= code < 400:
        if "infinite loop" in str(err.msg):
            return FetchError(f"too many redirects (more than {_Redirects.max_redirections})")
        if code == 304:  # only a conditional request (a feed's ETag) may be answered "not modified"
            return FetchError("HTTP 304 Not Modified to a request that was not conditional (a server fault)")
        location = (err.headers.get("Location") or err.headers.get("URI") or "").strip() if err.headers else ""
        if location:
            # urllib refuses a redirect to file:, data: ... before brief's own handler sees it: name the scheme.
            return _refused_redirect(location)
        return FetchError(f"HTTP {code} {_phrase(err)} with no address to follow")
    reason = f"HTTP {code} {_phrase(err)}".rstrip()
    if code == 429 or code >= 500:
        return FetchError(reason, temporary=True, retry_after=_retry_after(err.headers.get("Retry-After")))
    return FetchError(reason)


def _refused_redirect(location: str) -> FetchError:
    """A redirect to an address that is not http(s): the reason names its scheme."""
    scheme = location.partition(":")[0].lower() if ":" in location else ""
    what = f"scheme {scheme}:" if re.fullmatch(r"[a-z][a-z0-9+.-]*", scheme) else "an address that is not http(s)"
    return FetchError(f"redirected to {what} ({redact(location)}), which brief does not follow (only http: and https:)")


def _phrase(err: urllib.error.HTTPError) -> str:
    try:
        return HTTPStatus(err.code).phrase
    except ValueError:
        return str(err.msg or "")


def _retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header: a number of seconds or an HTTP date; None if absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when is None or when.tzinfo is None:
        return None
    return max(0.0, when.timestamp() - time.time())


def _network_error(err: BaseException, timeout: float) -> FetchError:
    """A short reason for a failure below HTTP; temporary when another try may go better."""
    cause = err.reason if isinstance(err, urllib.error.URLError) else err
    if isinstance(cause, FetchError):
        return cause
    if isinstance(cause, (TimeoutError, socket.timeout)):
        return FetchError(f"timed out after {timeout:g} s", temporary=True)
    if isinstance(cause, ConnectionRefusedError):
        return FetchError("connection refused", temporary=True)
    if isinstance(cause, socket.gaierror):
        # "Try again" is a resolver hiccup; anything else means the name does not exist.
        return FetchError("host not found", temporary=cause.errno == socket.EAI_AGAIN)
    if isinstance(cause, ssl.SSLCertVerificationError):
        return FetchError(f"TLS certificate not accepted ({cause.verify_message or cause.reason})")
    if isinstance(cause, ssl.SSLError):
        return FetchError(f"TLS error ({cause.reason or cause})")
    if isinstance(cause, http.client.RemoteDisconnected):
        return FetchError("the server closed the connection without answering", temporary=True)
    if isinstance(cause, http.client.IncompleteRead):
        return FetchError("the connection closed before the whole page arrived", temporary=True)
    if isinstance(cause, (ConnectionResetError, ConnectionAbortedError, BrokenPipeError)):
        return FetchError("connection reset by the server", temporary=True)
    if isinstance(cause, http.client.InvalidURL) or isinstance(cause, ValueError):
        return FetchError(f"not a valid web address ({cause})")
    if isinstance(cause, http.client.HTTPException):
        return FetchError(f"not a valid HTTP answer ({type(cause).__name__})")
    if isinstance(cause, str):  # urllib's own complaints, e.g. "unknown url type"
        return FetchError(f"not a valid web address ({cause})")
    if isinstance(cause, OSError):
        return FetchError(f"network error ({cause.strerror or cause})", temporary=True)
    return FetchError(f"network error ({cause})", temporary=True)


def _via_proxy(err: FetchError, settings: WebSettings) -> FetchError:
    """A failure to connect or talk, naming the proxy it went through: the user looks there, not at the site."""
    if not settings.proxy or err.reason.startswith(("refused:", "gave up")):
        return err
    return FetchError(f"{err.reason} (through the proxy {redact(settings.proxy)})", temporary=err.temporary,
                      retry_after=err.retry_after)


def _tried(err: FetchError, attempts: int) -> FetchError:
    if attempts == 1:
        return err
    return FetchError(f"{err.reason} (tried {attempts} times)")


def _stopped() -> FetchError:
    return FetchError("stopped: the run was interrupted")


def _out_of_time(settings: WebSettings) -> FetchError:
    return FetchError(f"gave up after {settings.deadline:g} s (the time allowed for one address)")


def _too_large(size: int | None, limit: int) -> str:
    if size is None:
        return f"too large (more than the limit of {limit:,} bytes)"
    return f"too large ({size:,} bytes; the limit is {limit:,})"
