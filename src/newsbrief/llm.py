"""The one path to a model: Instructor over a backend's transport (`backends`), and fixtures.

Two kinds of retry, never mixed: transport faults are retried by the transport
(`backends.retries`) and never reach the prompt; validation failures are re-asked by
Instructor with the exact errors, and an answer cut off at ``max_tokens`` is re-asked here
within the same budget.  Unconstrained questions (``ask(constrained=False)``) send their
first request without a response format, so llama.cpp samples it without a grammar; their
re-asks carry it.
"""

from __future__ import annotations

import functools
import json
import logging
import threading
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from newsbrief import backends
from newsbrief.backends import Backend
from newsbrief.backends.redact import scrub, short
from newsbrief.errors import NewsbriefError, ValidationFailedError
from newsbrief.fixtures import (
    FieldKey,
    FixtureStore,
    canonical_json,
    request_key,
)
from newsbrief.prompts import RenderedQuestion

logger = logging.getLogger(__name__)

T = TypeVar("T", bound=BaseModel)

SAMPLING_KEYS = (
    "temperature",
    "top_p",
    "top_k",
    "min_p",
    "seed",
    "max_tokens",
    "stop",
    "repeat_penalty",
    "frequency_penalty",
    "presence_penalty",
)
KEYED_REQUEST_KEYS = ("messages", "response_format", "tools", "tool_choice")

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
        self.add_usage(
            getattr(usage, "prompt_tokens", 0), getattr(usage, "completion_tokens", 0), hit=hit
        )

    def add_usage(self, prompt_tokens: Any, completion_tokens: Any, *, hit: bool) -> None:
        with self._lock:
            self.attempts += 1
            if hit:
                self.fixture_hits += 1
            else:
                self.fixture_misses += 1
            self.prompt_tokens += int(prompt_tokens or 0)
            self.completion_tokens += int(completion_tokens or 0)

    def add_question(self) -> None:
        with self._lock:
            self.questions += 1


@dataclass
class _Question:
    """The question being asked: its brief's counters and the answers it got so far."""

    stats: CallStats
    answers: int = 0
    response_model: type[BaseModel] | None = None
    messages: list[dict[str, str]] | None = None
    sampling: dict[str, Any] | None = None
    constrained: bool = True


# What a first request carries besides the messages (response format or tools), per (answer
# model, Instructor mode, constrained), as seen on a first request that went through
# Instructor, each field as canonical JSON.  None: Instructor changed something else
# (messages, sampling), so no shortcut for that model.  A pure function of its key: safe to
# share between clients and threads.
_request_extras: dict[tuple[type[BaseModel], str, bool], dict[str, str] | None] = {}


# Instructor calls `_create` in the caller's context, so this reaches it.
_current: ContextVar[_Question | None] = ContextVar("newsbrief_question", default=None)


