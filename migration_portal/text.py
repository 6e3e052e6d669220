"""The one rule for text the portal keeps, whatever brought it (a hook call, an Okta event,
a loaded row): it must be valid Unicode that UTF-8 can encode (a lone surrogate, which JSON
can spell and undecodable bytes turn into, cannot be), and what goes into a text column
must hold no NUL character (PostgreSQL's text cannot). A password is only hashed, never
stored: it may hold a NUL, which the hash formats judge for themselves.
"""

from __future__ import annotations

from typing import Any

NUL = "\x00"


def is_utf8(value: str) -> bool:
    """Whether `value` encodes as UTF-8 (holds no lone surrogate)."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def text_problem(value: str, *, nul_allowed: bool = False) -> str | None:
    """Why `value` cannot be kept, as the end of a sentence that names the field
    ("contains a NUL character"), or None."""
    if not nul_allowed and NUL in value:
        return "contains a NUL character"
    if not is_utf8(value):
        return "is not valid Unicode"
    return None


def json_text_problem(value: Any) -> str | None:
    """`text_problem` for every key and string inside a decoded JSON value (walked without
    recursion), or None."""
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            problem = text_problem(item)
            if problem:
                return problem
        elif isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return None
