"""How a login is matched: one normalisation shared by the loader and the hook."""

import unicodedata


def normalize_login(value: str) -> str:
    """The key a login is matched by: Unicode NFC, no surrounding spaces, lower case.

    Okta treats usernames case-insensitively, so `Isaac.Brock@Example.com` typed at sign-in
    finds the user exported as `isaac.brock@example.com`.
    """
    if value.isascii():  # the common case, and NFC cannot change ASCII
        return value.strip().lower()
    return unicodedata.normalize("NFC", value).strip().lower()
