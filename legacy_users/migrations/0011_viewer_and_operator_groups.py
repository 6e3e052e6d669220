"""The two roles of the admin, as groups: Viewer reads, Operator also acts.

Viewer: the dashboard and every list, read only. Operator: the same, and unlock, push to
Okta, purge legacy hashes, export users. Superusers keep everything. Give people a role by
adding them to the group (staff status needed to log in).
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

VIEWED = ("legacyuser", "verificationattempt", "loadrun", "oktaevent")
ACTIONS = ("unlock", "push", "purge", "export")


def make_groups(apps, schema_editor):
    # Permissions are made after all migrations; these groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ours = Permission.objects.filter(content_type__app_label="legacy_users")
    viewing = list(ours.filter(codename__in=[f"view_{model}" for model in VIEWED]))
    acting = list(ours.filter(codename__in=[f"{action}_legacyuser" for action in ACTIONS]))
    viewer, _ = Group.objects.get_or_create(name="Viewer")
    viewer.permissions.add(*viewing)
    operator, _ = Group.objects.get_or_create(name="Operator")
    operator.permissions.add(*viewing, *acting)


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=["Viewer", "Operator"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("legacy_users", "0010_operator_permissions"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(make_groups, remove_groups)]
