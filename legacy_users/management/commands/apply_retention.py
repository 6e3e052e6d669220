from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from legacy_users.services.retention import BATCH, records_prune


class Command(BaseCommand):
    help = (
        "Delete the hook calls, Okta events and load runs older than HOOK_CALL_RETENTION_DAYS, "
        "OKTA_EVENT_RETENTION_DAYS and LOAD_RUN_RETENTION_DAYS, in small batches that never "
        "hold up the hook. Hook calls are added to the dashboard's figures first. Run it "
        "daily, beside okta_sync_imports and rollup_hook_calls."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch", type=int, default=BATCH, help="Rows per statement.")
        parser.add_argument(
            "--pause-ms", type=int, default=0, help="Pause between statements (milliseconds)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        report = records_prune(batch=options["batch"], pause=options["pause_ms"] / 1000)
        self.stdout.write(
            self.style.SUCCESS(
                f"Deleted {report.hook_calls} hook calls, {report.okta_events} Okta events and "
                f"{report.load_runs} load runs past their retention."
            )
        )
