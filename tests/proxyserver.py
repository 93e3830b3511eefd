"""A real forwarding HTTP proxy on 127.0.0.1 for tests: plain GETs in absolute form, and CONNECT tunnels for https.

    with WebServer(news_routes()) as site, Proxy() as proxy:
        fetch(site.url("/news/water"), WebSettings(proxy=proxy.url))

HTTP/1.1 towards the client (its connections stay open for the next request, as a company proxy's do); towards
the site a connection per request. ``connections`` counts the client connections accepted, ``requests`` the
GETs forwarded, ``tunnels`` the CONNECTs opened. Handlers run in daemon threads, so a failing test never keeps
pytest from exiting.
"""

from __future__ import annotations

import http.client
import select
import socket
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType

_HOP_BY_HOP = {"connection", "keep-alive", "proxy-connection", "proxy-authorization", "te", "trailer", "upgrade"}


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def setup(self) -> None:
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.server.owner.count("connections")

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        target = urllib.parse.urlsplit(self.path)
        if target.scheme != "http" or not target.hostname:
            self.send_error(400, "a proxy wants an absolute http:// address")
            return
        self.server.owner.count("requests")
        host = self.server.owner.hosts.get(target.hostname, target.hostname)  # the proxy's own DNS
        upstream = http.client.HTTPConnection(host, target.port or 80, timeout=10)
        headers = {k: v for k, v in self.headers.items() if k.lower() not in _HOP_BY_HOP}
        try:
            upstream.request("GET", urllib.parse.urlunsplit(("", "", target.path or "/", target.query, "")), headers=headers)
            answer = upstream.getresponse()
            body = answer.read()
        except OSError:
            self.send_error(502, "the site did not answer")
            return
        finally:
            upstream.close()
        self.send_response(answer.status, answer.reason)
        for name, value in answer.getheaders():
            if name.lower() not in _HOP_BY_HOP | {"content-length", "transfer-encoding"}:
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_CONNECT(self) -> None:  # noqa: N802 - http.server's naming
        host, _, port = self.path.rpartition(":")
        try:
            upstream = socket.create_connection((host, int(port)), timeout=10)
        except (OSError, ValueError):
            self.send_error(502, "cannot reach the site")
            return
        self.server.owner.count("tunnels")
        self.send_response(200, "Connection established")
        self.end_headers()
        self.close_connection = True  # after the tunnel, this connection is done
        with upstream:
            sockets = [self.connection, upstream]
            while not self.server.owner.stopping.is_set():
                ready, _, _ = select.select(sockets, [], [], 0.05)
                for sock in ready:
                    data = sock.recv(65536)
                    if not data:
                        return
                    (upstream if sock is self.connection else self.connection).sendall(data)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base class's name
        """Keep test output quiet."""


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    owner: Proxy

    def handle_error(self, request: object, client_address: object) -> None:
        """A client that hangs up early is no error here."""


class Proxy:
    """A forwarding proxy on an ephemeral port of 127.0.0.1."""

    def __init__(self, hosts: dict[str, str] | None = None) -> None:
        self.hosts = hosts or {}  # names only the proxy resolves (an intranet's), to their addresses
        self.connections = self.requests = self.tunnels = 0
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.owner = self
        host, port = self._server.server_address[:2]
        self.url = f"http://{host}:{port}"
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True)

    def count(self, what: str) -> None:
        with self.lock:
            setattr(self, what, getattr(self, what) + 1)

    def __enter__(self) -> Proxy:
        self._thread.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.stopping.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
