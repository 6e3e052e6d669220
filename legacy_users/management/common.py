"""Pieces the legacy-user commands share: hash options and the audit report."""

import json
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any, TextIO

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.dateparse import parse_date, parse_datetime

from hooks.urls import hook_path
from legacy_users.hashing import get_format
from legacy_users.hashing.secrets import MissingSecret, env_name, literal_secrets, resolve_secrets
from legacy_users.okta_org import okta_client
from legacy_users.services.audit import HashAudit
from legacy_users.services.okta_profiles import ProfileCheck
from okta_api import OktaClient, OktaError

MAX_PROBLEMS_SHOWN = 50


def write_audit(command: BaseCommand, audit: HashAudit) -> None:
    """Print an audit report; raise CommandError when some hashes cannot be verified."""
    out = command.stdout
    out.write(f"Hash audit of {audit.source}: {audit.total} users")
    width = max([len("format"), *(len(name) for name in audit.per_format)])
    out.write(f"  {'format'.ljust(width)}  {'users':>9}  {'Okta imports':>12}  as")
    for name, count in audit.per_format.most_common():
        imported = audit.importable[name]
        okta = audit.okta_algorithm.get(name) if imported else "no, needs the hook"
        out.write(f"  {name.ljust(width)}  {count:>9}  {imported:>12}  {okta}")
    if audit.unknown:
        out.write(f"  {'(no known format)'.ljust(width)}  {audit.unknown:>9}")
    if audit.malformed:
        out.write(f"  {'(malformed)'.ljust(width)}  {audit.malformed:>9}")
    if audit.over_cost:
        out.write(f"  {'(over a cost ceiling)'.ljust(width)}  {audit.over_cost:>9}")
    out.write(
        f"Okta can import {audit.okta_importable} users as hashes; "
        f"{audit.needs_hook} need the password import hook."
    )
    for choice, count in audit.per_format.items():
        if "|" in choice:
            write_ambiguous(command, choice, count)
    problems = audit.unknown + audit.malformed + audit.over_cost
    if not problems:
        out.write(command.style.SUCCESS("Every hash can be verified."))
        return
    for problem in audit.problems[:MAX_PROBLEMS_SHOWN]:
        where = f"line {problem.line}" if problem.line else "user"
        who = f" ({problem.login})" if problem.login else ""
        command.stderr.write(f"{where}{who}: {problem.reason}")
    if problems > MAX_PROBLEMS_SHOWN:
        command.stderr.write(f"... and {problems - MAX_PROBLEMS_SHOWN} more")
    raise CommandError(f"{problems} of {audit.total} hashes cannot be verified.")


def write_ambiguous(command: BaseCommand, choice: str, count: int) -> None:
    """Say that `count` hashes have a shape several systems write."""
    formats = " or ".join(choice.split("|"))
    command.stdout.write(
        command.style.WARNING(
            f"{count} hashes could be {formats}: declare hash_format (or --hash-format), or "
            "let the hook decide at sign-in (it tries each, then remembers the answer for "
            "the source)."
        )
    )


def write_profile_check(command: BaseCommand, report: ProfileCheck) -> None:
    """Print what Okta's schema says of the profiles still to push."""
    out = command.stdout
    out.write(f"{report.checked} profiles checked; Okta would refuse {report.refused}.")
    for reason, count in report.reasons.most_common():
        out.write(f"  {reason}: {count}")
    for (attribute, source), count in report.fallbacks.most_common():
        out.write(f"  {attribute} taken from {source} (OKTA_PROFILE_MAP's fallback): {count}")
    for login, reasons in report.examples[:MAX_PROBLEMS_SHOWN]:
        command.stderr.write(f"{login}: {reasons}")
    if report.refused > len(report.examples):
        command.stderr.write(f"... and {report.refused - len(report.examples)} more")


def add_public_url_argument(parser: CommandParser) -> None:
    """--public-url: where Okta calls the portal's hooks."""
    parser.add_argument(
        "--public-url", required=True, help="https://portal.example.com (where Okta calls)."
    )


