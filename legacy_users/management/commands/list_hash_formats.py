from collections.abc import Iterator
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from legacy_users.hashing import all_formats
from legacy_users.hashing.costs import FAMILIES
from legacy_users.hashing.generators import TESTED_WITH
from legacy_users.hashing.okta_import import OKTA_LABELS


def format_rows() -> Iterator[tuple[str, str, str, str, str, str]]:
    """One row per registered format: name, detected, Okta import, parameters, the real
    generators it is tested against, description."""
    for fmt in all_formats():
        yield (
            fmt.name,
            "yes" if fmt.detectable else "declare it",
            OKTA_LABELS.get(fmt.name) or "no (hook)",
            ", ".join(fmt.params) or "-",
            ", ".join(TESTED_WITH.get(fmt.name, ())) or "-",
            fmt.description,
        )


class Command(BaseCommand):
    help = (
        "List every legacy hash format the portal verifies, and the ceilings on a hash's "
        "work factor (hashes above them are refused at load and never checked)."
    )
    requires_system_checks = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--markdown", action="store_true", help="Print the table docs/formats.md carries."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        header = (
            "format",
            "detected",
            "Okta imports as",
            "parameters",
            "tested against",
            "description",
        )
        rows = list(format_rows())
        if options["markdown"]:
            self.stdout.write("| " + " | ".join(header) + " |")
            self.stdout.write("|" + "---|" * len(header))
            for row in rows:
                cells = [f"`{row[0]}`", *(cell.replace("|", "\\|") for cell in row[1:])]
                self.stdout.write("| " + " | ".join(cells) + " |")
            self.stdout.write("\nCost ceilings (about a second of one core each at most):\n")
            self.stdout.write("| family | ceiling | formats |\n|---|---|---|")
            for family in FAMILIES.values():
                self.stdout.write(
                    f"| `{family.name}` | {family.measure}: at most {family.ceiling:,} "
                    f"| {family.formats} |"
                )
            return
        widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(5)]
        for row in [header, *rows]:
            cells = [str(cell).ljust(width) for cell, width in zip(row, widths, strict=False)]
            self.stdout.write("  ".join([*cells, row[5]]))
        self.stdout.write(f"\n{len(rows)} formats.")
        self.stdout.write("\nCost ceilings (about a second of one core each at most):")
        for family in FAMILIES.values():
            self.stdout.write(
                f"  {family.name.ljust(14)} {family.measure}: at most {family.ceiling:,}"
                f"  ({family.formats})"
            )
