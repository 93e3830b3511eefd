"""Tests for brief.ingest.web and brief.ingest.feeds, against a real HTTP server on 127.0.0.1 (tests/webserver.py).

Every setting is short (timeouts of half a second, backoff of 10 ms) so the misbehaving routes cost little time.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import gzip
import json
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from cli_runner import brief
from proxyserver import Proxy
from webserver import (
    WEB_FIXTURES,
    Route,
    Stream,
    WebServer,
    hang,
    hang_up_after,
    news_routes,
    redirect,
    reply,
    sequence,
    trickle,
    unused_port,
    wait_for,
)

from brief import __version__
from brief.errors import ConfigError, InputError
from brief.ingest import read_inputs, read_url
from brief.ingest.web import FetchError, Session, WebSettings, decode_page, download, fetch, is_url
from brief.records import RawDocument, Skipped

FAST = WebSettings(timeout=0.5, retries=2, backoff=0.01, deadline=3.0)
NO_RETRY = dataclasses.replace(FAST, retries=0)
WATER_TITLE = "الأردن يبدأ أعمال مشروع تحلية مياه البحر في العقبة"
MOJIBAKE = "ط§ظ„"  # "ال" in UTF-8 bytes read as cp1256


@pytest.fixture(params=[False, True], ids=["http1.0", "keep-alive"])
def server(request: pytest.FixtureRequest) -> Iterator[WebServer]:
    """The fixture news site on 127.0.0.1; tests add their own routes. Each test runs twice: against a server
    that closes every connection, and one that keeps them open (the client then reuses them)."""
    with WebServer(news_routes(), keep_alive=request.param) as running:
        yield running


def page(name: str) -> bytes:
    return (WEB_FIXTURES / name).read_bytes()


# --- pages ---------------------------------------------------------------------------------------------------------


def test_fetch_gives_the_page_with_a_clear_user_agent(server: WebServer) -> None:
    url = server.url("/news/water")
    document = fetch(url, FAST)
    assert (document.location, document.url, document.kind, document.encoding) == (url, url, "html", "utf-8")
    assert WATER_TITLE in document.text
    assert 'dir="rtl"' in document.text
    user_agent = server.requests[0][1]["User-Agent"]
    assert user_agent.startswith(f"brief/{__version__} (") and "news brief tool" in user_agent


def test_redirects_are_followed_and_the_final_address_kept(server: WebServer) -> None:
    server.routes["/old"] = redirect("/moved", status=301)
    server.routes["/moved"] = redirect(server.url("/news/water"), status=302)
    document = fetch(server.url("/old"), FAST)
    assert document.location == server.url("/old")
    assert document.url == server.url("/news/water")
    assert WATER_TITLE in document.text


@pytest.mark.parametrize(
    ("status", "reason"), [(404, "HTTP 404 Not Found"), (403, "HTTP 403 Forbidden"), (410, "HTTP 410 Gone")]
)
def test_client_errors_are_not_retried(server: WebServer, status: int, reason: str) -> None:
    server.routes["/x"] = reply(b"<p>no</p>", status=status)
    with pytest.raises(FetchError) as caught:
        fetch(server.url("/x"), FAST)
    assert str(caught.value) == reason
    assert isinstance(caught.value, InputError)
    assert server.hits["/x"] == 1


def test_a_temporary_failure_is_retried(server: WebServer) -> None:
    server.routes["/flaky"] = sequence(reply(b"busy", status=503), reply(page("water.html")))
    document = fetch(server.url("/flaky"), FAST)
    assert WATER_TITLE in document.text
    assert server.hits["/flaky"] == 2


def test_retries_run_out_and_say_so(server: WebServer) -> None:
    server.routes["/down"] = reply(b"busy", status=503)
    with pytest.raises(FetchError, match=r"^HTTP 503 Service Unavailable \(tried 3 times\)$"):
        fetch(server.url("/down"), FAST)
    assert server.hits["/down"] == 3


def test_a_short_retry_after_is_honoured(server: WebServer) -> None:
    server.routes["/busy"] = sequence(
        reply(b"slow down", status=429, headers=[("Retry-After", "0")]), reply(page("water.html"))
    )
    assert WATER_TITLE in fetch(server.url("/busy"), FAST).text
    assert server.hits["/busy"] == 2


def test_a_long_retry_after_is_not_waited_for(server: WebServer) -> None:
    server.routes["/busy"] = reply(b"slow down", status=429, headers=[("Retry-After", "3600")])
    started = time.monotonic()
    with pytest.raises(FetchError, match=r"HTTP 429 Too Many Requests \(the server asks to wait 3600 s\)"):
        fetch(server.url("/busy"), FAST)
    assert time.monotonic() - started < 1
    assert server.hits["/busy"] == 1


@pytest.mark.parametrize("after_headers", [False, True], ids=["no-answer", "headers-then-silence"])
def test_a_hanging_server_times_out(server: WebServer, after_headers: bool) -> None:
    server.routes["/slow"] = hang(10, after_headers=after_headers)
    started = time.monotonic()
    with pytest.raises(FetchError, match=r"^timed out after 0.5 s$"):
        fetch(server.url("/slow"), NO_RETRY)
    assert time.monotonic() - started < 2


def test_a_timeout_is_retried_and_the_attempts_counted(server: WebServer) -> None:
    server.routes["/slow"] = hang(10)
    settings = dataclasses.replace(FAST, timeout=0.2, retries=1)
    with pytest.raises(FetchError, match=r"^timed out after 0.2 s \(tried 2 times\)$"):
        fetch(server.url("/slow"), settings)
    assert server.hits["/slow"] == 2


def test_a_trickling_server_meets_the_overall_deadline(server: WebServer) -> None:
    server.routes["/trickle"] = trickle(total=1000, every=0.05)  # never silent for 0.5 s, but 50 s in all
    settings = dataclasses.replace(FAST, deadline=1.0)
    started = time.monotonic()
    with pytest.raises(FetchError, match=r"^gave up after 1 s"):
        fetch(server.url("/trickle"), settings)
    assert time.monotonic() - started < 2.5


def test_a_huge_body_is_refused_while_it_streams(server: WebServer) -> None:
    stream = Stream(256 * 1024 * 1024)
    server.routes["/huge"] = stream
    settings = dataclasses.replace(FAST, max_bytes=100_000)
    with pytest.raises(FetchError, match=r"^too large \(more than the limit of 100,000 bytes\)$"):
        fetch(server.url("/huge"), settings)
    assert wait_for(stream.done.is_set)  # the server noticed we hung up ...
    assert stream.sent < 32 * 1024 * 1024  # ... long before the end (socket buffers hold a few MB)


def test_a_declared_length_over_the_limit_is_refused_before_reading(server: WebServer) -> None:
    stream = Stream(10**9, declare_length=True)
    server.routes["/huge"] = stream
    settings = dataclasses.replace(FAST, max_bytes=100_000)
    with pytest.raises(FetchError, match=r"^too large \(1,000,000,000 bytes; the limit is 100,000\)$"):
        fetch(server.url("/huge"), settings)
    assert wait_for(stream.done.is_set)
    assert stream.sent < 32 * 1024 * 1024


def test_a_compressed_page_is_inflated(server: WebServer) -> None:
    server.routes["/gz"] = reply(gzip.compress(page("water.html")), headers=[("Content-Encoding", "gzip")])
    assert WATER_TITLE in fetch(server.url("/gz"), FAST).text


def test_a_compressed_body_is_held_to_the_limit_after_inflating(server: WebServer) -> None:
    bomb = gzip.compress(b" " * (20 * 1024 * 1024))  # 20 KB on the wire, 20 MB inflated
    server.routes["/bomb"] = reply(bomb, headers=[("Content-Encoding", "gzip")])
    with pytest.raises(FetchError, match="^too large"):
        fetch(server.url("/bomb"), dataclasses.replace(FAST, max_bytes=1_000_000))


@pytest.mark.parametrize(
    ("content_type", "reason"),
    [
        ("application/pdf", "not a web page (application/pdf)"),
        ("image/jpeg", "not a web page (image/jpeg)"),
        ("application/octet-stream", "not a web page (application/octet-stream)"),
        ("text/css", "not a web page (text/css)"),
    ],
)
def test_what_is_not_a_page_is_refused_before_its_body_is_read(
    server: WebServer, content_type: str, reason: str
) -> None:
    stream = Stream(64 * 1024 * 1024, content_type=content_type)
    server.routes["/file"] = stream
    with pytest.raises(FetchError) as caught:
        fetch(server.url("/file"), FAST)
    assert str(caught.value) == reason
    assert wait_for(stream.done.is_set)
    assert stream.sent < 32 * 1024 * 1024


def test_connection_refused(server: WebServer) -> None:
    started = time.monotonic()
    with pytest.raises(FetchError, match=r"^connection refused \(tried 3 times\)$"):
        fetch(f"http://127.0.0.1:{unused_port()}/news", FAST)
    assert time.monotonic() - started < 1


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://", "not a valid web address (no host name)"),
        ("http://127.0.0.1:notaport/x", "not a valid web address"),
        ("ftp://example.org/x", "not a web address"),
    ],
)
def test_bad_addresses_are_refused_without_a_connection(url: str, reason: str) -> None:
    with pytest.raises(FetchError, match=f"^{reason.replace('(', '[(]').replace(')', '[)]')}"):
        fetch(url, FAST)


def test_a_resolver_that_does_not_answer_is_a_timeout_not_a_hang(monkeypatch: pytest.MonkeyPatch) -> None:
    import socket

    def silent(*args: object, **kwargs: object) -> list:  # a DNS server that never answers
        time.sleep(30)
        return []

    monkeypatch.setattr(socket, "getaddrinfo", silent)
    started = time.monotonic()
    with pytest.raises(FetchError, match=r"^timed out looking up news.example.org after 0.5 s$"):
        fetch("http://news.example.org/page", NO_RETRY)
    assert time.monotonic() - started < 1.5


def test_a_redirect_loop_ends(server: WebServer) -> None:
    server.routes["/a"] = redirect("/b")
    server.routes["/b"] = redirect("/a")
    with pytest.raises(FetchError, match="^too many redirects"):
        fetch(server.url("/a"), FAST)


def test_a_redirect_away_from_the_web_is_refused(server: WebServer) -> None:
    server.routes["/ftp"] = redirect("ftp://127.0.0.1/secret.txt")
    with pytest.raises(FetchError, match=r"^redirected to scheme ftp: \(ftp://127.0.0.1/secret.txt\), which brief does not follow"):
        fetch(server.url("/ftp"), FAST)


def test_a_redirect_without_a_location(server: WebServer) -> None:
    server.routes["/nowhere"] = reply(b"", status=302, content_type=None)
    with pytest.raises(FetchError, match="^HTTP 302 Found with no address to follow$"):
        fetch(server.url("/nowhere"), FAST)


@pytest.fixture
def tls_server(tmp_path: Path) -> Iterator[tuple[WebServer, str]]:
    """The news site over https with a certificate from a throwaway CA; yields it and the CA's PEM file."""
    import ssl

    import trustme

    authority = trustme.CA()
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    authority.issue_cert("127.0.0.1").configure_cert(context)
    ca_file = tmp_path / "ca.pem"
    authority.cert_pem.write_to_path(str(ca_file))
    with WebServer(news_routes(), tls=context) as running:
        yield running, str(ca_file)