def hook_locations(options: Mapping[str, Any]) -> dict[str, str]:
    """The public URL and the hooks' own paths, as the hook services take them."""
    return {
        "public_url": options["public_url"],
        "inline_path": hook_path("password-import"),
        "events_path": hook_path("okta-events"),
    }


def add_reading_arguments(parser: CommandParser) -> None:
    """--delimiter and --map: how an export file is read (the loader and the audit alike)."""
    parser.add_argument("--delimiter", default="", help="CSV delimiter (default: sniffed).")
    parser.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="OURS=THEIRS",
        help="Read the export's column THEIRS as OURS, e.g. --map login=user_email.",
    )


def parse_mapping(pairs: list[str]) -> dict[str, str]:
    """`--map login=user_email` pairs: our column name = the export's."""
    mapping: dict[str, str] = {}
    for pair in pairs:
        ours, sep, theirs = pair.partition("=")
        if not sep or not ours.strip() or not theirs.strip():
            raise CommandError(f"--map {pair!r}: expected our_column=their_column")
        mapping[ours.strip()] = theirs.strip()
    return mapping


def add_hash_arguments(parser: CommandParser) -> None:
    """--hash-format and --hash-params: file-wide defaults for rows that leave them empty."""
    parser.add_argument("--hash-format", default="", help="Hash format for rows without one.")
    parser.add_argument("--hash-params", default="", help="JSON object of hash parameters.")


def parse_hash_options(options: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    """Validate --hash-format and --hash-params (shared with audit_hashes)."""
    if options["hash_format"] and get_format(options["hash_format"]) is None:
        raise CommandError(f"unknown --hash-format {options['hash_format']!r}")
    try:
        params = json.loads(options["hash_params"]) if options["hash_params"] else {}
    except (ValueError, RecursionError):
        raise CommandError("--hash-params is not valid JSON") from None
    if not isinstance(params, dict):
        raise CommandError("--hash-params must be a JSON object")
    literal = literal_secrets(params)
    if literal:
        # A command line shows in `ps` and shell history, and the options are recorded.
        raise CommandError(
            f"--hash-params {', '.join(literal)}: give a secret by name, e.g. "
            f'{{"{literal[0]}": "secret:my-pepper"}}, with its value in HASH_SECRETS_DIR/'
            f"my-pepper or {env_name('my-pepper')}, never on the command line"
        )
    try:
        resolve_secrets(params)
    except MissingSecret as exc:
        raise CommandError(f"--hash-params: {exc}") from None
    return options["hash_format"], params


def parse_when(value: str, option: str) -> datetime:
    """A date (YYYY-MM-DD, midnight UTC) or an ISO datetime, as an aware datetime."""
    moment = parse_datetime(value)
    if moment is None:
        day = parse_date(value)
        if day is None:
            raise CommandError(f"{option}: {value!r} is not a date (YYYY-MM-DD) or ISO datetime")
        moment = datetime(day.year, day.month, day.day, tzinfo=UTC)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@contextmanager
def okta_session() -> Iterator[OktaClient]:
    """The configured Okta client for the duration of the block, closed after it. A missing
    setting, and an error answer from Okta inside the block, become a CommandError that says
    what went wrong."""
    try:
        client = okta_client()
    except ImproperlyConfigured as exc:
        raise CommandError(str(exc)) from None
    with client:
        try:
            yield client
        except OktaError as exc:
            raise CommandError(str(exc)) from None


@contextmanager
def okta_session_if(needed: bool) -> Iterator[OktaClient | None]:
    """`okta_session()` when the command needs Okta this time; None otherwise (a dry run)."""
    if not needed:
        yield None
        return
    with okta_session() as client:
        yield client


@contextmanager
def output_file(path: str) -> Iterator[TextIO]:
    """`path` opened to write text (CSV-ready), or a CommandError saying why it cannot be."""
    try:
        out = open(path, "w", newline="", encoding="utf-8")  # noqa: SIM115 - closed below
    except OSError as exc:
        raise CommandError(f"cannot write {path!r}: {exc.strerror}") from None
    with out:
        yield out
