"""The fault matrix: how `newsbrief.summarize` behaves against a misbehaving server.

Every test drives the public API against `tests.fault_server` on 127.0.0.1, with a short
client timeout and millisecond backoff, and bounds both the number of requests and the wall
time.  docs/reliability.md tabulates these tests; keep the two in step.
"""

from __future__ import annotations

import email.utils
import logging
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import newsbrief
from newsbrief import backends
from newsbrief.backends.retries import retry_after_s
from newsbrief.errors import ModelError, ValidationFailedError
from tests.fault_server import (
    DROP,
    EMPTY_CHOICES,
    MALFORMED,
    NOT_A_COMPLETION,
    FaultServer,
    Request,
    answer,
    schema_name,
    serve,
    stall,
    status,
    truncated,
    unused_loopback_url,
)

SHORT = "The minister will resign next week, several diplomats told Reuters.\n"
GROUNDED = '{"speaker": "several diplomats", "via": "Reuters"}'
UNGROUNDED = '{"speaker": "the president", "via": null}'  # not in the sentence
SCHEMA_INVALID = '{"who": "several diplomats"}'  # no "speaker", no "via"
UNGROUNDED_ERROR = "speaker 'the president' is not in the sentence: copy it word for word"

TIMEOUT_S = 0.5
ATTEMPTS = 3
MAX_RETRIES = 2  # re-asks after a validation failure: 3 answers per question at most
SECRET = "sk-test-SECRET-123"


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[FaultServer]:
    # conftest blocks every model call; this lifts the block for loopback servers only
    # (see `allow_loopback_transport`), so nothing here can leave the machine.
    yield from serve(monkeypatch)


@pytest.fixture(autouse=True)
def _fast_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    """Backoff of 20-100 ms instead of 1-20 s; Retry-After obeyed up to 2.5 s."""
    monkeypatch.setattr(backends, "DEFAULT_RETRY_WAIT_S", 0.02)
    monkeypatch.setattr(backends, "DEFAULT_RETRY_WAIT_MAX_S", 0.1)
    monkeypatch.setattr(backends, "RETRY_AFTER_MAX_S", 2.5)


def summarize(url: str, **options: Any) -> newsbrief.Brief:
    settings: dict[str, Any] = {
        "model": "test",
        "fixtures": "off",
        "timeout_s": TIMEOUT_S,
        "transport_attempts": ATTEMPTS,
        "max_retries": MAX_RETRIES,
        **options,
    }
    return newsbrief.summarize(SHORT, base_url=url, **settings)


def attribution_requests(server: FaultServer) -> list[Request]:
    return [r for r in server.chat_requests() if schema_name(r.body) == "Attribution"]


def gap(requests: list[Request], index: int) -> float:
    """Seconds between request ``index - 1`` and request ``index`` arriving."""
    return requests[index].at - requests[index - 1].at


def assert_grounded_source(brief: newsbrief.Brief) -> None:
    assert [(s.name, s.kind, s.via) for s in brief.sources] == [
        ("several diplomats", "anonymous", "Reuters")
    ]
    assert brief.issues == []


# --- a healthy server -------------------------------------------------------------------


def test_valid_answers_take_one_request_per_question(server: FaultServer) -> None:
    server.script(answer(GROUNDED))
    brief = summarize(server.url)
    assert_grounded_source(brief)
    assert len(server.chat_requests()) == 2  # one attribution question, one summary
    assert (brief.meta.calls, brief.meta.attempts) == (2, 2)


# --- transport faults: retried with backoff, never part of the prompt -------------------


def test_dropped_connection_is_retried_and_succeeds(server: FaultServer) -> None:
    server.script(DROP, DROP, answer(GROUNDED))
    started = time.monotonic()
    brief = summarize(server.url)
    assert time.monotonic() - started < 5
    assert_grounded_source(brief)
    requests = attribution_requests(server)
    assert len(requests) == 3
    assert requests[0].body == requests[2].body, "a transport retry must not change the prompt"