def test_https_with_a_trusted_certificate(tls_server: tuple[WebServer, str]) -> None:
    server, ca_file = tls_server
    document = fetch(server.url("/news/water"), dataclasses.replace(FAST, ca_file=ca_file))
    assert document.url is not None and document.url.startswith("https://")
    assert WATER_TITLE in document.text


def test_https_with_an_unknown_certificate_is_refused_at_once(tls_server: tuple[WebServer, str]) -> None:
    server, _ = tls_server
    with pytest.raises(FetchError, match=r"^TLS certificate not accepted \(.*\)$"):
        fetch(server.url("/news/water"), FAST)
    assert server.hits["/news/water"] == 0


def test_a_missing_ca_file_is_a_configuration_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot use CA file"):
        fetch("https://127.0.0.1:1/", dataclasses.replace(FAST, ca_file=str(tmp_path / "none.pem")))


# --- connections ---------------------------------------------------------------------------------------------------


@pytest.fixture
def keep_alive() -> Iterator[WebServer]:
    """The news site on a server that keeps connections open (HTTP/1.1), as real news sites do."""
    with WebServer(news_routes(), keep_alive=True) as running:
        yield running


def own_session(settings: WebSettings = NO_RETRY) -> WebSettings:
    return dataclasses.replace(settings, session=Session())


