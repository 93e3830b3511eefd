"""A real HTTP server on 127.0.0.1 for tests: a routing table of canned answers and misbehaving ones.

    with WebServer() as server:
        server.routes["/page"] = reply(html)
        server.routes["/old"] = redirect("/page")
        server.routes["/flaky"] = sequence(reply(b"busy", status=503), reply(html))
        server.routes["/slow"] = hang(5)          # ends early when the server closes
        fetch(server.url("/page"), settings)

Every route is a function that writes the whole answer through the request handler. The server runs in a
daemon thread and its handlers in daemon threads, so a test that fails midway never keeps pytest from exiting;
closing the server also wakes every handler that is still waiting.
"""

from __future__ import annotations

import socket
import ssl
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType

Route = Callable[["Handler"], None]


class Handler(BaseHTTPRequestHandler):
    """Looks the path up in the server's routes (the query string is ignored); 404 when it is not there."""

    server: _Server

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        path = self.path.split("?", 1)[0]
        owner = self.server.owner
        with owner.lock:
            owner.hits[path] += 1
            owner.requests.append((path, dict(self.headers.items())))
        route = owner.routes.get(path, reply(b"<h1>Not Found</h1>", status=404))
        self.length_sent = False
        try:
            route(self)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up on us, which is what some tests are about
        if not self.length_sent:  # the body ends where the connection does
            self.close_connection = True

    def send_header(self, keyword: str, value: str) -> None:
        super().send_header(keyword, value)
        if keyword.lower() == "content-length":
            self.length_sent = True

    def setup(self) -> None:
        super().setup()
        # As nginx does on keep-alive connections: the body, written after the headers, goes out at once rather
        # than waiting for the client's (delayed) acknowledgement of them.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        with self.server.owner.lock:
            self.server.owner.connections += 1

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base class's name
        """Keep test output quiet."""

    @property
    def stopping(self) -> threading.Event:
        """Set when the server closes: waiting routes return."""
        return self.server.owner.stopping

    @property
    def base(self) -> str:
        """The server's own address, for answers that link back to it."""
        return self.server.owner.base


class KeepAliveHandler(Handler):
    """HTTP/1.1: the connection stays open for the next request, as on real news sites (every answer of a
    keep-alive server needs a Content-Length: reply and redirect send one)."""

    protocol_version = "HTTP/1.1"


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    owner: WebServer

    def handle_error(self, request: object, client_address: object) -> None:
        """A client that hangs up early is no error here."""


class WebServer:
    """A threaded HTTP server on an ephemeral port of 127.0.0.1; HTTPS when given a server-side TLS context.

    HTTP/1.0 (a connection per request) unless ``keep_alive``; ``connections`` counts the connections accepted.
    """

    def __init__(
        self, routes: dict[str, Route] | None = None, *, tls: ssl.SSLContext | None = None, keep_alive: bool = False
    ) -> None:
        self.routes: dict[str, Route] = dict(routes or {})
        self.connections = 0
        self.hits: Counter[str] = Counter()
        self.requests: list[tuple[str, dict[str, str]]] = []  # (path, headers) in arrival order
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self._server = _Server(("127.0.0.1", 0), KeepAliveHandler if keep_alive else Handler)
        self._server.owner = self
        if tls is not None:  # https: every accepted connection does the TLS handshake first
            self._server.socket = tls.wrap_socket(self._server.socket, server_side=True)
        host, port = self._server.server_address[:2]
        self.base = f"{'https' if tls else 'http'}://{host}:{port}"
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True)

    def url(self, path: str) -> str:
        """The full address of a path on this server."""
        return self.base + path

    def start(self) -> WebServer:
        """Start serving in a daemon thread."""
        self._thread.start()
        return self

    def close(self) -> None:
        """Wake waiting routes, stop serving and free the port."""
        self.stopping.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> WebServer:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.close()


def reply(
    body: bytes | str | Callable[[str], bytes],
    *,
    status: int = 200,
    content_type: str | None = "text/html; charset=utf-8",
    headers: Iterable[tuple[str, str]] = (),
) -> Route:
    """A whole answer at once; a callable body is given the server's base address (for feeds linking back)."""

    def route(handler: Handler) -> None:
        data = body(handler.base) if callable(body) else body
        data = data.encode("utf-8") if isinstance(data, str) else data
        handler.send_response(status)
        if content_type is not None:
            handler.send_header("Content-Type", content_type)
        handler.send_header("Content-Length", str(len(data)))
        for name, value in headers:
            handler.send_header(name, value)
        handler.end_headers()
        handler.wfile.write(data)

    return route


