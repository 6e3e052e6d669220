"""Does the hook's latency tell which logins exist? Unknown login versus wrong password.

    .venv/bin/python bench/hook_timing.py [--calls 200] [--rounds 10]

Runs the real hook (Django test client, full middleware) on a scratch SQLite database with
one user whose bcrypt cost is `--rounds` (the dummy check's default cost is 10), then times
interleaved calls for an unknown login and for the known login with a wrong password, and
prints the medians, the 90th percentiles and the difference.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=10)
    args = parser.parse_args()

    scratch = Path(tempfile.mkdtemp()) / "timing.sqlite3"
    os.environ.update(
        DATABASE_URL=f"sqlite:///{scratch}",
        DEBUG="true",
        OKTA_HOOK_AUTH_VALUES="timing-secret-value-0123456789",
        OKTA_HOOK_LOGIN_FAILURES_PER_MINUTE="1000000",
        OKTA_HOOK_IP_FAILURES_PER_MINUTE="1000000",
        OKTA_HOOK_LOCKOUT_THRESHOLD="1000000",
        LOG_LEVEL="WARNING",
        ALLOWED_HOSTS="testserver",
    )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "migration_portal.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client
    from passlib import hash as ph

    from legacy_users.logins import normalize_login
    from legacy_users.models import LegacyUser

    call_command("migrate", verbosity=0)
    LegacyUser.objects.create(
        login="known@example.com",
        login_key=normalize_login("known@example.com"),
        password_hash=ph.bcrypt.using(rounds=args.rounds).hash("the right one"),
        hash_format="bcrypt",
    )
    client = Client()

    def call(login: str, n: int) -> float:
        body = {
            "eventId": f"evt-{login}-{n}",
            "eventType": "com.okta.user.credential.password.import",
            "data": {
                "context": {
                    "credential": {"username": login, "password": f"wrong-{n}"},
                    "request": {"ipAddress": "192.0.2.1", "id": str(n)},
                }
            },
        }
        started = time.perf_counter()
        response = client.post(
            "/hooks/password-import",
            data=body,
            content_type="application/json",
            headers={"Authorization": "timing-secret-value-0123456789"},
        )
        elapsed = time.perf_counter() - started
        assert response.json()["commands"][0]["value"]["credential"] == "UNVERIFIED"
        return elapsed

    call("warm-up@example.com", -1)
    unknown, wrong = [], []
    for n in range(args.calls):
        unknown.append(call("nobody@example.com", n))
        wrong.append(call("known@example.com", n))

    def p90(values):
        return statistics.quantiles(values, n=10)[-1]

    mu, mw = statistics.median(unknown), statistics.median(wrong)
    print(f"{args.calls} calls each, user bcrypt cost {args.rounds}")
    print(f"  unknown login : median {mu * 1000:7.2f} ms   p90 {p90(unknown) * 1000:7.2f} ms")
    print(f"  wrong password: median {mw * 1000:7.2f} ms   p90 {p90(wrong) * 1000:7.2f} ms")
    share = (mu - mw) / mw * 100
    print(f"  difference    : {(mu - mw) * 1000:+.2f} ms ({share:+.1f}% of a wrong password)")


if __name__ == "__main__":
    main()