def test_a_feeds_items_share_the_connections_the_feed_opened(keep_alive: WebServer) -> None:
    settings = own_session(dataclasses.replace(FAST, workers=2))
    documents, skipped = read_inputs([keep_alive.url("/rss.xml")], web=settings)
    assert len(documents) >= 3 and len(skipped) == 1  # /news/gone is a 404
    requests = sum(keep_alive.hits.values())  # robots.txt, the feed, four item pages (one item is in the feed)
    assert requests == 6
    assert keep_alive.connections <= settings.workers  # not one per request
    pool = settings.session.pool
    assert pool.opened == keep_alive.connections and pool.opened + pool.reused == requests
    assert pool.take(next(iter(pool._idle), ())) is None  # closed once the inputs are read


def test_a_connection_the_server_closed_while_idle_is_replaced_without_a_retry(keep_alive: WebServer) -> None:
    keep_alive.routes["/once"] = hang_up_after(reply(page("water.html")))  # closes without saying so
    settings = own_session()  # no retries: the new connection is not a retry
    for _ in range(3):
        assert WATER_TITLE in fetch(keep_alive.url("/once"), settings).text
    assert keep_alive.hits["/once"] == 3 and keep_alive.connections == 3


@pytest.mark.parametrize(
    "route",
    [
        reply(b"%PDF-1.4 " + b"x" * 5000, content_type="application/pdf"),  # refused before its body is read
        reply(b"<p>" + b"x" * 200_000 + b"</p>"),  # declared too large
        reply(b"<p>" + b"x" * 200_000 + b"</p>", status=404),  # an error page, not read
    ],
    ids=["not-a-page", "too-large", "error-page"],
)
def test_an_answer_not_read_to_the_end_leaves_no_connection_behind(keep_alive: WebServer, route: Route) -> None:
    keep_alive.routes["/bad"] = route
    settings = own_session(dataclasses.replace(NO_RETRY, max_bytes=100_000))
    with pytest.raises(FetchError):
        fetch(keep_alive.url("/bad"), settings)
    # The next page comes whole over a new connection, not after the rest of the last body.
    assert WATER_TITLE in fetch(keep_alive.url("/news/water"), settings).text
    assert keep_alive.connections == 2


