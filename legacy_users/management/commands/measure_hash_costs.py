from typing import Any

from django.core.management.base import BaseCommand

from legacy_users.services.hash_timing import hash_costs_measure


class Command(BaseCommand):
    help = (
        "Time a wrong password's check against a few users of every loaded hash format, on "
        "this machine, and keep the slowest as the floor every UNVERIFIED answer waits for "
        "(OKTA_HOOK_REFUSAL_FLOOR_MS=auto). The loader does it after each load; run it again "
        "on the hook's own hardware if that differs."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        costs = hash_costs_measure()
        for name, seconds in sorted(costs.items(), key=lambda item: -item[1]):
            self.stdout.write(f"  {name}: {seconds * 1000:.1f} ms")
        slowest = max(costs.values(), default=0.0)
        self.stdout.write(
            self.style.SUCCESS(f"Refusal floor: {slowest * 1500:.0f} ms (slowest, plus 50%).")
        )
