"""Every admin page's server time at go-live size: 1,000,000 users and 5,000,000 hook calls.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mp_admin \\
        .venv/bin/python bench/admin_pages.py [--users 1000000] [--calls 5000000]
        [--fill-only | --no-fill] [--runs 3]

1. migrates the database DATABASE_URL names (PostgreSQL) and, unless --no-fill, empties and
   fills it in SQL: users with a realistic mix of states (a third past pending), formats,
   Okta push states, locks and weak passwords; hook calls over the last 90 days with the
   outcomes, reasons, formats and durations a go-live produces; some Okta events;
2. logs a superuser in and requests every admin page in process (Django's test client: the
   server's own time, template rendering included, no network), --runs times each;
3. prints each page's median and slowest time, and whether it is within the 300 ms goal.
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
GOAL_MS = 300

FORMATS = [
    ("bcrypt", "$2b$10$"),
    ("bcrypt", "$2y$10$"),
    ("argon2", "$argon2id$v=19$m=65536,t=3,p=4$"),
    ("django_pbkdf2_sha256", "pbkdf2_sha256$600000$"),
    ("sha512_crypt", "$6$rounds=5000$"),
    ("phpass", "$P$B"),
    ("ldap_salted_sha1", "{SSHA}"),
]
# (outcome, reason, share in percent); shares add up to 100.
CALL_MIX = [
    ("VERIFIED", "verified", 40),
    ("UNVERIFIED", "wrong_password", 40),
    ("UNVERIFIED", "unknown_user", 5),
    ("UNVERIFIED", "throttled_login", 2),
    ("UNVERIFIED", "throttled_ip", 1),
    ("UNVERIFIED", "locked", 2),
    ("UNVERIFIED", "retry", 3),
    ("UNVERIFIED", "over_cost", 1),
    ("ERROR", "shed", 4),
    ("ERROR", "deadline_exceeded", 1),
    ("ERROR", "unavailable", 1),
]


def _environment() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "migration_portal.settings")
    os.environ.setdefault("DEBUG", "false")
    os.environ.setdefault("SECRET_KEY", "bench-secret-key-not-for-production-use-0123456789")
    os.environ.setdefault("OKTA_HOOK_AUTH_VALUES", "bench-only-secret-value-0123456789")
    os.environ["ALLOWED_HOSTS"] = "testserver,127.0.0.1,localhost"
    os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ["ADMIN_ENABLED"] = "true"


def _case(column_sql: str, choices: list[str]) -> str:
    """SQL picking choices[column % len] (column an integer expression)."""
    whens = " ".join(f"WHEN {i} THEN '{c}'" for i, c in enumerate(choices))
    return f"(CASE ({column_sql}) % {len(choices)} {whens} END)"


def fill(users: int, calls: int) -> None:
    from django.db import connection

    formats = _case("i", [name for name, _ in FORMATS])
    prefixes = _case("i", [prefix for _, prefix in FORMATS])
    # One hundred call kinds, each as many times as its share.
    kinds = [(o, r) for o, r, share in CALL_MIX for _ in range(share)]
    outcome = _case("k", [o for o, _ in kinds])
    reason = _case("k", [r for _, r in kinds])
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE legacy_users_verificationattempt, legacy_users_oktaevent, "
            "legacy_users_hookcallhour, legacy_users_hookcallday, "
            "legacy_users_legacyuser RESTART IDENTITY CASCADE"
        )
        cursor.execute("DELETE FROM legacy_users_synccursor WHERE name = 'hook_call_rollup'")
        # Per user: s picks the status (55% pending, 15% each verified, confirmed, purged),
        # p the push state, f the format (round robin), d the day of the last sign-in.
        cursor.execute(
            f"""
            INSERT INTO legacy_users_legacyuser (
                login, login_key, email, first_name, last_name, profile, password_hash,
                hash_format, salt, hash_params, source, status, failed_attempts,
                last_attempt_at, verified_at, locked_until, weak_password,
                weak_password_reason, confirmed_at, purged_at, okta_id, okta_push_state,
                okta_pushed_at, okta_push_error, okta_password_expired_at, created_at,
                updated_at)
            SELECT
                'User' || i || '@example.com', 'user' || i || '@example.com',
                'user' || i || '@example.com', 'First' || (i % 997), 'Last' || (i % 991),
                '{{}}',
                CASE WHEN s >= 85 THEN '' ELSE {prefixes} || md5(i::text) || md5('x' || i) END,
                {formats}, '', '{{}}', {_case("i / 7", ["shop", "forum", "crm"])},
                CASE WHEN s < 55 THEN 'pending' WHEN s < 70 THEN 'verified'
                     WHEN s < 85 THEN 'confirmed' ELSE 'purged' END,
                CASE WHEN s < 55 THEN i % 3 ELSE 0 END,
                CASE WHEN s < 40 THEN NULL ELSE now() - (d || ' days')::interval END,
                CASE WHEN s < 55 THEN NULL ELSE now() - (d || ' days')::interval END,
                CASE WHEN i % 1000 = 0 THEN now() + interval '10 minutes' END,
                s >= 55 AND i % 20 = 0,
                CASE WHEN s >= 55 AND i % 20 = 0 THEN 'password_too_short' ELSE '' END,
                CASE WHEN s < 70 THEN NULL ELSE now() - (d || ' days')::interval END,
                CASE WHEN s < 85 THEN NULL ELSE now() - (d || ' days')::interval END,
                CASE WHEN p < 96 THEN '00u' || substr(md5(i::text), 1, 17) ELSE '' END,
                CASE WHEN p < 90 THEN 'hook' WHEN p < 95 THEN 'imported_hash'
                     WHEN p < 96 THEN 'linked' WHEN p < 97 THEN 'failed' ELSE '' END,
                CASE WHEN p < 97 THEN now() - interval '100 days' END,
                CASE WHEN p = 96 THEN 'E0000001: Api validation failed' ELSE '' END,
                NULL, now() - interval '120 days', now() - (d || ' days')::interval
            FROM (
                SELECT i, (i * 37) % 100 AS s, (i * 53) % 100 AS p, (i * 13) % 90 AS d
                FROM generate_series(1::bigint, {int(users)}) AS i
            ) AS g
            """
        )
        print(f"  {users:,} users in {time.perf_counter() - started:.0f} s", flush=True)
        started = time.perf_counter()
        # Per call: k picks the kind, u the user (none for unknown logins), t the time
        # within the last 90 days (more calls in the first days after go-live).
        cursor.execute(
            f"""
            INSERT INTO legacy_users_verificationattempt (
                event_id, request_id, login, login_key, user_id, outcome, reason,
                hash_format, ip_address, duration_ms, created_at)
            SELECT
                md5(j::text), 'req' || j, 'User' || u || '@example.com',
                'user' || u || '@example.com',
                CASE WHEN {reason} = 'unknown_user' THEN NULL ELSE u END,
                {outcome}, {reason},
                CASE WHEN {reason} IN ('unknown_user', 'throttled_login', 'throttled_ip',
                                      'locked', 'shed') THEN ''
                     ELSE {_case("u", [name for name, _ in FORMATS])} END,
                ('10.' || (j % 250) || '.' || (j / 250 % 250) || '.' || (j % 199))::inet,
                CASE WHEN {outcome} = 'ERROR' THEN 250 + j % 2400 ELSE 5 + (j * 7) % 300 END,
                now() - (t * interval '90 days')
            FROM (
                SELECT j, (j * 7919) % 100 AS k, 1 + (j * 104729) % {int(users)} AS u,
                       power(((j * 2654435761) % 1000000) / 1000000.0, 2) AS t
                FROM generate_series(1::bigint, {int(calls)}) AS j
            ) AS g
            """
        )
        print(f"  {calls:,} hook calls in {time.perf_counter() - started:.0f} s", flush=True)
        cursor.execute(
            """
            INSERT INTO legacy_users_oktaevent (uuid, event_type, outcome, published,
                okta_user_id, login, login_key, user_id, via, effect, okta_record, received_at)
            SELECT md5('e' || id), 'user.import.password', 'SUCCESS', confirmed_at, okta_id,
                   login, login_key, id, 'event_hook', 'confirmed', 'found', confirmed_at
            FROM legacy_users_legacyuser WHERE confirmed_at IS NOT NULL AND id % 10 = 0
            """
        )
        cursor.execute(
            "ANALYZE legacy_users_legacyuser; ANALYZE legacy_users_verificationattempt; "
            "ANALYZE legacy_users_oktaevent"
        )
    # What a running portal has done by itself along the way: the dashboard's roll-up of
    # the calls (each dashboard view adds the calls since the previous one).
    from legacy_users.services.hook_stats import rollup_hook_calls

    started = time.perf_counter()
    rolled = rollup_hook_calls()
    print(f"  {rolled:,} calls rolled up in {time.perf_counter() - started:.0f} s", flush=True)


def pages() -> list[tuple[str, str]]:
    from legacy_users.models import LegacyUser

    users = "/admin/legacy_users/legacyuser/"
    calls = "/admin/legacy_users/verificationattempt/"
    some_user = LegacyUser.objects.filter(login_key="user4242@example.com").first()
    listed = [
        ("dashboard (/admin/)", "/admin/"),
        ("users", users),
        ("users, status verified", users + "?status__exact=verified"),
        ("users, locked now", users + "?locked=yes"),
        ("users, format phpass", users + "?hash_format=phpass"),
        ("users, push failed", users + "?okta_push_state__exact=failed"),
        ("users, weak password", users + "?weak_password__exact=1"),
        ("users, search user4242", users + "?q=user4242"),
        ("users, search exact login", users + "?q=user4242@example.com"),
        ("users, last page", users + "?p=9999"),
        ("users, page 10000 (deep link)", users + "?p=10000"),
        ("users, page 50", users + "?p=50"),
        ("hook calls", calls),
        ("hook calls, reason wrong_password", calls + "?reason__exact=wrong_password"),
        ("hook calls, outcome ERROR", calls + "?outcome__exact=ERROR"),
        ("hook calls, search user4242", calls + "?q=user4242"),
        ("hook calls, page 50", calls + "?p=50"),
        ("hook calls, page 49999 (deep link)", calls + "?p=49999"),
        ("hook calls, page 50000 (deep link)", calls + "?p=50000"),
        ("hook calls, last 24 hours", calls + "?when=day"),
        (
            "hook calls, last 7 days, wrong password",
            calls + "?when=week&reason__exact=wrong_password",
        ),
        ("okta events", "/admin/legacy_users/oktaevent/"),
        ("okta events, search user4242", "/admin/legacy_users/oktaevent/?q=user4242"),
        ("admin actions", "/admin/legacy_users/adminaction/"),
        ("load runs", "/admin/legacy_users/loadrun/"),
    ]
    if some_user is not None:
        listed.append(("one user's page", f"{users}{some_user.pk}/change/"))
    return listed


def measure(runs: int) -> None:
    from django.contrib.auth.models import User
    from django.test import Client

    admin, _ = User.objects.get_or_create(
        username="bench-admin", defaults={"is_staff": True, "is_superuser": True}
    )
    client = Client()
    client.force_login(admin)
    print(f"{'page':<36} {'median ms':>10} {'slowest ms':>11}  status")
    worst = 0.0
    for label, url in pages():
        times, status = [], None
        client.get(url)  # warm: the first request compiles templates and fills caches
        for _ in range(runs):
            started = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
            status = response.status_code
        median = statistics.median(times)
        worst = max(worst, median)
        verdict = "ok" if median <= GOAL_MS else f"OVER {GOAL_MS} ms"
        print(f"{label:<36} {median:>10.0f} {max(times):>11.0f}  {status} {verdict}", flush=True)
    print(f"slowest page median: {worst:.0f} ms (goal {GOAL_MS} ms)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=1_000_000)
    parser.add_argument("--calls", type=int, default=5_000_000)
    parser.add_argument("--runs", type=int, default=3)
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--fill-only", action="store_true", help="fill, do not time")
    group.add_argument("--no-fill", action="store_true", help="time what is there")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres", "pgsql")):
        sys.exit("Set DATABASE_URL to a PostgreSQL database (it is emptied and filled).")
    _environment()
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    if not args.no_fill:
        print(f"filling: {args.users:,} users, {args.calls:,} hook calls", flush=True)
        fill(args.users, args.calls)
    if not args.fill_only:
        # Served as in production (DEBUG off): the admin's static files from the manifest,
        # collected apart from the checkout (a test run there must not see a half copy).
        from django.conf import settings

        settings.STATIC_ROOT = tempfile.mkdtemp(prefix="bench-static-")
        call_command("collectstatic", interactive=False, verbosity=0)
        measure(args.runs)


if __name__ == "__main__":
    main()