def test_a_reused_connection_is_held_to_the_next_fetchs_deadline(keep_alive: WebServer) -> None:
    keep_alive.routes["/slow"] = hang(10, after_headers=True)
    settings = own_session(dataclasses.replace(NO_RETRY, timeout=5.0, deadline=1.0))
    fetch(keep_alive.url("/news/water"), settings)
    started = time.monotonic()
    with pytest.raises(FetchError, match=r"^gave up after 1 s"):
        fetch(keep_alive.url("/slow"), settings)
    assert time.monotonic() - started < 2.5
    assert keep_alive.connections == 1  # /slow went out on the connection /news/water opened


def test_a_redirect_on_the_same_site_follows_on_the_same_connection(keep_alive: WebServer) -> None:
    keep_alive.routes["/old"] = redirect("/news/water")
    settings = own_session()
    assert WATER_TITLE in fetch(keep_alive.url("/old"), settings).text
    assert keep_alive.connections == 1


def test_a_redirect_loop_with_a_long_body_leaves_no_connection_behind(keep_alive: WebServer) -> None:
    body = b"<p>" + b"x" * 100_000 + b"</p>"  # longer than an error page brief reads out
    keep_alive.routes["/loop"] = reply(body, status=302, headers=[("Location", "/loop")])
    settings = own_session()
    with pytest.raises(FetchError):
        fetch(keep_alive.url("/loop"), settings)
    connections = keep_alive.connections
    assert WATER_TITLE in fetch(keep_alive.url("/news/water"), settings).text  # whole, on a new connection
    assert keep_alive.connections == connections + 1


def test_a_connection_to_an_address_the_user_named_is_not_lent_to_another_source(keep_alive: WebServer) -> None:
    settings = own_session()
    fetch(keep_alive.url("/news/water"), settings)  # named: 127.0.0.1 may be reached
    with pytest.raises(FetchError, match="refused: 127.0.0.1 is a loopback address"):
        download(keep_alive.url("/news/storm"), settings, named_by="http://example.org/feed.xml")
    assert keep_alive.hits["/news/storm"] == 0 and keep_alive.connections == 1


