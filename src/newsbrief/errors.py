"""The errors newsbrief raises: few, each named for what the caller must do.

Every public function raises only subclasses of :class:`NewsbriefError`; where a
dependency failed, its exception is chained as ``__cause__``.  Messages never
contain API keys or authorization headers.
"""

from __future__ import annotations

from typing import Any


class NewsbriefError(Exception):
    """Base class of every error newsbrief raises."""


class InputError(NewsbriefError, ValueError):
    """The article given cannot be summarized (empty, not text, not decodable)."""


class ConfigurationError(NewsbriefError, ValueError):
    """An argument or environment setting is invalid (unknown model spelling, bad mode)."""


class ModelUnavailableError(NewsbriefError):
    """The chosen model cannot be loaded (extra not installed, file missing, checksum wrong)."""


class ModelError(NewsbriefError):
    """The model backend failed after its retries (connection, timeout, 429, 5xx)."""


class ValidationFailedError(NewsbriefError):
    """The model's answers could not be validated or grounded after the last attempt.

    Raised only with ``strict=True``; otherwise ungrounded items are dropped and listed
    in ``Brief.issues``.  ``draft`` holds the last draft, ``errors`` the reasons.
    """

    def __init__(self, message: str, *, draft: Any = None, errors: list[str] | None = None):
        super().__init__(message)
        self.draft = draft
        self.errors: list[str] = list(errors or [])


class FixtureError(NewsbriefError):
    """The fixture store is unusable (corrupt file, unwritable directory)."""


class FixtureMissError(FixtureError, LookupError):
    """Replay mode found no recorded response for a call; ``key`` names the call."""

    def __init__(self, message: str, *, key: str):
        super().__init__(message)
        self.key = key
