import getpass
import sys
import time
from typing import Any

import httpx
from django.core.management.base import BaseCommand, CommandError, CommandParser

from hooks.urls import hook_path
from legacy_users.app_settings import hook_settings
from legacy_users.management.common import okta_session
from okta_api import https_or_local
from okta_api.client import password_import_request


class Command(BaseCommand):
    help = (
        "Okta's console cannot preview a password import hook: this sends an Okta-shaped, "
        "authenticated request for --login (the password is asked for, never echoed) to a "
        "deployment's hook (--url), or through Okta itself (--okta-hook-id, Okta's execute "
        "API), and prints the decision and the latency. Use a test user: a real call counts."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        target = parser.add_mutually_exclusive_group(required=True)
        target.add_argument(
            "--url", help="The hook URL, e.g. https://portal.example.com/hooks/password-import"
        )
        target.add_argument("--okta-hook-id", help="Call Okta's /api/v1/inlineHooks/{id}/execute.")
        parser.add_argument("--login", required=True)
        parser.add_argument(
            "--password-stdin", action="store_true", help="Read the password from stdin."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["url"] and not https_or_local(options["url"]):
            # The call carries the hook's secret and a typed password.
            raise CommandError(
                "--url must be https:// (http:// only for 127.0.0.1/localhost): the call "
                "carries the hook's secret and the password"
            )
        password = (
            sys.stdin.readline().rstrip("\n")
            if options["password_stdin"]
            else getpass.getpass(f"Password for {options['login']}: ")
        )
        body = password_import_request(options["login"], password)
        del password
        started = time.monotonic()
        answer: Any  # Okta's answer, or the hook's: JSON, shown as it came
        if options["okta_hook_id"]:
            with okta_session() as client:
                answer = client.execute_inline_hook(options["okta_hook_id"], body)
            status = 200
        else:
            url, path = options["url"].rstrip("/"), hook_path("password-import")
            if not url.endswith(path):
                url += path
            headers = {}
            config = hook_settings()
            if config.auth_values:
                headers[config.auth_header] = config.auth_values[0]
            try:
                response = httpx.post(url, json=body, headers=headers, timeout=10)
            except httpx.HTTPError as exc:
                raise CommandError(f"no answer from {url}: {type(exc).__name__}") from None
            status = response.status_code
            answer = response.json() if response.content else None
        elapsed = (time.monotonic() - started) * 1000
        try:
            decision = answer["commands"][0]["value"]["credential"]
        except (TypeError, KeyError, IndexError):
            decision = f"no decision (HTTP {status}: {answer})"
        self.stdout.write(f"{decision} in {elapsed:.0f} ms")
        if elapsed > 3000:
            self.stderr.write(self.style.WARNING("Over Okta's 3 s deadline: Okta would time out."))
