"""One error tree for the whole tool. Library code raises these; only ``cli.py`` maps them to exit codes.

BriefError                       exit 1  anything not more specific below
├── InputError                   exit 3  no usable input (missing path, nothing readable)
├── NothingNewError              exit 0  --new/--since left nothing to brief: not a failure, no brief made
├── ConfigError                  exit 4  a bad models.yaml, an unknown model or backend name
│   ├── UnknownNameError                 lists the valid names
│   └── UsageError               exit 2  a bad value given as a command-line flag (--words -5, --since 5x)
├── ModelError                   exit 5  a model could not be had or loaded
│   ├── ModelNotAvailableError           offline and not cached, or the download failed
│   └── MissingExtraError                an optional package the backend needs is not installed
├── OutputError                  exit 6  the brief could not be written
├── DeliveryError                exit 8  the brief was made and saved but could not be emailed
│   ├── SmtpAuthError            exit 10 the mail server refused the login
│   └── RecipientRefusedError    exit 11 the mail server refused a recipient
├── LockedError                  exit 9  another run holds the lock
└── StoreError                   exit 12 the local store (SQLite) cannot be opened or is damaged

Exit 2 is also typer's for an unknown flag; exit 7 means the brief was made but some sources
were skipped (see ``cli``).
"""

from __future__ import annotations

from collections.abc import Iterable


class BriefError(Exception):
    """Base of every error the user may see; ``str(err)`` is the user-facing message."""

    exit_code = 1


class InputError(BriefError):
    """No usable input."""

    exit_code = 3


class ConfigError(BriefError):
    """A configuration or registry problem."""

    exit_code = 4


class UnknownNameError(ConfigError):
    """A name that is not in a registry; the message lists the valid ones."""

    def __init__(self, what: str, name: str, valid: Iterable[str]) -> None:
        self.what, self.name, self.valid = what, name, sorted(valid)
        choices = ", ".join(self.valid) or "(none)"
        super().__init__(f"unknown {what} {name!r}; valid: {choices}")


class UsageError(ConfigError):
    """A bad value on the command line: the same checks as the config file, but the user's typing (exit 2)."""

    exit_code = 2


class ModelError(BriefError):
    """A model could not be fetched or loaded."""

    exit_code = 5


class ModelNotAvailableError(ModelError):
    """The model is not in the local cache and cannot be downloaded now."""


class MissingExtraError(ModelError):
    """An optional dependency of a backend is missing."""


class OutputError(BriefError):
    """The brief could not be written."""

    exit_code = 6


class DeliveryError(BriefError):
    """The brief was made (and saved) but could not be sent."""

    exit_code = 8


class SmtpAuthError(DeliveryError):
    """The mail server refused the user name or password."""

    exit_code = 10


class RecipientRefusedError(DeliveryError):
    """The mail server refused one or more recipients."""

    exit_code = 11


class LockedError(BriefError):
    """Another run holds the lock."""

    exit_code = 9


class StoreError(BriefError):
    """The local store cannot be opened, migrated or written."""

    exit_code = 12


class NothingNewError(BriefError):
    """Every article read was in an earlier brief (--new) or seen too long ago (--since); no brief is made.

    Not a failure: a scheduled run on a quiet morning exits 0 and says so.
    """

    exit_code = 0
