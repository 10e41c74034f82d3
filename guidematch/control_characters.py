"""Which characters no text of ours may hold: the rule, without Flask (the CSV reader uses it too).

C0 controls, DEL and C1 controls are never typed by a person, are invalid in
HTML, and a NUL is refused by PostgreSQL (a 500) while SQLite stores it. Tab and
line breaks are the exception, and only in multi-line text.
"""
from __future__ import annotations

import re

_ANY_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
_CONTROL_BUT_LINES = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
REPLACEMENT = "\N{REPLACEMENT CHARACTER}"


def has_control_characters(text: str, multiline: bool = False) -> bool:
    """Say whether `text` holds a control character (tab and line breaks allowed if `multiline`)."""
    return (_CONTROL_BUT_LINES if multiline else _ANY_CONTROL).search(text) is not None


def marked(text: str, multiline: bool = False) -> str:
    """Return `text` with each refused character shown as U+FFFD, so a person can find it."""
    return (_CONTROL_BUT_LINES if multiline else _ANY_CONTROL).sub(REPLACEMENT, text)
