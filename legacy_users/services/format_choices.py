"""Hash shapes two systems share (`sha1$salt$hex`: Django's salted SHA-1 or Werkzeug's
HMAC-SHA1), decided by the hook: a user recorded with the choice `a|b` is checked with each
candidate until one verifies; the winner becomes the user's format and is remembered for
the user's source, whose later users are then checked with it alone."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone

from legacy_users.hashing.registry import CHOICE
from legacy_users.models import FormatChoice, LegacyUser


def format_choice_decided(*, source: str, format_name: str) -> str:
    """The format to check a user with: `format_name` itself, or for a choice, the format
    already found for the user's source (the choice again when none was found yet)."""
    if CHOICE not in format_name:
        return format_name
    decided = (
        FormatChoice.objects.filter(source=source, choice=format_name)
        .values_list("format_name", flat=True)
        .first()
    )
    return decided or format_name


def format_choice_record(*, user_id: int, source: str, choice: str, format_name: str) -> None:
    """A user recorded with `choice` verified as `format_name`: it is the user's format from
    now on, and the source's (the first decision stands)."""
    # No longer the values the export row was loaded to: a re-load validates the row again.
    LegacyUser.objects.filter(pk=user_id, hash_format=choice).update(
        hash_format=format_name, load_digest=""
    )
    if CHOICE not in choice:
        return
    try:
        with transaction.atomic():
            FormatChoice.objects.create(
                source=source, choice=choice, format_name=format_name, decided_at=timezone.now()
            )
    except IntegrityError:
        pass  # decided already, by this source's first verified sign-in