# --- through a proxy -----------------------------------------------------------------------------------------------


@pytest.fixture
def proxy() -> Iterator[Proxy]:
    with Proxy() as running:
        yield running


def test_pages_come_through_a_proxy_over_one_kept_connection(keep_alive: WebServer, proxy: Proxy) -> None:
    settings = own_session(dataclasses.replace(FAST, proxy=proxy.url, workers=1))
    documents, skipped = read_inputs([keep_alive.url("/rss.xml")], web=settings)
    assert len(documents) == 4 and len(skipped) == 1
    assert WATER_TITLE in next(d.text for d in documents if d.location.endswith("/news/water"))
    # robots.txt, the feed and four item pages, all forwarded by the proxy, over the one connection to it
    assert proxy.requests == sum(keep_alive.hits.values()) == 6
    assert proxy.connections == 1


def test_https_comes_through_a_proxy_tunnel(tls_server: tuple[WebServer, str], proxy: Proxy) -> None:
    server, ca_file = tls_server
    settings = own_session(dataclasses.replace(FAST, proxy=proxy.url, ca_file=ca_file))
    for name in ("water", "economy"):
        document = fetch(server.url(f"/news/{name}"), settings)
        assert document.url is not None and document.url.startswith("https://")
    assert WATER_TITLE in fetch(server.url("/news/water"), settings).text
    assert proxy.tunnels >= 1 and proxy.requests == 0  # the proxy saw CONNECT only, never a page
    assert server.hits["/news/water"] == 2


def test_a_proxy_that_is_down_is_a_clear_failure() -> None:
    port = unused_port()
    settings = own_session(dataclasses.replace(NO_RETRY, proxy=f"http://127.0.0.1:{port}"))
    with pytest.raises(FetchError, match=rf"^connection refused \(through the proxy http://127.0.0.1:{port}\)$"):
        fetch("http://news.example.org/page", settings)


# --- decoding ------------------------------------------------------------------------------------------------------


def test_truncated_html_is_read_as_far_as_it_goes(server: WebServer) -> None:
    server.routes["/broken"] = reply(page("broken.html"), content_type="text/html")
    document = fetch(server.url("/broken"), FAST)
    assert document.encoding == "utf-8"
    assert document.text.endswith("وأوضح البنك في بيان ")  # the half character is dropped ...
    assert MOJIBAKE not in document.text  # ... not the whole page turned into cp1256 mojibake


def test_cp1256_declared_in_the_content_type(server: WebServer) -> None:
    server.routes["/books"] = reply(page("books-cp1256.html"), content_type="text/html; charset=windows-1256")
    document = fetch(server.url("/books"), FAST)
    assert document.encoding == "cp1256"
    assert "افتتاح معرض الرياض الدولي للكتاب" in document.text


def test_cp1256_declared_only_in_meta(server: WebServer) -> None:
    server.routes["/energy"] = reply(page("energy-meta-cp1256.html"), content_type="text/html")
    document = fetch(server.url("/energy"), FAST)
    assert document.encoding == "cp1256"
    assert "المغرب يستضيف قمة إقليمية للطاقة المتجددة" in document.text


def test_a_declared_charset_no_guess_would_find(server: WebServer) -> None:
    # ISO-8859-6 bytes "decode" as cp1256 too, into the wrong letters: only the declaration gets them right.
    html = f"<html><body><h1>{WATER_TITLE}</h1></body></html>"
    server.routes["/iso"] = reply(html.encode("iso-8859-6"), content_type="text/html; charset=ISO-8859-6")
    document = fetch(server.url("/iso"), FAST)
    assert document.encoding == "iso8859-6"
    assert WATER_TITLE in document.text


def test_utf8_under_a_wrong_western_label_is_still_utf8(server: WebServer) -> None:
    server.routes["/mislabelled"] = reply(page("water.html"), content_type="text/html; charset=iso-8859-1")
    document = fetch(server.url("/mislabelled"), FAST)
    assert document.encoding == "utf-8"
    assert WATER_TITLE in document.text


