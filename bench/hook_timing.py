"""What a refusal's time tells an attacker: UNVERIFIED answers per kind of user, with the
refusal floor (OKTA_HOOK_REFUSAL_FLOOR_MS=auto, the default) and without it (0), side by side.

Loads one user per format (unsalted SHA-256, {SSHA}, MD5-crypt, bcrypt-10, PBKDF2-SHA256 at
600,000 rounds), serves the portal as the README does, and sends wrong passwords one at a
time (no load: only the answer's own time) for each user and for logins that do not exist.
Prints the median and p90 per kind and the spread between the fastest and slowest kind: with
the floor the spread should be a few milliseconds, so a refusal's time does not tell a known
login from an unknown one, nor a cheap hash from a costly one.

    .venv/bin/python bench/hook_timing.py [--calls 40]

Needs PostgreSQL on this machine (database portal_bench, as hook_load.py).
"""

from __future__ import annotations

import argparse
import csv
import statistics
import subprocess
import time
import uuid

import hook_load as h
import httpx
from passlib import hash as ph

KINDS = {
    "raw SHA-256": lambda pw: ph.hex_sha256.hash(pw),
    "{SSHA}": lambda pw: ph.ldap_salted_sha1.hash(pw),
    "MD5-crypt": lambda pw: ph.md5_crypt.hash(pw),
    "bcrypt-10": lambda pw: ph.bcrypt.using(rounds=10).hash(pw),
    "PBKDF2-600k": lambda pw: ph.django_pbkdf2_sha256.using(rounds=600_000).hash(pw),
}
FORMATS = {"raw SHA-256": "raw_sha256"}


def prepare() -> None:
    path = h.OUT / "timing-users.csv"
    h.OUT.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["login", "password_hash", "hash_format"])
        for i, (kind, make) in enumerate(KINDS.items()):
            writer.writerow([f"user{i}@example.com", make("right-password"), FORMATS.get(kind, "")])
    env = h.portal_env()
    subprocess.run(
        ["psql", "-q", "-h", "127.0.0.1", "-U", "postgres", "-c", "CREATE DATABASE portal_bench"],
        capture_output=True,
    )
    subprocess.run([h.PY, "manage.py", "migrate", "-v0"], cwd=h.ROOT, env=env, check=True)
    h.psql(
        "portal_bench",
        "TRUNCATE legacy_users_verificationattempt, legacy_users_oktaevent, "
        "legacy_users_legacyuser RESTART IDENTITY CASCADE",
    )
    subprocess.run(
        [h.PY, "manage.py", "load_legacy_users", str(path)],
        cwd=h.ROOT,
        env=env,
        check=True,
        capture_output=True,
    )


def call(client: httpx.Client, login: str) -> float:
    body = {
        "eventId": uuid.uuid4().hex[:22],
        "eventType": "com.okta.user.credential.password.import",
        "data": {
            "context": {
                "request": {"id": uuid.uuid4().hex, "ipAddress": f"198.51.100.{hash(login) % 250}"},
                "credential": {"username": login, "password": "a wrong password"},
            }
        },
    }
    started = time.perf_counter()
    answer = client.post(
        "/hooks/password-import", json=body, headers={"Authorization": h.SECRET}
    ).json()
    took = (time.perf_counter() - started) * 1000
    assert answer["commands"][0]["value"]["credential"] == "UNVERIFIED"
    return took


def measure(floor: str, calls: int) -> dict[str, list[float]]:
    env = {**h.portal_env(), "OKTA_HOOK_REFUSAL_FLOOR_MS": floor}
    # A generous throttle: this bench asks about the same logins over and over.
    env.update(
        OKTA_HOOK_LOGIN_FAILURES_PER_MINUTE="100000", OKTA_HOOK_IP_FAILURES_PER_MINUTE="100000"
    )
    env.update(OKTA_HOOK_LOCKOUT_THRESHOLD="100000", OKTA_HOOK_GLOBAL_FAILURES_PER_MINUTE="100000")
    h.psql("portal_bench", "TRUNCATE legacy_users_failurecounter")
    server = subprocess.Popen(
        [str(h.GUNICORN), "migration_portal.wsgi", "--bind", "127.0.0.1:8000"],
        cwd=h.ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        time.sleep(3)
        times: dict[str, list[float]] = {kind: [] for kind in KINDS}
        times["unknown login"] = []
        with httpx.Client(base_url="http://127.0.0.1:8000", timeout=5) as client:
            for round_ in range(calls + 2):
                for i, kind in enumerate(KINDS):
                    took = call(client, f"user{i}@example.com")
                    if round_ >= 2:  # the first rounds warm the processes up
                        times[kind].append(took)
                took = call(client, f"nobody-{round_}@example.com")
                if round_ >= 2:
                    times["unknown login"].append(took)
        return times
    finally:
        h.stop(server)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--calls", type=int, default=40)
    args = parser.parse_args()
    prepare()
    results = {
        "no floor (0)": measure("0", args.calls),
        "floor (auto)": measure("auto", args.calls),
    }
    kinds = list(next(iter(results.values())))
    print(f"UNVERIFIED answers, ms, {args.calls} calls per kind, one at a time")
    print(f"{'user':<16}" + "".join(f"{name + ' p50':>20}{'p90':>8}" for name in results))
    for kind in kinds:
        row = f"{kind:<16}"
        for times in results.values():
            ordered = sorted(times[kind])
            p90 = ordered[int(len(ordered) * 0.9) - 1]
            row += f"{statistics.median(ordered):>20.1f}{p90:>8.1f}"
        print(row)
    for name, times in results.items():
        medians = [statistics.median(t) for t in times.values()]
        print(f"{name}: spread of the medians {max(medians) - min(medians):.1f} ms")


if __name__ == "__main__":
    main()
