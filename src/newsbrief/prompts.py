"""Prompt templates: jinja files in ``prompts/``, each carrying its own version.

A template renders to chat messages: a line ``=== system``, ``=== user`` or
``=== assistant`` starts a message, and the text up to the next such line is its content.
The first line, ``{#- version: N -#}``, is the template's version; a `PromptSet` records
``name@N`` for every template it used in ``Brief.meta.prompt_version``.  The static part of
each prompt (instructions and few-shot turns) comes first, so llama.cpp can reuse the
cached prefix from one question to the next.

Templates are found inside the installed package (``newsbrief/prompts``, put there by the
wheel build) or, in a source checkout, in the repository's ``prompts/`` folder.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from newsbrief.errors import ConfigurationError

_VERSION = re.compile(r"\{#-?\s*version:\s*(\S+)\s*-?#\}")
_ROLE_LINE = re.compile(r"^=== (system|user|assistant)[ \t]*$", re.MULTILINE)


@dataclass(frozen=True)
class Prompt:
    """One template and its version."""

    name: str
    version: str
    source: str

    def render(self, **values: Any) -> list[dict[str, str]]:
        """The chat messages for these values (values are inserted as plain text)."""
        return [
            {"role": role, "content": _render(body, values)}
            for role, body in _sections(self.source)
        ]

    def turns(self) -> list[dict[str, str]]:
        """The template's messages as written, placeholders unfilled: its instructions, its
        few-shot turns and, last, the question's form."""
        return [
            {"role": role, "content": body.strip("\n")} for role, body in _sections(self.source)
        ]


def _sections(text: str) -> list[tuple[str, str]]:
    """Each ``=== role`` line's role and the text up to the next such line: a template is
    cut into messages before it is rendered, so a role line inside a value stays text."""
    marks = list(_ROLE_LINE.finditer(text))
    if not marks:
        raise ConfigurationError("a prompt template has no '=== role' line")
    ends = [mark.start() for mark in marks[1:]] + [len(text)]
    return [(mark.group(1), text[mark.end() : end]) for mark, end in zip(marks, ends, strict=True)]


def prompts_dir() -> Path:
    """The folder the templates are read from."""
    packaged = resources.files("newsbrief").joinpath("prompts")
    if packaged.is_dir():
        return Path(str(packaged))
    checkout = Path(__file__).resolve().parents[2] / "prompts"
    if checkout.is_dir():
        return checkout
    raise ConfigurationError("the prompt templates are missing from this installation")


@cache
def load_prompt(name: str) -> Prompt:
    """The template ``prompts/NAME.jinja``."""
    path = prompts_dir() / f"{name}.jinja"
    try:
        source = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigurationError(f"prompt template {path} cannot be read: {exc}") from exc
    match = _VERSION.match(source)
    if match is None:
        raise ConfigurationError(f"prompt template {path} has no '{{#- version: N -#}}' line")
    return Prompt(name=name, version=match.group(1), source=source)


def prompt_set_version(names: tuple[str, ...]) -> str:
    """``name@version`` of each template, joined: what ``Brief.meta.prompt_version`` says."""
    return ",".join(f"{name}@{load_prompt(name).version}" for name in names)


def _render(body: str, values: dict[str, Any]) -> str:
    """One message's content: jinja's rendering of its part of the template."""
    return str(_template(body).render(**values)).strip("\n")


@cache
def _template(body: str) -> Any:
    return _environment().from_string(body)


@cache
def _environment() -> Any:
    import jinja2

    # Plain text out: the article is inserted verbatim, never interpreted as a template.
    return jinja2.Environment(
        autoescape=False, keep_trailing_newline=True, undefined=jinja2.StrictUndefined
    )
