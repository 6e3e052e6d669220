"""The admin's two roles, as groups (legacy_users.roles)."""

from django.db import migrations

from legacy_users.roles import OPERATOR, VIEWER, ensure_roles


def make_groups(apps, schema_editor):
    ensure_roles(apps)


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=[VIEWER, OPERATOR]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("legacy_users", "0010_operator_permissions"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(make_groups, remove_groups)]
