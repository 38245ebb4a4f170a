"""The Instructor loop: one structured answer per question, over a backend and the fixtures.

Every answer, live or replayed, goes through Instructor: it sends the request, validates the
answer against the answer model (with the caller's validation context), and re-asks with the
exact errors.  Each request Instructor sends is answered from the fixture store when it holds
a recording of it (keyed by that request, `fixtures.request_key`), else by the backend's
transport (`backends.make_transport`, which retries transport faults; those never reach the
prompt).  An answer cut off at ``max_tokens`` is re-asked here, within the same budget,
because Instructor gives up on those at once.

Constrained questions carry the answer model's response format; unconstrained ones
(``ask(constrained=False)``) send their first request without one, so llama.cpp samples it
without a grammar; their re-asks carry it.
"""

from __future__ import annotations

import functools
import logging
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from pydantic import BaseModel

from newsbrief import backends
from newsbrief.backends import Backend
from newsbrief.backends.redact import scrub, short
from newsbrief.errors import NewsbriefError, ValidationFailedError
from newsbrief.fixtures import FixtureStore, keyed_request, request_key

logger = logging.getLogger(__name__)

T = TypeVar("T", bound=BaseModel)

# The re-ask for an answer cut off at max_tokens (Instructor raises at once on those).
TRUNCATED_REASK = (
    "Your answer was cut off at the limit of {max_tokens} tokens before the JSON was "
    "complete. Answer again with shorter JSON only."
)


@dataclass
class CallStats:
    """Counters for one brief; thread-safe."""

    prompt_tokens: int = 0
    completion_tokens: int = 0
    questions: int = 0
    attempts: int = 0
    fixture_hits: int = 0
    fixture_misses: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add_response(self, response: Any, *, hit: bool) -> None:
        usage = getattr(response, "usage", None)
        with self._lock:
            self.attempts += 1
            if hit:
                self.fixture_hits += 1
            else:
                self.fixture_misses += 1
            self.prompt_tokens += int(getattr(usage, "prompt_tokens", 0) or 0)
            self.completion_tokens += int(getattr(usage, "completion_tokens", 0) or 0)

    def add_question(self) -> None:
        with self._lock:
            self.questions += 1


@dataclass
class _Question:
    """One question being asked: its brief's counters and the answers it got so far."""

    stats: CallStats
    constrained: bool
    answers: int = 0


