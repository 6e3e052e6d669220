"""Who did what in the admin: every operator action recorded with the operator's identity
at the company's identity provider (subject and email) when they signed in through it."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.utils import timezone

from legacy_users.models import AdminAction, OperatorIdentity


def admin_action_record(
    *, user: AbstractBaseUser | AnonymousUser, action: str, count: int, detail: str = ""
) -> AdminAction:
    """Record that `user` did `action` to `count` users."""
    identity = OperatorIdentity.objects.filter(user_id=user.pk).first() if user.pk else None
    return AdminAction.objects.create(
        at=timezone.now(),
        username=str(user.get_username())[:150],
        subject=identity.subject if identity else "",
        email=(identity.email if identity else getattr(user, "email", "")) or "",
        action=action,
        count=count,
        detail=detail[:500],
    )
