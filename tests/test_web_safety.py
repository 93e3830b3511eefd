"""Fetching that cannot hang, cannot be steered inside, is polite, and keeps passwords out of sight (issue 8,
items 2, 3, 8 and 9), each through the real CLI against real servers on 127.0.0.1 (tests/webserver.py).

    hangs     a status line or headers trickled a byte at a time, or a header that never ends: --timeout holds
    SSRF      feed items and redirects that point at internal addresses are refused without connecting, unless
              the user named that host, a source says allow_private: true, or BRIEF_ALLOW_PRIVATE=1
    robots    robots.txt is read once per site and obeyed, for pages and feed items; no robots.txt allows all
    secrets   user:password@ in an address is used (Basic auth) but never shown or stored

``brief inspect`` is the quickest real command that fetches: it reads, cleans and prints JSON, without models.
"""

from __future__ import annotations

import base64
import json
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from cli_runner import brief
from proxyserver import Proxy
from webserver import WEB_FIXTURES, Handler, WebServer, news_routes, redirect, reply

ROOT = Path(__file__).resolve().parent.parent


def inspected(*args: str | Path, env: dict[str, str] | None = None) -> tuple[int, dict[str, str], list[str]]:
    """Run ``brief inspect``: exit code, skipped location -> reason, locations of the articles read."""
    result = brief("inspect", "--json", *args, "--timeout", "2", env=env)
    items = json.loads(result.stdout) if result.stdout.strip() else []
    skipped = {item["path"]: item["skipped"] for item in items if "skipped" in item}
    read = [item["path"] for item in items if "skipped" not in item]
    return result.exit_code, skipped, read


@pytest.fixture
def site() -> Iterator[WebServer]:
    with WebServer(news_routes()) as running:
        yield running


@pytest.fixture
def other() -> Iterator[WebServer]:
    """A second server on 127.0.0.1 (another port): an internal service a feed must not reach."""
    with WebServer(news_routes()) as running:
        running.routes["/secret"] = reply("<html><body><p>" + "كلمة السر الداخلية للخادم. " * 30 + "</p></body></html>")
        yield running


def feed_of(*links: str) -> bytes:
    items = "".join(f"<item><title>خبر {n}</title><link>{link}</link></item>" for n, link in enumerate(links))
    return f"<rss version='2.0'><channel><title>x</title>{items}</channel></rss>".encode()


# --- hangs --------------------------------------------------------------------------------------------------------


def trickled_status_line(handler: Handler) -> None:
    """The status line and headers, one byte a second: every read gets something, so no read times out."""
    for byte in b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<p>x</p>":
        if handler.stopping.wait(1.0):
            return
        handler.wfile.write(bytes([byte]))
        handler.wfile.flush()


def endless_header(handler: Handler) -> None:
    """A header that never ends, a byte every 0.2 s."""
    handler.wfile.write(b"HTTP/1.1 200 OK\r\nX-Padding: ")
    handler.wfile.flush()
    while not handler.stopping.wait(0.2):
        handler.wfile.write(b"a")
        handler.wfile.flush()


@pytest.mark.parametrize("path", ["/status", "/header", "/slow.xml"], ids=["status-line", "endless-header", "feed-item"])
def test_a_trickling_server_does_not_outlast_the_timeout(site: WebServer, path: str) -> None:
    site.routes["/status"] = trickled_status_line
    site.routes["/header"] = endless_header
    site.routes["/slow.xml"] = reply(lambda base: feed_of(f"{base}/status"), content_type="application/rss+xml")
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "brief", "make", site.url(path), "--timeout", "2", "--extractive"],
        capture_output=True, text=True, timeout=60, cwd=ROOT, check=False,
    )
    elapsed = time.monotonic() - started
    # --timeout 2 gives each address 6 s in all; the run ends soon after, with "no usable input".
    assert done.returncode == 3, done.stderr
    assert "gave up after 6 s" in done.stderr
    assert "Traceback" not in done.stderr
    assert elapsed < 20