def redirect(location: str, status: int = 301) -> Route:
    """A redirect to another path of this server (or any address)."""
    return reply(b"", status=status, content_type=None, headers=[("Location", location)])


def hang_up_after(route: Route) -> Route:
    """The route's answer, then the connection closed without a word (as a keep-alive server's idle timeout does)."""

    def closing(handler: Handler) -> None:
        route(handler)
        handler.close_connection = True

    return closing


def sequence(*routes: Route) -> Route:
    """The n-th request gets the n-th route; the last one answers every request after that."""
    lock = threading.Lock()
    count = [0]

    def route(handler: Handler) -> None:
        with lock:
            n = count[0]
            count[0] += 1
        routes[min(n, len(routes) - 1)](handler)

    return route


def hang(seconds: float, *, after_headers: bool = False) -> Route:
    """Say nothing (or only the headers) for a while, then a small page; returns at once when the server closes."""

    def route(handler: Handler) -> None:
        if after_headers:
            handler.send_response(200)
            handler.send_header("Content-Type", "text/html; charset=utf-8")
            handler.end_headers()
            handler.wfile.flush()
        handler.stopping.wait(seconds)
        if not after_headers:
            handler.send_response(200)
            handler.send_header("Content-Type", "text/html; charset=utf-8")
            handler.end_headers()
        handler.wfile.write("<p>متأخر جداً</p>".encode())

    return route


def trickle(total: int, every: float, content_type: str = "text/html; charset=utf-8") -> Route:
    """One byte at a time, each ``every`` seconds apart: never silent long enough for a read timeout."""

    def route(handler: Handler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", content_type)
        handler.end_headers()
        for _ in range(total):
            if handler.stopping.wait(every):
                return
            handler.wfile.write(b" ")
            handler.wfile.flush()

    return route


class Stream:
    """A large body sent in chunks with no Content-Length (or a true one); counts what actually went out."""

    def __init__(
        self, total: int, *, chunk: int = 64 * 1024, content_type: str = "text/html; charset=utf-8",
        declare_length: bool = False, headers: Iterable[tuple[str, str]] = (),
    ) -> None:
        self.total, self.chunk, self.content_type = total, chunk, content_type
        self.declare_length = declare_length
        self.headers = tuple(headers)
        self.sent = 0
        self.done = threading.Event()  # set when the route has stopped sending, for whatever reason

    def __call__(self, handler: Handler) -> None:
        try:
            handler.send_response(200)
            handler.send_header("Content-Type", self.content_type)
            if self.declare_length:
                handler.send_header("Content-Length", str(self.total))
            for name, value in self.headers:
                handler.send_header(name, value)
            handler.end_headers()
            block = b"<p>" + b"x" * (self.chunk - 8) + b"</p>\n\n"
            while self.sent < self.total and not handler.stopping.is_set():
                piece = block[: self.total - self.sent]
                handler.wfile.write(piece)
                self.sent += len(piece)
        finally:
            self.done.set()


WEB_FIXTURES = Path(__file__).resolve().parent / "fixtures" / "web"


def news_routes(folder: Path = WEB_FIXTURES) -> dict[str, Route]:
    """A small news site from the web fixtures: three article pages, two feeds, an empty feed and a 404.

        /news/water  /news/economy  /news/storm     UTF-8 Arabic article pages
        /news/gone                                  404 (rss.xml links to it)
        /rss.xml  /atom.xml  /empty.xml             RSS 2.0, Atom and an RSS feed with no items, linking back here
    """

    def feed(name: str) -> Callable[[str], bytes]:
        return lambda base: (folder / name).read_text(encoding="utf-8").replace("{BASE}", base).encode("utf-8")

    routes: dict[str, Route] = {
        f"/news/{name}": reply((folder / f"{name}.html").read_bytes()) for name in ("water", "economy", "storm")
    }
    routes["/rss.xml"] = reply(feed("rss.xml"), content_type="application/rss+xml; charset=utf-8")
    routes["/atom.xml"] = reply(feed("atom.xml"), content_type="application/atom+xml")
    routes["/empty.xml"] = reply(feed("empty-rss.xml"), content_type="application/rss+xml")
    return routes


def unused_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (bound, then let go), for "connection refused"."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(condition: Callable[[], bool], timeout: float = 5.0) -> bool:
    """Poll until the condition holds or the time is up; return whether it held."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(0.01)
    return condition()
