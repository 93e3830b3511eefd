"""Real SMTP servers on 127.0.0.1 for tests (aiosmtpd in a thread), with optional STARTTLS, implicit TLS and AUTH.

    with smtp_server(starttls=True, user="ann", password="s3cret") as server:
        mail.send(message, server.settings(), ssl_context=server.client_context())
        [received] = server.received           # what the server accepted: envelope, bytes, parsed message

Handlers decide how the server answers:
    RecordingHandler      accepts everything and keeps it (the default)
    RefusingHandler       answers "550" to the given recipients
    FlakyHandler          answers "451" to the first ``failures`` DATA commands, then accepts
The TLS servers use a throwaway trustme CA: ``client_context()`` trusts it, ``write_ca(path)`` saves it for
``SSL_CERT_FILE``, and ``env()`` gives the BRIEF_SMTP_* variables for the CLI.
Also: ``silent_server()`` accepts connections but never says a word (for timeouts), ``closed_port()`` refuses them.
"""

from __future__ import annotations

import socket
import ssl
import warnings
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path
from typing import Any

import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

HOST = "127.0.0.1"


@dataclass(frozen=True)
class Received:
    """One message the server accepted."""

    mail_from: str
    rcpt_tos: tuple[str, ...]
    data: bytes  # exactly what came after DATA (CRLF line endings)
    authenticated: bool
    tls: bool  # the session was encrypted (STARTTLS or implicit TLS)

    @property
    def message(self) -> EmailMessage:
        """The message parsed back as a mail client would."""
        parsed = BytesParser(policy=policy.default).parsebytes(self.data)
        assert isinstance(parsed, EmailMessage)
        return parsed


class RecordingHandler:
    """Accepts every message and keeps it in ``received``."""

    def __init__(self) -> None:
        self.received: list[Received] = []
        self.data_commands = 0  # DATA commands seen, accepted or not

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:  # noqa: N802 - aiosmtpd hook
        self.data_commands += 1
        refusal = self.refuse_data()
        if refusal:
            return refusal
        transport = server.transport
        content = envelope.original_content or b""
        self.received.append(
            Received(
                mail_from=envelope.mail_from or "",
                rcpt_tos=tuple(envelope.rcpt_tos),
                data=content,
                authenticated=bool(session.authenticated),
                tls=transport is not None and transport.get_extra_info("ssl_object") is not None,
            )
        )
        return "250 2.0.0 OK: queued"

    def refuse_data(self) -> str | None:
        """A reply to send instead of accepting the message, or None to accept it."""
        return None


class RefusingHandler(RecordingHandler):
    """Answers '550 no such mailbox' to the given recipients and accepts the others."""

    def __init__(self, refuse: Iterable[str]) -> None:
        super().__init__()
        self.refuse = {a.lower() for a in refuse}

    async def handle_RCPT(  # noqa: N802 - aiosmtpd hook
        self, server: SMTP, session: Session, envelope: Envelope, address: str, rcpt_options: list[str]
    ) -> str:
        if address.lower() in self.refuse:
            return f"550 5.1.1 <{address}>: no such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"


class FlakyHandler(RecordingHandler):
    """Answers '451 try again later' to the first ``failures`` DATA commands, then accepts."""

    def __init__(self, failures: int = 1) -> None:
        super().__init__()
        self.failures = failures

    def refuse_data(self) -> str | None:
        if self.data_commands <= self.failures:
            return "451 4.3.0 Temporary local problem, try again later"
        return None


class _Controller(Controller):
    """aiosmtpd's controller, listening on a free port the system picks (port 0)."""

    def factory(self) -> SMTP:
        # The implicit-TLS server must allow AUTH without STARTTLS (its whole connection is TLS); aiosmtpd cannot
        # tell and warns on every connection.
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", "Requiring AUTH while not requiring TLS", UserWarning)
            return super().factory()

    def _trigger_server(self) -> None:
        assert self.server is not None
        self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()


