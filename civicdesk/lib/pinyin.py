"""Pinyin keys for searching Chinese names by what an operator types: 住建, zj, zhujian.

The pickers (civicdesk.lib.picker) match in the browser, but the browser has no pinyin
dictionary; the server sends, with every name, one reading per character. A reading is the
syllable pypinyin chooses in context (重庆 → chong qing), followed by the character's other
readings after "|" (长 → chang|zhang), so a name read either way is found. Characters that
are not Han stand for themselves in lower case (12345 → 1 2 3 4 5); whitespace becomes "_"
so that the readings stay one per character, aligned with the text.

Abbreviations are made from the first characters of a name's words (住房和城乡建设局 → 住建局,
人力资源和社会保障局 → 人社局), so the server also marks where each word starts (jieba), and the
picker ranks a match on word starts above one in the middle of a word (民政局 for "zj").
"""

from __future__ import annotations

import logging
from functools import lru_cache
from typing import Any

import jieba
from pypinyin import Style, lazy_pinyin, pinyin


def _is_han(char: str) -> bool:
    return "\u3400" <= char <= "\u9fff" or "\uf900" <= char <= "\ufaff"


@lru_cache(maxsize=8192)
def _other_readings(char: str) -> tuple[str, ...]:
    return tuple(pinyin(char, style=Style.NORMAL, heteronym=True)[0])


def _one_by_one(run: str) -> Any:
    # A non-Han run comes back one character per item (pypinyin accepts a list, though its
    # annotations say str), so the readings stay aligned with the text.
    return list(run)


@lru_cache(maxsize=4096)
def readings(text: str) -> str:
    """One space-separated token per character of `text` (see the module's docstring)."""
    chosen = lazy_pinyin(text, style=Style.NORMAL, errors=_one_by_one)
    if len(chosen) != len(text):  # never seen; fall back to one lookup per character
        chosen = [lazy_pinyin(char, style=Style.NORMAL, errors=_one_by_one)[0] for char in text]
    tokens: list[str] = []
    for char, main in zip(text, chosen, strict=True):
        if char.isspace():
            tokens.append("_")
        elif _is_han(char):
            others = [r for r in _other_readings(char) if r != main]
            tokens.append("|".join([main, *others]))
        else:
            tokens.append(char.lower())
    return " ".join(tokens)


def initials(text: str) -> str:
    """The first letters of the chosen readings: 住建局 → zjj (for display and tests)."""
    return "".join(token[0] for token in readings(text).split(" ") if token and token != "_")


def _segmenter() -> Any:
    # jieba's shared tokenizer with its own dictionary, the one the dispatch model reads text
    # with (civicdesk.text.textclassify): loaded once per process, not a second copy. The text
    # app's private tokenizers carry the catalogue's words, for classifying, not for names.
    if not jieba.dt.initialized:
        jieba.setLogLevel(logging.WARNING)
        jieba.initialize()
    return jieba


@lru_cache(maxsize=4096)
def word_starts(text: str) -> str:
    """Flags: "1" for each character that starts a word, "0" for the others: 市住房和城乡建设局 →
    110111100 (市/住房/和/城乡/建设局)."""
    flags: list[str] = []
    for word in _segmenter().lcut(text, HMM=False):
        flags.extend("1" + "0" * (len(word) - 1))
    return "".join(flags) if len(flags) == len(text) else "1" * len(text)