class ModelClient:
    """Asks structured questions of one backend, through Instructor and the fixture store."""

    def __init__(self, backend: Backend, store: FixtureStore | None, prompt_version: str):
        self.backend = backend
        self.store = store
        self.prompt_version = prompt_version
        self._transport: Callable[..., Any] | None = None
        self._transport_lock = threading.Lock()

    def ask(
        self,
        response_model: type[T],
        messages: list[dict[str, str]],
        *,
        stats: CallStats,
        max_tokens: int,
        max_retries: int = 2,
        constrained: bool = True,
        context: Mapping[str, Any] | None = None,
    ) -> T:
        """One structured answer, in at most ``max_retries + 1`` answers from the model.

        An answer that fails validation is re-asked by Instructor with the errors; one cut
        off at ``max_tokens`` is re-asked here, from the same budget.  ``context`` reaches
        the answer model's validators as pydantic's validation context (``info.context``),
        on the first answer and every re-ask.  ``constrained=False`` sends the first
        request without a response format, so llama.cpp samples it without a JSON grammar
        (several times faster per token on CPU): for questions whose examples already fix
        the form of the answer.  That answer is validated all the same, and every re-ask
        carries the response format, so a free answer that went wrong costs one
        constrained answer more.  Tool-calling backends (``openai/NAME``) always answer
        through their tool schema.

        Raises `ValidationFailedError` when no answer validated, `ModelError` on transport
        faults that outlasted their retries or a response that is not a chat completion,
        `FixtureMissError` on a replay miss.
        """
        from instructor.core.exceptions import (
            IncompleteOutputException,
            InstructorRetryException,
        )

        stats.add_question()
        question = _Question(stats, constrained)
        budget = max(max_retries, 0) + 1
        try:
            while True:
                before = question.answers
                try:
                    result: T = self._instructor(question, messages)(
                        response_model=response_model,
                        max_retries=budget - question.answers - 1,
                        context=dict(context) if context else None,
                        max_tokens=max_tokens,
                        temperature=0.0,
                        seed=0,
                    )
                    return result
                except IncompleteOutputException as exc:
                    cut = _content(exc.last_completion)
                    if question.answers >= budget or question.answers == before:
                        reason = f"the answer was cut off at max_tokens={max_tokens}"
                        raise ValidationFailedError(
                            self._scrub(
                                f"no valid answer after {question.answers} attempts: "
                                f"{reason}: {short(cut)!r}"
                            ),
                            draft=cut,
                            errors=[reason],
                        ) from None
                    messages = [
                        *messages,
                        {"role": "assistant", "content": cut},
                        {"role": "user", "content": TRUNCATED_REASK.format(max_tokens=max_tokens)},
                    ]
        except InstructorRetryException as exc:
            cause = exc.__cause__
            if isinstance(cause, NewsbriefError):
                raise cause from None
            logger.debug("an answer given up after its re-asks (reported in brief.issues)")
            reason = self._scrub(short(str(cause or exc)))
            raise ValidationFailedError(
                f"no valid answer after {question.answers} attempts: {reason}",
                draft=exc.last_completion,
                errors=[reason],
            ) from exc
        except NewsbriefError:
            raise
        except Exception as exc:  # Instructor's own errors
            reason = self._scrub(short(str(exc)))
            raise ValidationFailedError(
                f"the model's answer was unusable: {reason}", errors=[reason]
            ) from exc

    def _instructor(
        self, question: _Question, messages: list[dict[str, str]]
    ) -> Callable[..., Any]:
        """Instructor's create for one call of `ask`: `_create`, told which question it
        answers and its messages.

        The messages reach the request in `_create`, not through Instructor: given a
        validation context, Instructor renders every message as a jinja template, and these
        are rendered already (an article may hold "{{" or "{%").  Instructor adds only its
        re-ask turns (the answer and its errors), which `_create` puts after them.
        """
        import instructor

        _quiet_instructor()
        mode = {"json_schema": instructor.Mode.JSON_SCHEMA, "tools": instructor.Mode.TOOLS}[
            self.backend.mode
        ]

        def create(**request: Any) -> Any:
            return self._create(question, messages, request)

        return instructor.patch(create=create, mode=mode)

    def _create(
        self, question: _Question, messages: list[dict[str, str]], request: dict[str, Any]
    ) -> Any:
        """What Instructor calls for every answer: the recording if there is one, else the
        transport (recorded in record or auto mode)."""
        from openai.types.chat import ChatCompletion

        if not question.constrained and question.answers == 0:
            request = {k: v for k, v in request.items() if k != "response_format"}
        request["messages"] = [*messages, *request.get("messages", [])]
        keyed = keyed_request(
            {
                "backend": self.backend.kind,
                "model": self.backend.model,
                "mode": self.backend.mode,
                "prompt_version": self.prompt_version,
            },
            request,
        )
        key = request_key(keyed)
        store = self.store
        if store is not None and store.reads:
            recorded = store.load(key)
            if recorded is not None:
                response = ChatCompletion.model_validate(recorded)
                question.stats.add_response(response, hit=True)
                question.answers += 1
                return response
            if store.mode == "replay":
                raise store.miss(key, keyed)
        response = self._get_transport()(**request)
        question.stats.add_response(response, hit=False)
        question.answers += 1
        if store is not None and store.writes:
            store.save(key, keyed, response.model_dump(mode="json", exclude_unset=True))
        return response

    def _get_transport(self) -> Callable[..., Any]:
        with self._transport_lock:
            if self._transport is None:
                self._transport = backends.make_transport(self.backend)
            return self._transport

    def _scrub(self, text: str) -> str:
        return scrub(text, self.backend.api_key)


@functools.cache
def _quiet_instructor() -> None:
    """A NullHandler on the ``instructor`` logger, once.

    Instructor logs a handled re-ask failure at ERROR ("Max retries exceeded"); newsbrief
    reports it in brief.issues instead.  Without a handler on the way to the root, Python's
    last-resort handler would print Instructor's records to stderr of every program that
    has not configured logging.
    """
    quiet = logging.getLogger("instructor")
    if not any(isinstance(h, logging.NullHandler) for h in quiet.handlers):
        quiet.addHandler(logging.NullHandler())


def _content(completion: Any) -> str:
    """The text of a chat completion's first choice ('' if it has none)."""
    choices = getattr(completion, "choices", None) or []
    message = getattr(choices[0], "message", None) if choices else None
    return str(getattr(message, "content", None) or "")