@pytest.mark.parametrize(
    ("body", "charset", "expected"),
    [
        ("<meta charset='utf-8'><p>سلام</p>".encode(), None, ("<meta charset='utf-8'><p>سلام</p>", "utf-8")),
        (b"\xef\xbb\xbf<p>" + "سلام".encode() + b"</p>", "windows-1256", ("<p>سلام</p>", "utf-8-sig")),
        ("<p>سلام</p>".encode("cp1256"), "no-such-charset", ("<p>سلام</p>", "cp1256")),
        ("<p>سلام</p>\r\n".encode(), "utf-8", ("<p>سلام</p>\n", "utf-8")),
    ],
    ids=["meta", "bom-wins", "unknown-label-guessed", "newlines"],
)
def test_decode_page(body: bytes, charset: str | None, expected: tuple[str, str]) -> None:
    assert decode_page(body, charset) == expected


@pytest.mark.parametrize(
    ("content_type", "name", "body", "kind"),
    [
        ("text/plain; charset=utf-8", "/a", "قالت الوزارة إن الاجتماع انتهى.".encode(), "txt"),
        ("text/markdown", "/a", "# عنوان\n\nنص الخبر.".encode(), "md"),
        (None, "/page.html", "<p>خبر</p>".encode(), "html"),
        (None, "/a", "<!DOCTYPE html><html><p>خبر</p></html>".encode(), "html"),
        (None, "/a", "خبر قصير".encode(), "txt"),
    ],
)
def test_kind_follows_the_content_type_or_the_body(
    server: WebServer, content_type: str | None, name: str, body: bytes, kind: str
) -> None:
    server.routes[name] = reply(body, content_type=content_type)
    assert fetch(server.url(name), FAST).kind == kind


@pytest.mark.parametrize(
    ("content_type", "body", "reason"),
    [
        (None, b"GIF89a\x00\x01\x00\x01\x00\x00\xff", "binary file (contains NUL bytes)"),
        ("text/html", b"", "empty page"),
        ("text/html", b"  \n ", "empty page"),
    ],
)
def test_unusable_bodies(server: WebServer, content_type: str | None, body: bytes, reason: str) -> None:
    server.routes["/x"] = reply(body, content_type=content_type)
    with pytest.raises(FetchError, match=f"^{reason.replace('(', '[(]').replace(')', '[)]')}$"):
        fetch(server.url("/x"), FAST)


# --- feeds ---------------------------------------------------------------------------------------------------------


def test_rss_items_are_fetched_newest_first_with_their_hints(server: WebServer) -> None:
    documents, skipped = read_inputs([server.url("/rss.xml")], web=FAST)
    assert [(d.location, d.title, d.date) for d in documents] == [
        (server.url("/news/storm"), "تعطل الملاحة الجوية في الكويت بسبب عاصفة رملية", dt.date(2025, 3, 16)),
        (server.url("/news/economy"), 'المركزي المصري "يثبت" الفائدة', dt.date(2025, 3, 13)),
        (server.url("/news/water"), "الأردن يبدأ أعمال مشروع تحلية مياه البحر", dt.date(2025, 3, 11)),
        (server.url("/rss.xml") + " (item 5)", "نشرة الطقس: أمطار متفرقة", dt.date(2025, 3, 10)),
    ]
    assert all(d.kind == "html" for d in documents)
    assert [d.url for d in documents[:3]] == [d.location for d in documents[:3]]
    assert WATER_TITLE in documents[2].text
    assert "هطول أمطار متفرقة" in documents[3].text  # no link: the item's own full text
    # The item whose page is gone is skipped; the others went on.
    assert skipped == [Skipped(server.url("/news/gone"), "HTTP 404 Not Found")]


def test_atom_entries_with_relative_links(server: WebServer) -> None:
    documents, skipped = read_inputs([server.url("/atom.xml")], web=FAST)
    assert skipped == []
    assert [(d.location, d.title, d.date) for d in documents] == [
        (server.url("/news/economy"), "المركزي المصري يثبت الفائدة", dt.date(2025, 3, 13)),  # published, not updated
        (server.url("/news/water"), "الأردن يبدأ أعمال مشروع تحلية مياه البحر", dt.date(2025, 3, 11)),
    ]