@dataclass
class SmtpServer:
    """A running test server and what a client needs to reach it."""

    port: int
    handler: RecordingHandler
    security: str  # how a client must connect: "none", "starttls" or "tls"
    ca: trustme.CA
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    host: str = HOST
    _controller: _Controller | None = field(default=None, repr=False)

    @property
    def received(self) -> list[Received]:
        """Messages accepted so far."""
        return self.handler.received

    def client_context(self) -> ssl.SSLContext:
        """A verifying client context that trusts this server's CA (and nothing else)."""
        # Given cadata, create_default_context loads no system CAs.
        return ssl.create_default_context(cadata=self.ca.cert_pem.bytes().decode("ascii"))

    def write_ca(self, path: Path) -> Path:
        """Save the CA certificate as PEM (for SSL_CERT_FILE); return the path."""
        self.ca.cert_pem.write_to_path(str(path))
        return path

    def settings(self, **overrides: Any) -> Any:
        """``brief.mail.SmtpSettings`` for this server (fast retries), with any field overridden."""
        from brief.mail import SmtpSettings

        values: dict[str, Any] = {
            "host": self.host,
            "port": self.port,
            "security": self.security,
            "user": self.user,
            "password": self.password,
            "sender": "brief@example.org",
            "timeout": 5.0,
            "retries": 2,
            "backoff": 0.01,
        }
        values.update(overrides)
        return SmtpSettings(**values)

    def env(self, **overrides: str) -> dict[str, str]:
        """BRIEF_SMTP_* variables for this server (fast retries), for the CLI."""
        values = {
            "BRIEF_SMTP_HOST": self.host,
            "BRIEF_SMTP_PORT": str(self.port),
            "BRIEF_SMTP_SECURITY": self.security,
            "BRIEF_SMTP_FROM": "brief@example.org",
            "BRIEF_SMTP_TIMEOUT": "5",
            "BRIEF_SMTP_RETRIES": "2",
            "BRIEF_SMTP_BACKOFF": "0.01",
        }
        if self.user:
            values["BRIEF_SMTP_USER"] = self.user
        if self.password:
            values["BRIEF_SMTP_PASSWORD"] = self.password
        values.update(overrides)
        return values

    def stop(self) -> None:
        """Stop listening (later connections are refused); safe to call twice."""
        if self._controller is not None:
            self._controller.stop()
            self._controller = None


def _authenticator(user: str, password: str):  # noqa: ANN202 - aiosmtpd's callback type is loose
    def check(server: SMTP, session: Session, envelope: Envelope, mechanism: str, data: object) -> AuthResult:
        ok = isinstance(data, LoginPassword) and data.login == user.encode() and data.password == password.encode()
        # handled=False makes aiosmtpd itself answer "535 credentials invalid".
        return AuthResult(success=ok, handled=False)

    return check


@contextmanager
def smtp_server(
    handler: RecordingHandler | None = None,
    *,
    starttls: bool = False,
    implicit_tls: bool = False,
    user: str | None = None,
    password: str | None = None,
    ca: trustme.CA | None = None,
) -> Iterator[SmtpServer]:
    """Run an SMTP server on 127.0.0.1 for the ``with`` block.

    ``starttls``: offer STARTTLS and require it before anything else. ``implicit_tls``: TLS from the first byte
    (SMTPS). ``user``/``password``: offer AUTH (only over TLS when TLS is on) and require it to send.
    """
    if starttls and implicit_tls:
        raise ValueError("choose starttls or implicit_tls, not both")
    handler = handler if handler is not None else RecordingHandler()
    ca = ca or trustme.CA()
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert(HOST, "localhost").configure_cert(server_context)

    kwargs: dict[str, Any] = {"hostname": HOST, "port": 0, "ready_timeout": 5.0}
    if starttls:
        kwargs.update(tls_context=server_context, require_starttls=True)
    if implicit_tls:
        kwargs["ssl_context"] = server_context
    if user is not None:
        assert password is not None, "a test server with a user needs a password"
        kwargs.update(
            authenticator=_authenticator(user, password),
            auth_required=True,
            # aiosmtpd cannot tell that an implicit-TLS connection is encrypted, so it must not insist on STARTTLS.
            auth_require_tls=not implicit_tls,
        )
    controller = _Controller(handler, **kwargs)
    controller.start()
    security = "tls" if implicit_tls else "starttls" if starttls else "none"
    server = SmtpServer(
        port=controller.port, handler=handler, security=security, ca=ca, user=user, password=password,
        _controller=controller,
    )
    try:
        yield server
    finally:
        server.stop()


@contextmanager
def silent_server() -> Iterator[int]:
    """A port that accepts TCP connections (the kernel completes them) but never sends a greeting."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as listener:
        listener.bind((HOST, 0))
        listener.listen(8)
        yield listener.getsockname()[1]


def closed_port() -> int:
    """A port on 127.0.0.1 where nothing listens, so connecting is refused."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]
