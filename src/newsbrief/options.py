"""The options every entry point takes, declared once.

`newsbrief.summarize`, `asummarize`, `summarize_many`, `asummarize_many` and
`summarize_stream` take ``**options: Unpack[Options]``, so mypy checks every option at every
call; the pipeline reads them as one frozen `Settings`, which holds the defaults.  What each
option means is documented on `newsbrief.summarize`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any, TypedDict

__all__ = ["Options", "Settings"]


class Options(TypedDict, total=False):
    """The keyword options of `newsbrief.summarize` and its siblings (defaults: `Settings`)."""

    model: str | None
    base_url: str | None
    api_key: str | None
    fixtures: str | None
    fixtures_dir: str | os.PathLike[str] | None
    strict: bool
    max_retries: int
    timeout_s: float
    transport_attempts: int
    retry_wait_s: float | None


@dataclass(frozen=True)
class Settings:
    """`Options` with every default filled in: what one brief is made with."""

    model: str | None = None
    base_url: str | None = None
    api_key: str | None = None
    fixtures: str | None = None
    fixtures_dir: str | os.PathLike[str] | None = None
    strict: bool = False
    max_retries: int = 2
    timeout_s: float = 120.0
    transport_attempts: int = 4
    retry_wait_s: float | None = None

    def __repr__(self) -> str:
        # The API key never reaches a log or an error message through a repr.
        shown = {f.name: getattr(self, f.name) for f in fields(self)}
        if shown["api_key"] is not None:
            shown["api_key"] = "***"
        return f"Settings({', '.join(f'{k}={v!r}' for k, v in shown.items())})"

    @classmethod
    def of(cls, options: Mapping[str, Any]) -> Settings:
        """The settings ``options`` ask for.

        Raises:
            TypeError: an option newsbrief does not take (a misspelt name), before any work.
        """
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(options) - known)
        if unknown:
            raise TypeError(
                f"unknown option {unknown[0]!r}; the options are: {', '.join(sorted(known))}"
            )
        return cls(**options)
