"""A last line of defence for logs: redact anything shaped like a secret.

The code never logs a password or a credential; this filter makes sure a third-party
library or a future mistake that logs a request body, a dict, a form or a header does not
leak one either. It redacts:
- the value of any password-like key: JSON or Python-repr strings (quoted, with escapes,
  spaces, commas and braces inside), and bare `key=value` / `key: value` (forms, query
  strings, log lines) up to the next separator;
- any `Bearer`, `Basic` or `SSWS` credential, wherever it appears.
"""

import logging
import re

_KEYS = r"password|passwd|pwd|passphrase|secret|credential|api[_-]?token|token|authorization"
# A quoted key, then a quoted value: the value runs to its closing quote, escapes included.
_QUOTED = re.compile(
    rf"""(?P<key>(?P<kq>["'])(?:[\w-]*(?:{_KEYS})[\w-]*)(?P=kq)\s*[:=]\s*)"""
    r"""(?P<q>["'])(?P<value>(?:\\.|(?!(?P=q)).)*)(?P=q)""",
    re.IGNORECASE | re.DOTALL,
)
# A bare key (form field, query string, `key: value`), then a value up to a separator.
_BARE = re.compile(
    rf"""(?P<key>(?<![\w"'])(?:[\w-]*(?:{_KEYS})[\w-]*)\s*[:=]\s*)"""
    r"""(?P<value>(?!["'{\[])[^\s&,;}\]]+)""",
    re.IGNORECASE,
)
_SCHEME = re.compile(r"(?P<key>\b(?:Bearer|Basic|SSWS)\s+)(?P<value>[A-Za-z0-9._~+/=-]+)")

REDACTED = "[redacted]"


def redact(text: str) -> str:
    """`text` with every secret-shaped value replaced by `[redacted]`."""
    text = _QUOTED.sub(lambda m: f"{m['key']}{m['q']}{REDACTED}{m['q']}", text)
    text = _SCHEME.sub(lambda m: f"{m['key']}{REDACTED}", text)
    return _BARE.sub(lambda m: m[0] if m["value"] == REDACTED else f"{m['key']}{REDACTED}", text)


class RedactPasswordsFilter(logging.Filter):
    """Rewrites a record's message (with its arguments merged in) through `redact`."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a malformed record is logged as it is
            return True
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True
