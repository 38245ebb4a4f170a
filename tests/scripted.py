"""A scripted model for tests: say what the model answers, run the real pipeline, check the
brief and what was asked.

In the manner of simonw/llm's ``MockModel.enqueue``: a test tells a `ScriptedModel` the answers
of each question kind (by answer schema: ``Attribution``, ``SelfContained``, ``FigureAnswer``,
``Summary``), in order or as a function of the question, then calls `ScriptedModel.summarize`,
which is ``newsbrief.summarize(text, base_url=..., model="scripted", fixtures="off")`` against
a `tests.fault_server.FaultServer` on 127.0.0.1.  Every request the server gets is kept in
`ScriptedModel.history` as a `Question`, with the values its prompt was rendered from.  No
recording and no private name: the answers go through Instructor and the validators as a
real model's do.

A question with nothing scripted for it gets a neutral answer: no speaker, the claim as it
stands, "x" for what a number counts, a one-sentence summary.

Tests take the ``scripted`` fixture (tests/conftest.py).
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

import pytest

import newsbrief
from newsbrief.prompts import load_prompt
from tests.fault_server import FaultServer, default_answer, schema_name, serve

# The prompt template each answer schema is asked with.
PROMPT_OF = {
    "Attribution": "attribution",
    "SelfContained": "claim",
    "FigureAnswer": "figure",
    "Summary": "summary",
}


@dataclass(frozen=True)
class Question:
    """One request the model got: its answer schema, the values of the question (``sentence``,
    ``number``, ``context``, ``claim`` or ``article``), and whether it is a re-ask."""

    schema: str
    values: dict[str, str]
    reask: bool
    body: dict[str, Any]


Answer = str | dict[str, Any] | Callable[[Question], "str | dict[str, Any]"]


class ScriptedModel:
    """The model's answers, scripted; see the module docstring."""

    def __init__(self, server: FaultServer) -> None:
        self.server = server
        self.history: list[Question] = []
        self._queues: dict[str, list[Answer]] = {}
        self._functions: dict[str, Callable[[Question], str | dict[str, Any]]] = {}
        self._lock = threading.Lock()
        server.answer = self._answer

    @property
    def url(self) -> str:
        return self.server.url

    def enqueue(self, schema: str, *answers: Answer) -> None:
        """The next questions of ``schema`` get ``answers``, one each, in order: JSON text,
        a dict (sent as JSON), or a function of the `Question`."""
        self._check(schema)
        with self._lock:
            self._queues.setdefault(schema, []).extend(answers)

    def answer_with(self, schema: str, answer: Callable[[Question], str | dict[str, Any]]) -> None:
        """Every question of ``schema`` that nothing was enqueued for is answered by
        ``answer``."""
        self._check(schema)
        with self._lock:
            self._functions[schema] = answer

    def summarize(self, text: str, **options: Any) -> newsbrief.Brief:
        """`newsbrief.summarize` of ``text``, answered by this model."""
        return newsbrief.summarize(
            text, base_url=self.url, model="scripted", fixtures="off", **options
        )

    def asked(self, schema: str) -> list[Question]:
        """The questions of ``schema`` asked so far, in order."""
        with self._lock:
            return [q for q in self.history if q.schema == schema]

    def _answer(self, body: dict[str, Any]) -> str:
        question = _question(body)
        with self._lock:
            self.history.append(question)
            queue = self._queues.get(question.schema) or []
            answer: Answer | None = queue.pop(0) if queue else None
            if answer is None:
                answer = self._functions.get(question.schema)
        if answer is None:
            return _neutral(question)
        if callable(answer):
            answer = answer(question)
        return answer if isinstance(answer, str) else json.dumps(answer)

    @staticmethod
    def _check(schema: str) -> None:
        if schema not in PROMPT_OF:
            raise ValueError(f"no question asks for {schema!r}: one of {sorted(PROMPT_OF)}")


def scripted_model(monkeypatch: pytest.MonkeyPatch) -> Iterator[ScriptedModel]:
    """The body of the ``scripted`` fixture: a `ScriptedModel` on a loopback server, which
    is the only model the test may reach."""
    for server in serve(monkeypatch):
        yield ScriptedModel(server)


def _neutral(question: Question) -> str:
    if question.schema == "SelfContained":
        return json.dumps({"claim": question.values.get("claim", "")})
    return default_answer(question.body)


def _question(body: dict[str, Any]) -> Question:
    schema = schema_name(body)
    messages = list(body.get("messages") or [])
    prompt = PROMPT_OF.get(schema)
    if prompt is None:
        return Question(schema, {}, reask=False, body=body)
    head = len(load_prompt(prompt).turns()) - 1
    asked = messages[head] if len(messages) > head else {}
    values = question_values(prompt, str(asked.get("content") or ""))
    return Question(schema, values or {}, reask=len(messages) > head + 1, body=body)


def question_values(prompt: str, content: str) -> dict[str, str] | None:
    """The values the question of template ``prompt`` was rendered from, read back from
    its rendered ``content``; None when ``content`` is not such a question."""
    match = _question_pattern(prompt).fullmatch(content)
    return match.groupdict() if match else None


def few_shot_examples(prompt: str) -> list[tuple[dict[str, str], str]]:
    """Each few-shot example of template ``prompt``: the values of its question and the
    answer the assistant turn gives."""
    turns = load_prompt(prompt).turns()[1:-1]
    examples = []
    for user, assistant in zip(turns[0::2], turns[1::2], strict=True):
        assert (user["role"], assistant["role"]) == ("user", "assistant"), prompt
        values = question_values(prompt, user["content"])
        assert values is not None, f"{prompt}: an example not in the question's form"
        examples.append((values, assistant["content"]))
    return examples


@cache
def _question_pattern(prompt: str) -> re.Pattern[str]:
    """The template's last message as a pattern: each ``{{ name }}`` a named group."""
    template = load_prompt(prompt).turns()[-1]["content"]
    pieces = re.split(r"\{\{ (\w+) \}\}", template)
    pattern = "".join(
        re.escape(piece) if i % 2 == 0 else f"(?P<{piece}>.*?)" for i, piece in enumerate(pieces)
    )
    return re.compile(pattern, re.DOTALL)
