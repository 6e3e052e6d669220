"""Retention under load: `apply_retention` deleting 5,000,000 old hook calls while Okta's
burst hits the hook, against the same burst without it.

Loads the cheap-path users (bench/hook_load.py's `cheap`: {SSHA}), adds N hook calls 200 days
old (past HOOK_CALL_RETENTION_DAYS) straight into the table, serves the portal as the README
does, and drives the hook with wrk (32 connections, a random user, the right password): once
on its own, then again while `apply_retention` runs. Prints both runs' p50/p99 and their ratio,
and the prune's rows per second.

    .venv/bin/python bench/retention_load.py [--calls 5000000] [--duration 20] [--conns 32]

Needs wrk and PostgreSQL on this machine (database portal_bench, as hook_load.py).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import time

import hook_load as h


def seed(calls: int) -> None:
    """`calls` hook calls from 200 days ago, and the dashboard's roll-up already past them
    (retention deletes only calls the dashboard has counted; counting 5M is not measured)."""
    h.psql(
        "portal_bench",
        "INSERT INTO legacy_users_verificationattempt (event_id, request_id, login, login_key, "
        "outcome, reason, hash_format, duration_ms, created_at) "
        "SELECT 'bench-' || g, '', 'user' || (g % 1000) || '@example.com', "
        "'user' || (g % 1000) || '@example.com', 'UNVERIFIED', 'wrong_password', "
        "'ldap_salted_sha1', 5, now() - interval '200 days' + g * interval '1 millisecond' "
        f"FROM generate_series(1, {calls}) g",
    )
    h.psql(
        "portal_bench",
        "INSERT INTO legacy_users_synccursor (name, value, updated_at) "
        "VALUES ('hook_call_rollup', to_char(now() - interval '2 minutes', "
        "'YYYY-MM-DD\"T\"HH24:MI:00+00:00'), now()) "
        "ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value",
    )
    h.psql("portal_bench", "VACUUM ANALYZE legacy_users_verificationattempt")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--calls", type=int, default=5_000_000)
    parser.add_argument("--duration", type=int, default=20)
    parser.add_argument("--conns", type=int, default=32)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed (Debian: apt-get install wrk)")
    h.prepare("cheap")
    started = time.monotonic()
    seed(args.calls)
    print(f"seeded {args.calls:,} hook calls 200 days old in {time.monotonic() - started:.0f} s")
    server = h.start("portal")
    try:
        h.wrk("portal", "cheap", args.conns, 3)  # warm up
        alone = h.wrk("portal", "cheap", args.conns, args.duration)
        prune_started = time.monotonic()
        prune = subprocess.Popen(
            [h.PY, "manage.py", "apply_retention"],
            cwd=h.ROOT,
            env=h.portal_env(),
            stdout=subprocess.PIPE,
            text=True,
        )
        time.sleep(1)  # the prune is deleting when the burst starts
        during = h.wrk("portal", "cheap", args.conns, args.duration)
        output, _ = prune.communicate()
        took = time.monotonic() - prune_started
    finally:
        h.stop(server)
    print(output.strip())
    print(f"prune: {took:.0f} s, {args.calls / took:,.0f} hook calls deleted per second")
    print(f"{'hook, cheap path':<26} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8}")
    for label, r in (("alone", alone), ("during apply_retention", during)):
        print(
            f"{label:<26} {r['req/s']:>8.1f} {r['p50_ms']:>8.1f} {r['p99_ms']:>8.1f} "
            f"{r['max_ms']:>8.1f}"
        )
    print(f"p99 during / alone: {during['p99_ms'] / alone['p99_ms']:.2f}x (goal: within 1.5x)")
    if took < args.duration:
        print("note: the prune ended before the burst did; raise --calls to cover it")


if __name__ == "__main__":
    main()
