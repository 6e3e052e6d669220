"""The admin's two roles, as groups: Viewer reads, Operator also acts.

Viewer: the dashboard and every list, read only. Operator: the same, and unlock, push to
Okta, purge legacy hashes, export users (the permissions on LegacyUser.Meta). Superusers
keep everything. Give people a role by adding them to the group (staff status is needed to
log in). Made by migration 0011 and kept after every `migrate` (and a test database flush).
"""

from types import ModuleType

from django.apps.registry import Apps
from django.contrib.auth.management import create_permissions

VIEWED = ("legacyuser", "verificationattempt", "loadrun", "oktaevent", "pushjob")
ACTIONS = ("unlock", "push", "purge", "export")
VIEWER, OPERATOR = "Viewer", "Operator"


def ensure_roles(apps: Apps) -> None:
    """Make the groups, or give them back any permission they lost (idempotent). `apps`: a
    migration's historical registry, or the live one (django.apps.apps)."""
    # Permissions are made after the migrations that need them; make them now.
    for app_config in apps.get_app_configs():
        # A migration's app stubs have no models module, and create_permissions skips an
        # app without one: lend it one for the call.
        lent = getattr(app_config, "models_module", None) is None
        if lent:
            app_config.models_module = ModuleType(f"{app_config.label}.models")
        create_permissions(app_config, apps=apps, verbosity=0)
        if lent:
            app_config.models_module = None
    group = apps.get_model("auth", "Group")
    permission = apps.get_model("auth", "Permission")
    ours = permission.objects.filter(content_type__app_label="legacy_users")
    viewing = list(ours.filter(codename__in=[f"view_{model}" for model in VIEWED]))
    acting = list(ours.filter(codename__in=[f"{action}_legacyuser" for action in ACTIONS]))
    viewer, _ = group.objects.get_or_create(name=VIEWER)
    viewer.permissions.add(*viewing)
    operator, _ = group.objects.get_or_create(name=OPERATOR)
    operator.permissions.add(*viewing, *acting)
