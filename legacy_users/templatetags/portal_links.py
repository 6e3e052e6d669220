"""Links into the admin's lists, built from the list's URL name and its filters (the
dashboard's figures carry filters, never URLs)."""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlencode

from django import template
from django.urls import reverse

register = template.Library()


@register.simple_tag
def users_list(filters: Mapping[str, str]) -> str:
    """The legacy users list showing the users `filters` selects."""
    url = reverse("admin:legacy_users_legacyuser_changelist")
    return f"{url}?{urlencode(filters)}" if filters else url