def test_a_feed_with_no_items_is_skipped(server: WebServer) -> None:
    assert read_inputs([server.url("/empty.xml")], web=FAST) == ([], [Skipped(server.url("/empty.xml"), "feed has no items")])


@pytest.mark.parametrize(("limit", "max_items", "count"), [(2, 20, 2), (None, 1, 1), (None, 20, 5)])
def test_feed_limits_keep_the_newest(server: WebServer, limit: int | None, max_items: int, count: int) -> None:
    settings = dataclasses.replace(FAST, max_items=max_items)
    documents, skipped = read_url(server.url("/rss.xml"), settings, limit=limit)
    newest = ["/news/storm", "/news/economy", "/news/gone", "/news/water", "/rss.xml (item 5)"][:count]
    assert sorted(d.location for d in [*documents, *skipped]) == sorted(server.url(p) for p in newest)


def test_the_same_link_twice_is_fetched_once(server: WebServer) -> None:
    item = "<item><title>{t}</title><link>{base}/news/water</link></item>"
    body = "<rss version='2.0'><channel><title>x</title>" + item + item + "</channel></rss>"
    server.routes["/dup.xml"] = reply(lambda base: body.format(base=base, t="خبر").encode(), content_type="text/xml")
    documents, skipped = read_inputs([server.url("/dup.xml")], web=FAST)
    assert [d.location for d in documents] == [server.url("/news/water")]
    assert server.hits["/news/water"] == 1


@pytest.mark.parametrize("content_type", ["text/html; charset=utf-8", "text/xml", None])
def test_a_feed_is_known_by_its_first_element_whatever_the_content_type(
    server: WebServer, content_type: str | None
) -> None:
    server.routes["/feed"] = reply(
        lambda base: (WEB_FIXTURES / "rss.xml").read_text(encoding="utf-8").replace("{BASE}", base).encode(),
        content_type=content_type,
    )
    documents, _ = read_inputs([server.url("/feed")], web=FAST)
    assert len(documents) == 4


def test_xml_that_is_not_a_feed_is_refused(server: WebServer) -> None:
    sitemap = b'<?xml version="1.0"?><urlset><url><loc>http://x/</loc></url></urlset>'
    server.routes["/sitemap.xml"] = reply(sitemap, content_type="application/xml")
    assert read_inputs([server.url("/sitemap.xml")], web=FAST)[1] == [
        Skipped(server.url("/sitemap.xml"), "not a web page (application/xml)")
    ]


def test_an_unreadable_feed_is_skipped_with_the_parser_complaint(server: WebServer) -> None:
    server.routes["/bad.xml"] = reply(b"this is not a feed at all", content_type="application/rss+xml")
    assert read_inputs([server.url("/bad.xml")], web=FAST) == (
        [],
        [Skipped(server.url("/bad.xml"), "not a readable feed (syntax error)")],
    )


def test_a_feed_cut_off_midway_gives_the_items_before_the_cut(server: WebServer) -> None:
    whole = (WEB_FIXTURES / "rss.xml").read_text(encoding="utf-8")
    cut = whole[: whole.index("<title>خبر حذف من الموقع")]  # inside the fourth item, before its link
    server.routes["/cut.xml"] = reply(lambda base: cut.replace("{BASE}", base).encode(), content_type="application/rss+xml")
    documents, skipped = read_inputs([server.url("/cut.xml")], web=FAST)
    assert [d.location for d in documents] == [server.url(p) for p in ("/news/storm", "/news/economy", "/news/water")]
    assert skipped == [Skipped(server.url("/cut.xml") + " (item 4)", "feed item has neither a link nor its text")]


def test_a_feed_where_a_page_was_wanted(server: WebServer) -> None:
    assert read_url(server.url("/news/water"), FAST, feed_only=True)[1] == [
        Skipped(server.url("/news/water"), "not a feed (text/html); for a page, use url: instead of feed:")
    ]


