from typing import Any

from django.core.management.base import BaseCommand

from legacy_users.services.hook_stats import rollup_hook_calls


class Command(BaseCommand):
    help = (
        "Add the hook calls logged since the last roll-up to the dashboard's hourly and daily "
        "figures (each call once). The dashboard does this on every view; run it from cron "
        "(every few minutes) so a view never has a long backlog to add."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        added = rollup_hook_calls()
        self.stdout.write(self.style.SUCCESS(f"Rolled up {added} hook calls."))