def test_connection_dropped_on_every_attempt_is_a_model_error(server: FaultServer) -> None:
    server.script(DROP, DROP, DROP)
    started = time.monotonic()
    with pytest.raises(ModelError, match=r"failed 3 times .*APIConnectionError"):
        summarize(server.url)
    assert time.monotonic() - started < 5
    assert len(server.chat_requests()) == ATTEMPTS


def test_server_not_listening_is_a_model_error_after_the_attempts(server: FaultServer) -> None:
    url = unused_loopback_url()
    started = time.monotonic()
    with pytest.raises(ModelError, match=r"failed 3 times .*APIConnectionError") as caught:
        summarize(url)
    assert time.monotonic() - started < 5
    assert url in str(caught.value)


def test_stall_past_the_timeout_is_retried_and_succeeds(server: FaultServer) -> None:
    server.script(stall(3.0), answer(GROUNDED))
    started = time.monotonic()
    brief = summarize(server.url)
    assert time.monotonic() - started < 5
    assert_grounded_source(brief)
    requests = attribution_requests(server)
    assert len(requests) == 2
    assert TIMEOUT_S * 0.9 <= gap(requests, 1) < TIMEOUT_S + 1.0


def test_stall_on_every_attempt_is_a_model_error_after_attempts_times_timeout(
    server: FaultServer,
) -> None:
    server.script(stall(3.0), stall(3.0), stall(3.0))
    started = time.monotonic()
    with pytest.raises(ModelError, match=r"failed 3 times .*APITimeoutError"):
        summarize(server.url)
    elapsed = time.monotonic() - started
    assert ATTEMPTS * TIMEOUT_S * 0.9 <= elapsed < ATTEMPTS * TIMEOUT_S + 2.5
    assert len(server.chat_requests()) == ATTEMPTS


def test_429_waits_the_retry_after_seconds_then_succeeds(server: FaultServer) -> None:
    server.script(status(429, retry_after="1"), answer(GROUNDED))
    assert_grounded_source(summarize(server.url))
    requests = attribution_requests(server)
    assert len(requests) == 2
    assert 0.95 <= gap(requests, 1) < 1.8  # backoff alone would be under 0.1 s


def test_503_waits_until_a_retry_after_http_date_then_succeeds(server: FaultServer) -> None:
    # An HTTP date has whole seconds: two seconds from now is a wait of one to two seconds.
    when = email.utils.formatdate(time.time() + 2, usegmt=True)
    server.script(status(503, retry_after=when), answer(GROUNDED))
    assert_grounded_source(summarize(server.url))
    requests = attribution_requests(server)
    assert len(requests) == 2
    assert 0.9 <= gap(requests, 1) < 2.8