class ModelClient:
    """Asks structured questions of one backend, through Instructor and the fixture store."""

    def __init__(self, backend: Backend, store: FixtureStore | None, prompt_version: str):
        self.backend = backend
        self.store = store
        self.prompt_version = prompt_version
        self._transport: Callable[..., Any] | None = None
        self._transport_lock = threading.Lock()
        self._patched: Callable[..., Any] | None = None  # Instructor's, made on first use
        self._patch_lock = threading.Lock()
        # The keyed request's fields that are the same for every call, as canonical JSON.
        self._encoded_fixed_fields = {
            name: canonical_json(value)
            for name, value in self._keyed_request({}).items()
            if name != "sampling"
        }
        # Per (answer model, constrained, sampling): a first request's key from its messages.
        self._keys_by_messages: dict[tuple[Any, ...], FieldKey] = {}

    def ask(
        self,
        response_model: type[T],
        messages: list[dict[str, str]] | RenderedQuestion,
        *,
        stats: CallStats,
        max_tokens: int,
        max_retries: int = 2,
        constrained: bool = True,
    ) -> T:
        """One structured answer, in at most ``max_retries + 1`` answers from the model.

        An answer that fails validation is re-asked by Instructor with the errors; one cut
        off at ``max_tokens`` is re-asked here, from the same budget.  ``constrained=False``
        sends the first request without a response format, so llama.cpp samples it without
        a JSON grammar (several times faster per token on CPU): for questions whose
        examples already fix the form of the answer.  That answer is validated all the
        same, and every re-ask carries the response format, so a free answer that went
        wrong costs one constrained answer more.  Tool-calling backends (``openai/NAME``)
        always answer through their tool schema.

        Raises `ValidationFailedError` when no answer validated, `ModelError` on transport
        faults that outlasted their retries or a response that is not a chat completion,
        `FixtureMissError` on a replay miss.
        """
        stats.add_question()
        sampling = {"max_tokens": max_tokens, "temperature": 0.0, "seed": 0}
        replayed = self._replay_first_answer(
            response_model,
            messages,
            sampling,
            stats,
            constrained=constrained,
            re_asks=max_retries > 0,
        )
        if replayed is not None:
            return replayed
        if isinstance(messages, RenderedQuestion):
            messages = messages.messages()
        from instructor.core.exceptions import (
            IncompleteOutputException,
            InstructorRetryException,
        )

        question = _Question(
            stats,
            response_model=response_model,
            messages=messages,
            sampling=sampling,
            constrained=constrained,
        )
        token = _current.set(question)
        budget = max(max_retries, 0) + 1
        try:
            while True:
                before = question.answers
                try:
                    result: T = self._instructor()(
                        response_model=response_model,
                        messages=messages,
                        max_retries=budget - question.answers - 1,
                        **sampling,
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
        finally:
            _current.reset(token)

    def _replay_first_answer(
        self,
        response_model: type[T],
        messages: list[dict[str, str]] | RenderedQuestion,
        sampling: dict[str, Any],
        stats: CallStats,
        *,
        constrained: bool,
        re_asks: bool,
    ) -> T | None:
        """The recorded first answer, validated, without a pass through Instructor; else None.

        Replay's shortcut: the request is the one Instructor would send (its additions
        were seen on an earlier pass for this answer model), so the key is the same.  An
        answer that is complete and validates at once is returned; one that is well-formed
        JSON but fails validation, for a question without re-asks (``re_asks=False``), is
        the `ValidationFailedError` Instructor's pass would end in.  Anything else (no
        recording yet, a cut-off answer, an answer to re-ask) returns None and the question
        goes through Instructor as usual, which replays the same recordings.
        """
        store = self.store
        if store is None or not store.reads:
            return None
        extras = _request_extras.get((response_model, self.backend.mode, constrained))
        if extras is None:
            return None
        frame = (response_model, constrained, tuple(sampling.items()))
        key_of = self._keys_by_messages.get(frame)
        if key_of is None:
            keyed_sampling = tuple((k, v) for k, v in sampling.items() if k in SAMPLING_KEYS)
            fixed = {
                **self._encoded_fixed_fields,
                "sampling": canonical_json(dict(keyed_sampling)),
                **extras,
            }
            key_of = _key_by_messages(tuple(sorted(fixed.items())))
            self._keys_by_messages[frame] = key_of
        recorded = store.load(messages_key(key_of, messages))
        if recorded is None:
            return None
        try:
            choice = recorded["choices"][0]
            text = choice["message"]["content"]
            if choice.get("finish_reason") == "length" or not isinstance(text, str):
                return None
            answer = response_model.model_validate_json(text)
        except ValidationError as exc:
            if re_asks or any(error["type"] == "json_invalid" for error in exc.errors()):
                return None  # Instructor re-asks, or reads the text its own way
            self._add_recorded_usage(recorded, stats)
            raise self._given_up(exc, recorded) from None
        except (KeyError, IndexError, TypeError, ValueError):
            return None
        self._add_recorded_usage(recorded, stats)
        return answer

    @staticmethod
    def _add_recorded_usage(recorded: dict[str, Any], stats: CallStats) -> None:
        usage = recorded.get("usage") or {}
        stats.add_usage(usage.get("prompt_tokens"), usage.get("completion_tokens"), hit=True)

    def _given_up(self, exc: ValidationError, recorded: dict[str, Any]) -> ValidationFailedError:
        """What `ask` raises when Instructor gives up on a question's only answer."""
        from openai.types.chat import ChatCompletion

        logger.debug(_GIVEN_UP)
        reason = self._scrub(short(str(exc)))
        return ValidationFailedError(
            f"no valid answer after 1 attempts: {reason}",
            draft=ChatCompletion.model_validate(recorded),
            errors=[reason],
        )

    def _note_request_extras(self, question: _Question, kwargs: dict[str, Any]) -> None:
        """Remember what Instructor added to a question's first request (`_request_extras`)."""
        model = question.response_model
        if model is None or question.answers > 0:
            return
        slot = (model, self.backend.mode, question.constrained)
        if slot in _request_extras:
            return
        sampling = {k: kwargs[k] for k in SAMPLING_KEYS if k in kwargs}
        unchanged = kwargs.get("messages") == question.messages and sampling == question.sampling
        extras = {k: kwargs[k] for k in KEYED_REQUEST_KEYS if k != "messages" and k in kwargs}
        encoded = {name: canonical_json(value) for name, value in extras.items()}
        _request_extras[slot] = encoded if unchanged else None

    def _instructor(self) -> Callable[..., Any]:
        """`_create` patched by Instructor, made once per client (replays answered by
        `_replay_first_answer` never need it)."""
        with self._patch_lock:
            if self._patched is None:
                self._patched = self._patch()
            return self._patched

    def _patch(self) -> Callable[..., Any]:
        import instructor

        # Instructor logs a handled re-ask failure at ERROR ("Max retries exceeded"); newsbrief
        # reports it in brief.issues instead.  Without the NullHandler, Python's last-resort
        # handler prints Instructor's records to stderr of every program that has not
        # configured logging; the filter drops that one record when it comes from a
        # newsbrief question, so programs that log at WARNING see no error for a handled
        # outcome.  Instructor's other records, and its callers' own, pass unchanged.
        _tame_instructor_logging()

        mode = {"json_schema": instructor.Mode.JSON_SCHEMA, "tools": instructor.Mode.TOOLS}[
            self.backend.mode
        ]
        return instructor.patch(create=self._create, mode=mode)

    def _keyed_request(self, kwargs: dict[str, Any]) -> dict[str, Any]:
        request: dict[str, Any] = {
            "backend": self.backend.kind,
            "model": self.backend.model,
            "mode": self.backend.mode,
            "prompt_version": self.prompt_version,
        }
        for name in KEYED_REQUEST_KEYS:
            if name in kwargs:
                request[name] = kwargs[name]
        request["sampling"] = {k: kwargs[k] for k in SAMPLING_KEYS if k in kwargs}
        return request

    def _create(self, **kwargs: Any) -> Any:
        """What Instructor calls for every attempt: fixtures first, then the transport."""
        from openai.types.chat import ChatCompletion

        question = _current.get() or _Question(CallStats())
        stats = question.stats
        if not question.constrained and question.answers == 0:
            kwargs = {k: v for k, v in kwargs.items() if k != "response_format"}
        self._note_request_extras(question, kwargs)
        request = self._keyed_request(kwargs)
        key = request_key(request)
        store = self.store
        if store is not None and store.reads:
            recorded = store.load(key)
            if recorded is not None:
                response = ChatCompletion.model_validate(recorded)
                stats.add_response(response, hit=True)
                question.answers += 1
                return response
            if store.mode == "replay":
                raise store.miss(key, request)
        response = self._get_transport()(**kwargs)
        stats.add_response(response, hit=False)
        question.answers += 1
        if store is not None and store.writes:
            store.save(key, request, response.model_dump(mode="json", exclude_unset=True))
        return response

    def _scrub(self, text: str) -> str:
        return scrub(text, self.backend.api_key)

    def _get_transport(self) -> Callable[..., Any]:
        with self._transport_lock:
            if self._transport is None:
                self._transport = backends.make_transport(self.backend)
            return self._transport


_INSTRUCTOR_RETRY_LOGGER = "instructor.v2.retry"
_GIVEN_UP = "an answer given up after its re-asks (reported in brief.issues)"
_logging_lock = threading.Lock()


class _HandledRetryErrors(logging.Filter):
    """Drops Instructor's "Max retries exceeded" record for newsbrief's own questions."""

    def filter(self, record: logging.LogRecord) -> bool:
        if _current.get() is None or record.levelno < logging.ERROR:
            return True
        message = record.msg if isinstance(record.msg, str) else ""
        if not message.startswith("Max retries exceeded"):
            return True
        logger.debug(_GIVEN_UP)
        return False


def _tame_instructor_logging() -> None:
    """A NullHandler on ``instructor`` and `_HandledRetryErrors` on its retry logger, once."""
    with _logging_lock:
        quiet = logging.getLogger("instructor")
        if not any(isinstance(h, logging.NullHandler) for h in quiet.handlers):
            quiet.addHandler(logging.NullHandler())
        retry = logging.getLogger(_INSTRUCTOR_RETRY_LOGGER)
        if not any(isinstance(f, _HandledRetryErrors) for f in retry.filters):
            retry.addFilter(_HandledRetryErrors())


# The string encoder canonical_json uses (ensure_ascii=False).
_json_string: Callable[[str], str] = json.encoder.encode_basestring


def encoded_messages(messages: list[dict[str, str]] | RenderedQuestion) -> str:
    """``canonical_json(messages)``, with all messages but the last (a prompt's static
    instructions and examples) encoded once per process rather than on every question."""
    if isinstance(messages, RenderedQuestion):
        last = _encoded_last(messages)
        return f"{_encoded_prefix(messages.head)}{last}]" if messages.head else f"[{last}]"
    try:
        static = tuple((m["role"], m["content"]) for m in messages[:-1] if len(m) == 2)
        if 0 < len(static) == len(messages) - 1:
            return f"{_encoded_prefix(static)}{_encoded_message(messages[-1])}]"
    except (KeyError, TypeError):  # another shape of message, or a value that is not hashable
        pass
    return canonical_json(messages)


def messages_key(key_of: FieldKey, messages: list[dict[str, str]] | RenderedQuestion) -> str:
    """``key_of(encoded_messages(messages))``; a rendered question's static head is hashed
    from the state `key_of` saved after it, not again on every question."""
    if isinstance(messages, RenderedQuestion) and messages.head:
        return key_of.with_prefix(_encoded_prefix(messages.head), f"{_encoded_last(messages)}]")
    return key_of(encoded_messages(messages))


def _encoded_last(question: RenderedQuestion) -> str:
    return _encoded_turn(question.role, question.content)


def _encoded_turn(role: str, content: str) -> str:
    """``canonical_json({"role": role, "content": content})``, without the encoder."""
    return f'{{"content":{_json_string(content)},"role":{_json_string(role)}}}'


@functools.lru_cache(maxsize=32)
def _encoded_prefix(head: tuple[tuple[str, str], ...]) -> str:
    """The messages' canonical JSON up to the last message: ``[`` head ``,``."""
    return canonical_json([{"role": role, "content": content} for role, content in head])[:-1] + ","


def _encoded_message(message: dict[str, str]) -> str:
    content, role = message.get("content"), message.get("role")
    if len(message) == 2 and isinstance(content, str) and isinstance(role, str):
        return _encoded_turn(role, content)
    return canonical_json(message)


@functools.lru_cache(maxsize=64)
def _key_by_messages(fixed: tuple[tuple[str, str], ...]) -> FieldKey:
    """The `FieldKey` of "messages", shared by the clients of a process (one per brief)."""
    return FieldKey(dict(fixed), "messages")


def _content(completion: Any) -> str:
    """The text of a chat completion's first choice ('' if it has none)."""
    choices = getattr(completion, "choices", None) or []
    message = getattr(choices[0], "message", None) if choices else None
    return str(getattr(message, "content", None) or "")
