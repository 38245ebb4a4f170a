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
from collections.abc import Callable
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
            {"role": role, "content": part if isinstance(part, str) else part(values)}
            for role, part in _message_parts(self.source)
        ]

    def render_question(self, **values: Any) -> RenderedQuestion | list[dict[str, str]]:
        """`render`'s messages, as a `RenderedQuestion` when only the last message holds
        values (every shipped template), else as `render`'s list."""
        question = _question_parts(self.source)
        if question is None:
            return self.render(**values)
        head, role, render_last = question
        return RenderedQuestion(head, role, render_last(values))


@dataclass(frozen=True, slots=True)
class RenderedQuestion:
    """A question's chat messages, kept as its template's static head (instructions and
    few-shot turns, the same tuple for every question of the template) and its last
    message.  Replay needs only their canonical JSON, whose head is encoded once per
    process; the list of messages is built for a request that is sent."""

    head: tuple[tuple[str, str], ...]
    role: str
    content: str

    def messages(self) -> list[dict[str, str]]:
        """The chat messages, as `Prompt.render` gives them."""
        return [
            *({"role": role, "content": content} for role, content in self.head),
            {"role": self.role, "content": self.content},
        ]


def split_messages(rendered: str) -> list[dict[str, str]]:
    """Cut rendered template text into chat messages at its ``=== role`` lines."""
    return [{"role": role, "content": body.strip("\n")} for role, body in _sections(rendered)]


def _sections(text: str) -> list[tuple[str, str]]:
    """Each ``=== role`` line's role and the text up to the next such line."""
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


@cache
def _message_parts(source: str) -> tuple[tuple[str, str | Callable[[dict[str, Any]], str]], ...]:
    """Each message of a template: its role, and its content as text when it has no template
    markup (instructions, few-shot turns), else as a function of the values.

    Compiled once per process.  Rendering message by message gives what `split_messages`
    gives for the whole rendered template, but a question re-renders only the messages
    that hold values (rendering all of them cost ~50 us a question).
    """
    parts: list[tuple[str, str | Callable[[dict[str, Any]], str]]] = []
    for role, body in _sections(source):
        if any(opening in body for opening in _MARKUP):
            parts.append((role, _renderer(body)))
        else:
            parts.append((role, body.strip("\n")))
    return tuple(parts)


@cache
def _question_parts(
    source: str,
) -> tuple[tuple[tuple[str, str], ...], str, Callable[[dict[str, Any]], str]] | None:
    """A template's static head, and its last message's role and renderer; None unless
    only the last message holds markup."""
    *head, (role, last) = _message_parts(source)
    static = tuple((r, text) for r, text in head if isinstance(text, str))
    if isinstance(last, str) or len(static) != len(head):
        return None
    return static, role, last


_MARKUP = ("{{", "{%", "{#")
_PLACEHOLDER = re.compile(r"\{\{ ([a-z_]+) \}\}")


def _renderer(body: str) -> Callable[[dict[str, Any]], str]:
    """A message's content as a function of the values: jinja's rendering of ``body``.

    A body whose only markup is ``{{ name }}`` placeholders (every shipped template) is
    filled in by joining its text pieces and the values' ``str``, as jinja does with
    autoescape off, at a fraction of jinja's cost per call; a missing value or any other
    markup goes to jinja.
    """
    template = _environment().from_string(body)
    pieces = _PLACEHOLDER.split(body)
    texts, names = pieces[0::2], pieces[1::2]
    plain = "\r" not in body and not any(m in text for text in texts for m in _MARKUP)

    def render(values: dict[str, Any]) -> str:
        if plain and all(name in values for name in names):
            filled = [texts[0]]
            for name, text in zip(names, texts[1:], strict=True):
                filled += (str(values[name]), text)
            return "".join(filled).strip("\n")
        return str(template.render(**values)).strip("\n")

    return render


@cache
def _environment() -> Any:
    import jinja2

    # Plain text out: the article is inserted verbatim, never interpreted as a template.
    return jinja2.Environment(
        autoescape=False, keep_trailing_newline=True, undefined=jinja2.StrictUndefined
    )
