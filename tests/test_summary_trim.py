from __future__ import annotations

from newsbrief.pipeline import SUMMARY_MAX_WORDS, _whole_sentences

ARTICLE = "Rainfall reached 310 millimetres. The grant was £1.2 million."


def test_a_sentence_cut_by_the_length_cap_is_dropped() -> None:
    summary = "Floods killed 23 people. Rescuers evacuated more than 3,000 residents from"
    assert _whole_sentences(summary, ARTICLE) == "Floods killed 23 people."


def test_decimals_do_not_end_a_sentence() -> None:
    summary = "The owner claimed £1.2 million. He was jailed."
    assert _whole_sentences(summary, ARTICLE) == summary


def test_a_sentence_drifting_into_another_script_is_dropped() -> None:
    summary = "Floods killed 23 people. Up to 310 millimetres of 雨 fell."
    assert _whole_sentences(summary, ARTICLE) == "Floods killed 23 people."


def test_script_of_the_article_itself_is_kept() -> None:
    summary = "東京で雨が降った。Floods killed 23 people."
    assert _whole_sentences(summary, "東京で雨が降った。") == summary


def test_whole_sentences_stop_at_the_word_limit() -> None:
    sentence = "Officials said the dam held overnight. "
    summary = (sentence * 40).strip()
    trimmed = _whole_sentences(summary, ARTICLE)
    assert len(trimmed.split()) <= SUMMARY_MAX_WORDS
    assert trimmed.endswith("overnight.") and trimmed.startswith("Officials")
