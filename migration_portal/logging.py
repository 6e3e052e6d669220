"""A last line of defence for logs: redact anything shaped like a password field.

The code never logs a password; this filter makes sure a third-party library or a future
mistake that logs a request body or a dict with a `password` key does not leak one either.
"""

import logging
import re

_PASSWORD_FIELD = re.compile(
    r"""(?P<key>["']?(?:password|passwd|secret|credential)["']?\s*[:=]\s*)(?P<q>["']?)[^"',}\s]*(?P=q)""",
    re.IGNORECASE,
)


def redact(text: str) -> str:
    return _PASSWORD_FIELD.sub(
        lambda m: f"{m.group('key')}{m.group('q')}[redacted]{m.group('q')}", text
    )


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