def test_retry_after_beyond_the_cap_waits_only_the_cap(
    server: FaultServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(backends, "RETRY_AFTER_MAX_S", 0.3)
    server.script(status(429, retry_after="3600"), answer(GROUNDED))
    assert_grounded_source(summarize(server.url))
    requests = attribution_requests(server)
    assert len(requests) == 2
    assert 0.28 <= gap(requests, 1) < 1.0


def test_429_on_every_attempt_is_a_model_error_naming_the_status(server: FaultServer) -> None:
    server.script(*[status(429, retry_after="0.1")] * ATTEMPTS)
    with pytest.raises(ModelError, match=r"failed 3 times .*RateLimitError \(HTTP 429\)"):
        summarize(server.url)
    assert len(server.chat_requests()) == ATTEMPTS


def test_500_is_retried_and_succeeds(server: FaultServer) -> None:
    server.script(status(500), answer(GROUNDED))
    assert_grounded_source(summarize(server.url))
    requests = attribution_requests(server)
    assert len(requests) == 2
    assert requests[0].body == requests[1].body, "a transport retry must not change the prompt"


def test_503_on_every_attempt_is_a_model_error_naming_the_status(server: FaultServer) -> None:
    server.script(*[status(503)] * ATTEMPTS)
    started = time.monotonic()
    with pytest.raises(ModelError, match=r"failed 3 times .*\(HTTP 503\): fault server"):
        summarize(server.url)
    assert time.monotonic() - started < 5
    assert len(server.chat_requests()) == ATTEMPTS


def test_400_is_not_retried(server: FaultServer) -> None:
    server.script(status(400))
    with pytest.raises(ModelError, match=r"BadRequestError \(HTTP 400\): fault server"):
        summarize(server.url)
    assert len(server.chat_requests()) == 1


def test_server_refusing_json_schema_is_asked_with_json_object_from_then_on(
    server: FaultServer,
) -> None:
    server.refuses_json_schema = True  # as llama-cpp-python's server does
    server.script(answer(UNGROUNDED), answer(GROUNDED))
    brief = summarize(server.url)
    assert_grounded_source(brief)
    formats = [r.body.get("response_format") for r in server.chat_requests()]
    # First answers go without a format; the re-ask's json_schema is refused once, then
    # asked for as json_object with the same schema; the summary's first request has none.
    assert [f and f["type"] for f in formats] == [None, "json_schema", "json_object", None]
    assert formats[2]["schema"] == formats[1]["json_schema"]["schema"]
    assert brief.meta.attempts == 3, "a refused format is not an attempt of the question"


def test_first_answers_go_without_a_grammar_and_reasks_with_one(server: FaultServer) -> None:
    server.script(answer(UNGROUNDED), answer(GROUNDED))
    assert_grounded_source(summarize(server.url))
    sent = [(schema_name(r.body), r.body.get("response_format")) for r in server.chat_requests()]
    assert [name for name, _ in sent] == ["Attribution", "Attribution", "Summary"]
    assert sent[0][1] is None and sent[2][1] is None  # free: the examples fix the form
    assert sent[1][1]["json_schema"]["name"] == "Attribution"  # the re-ask is constrained


class _HTTPError(Exception):
    def __init__(self, headers: dict[str, str]) -> None:
        super().__init__("HTTP error")
        self.response = type("Response", (), {"headers": headers})()


@pytest.mark.parametrize(
    ("headers", "seconds"),
    [
        ({"retry-after": "2"}, 2.0),
        ({"retry-after": " 0.25 "}, 0.25),
        ({"retry-after-ms": "1500", "retry-after": "9"}, 1.5),  # the precise one wins
        ({"retry-after": "Wed, 25 Nov 2026 12:00:30 GMT"}, 30.0),
        ({"retry-after": "Wed, 25 Nov 2026 11:59:00 GMT"}, 0.0),  # in the past: at once
        ({"retry-after": "-5"}, 0.0),
        ({"retry-after": "soon"}, None),
        ({"retry-after": "inf"}, None),
        ({}, None),
    ],
)
def test_retry_after_is_read_as_seconds_or_an_http_date(
    headers: dict[str, str], seconds: float | None
) -> None:
    now = email.utils.parsedate_to_datetime("Wed, 25 Nov 2026 12:00:00 GMT").timestamp()
    assert retry_after_s(_HTTPError(headers), now=now) == seconds
    assert retry_after_s(ValueError("no response")) is None


# --- responses that are not chat completions: a ModelError at once ----------------------


def test_body_that_is_not_json_is_a_model_error_at_once(server: FaultServer) -> None:
    server.script(MALFORMED)
    with pytest.raises(ModelError, match="response body that is not JSON"):
        summarize(server.url)
    assert len(server.chat_requests()) == 1


def test_empty_choices_is_a_model_error_at_once(server: FaultServer) -> None:
    server.script(EMPTY_CHOICES)
    with pytest.raises(ModelError, match=r"answered with no choices: .*choices=\[\]"):
        summarize(server.url)
    assert len(server.chat_requests()) == 1


def test_json_that_is_not_a_completion_is_a_model_error_at_once(server: FaultServer) -> None:
    server.script(NOT_A_COMPLETION)
    with pytest.raises(ModelError, match="answered with no choices"):
        summarize(server.url)
    assert len(server.chat_requests()) == 1


# --- answers cut off at max_tokens: re-asked from the same budget -----------------------


def test_answer_cut_off_at_max_tokens_is_reasked_and_succeeds(server: FaultServer) -> None:
    server.script(truncated('{"speaker": "several dipl'), answer(GROUNDED))
    assert_grounded_source(summarize(server.url))
    requests = attribution_requests(server)
    assert len(requests) == 2
    cut, reask = requests[1].messages[-2:]
    assert cut == {"role": "assistant", "content": '{"speaker": "several dipl'}
    assert "cut off at the limit of 60 tokens" in reask["content"]


def test_answer_cut_off_on_every_attempt_is_dropped_into_issues(server: FaultServer) -> None:
    server.script(*[truncated()] * (MAX_RETRIES + 1))
    brief = summarize(server.url)
    assert len(attribution_requests(server)) == MAX_RETRIES + 1
    assert brief.sources == []
    [issue] = brief.issues
    assert issue.item == "source" and issue.reason == "no valid attribution answer"
    assert "after 3 attempts: the answer was cut off at max_tokens=60" in (issue.detail or "")


def test_answer_cut_off_on_every_attempt_raises_when_strict(server: FaultServer) -> None:
    server.script(*[truncated()] * (MAX_RETRIES + 1))
    with pytest.raises(ValidationFailedError, match="cut off at max_tokens=60") as caught:
        summarize(server.url, strict=True)
    assert caught.value.draft == '{"speaker": "several dipl'
    assert len(server.chat_requests()) == MAX_RETRIES + 1  # strict stops at the first failure


# --- answers that do not validate: re-asked with the errors, then dropped or raised -----


def test_ungrounded_speaker_is_reasked_with_the_error_and_succeeds(server: FaultServer) -> None:
    server.script(answer(UNGROUNDED), answer(GROUNDED))
    assert_grounded_source(summarize(server.url))
    requests = attribution_requests(server)
    assert len(requests) == 2
    wrong, reask = requests[1].messages[-2:]
    assert wrong == {"role": "assistant", "content": UNGROUNDED}
    assert reask["role"] == "user" and UNGROUNDED_ERROR in reask["content"]


def test_ungrounded_speaker_on_every_attempt_is_dropped_into_issues(server: FaultServer) -> None:
    server.script(*[answer(UNGROUNDED)] * (MAX_RETRIES + 1))
    brief = summarize(server.url)
    requests = attribution_requests(server)
    assert len(requests) == MAX_RETRIES + 1
    assert all(UNGROUNDED_ERROR in r.messages[-1]["content"] for r in requests[1:])
    assert brief.sources == [] and all(not c.source_ids for c in brief.claims)
    [issue] = brief.issues
    assert issue.item == "source" and UNGROUNDED_ERROR in (issue.detail or "")


def test_ungrounded_speaker_raises_when_strict(server: FaultServer) -> None:
    server.script(*[answer(UNGROUNDED)] * (MAX_RETRIES + 1))
    with pytest.raises(ValidationFailedError, match="after 3 attempts") as caught:
        summarize(server.url, strict=True)
    assert any(UNGROUNDED_ERROR in error for error in caught.value.errors)


def test_schema_invalid_answer_is_reasked_with_the_validation_error(server: FaultServer) -> None:
    server.script(answer(SCHEMA_INVALID), answer(GROUNDED))
    assert_grounded_source(summarize(server.url))
    reask = attribution_requests(server)[1].messages[-1]["content"]
    assert "validation errors for Attribution" in reask
    assert "speaker\n  Field required" in reask and "via\n  Field required" in reask


def test_schema_invalid_on_every_attempt_is_dropped_then_raised_when_strict(
    server: FaultServer,
) -> None:
    server.script(*[answer(SCHEMA_INVALID)] * (MAX_RETRIES + 1))
    brief = summarize(server.url)
    assert len(attribution_requests(server)) == MAX_RETRIES + 1
    [issue] = brief.issues
    assert "Field required" in (issue.detail or "")
    server.script(*[answer(SCHEMA_INVALID)] * (MAX_RETRIES + 1))
    with pytest.raises(ValidationFailedError, match="Field required"):
        summarize(server.url, strict=True)


def test_max_retries_zero_asks_once(server: FaultServer) -> None:
    server.script(answer(UNGROUNDED))
    brief = summarize(server.url, max_retries=0)
    assert len(attribution_requests(server)) == 1
    assert [i.item for i in brief.issues] == ["source"]


# --- the API key: sent to the server, and nowhere else ----------------------------------

LOGGERS = ("", "newsbrief", "instructor", "openai", "httpx", "httpx2", "httpcore", "httpcore2")


def messages_in_chain(error: BaseException) -> list[str]:
    """str() and repr() of an exception and of everything chained to it."""
    seen: list[str] = []
    current: BaseException | None = error
    while current is not None and len(seen) < 40:
        seen += [str(current), repr(current)]
        current = current.__cause__ or current.__context__
    return seen


def test_api_key_is_never_in_errors_logs_or_fixtures(
    server: FaultServer, caplog: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    for name in LOGGERS:
        caplog.set_level(logging.DEBUG, logger=name)
    recorded = tmp_path / "responses"
    server.script(status(500), DROP, answer(UNGROUNDED), answer(GROUNDED))
    brief = summarize(server.url, api_key=SECRET, fixtures="record", fixtures_dir=str(recorded))
    assert_grounded_source(brief)
    errors: list[BaseException] = []
    for script in ([status(401)], [status(503)] * ATTEMPTS, [MALFORMED], [EMPTY_CHOICES]):
        server.script(*script)
        with pytest.raises(ModelError) as caught:
            summarize(server.url, api_key=SECRET)
        errors.append(caught.value)
    server.script(*[answer(UNGROUNDED)] * (MAX_RETRIES + 1))
    with pytest.raises(ValidationFailedError) as failed:
        summarize(server.url, api_key=SECRET, strict=True)
    errors.append(failed.value)

    # The key reached the server, as it must ...
    requests = server.chat_requests()
    assert requests and all(r.headers["authorization"] == f"Bearer {SECRET}" for r in requests)
    # ... and nothing else: no error, no log record, no fixture file.
    for error in errors:
        assert not [text for text in messages_in_chain(error) if SECRET in text]
    formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")
    logged = [formatter.format(record) for record in caplog.records]
    assert any(line.startswith("openai") for line in logged), "openai's debug log was captured"
    assert any(line.startswith("newsbrief.backends") for line in logged), "retries were logged"
    assert not [line for line in logged if SECRET in line or "Bearer" in line]
    files = [path for path in tmp_path.rglob("*") if path.is_file()]
    assert len(files) >= 2
    assert not [path for path in files if SECRET.encode() in path.read_bytes()]


def test_model_error_names_the_server_without_its_credentials(server: FaultServer) -> None:
    server.script(*[status(503)] * ATTEMPTS)
    url = server.url.replace("http://", "http://user:hunter2@") + "?token=abc"
    with pytest.raises(ModelError, match=r"failed 3 times .*\(HTTP 503\)") as caught:
        summarize(url)
    message = str(caught.value)
    assert server.url in message
    assert "hunter2" not in message and "token=abc" not in message


# --- docs/reliability.md is this matrix -------------------------------------------------

ROOT = Path(__file__).resolve().parents[1]
MATRIX_MODULES = ("test_faults.py", "test_bad_input.py", "test_fixture_stress.py")


def test_reliability_table_lists_exactly_these_tests() -> None:
    table = (ROOT / "docs" / "reliability.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^\|.*`(test_\w+)` \|$", table, flags=re.MULTILINE))
    defined = {
        name
        for module in MATRIX_MODULES
        for name in re.findall(
            r"^def (test_\w+)", (ROOT / "tests" / module).read_text(encoding="utf-8"), re.M
        )
    }
    defined.discard("test_reliability_table_lists_exactly_these_tests")
    assert documented == defined
