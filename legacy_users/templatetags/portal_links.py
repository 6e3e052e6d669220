"""Links into the admin's lists, built from the list's URL name and its filters (the
dashboard's figures carry filters, never URLs)."""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlencode

from django import template
from django.urls import reverse

register = template.Library()


@register.simple_tag
def admin_list(model: str, **filters: str) -> str:
    """The admin's list of this app's `model` (its lower-case name), showing what `filters`
    select: `{% admin_list "verificationattempt" when="week" %}`."""
    url = reverse(f"admin:legacy_users_{model}_changelist")
    return f"{url}?{urlencode(filters)}" if filters else url


@register.simple_tag
def users_list(filters: Mapping[str, str]) -> str:
    """The legacy users list showing the users `filters` selects."""
    return admin_list("legacyuser", **filters)
