"""The summary keeps the model's leading whole sentences, within `SUMMARY_MAX_WORDS` words."""

from __future__ import annotations

from newsbrief.pipeline import SUMMARY_MAX_WORDS

from .scripted import ScriptedModel

ARTICLE = (
    "Floods killed 23 people in the valley. Rescuers evacuated more than 3,000 residents. "
    "Rainfall reached 310 millimetres. The grant was £1.2 million."
)


def _summary(scripted: ScriptedModel, answer: str, article: str = ARTICLE) -> str:
    """The brief's summary of ``article`` when the model answers ``answer``."""
    scripted.enqueue("Summary", {"summary": answer})
    brief = scripted.summarize(article)
    assert len(scripted.asked("Summary")) == 1
    return brief.summary


def test_a_sentence_cut_by_the_length_cap_is_dropped(scripted: ScriptedModel) -> None:
    summary = "Floods killed 23 people. Rescuers evacuated more than 3,000 residents from"
    assert _summary(scripted, summary) == "Floods killed 23 people."


def test_decimals_do_not_end_a_sentence(scripted: ScriptedModel) -> None:
    summary = "The owner claimed £1.2 million. He was jailed."
    assert _summary(scripted, summary) == summary


def test_a_sentence_drifting_into_another_script_is_dropped(scripted: ScriptedModel) -> None:
    summary = "Floods killed 23 people. Up to 310 millimetres of 雨 fell."
    assert _summary(scripted, summary) == "Floods killed 23 people."


def test_script_of_the_article_itself_is_kept(scripted: ScriptedModel) -> None:
    summary = "東京で雨が降った。Floods killed 23 people."
    assert _summary(scripted, summary, "東京で雨が降った。Floods killed 23 people.") == summary


def test_whole_sentences_stop_at_the_word_limit(scripted: ScriptedModel) -> None:
    # Short words: the answer's 500 characters hold more than SUMMARY_MAX_WORDS words.
    sentence = "The dam held. "
    summary = (sentence * 35).strip()
    assert len(summary.split()) > SUMMARY_MAX_WORDS
    trimmed = _summary(scripted, summary)
    assert len(trimmed.split()) <= SUMMARY_MAX_WORDS
    assert trimmed.endswith("held.") and trimmed.startswith("The dam")