# --- SSRF ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("link", "kind"),
    [
        ("http://localhost:{port}/secret", "loopback"),
        ("http://127.0.0.1:{port}/secret", "loopback"),
        ("http://[::ffff:127.0.0.1]:{port}/secret", "loopback"),
        ("http://0.0.0.0:{port}/secret", "unspecified"),
        ("http://169.254.169.254/latest/meta-data/", "link-local"),
        ("http://10.0.0.1/admin", "private"),
        ("http://[fd00::1]/admin", "private"),
        ("http://[::1]:{port}/secret", "loopback"),
        ("http://224.0.0.1/x", "multicast"),
    ],
)
def test_a_feed_cannot_send_brief_to_an_internal_address(site: WebServer, other: WebServer, link: str, kind: str) -> None:
    port = other.base.rsplit(":", 1)[1]
    target = link.format(port=port)
    site.routes["/evil.xml"] = reply(lambda base: feed_of(target, f"{base}/news/water"), content_type="text/xml")
    started = time.monotonic()
    code, skipped, read = inspected(site.url("/evil.xml"))
    assert code == 7
    assert read == [site.url("/news/water")]  # the feed's own host is the one the user chose: fetched
    (reason,) = skipped.values()
    assert reason.startswith("refused: ") and f"is a {kind} address" in reason
    assert other.hits["/secret"] == 0 and other.hits["/robots.txt"] == 0  # refused before connecting
    assert time.monotonic() - started < 5  # no connection attempt to 10.0.0.1 waiting for its timeout


@pytest.mark.parametrize("name", ["intranet.corp", "wiki.internal", "intranet"])
def test_a_feed_cannot_reach_an_intranet_name_through_a_proxy_that_resolves_it(
    site: WebServer, other: WebServer, name: str
) -> None:
    port = other.base.rsplit(":", 1)[1]
    target = f"http://{name}:{port}/secret"
    site.routes["/evil.xml"] = reply(lambda base: feed_of(target, f"{base}/news/water"), content_type="text/xml")
    with Proxy(hosts={name: "127.0.0.1"}) as proxy:  # only the proxy knows the intranet's names
        code, skipped, read = inspected(site.url("/evil.xml"), env={"http_proxy": proxy.url})

    assert code == 7
    assert read == [site.url("/news/water")]
    assert skipped[target].startswith(f"refused: {name} is an internal name") and proxy.url[7:] in skipped[target]
    assert other.hits["/secret"] == 0  # never asked for, through the proxy or otherwise


def test_a_redirect_to_an_internal_address_is_refused_without_connecting(site: WebServer, other: WebServer) -> None:
    site.routes["/moved"] = redirect(other.url("/secret"))
    site.routes["/feed.xml"] = reply(lambda base: feed_of(f"{base}/moved"), content_type="text/xml")
    for given in (site.url("/moved"), site.url("/feed.xml")):  # named by the user, or a feed's item
        code, skipped, read = inspected(given)
        assert (code, read) == (3, [])
        assert list(skipped) == [site.url("/moved")]
        assert skipped[site.url("/moved")].startswith("refused: 127.0.0.1 is a loopback address")
    assert other.hits["/secret"] == 0


def test_a_redirect_within_the_named_host_is_followed(site: WebServer) -> None:
    site.routes["/old"] = redirect("/news/water")
    assert inspected(site.url("/old"))[0] == 0


def test_allow_private_lets_an_intranet_feed_reach_its_other_hosts(
    site: WebServer, other: WebServer, tmp_path: Path
) -> None:
    site.routes["/intranet.xml"] = reply(lambda base: feed_of(other.url("/secret")), content_type="text/xml")
    sources = tmp_path / "sources.yaml"
    sources.write_text(
        f"sources:\n  - name: intranet\n    feed: {site.url('/intranet.xml')}\n    allow_private: true\n", encoding="utf-8"
    )
    assert inspected("--sources", sources)[2] == [other.url("/secret")]
    assert other.hits["/secret"] == 1
    # The same feed typed on the command line is held to the rule, unless BRIEF_ALLOW_PRIVATE says otherwise.
    assert inspected(site.url("/intranet.xml"))[0] == 3
    assert inspected(site.url("/intranet.xml"), env={"BRIEF_ALLOW_PRIVATE": "1"})[2] == [other.url("/secret")]
    assert other.hits["/secret"] == 2


