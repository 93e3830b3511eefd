"""SMTP: the settings (``SmtpSettings``, built by ``smtp_settings``) and sending one message with retries.

Settings come from the config file's ``[smtp]`` table and an environment mapping handed in by the caller; this
module never reads ``os.environ`` itself. A temporary failure (4xx, timeout, refused connection) is retried with
exponential backoff; anything else fails at once with a typed error, and the password never appears in a message.
"""

from __future__ import annotations

import ipaddress
import smtplib
import socket
import ssl
import stat
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import getaddresses
from pathlib import Path

from brief.errors import (
    ConfigError,
    DeliveryError,
    RecipientRefusedError,
    SmtpAuthError,
    UnknownNameError,
)
from brief.mail.message import check_address, message_bytes

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


DRY_RUN_SENDER = "brief@localhost.invalid"  # .invalid: a name reserved for what is never delivered


def dry_run_settings(values: Mapping[str, object], env: Mapping[str, str]) -> SmtpSettings:
    """The settings a dry run writes its message with: the configured ones when complete, else placeholders.

    A dry run sends nothing, so it needs no server: it works on a machine with no SMTP settings at all, and the
    message's From is the configured sender when there is one.
    """
    try:
        return smtp_settings(values, env)
    except ConfigError:
        pass
    sender = env.get(ENV_KEYS["sender"], "").strip() or values.get("sender") or values.get("user") or ""
    try:
        sender = check_address(str(sender), "sender") if sender else DRY_RUN_SENDER
    except ConfigError:
        sender = DRY_RUN_SENDER
    return SmtpSettings(host="(dry run: nothing is sent)", sender=sender)


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
        with _failures_named(smtp, where):
            client = _connect(smtp, context, where)
            if smtp.user:
                _login(client, smtp, where)
            _send_mail(client, payload, recipients, smtp, where)
    finally:
        if client is not None:
            _close(client)


def _connect(smtp: SmtpSettings, context: ssl.SSLContext | None, where: str) -> smtplib.SMTP:
    """A connection that has said hello, encrypted as ``security`` asks."""
    if smtp.security == "tls":
        client: smtplib.SMTP = smtplib.SMTP_SSL(smtp.host, smtp.port, timeout=smtp.timeout, context=context)
    else:
        client = smtplib.SMTP(smtp.host, smtp.port, timeout=smtp.timeout)
    try:
        client.ehlo_or_helo_if_needed()
        if smtp.security == "starttls":
            if not client.has_extn("starttls"):
                raise DeliveryError(
                    f"{where} does not offer STARTTLS, so the connection cannot be encrypted; "
                    "check the port, or set security to tls (usually port 465)"
                )
            client.starttls(context=context)
            client.ehlo()
    except BaseException:
        _close(client)
        raise
    return client


def _login(client: smtplib.SMTP, smtp: SmtpSettings, where: str) -> None:
    """Log in as ``smtp.user``; a 4xx refusal is worth retrying, a 5xx is the password's fault."""
    if not client.has_extn("auth"):
        raise DeliveryError(f"{where} does not offer AUTH on this connection, so user {smtp.user!r} cannot log in")
    try:
        client.login(smtp.user or "", smtp.password or "")
    except smtplib.SMTPAuthenticationError as err:
        if 400 <= err.smtp_code < 500:
            raise _TemporaryFailure(f"login deferred ({_reply(err.smtp_code, err.smtp_error)})") from None
        raise SmtpAuthError(
            f"the mail server {where} refused the login for user {smtp.user!r} "
            f"({_reply(err.smtp_code, err.smtp_error)}); check the user name and password"
        ) from None


def _send_mail(client: smtplib.SMTP, payload: bytes, recipients: Sequence[str], smtp: SmtpSettings, where: str) -> None:
    """The envelope (sender, every recipient) and the message itself."""
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


@contextmanager
def _failures_named(smtp: SmtpSettings, where: str) -> Iterator[None]:
    """What smtplib, ssl and the socket raise, as a _TemporaryFailure (worth retrying) or a DeliveryError."""
    try:
        yield
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
