"""Regex alternations that Python's ``re`` can reject quickly.

``re`` tries the branches of ``(?:said|says|stated|...)`` one after another at every
position it searches, so a long list of words costs its length at every word of the text.
Grouping the branches by what they start with lets the engine drop all but one group at
the first character:

- `trie`: plain words as a trie, one branch per next letter ("say(?:s)?|said" shares "sa");
- `by_first_letter`: branches that are regex fragments ("call(?:s|ed)?", "critici[sz]\\w*"),
  grouped by their first letter only.

Both match exactly what the plain alternation matches, in the same order of preference.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

__all__ = ["by_first_letter", "trie"]


def trie(words: Iterable[str]) -> str:
    """A regex alternation of ``words`` as a trie (one branch per next letter): the engine
    drops a word that cannot match at its first letters instead of trying each word."""
    root: dict[str, dict[str, Any]] = {}
    for word in words:
        node = root
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict[str, dict[str, Any]]) -> str:
        branches = [re.escape(ch) + emit(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else f"(?:{'|'.join(branches)})"
        return f"(?:{body})?" if "" in node else body

    return emit(root)


def by_first_letter(alternation: str) -> str:
    """``alternation`` ("said|says|call(?:s|ed)?|...") as one group per first letter:
    ``(?:ca(?:ll(?:s|ed)?)|s(?:aid|ays)|...)``, matching what ``(?:alternation)`` matches
    and preferring branches in the same order (only branches with the same first letter can
    match at one place, and they keep their order).

    Every branch must start with a letter, as written (no escape, class or group first):
    ValueError otherwise, since such a branch could match where the grouping looks elsewhere.
    """
    groups: dict[str, list[str]] = {}
    for branch in _top_level_branches(alternation):
        if not branch[:1].isalpha():
            raise ValueError(f"branch {branch!r} does not start with a letter")
        groups.setdefault(branch[0], []).append(branch[1:])
    parts = []
    for letter, rests in groups.items():
        if len(rests) == 1:
            parts.append(letter + rests[0])
        else:
            parts.append(f"{letter}(?:{'|'.join(rests)})")
    return f"(?:{'|'.join(parts)})"


def _top_level_branches(alternation: str) -> list[str]:
    """``alternation`` split at the "|" that stand outside groups and character classes."""
    branches: list[str] = []
    depth = 0
    start = 0
    i = 0
    while i < len(alternation):
        ch = alternation[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "[":
            i = _class_end(alternation, i)
            continue
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            branches.append(alternation[start:i])
            start = i + 1
        i += 1
    if depth != 0:
        raise ValueError(f"unbalanced parentheses in {alternation!r}")
    branches.append(alternation[start:])
    return branches


def _class_end(pattern: str, at: int) -> int:
    """The index after the character class that opens at ``pattern[at] == "["``."""
    i = at + 1
    if pattern[i : i + 1] == "^":
        i += 1
    if pattern[i : i + 1] == "]":
        i += 1  # a "]" first is a member, not the end
    while i < len(pattern) and pattern[i] != "]":
        i += 2 if pattern[i] == "\\" else 1
    if i >= len(pattern):
        raise ValueError(f"unterminated character class in {pattern!r}")
    return i + 1