# --- robots.txt ---------------------------------------------------------------------------------------------------


# A wildcard rule too: the standard library's parser ignores those, protego does not.
ROBOTS = "User-agent: otherbot\nDisallow: /\n\nUser-agent: *\nDisallow: /news/storm\nDisallow: /*/econ*y\n"


def test_robots_txt_is_obeyed_for_pages_and_feed_items_and_read_once(site: WebServer) -> None:
    site.routes["/robots.txt"] = reply(ROBOTS, content_type="text/plain")
    code, skipped, read = inspected(site.url("/news/storm"), site.url("/rss.xml"))
    assert code == 7
    refused = {site.url("/news/storm"), site.url("/news/economy")}
    assert refused <= set(skipped)
    assert all("robots.txt" in skipped[url] and "brief obeys it" in skipped[url] for url in refused)
    assert site.url("/news/water") in read
    assert site.hits["/news/storm"] == site.hits["/news/economy"] == 0  # never fetched
    assert site.hits["/robots.txt"] == 1  # once for the site, for the page and all the feed's items


@pytest.mark.parametrize(
    "robots",
    [None, reply("oops", status=500, content_type="text/plain"), reply(b"\x00\xff binary", content_type="image/png")],
    ids=["missing", "server-error", "not-text"],
)
def test_a_missing_or_unreadable_robots_txt_allows_all(site: WebServer, robots: object) -> None:
    if robots is not None:
        site.routes["/robots.txt"] = robots
    assert inspected(site.url("/news/storm"))[0] == 0


# --- passwords in addresses ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("password", ["s3cret-pw", "Pa@ssW0rd", "sesame 0pen W0rd"], ids=["plain", "at-sign", "spaces"])
def test_a_password_in_an_address_is_used_but_never_shown_or_stored(
    site: WebServer, tiny_registry: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, password: str
) -> None:
    monkeypatch.setenv("BRIEF_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("BRIEF_MODELS", str(tiny_registry))
    port = site.base.rsplit(":", 1)[1]
    secret_url = f"http://reader:{password}@127.0.0.1:{port}"
    out = tmp_path / "brief.json"
    made = brief("make", f"{secret_url}/news/water", f"{secret_url}/news/gone", "--extractive", "--format", "json",
                 "-o", out, "-q")
    assert made.exit_code == 7, made.stderr  # /news/gone is a 404: skipped, and listed
    shown = [out.read_text(encoding="utf-8"), made.stdout, made.stderr]
    (tmp_path / "sources.yaml").write_text(f"sources:\n  - name: feed\n    feed: '{secret_url}/rss.xml'\n", "utf-8")
    (tmp_path / "config.toml").write_text(f"[defaults]\ninputs = ['{secret_url}/news/water']\n", encoding="utf-8")
    monkeypatch.setenv("BRIEF_CONFIG", str(tmp_path / "config.toml"))
    for command in (["logs"], ["logs", "show", "1"], ["inspect", f"{secret_url}/news/gone"],
                    ["sources", "check", tmp_path / "sources.yaml"], ["config", "show"]):
        result = brief(*command)
        shown += [result.stdout, result.stderr]
    shown.append((tmp_path / "home" / "brief.db").read_bytes().decode("utf-8", errors="replace"))
    pieces = {password, *(p for p in password.replace("@", " ").split() if len(p) > 3)}  # nor "ssW0rd@127.0.0.1"
    assert [piece for piece in pieces for text in shown if piece in text] == []
    assert f"http://127.0.0.1:{port}/news/water" in shown[0]
    assert f"http://127.0.0.1:{port}/rss.xml" in shown[-5]  # sources check names the feed, without the password
    # ... and the server was asked with the credentials, as HTTP Basic authentication.
    headers = next(h for path, h in site.requests if path == "/news/water")
    assert headers["Authorization"] == "Basic " + base64.b64encode(f"reader:{password}".encode()).decode()