def test_feed_items_are_fetched_side_by_side(server: WebServer) -> None:
    items = "".join(f"<item><title>{n}</title><link>{{base}}/slow/{n}</link></item>" for n in range(4))
    body = "<rss version='2.0'><channel><title>x</title>" + items + "</channel></rss>"
    server.routes["/slow.xml"] = reply(lambda base: body.format(base=base).encode(), content_type="application/rss+xml")
    for n in range(4):
        server.routes[f"/slow/{n}"] = hang(0.3)
    started = time.monotonic()
    documents, skipped = read_inputs([server.url("/slow.xml")], web=dataclasses.replace(FAST, workers=4))
    assert (len(documents), skipped) == (4, [])
    assert time.monotonic() - started < 1.0  # four 0.3 s pages at once, not one after another


# --- read_inputs: paths and addresses together ---------------------------------------------------------------------


def test_paths_and_addresses_mix_in_input_order(server: WebServer, tmp_path: Path) -> None:
    first = tmp_path / "first.txt"
    first.write_text("خبر محفوظ على القرص.", encoding="utf-8")
    folder = tmp_path / "saved"
    folder.mkdir()
    (folder / "b.html").write_bytes(page("storm.html"))
    missing = tmp_path / "missing.txt"
    documents, skipped = read_inputs(
        [str(first), server.url("/news/water"), str(missing), server.url("/atom.xml"), folder, server.url("/nope")],
        web=FAST,
    )
    assert [d.location for d in documents] == [
        str(first),
        server.url("/news/water"),
        server.url("/news/economy"),
        server.url("/news/water"),
        str(folder / "b.html"),
    ]
    assert [d.url for d in documents] == [None, *[d.location for d in documents[1:4]], None]
    assert skipped == [Skipped(str(missing), "not found"), Skipped(server.url("/nope"), "HTTP 404 Not Found")]


def test_read_inputs_without_web_settings_uses_the_byte_limit(server: WebServer) -> None:
    documents, skipped = read_inputs([server.url("/news/water")], max_bytes=1000)
    assert documents == []
    assert skipped[0].reason.startswith("too large")


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("https://example.org/a", True),
        ("HTTP://EXAMPLE.ORG", True),
        ("http:/example.org", False),
        ("ftp://example.org", False),
        ("news/https://x", False),
        (Path("https://example.org"), False),
    ],
)
def test_is_url(given: object, expected: bool) -> None:
    assert is_url(given) is expected


@pytest.mark.parametrize(
    "changes", [{"timeout": 0}, {"deadline": -1}, {"retries": -1}, {"max_bytes": 0}, {"max_items": 0}]
)
def test_web_settings_refuse_impossible_values(changes: dict[str, float]) -> None:
    with pytest.raises(ConfigError, match=f"web setting {next(iter(changes))}"):
        WebSettings(**changes)


def test_download_reports_the_media_type_and_charset(server: WebServer) -> None:
    response = download(server.url("/rss.xml"), FAST)
    assert (response.status, response.content_type, response.charset) == (200, "application/rss+xml", "utf-8")


def test_importing_ingest_stays_light() -> None:
    code = "import sys, brief.ingest, brief.ingest.sources; print(sorted({'feedparser', 'yaml'} & set(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_fetch_returns_a_raw_document(server: WebServer) -> None:
    assert isinstance(fetch(server.url("/news/storm"), FAST), RawDocument)


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be"])
@pytest.mark.parametrize("content_type", ["application/xml", "text/xml", None])
def test_a_utf16_or_utf32_feed_is_read_as_a_feed(codec: str, content_type: str | None) -> None:
    """Issue 19, case 14: a feed in UTF-16 or UTF-32 without a feed media type was "not a web page" (its first
    bytes were not read in its encoding); by its byte-order mark, or without one its XML declaration's bytes."""
    declared = codec.removesuffix("-le").removesuffix("-be")

    def feed(base: str) -> bytes:
        text = (WEB_FIXTURES / "rss.xml").read_text(encoding="utf-8").replace("{BASE}", base)
        text = text.replace('encoding="utf-8"', f'encoding="{declared}"').replace('encoding="UTF-8"', f'encoding="{declared}"')
        return text.encode(codec)

    routes = news_routes()
    routes["/feed"] = reply(feed, content_type=content_type)
    with WebServer(routes) as server:
        result = brief("inspect", "--json", server.url("/feed"))

    items = json.loads(result.stdout)
    assert any(item.get("title") == WATER_TITLE and item["sentences"] for item in items), result.stdout
    assert "not a web page" not in result.stdout + result.stderr
