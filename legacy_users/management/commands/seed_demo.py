from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from hooks.urls import hook_path
from legacy_users.app_settings import hook_settings

DEMO_DIR = Path(settings.BASE_DIR) / "demo"
DEMO_ADMIN = ("admin", "admin")


class Command(BaseCommand):
    help = (
        "Quickstart only (DEBUG on): load the demo users, create the admin/admin login, "
        "and print curl lines that call the hook the way Okta does."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--base-url", default="http://127.0.0.1:8000")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError(
                "seed_demo creates an admin/admin login; it runs only with DEBUG on."
            )
        call_command(
            "load_legacy_users",
            str(DEMO_DIR / "legacy_users.csv"),
            source="demo",
            stdout=self.stdout,
            stderr=self.stderr,
        )

        username, password = DEMO_ADMIN
        user_model = get_user_model()
        if not user_model.objects.filter(username=username).exists():
            user_model.objects.create_superuser(username=username, email="", password=password)
        self.stdout.write(
            f"Admin: {options['base_url']}/admin/  login {username} / {password} (demo only)"
        )

        header = hook_settings().auth_header
        secret = hook_settings().auth_values[0] if hook_settings().auth_values else "<secret>"
        url = options["base_url"] + hook_path("password-import")
        for name, expect in (
            ("password-import-request.json", "VERIFIED"),
            ("password-import-request-wrong-password.json", "UNVERIFIED"),
        ):
            self.stdout.write(f"Okta's example request ({expect}):")
            self.stdout.write(
                f"  curl -s {url} -H 'Content-Type: application/json' "
                f"-H '{header}: {secret}' --data @demo/{name}"
            )
