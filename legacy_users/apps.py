from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _keep_roles(sender: AppConfig, **kwargs: Any) -> None:
    from django.apps import apps as live_apps

    from legacy_users.roles import ensure_roles

    # `migrate` passes its registry; a flush sends none (the live one is then current).
    ensure_roles(kwargs.get("apps") or live_apps)


class LegacyUsersConfig(AppConfig):
    name = "legacy_users"
    verbose_name = "Legacy users"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from legacy_users import checks  # noqa: F401 - registers the system checks

        # The Viewer and Operator groups survive a database flush (the tests' transactional
        # ones) and pick up permissions added by later versions.
        post_migrate.connect(_keep_roles, sender=self)
