"""The hook under Okta's sign-in burst, side by side with what a user could run instead.

Starts each server in turn, one at a time, on this machine:
- `node`: the Okta guide's Node/Express sample (in memory, no hashing: the HTTP ceiling);
- `peer`: a minimal Django + PostgreSQL hook (lookup, passlib verify, update, audit insert;
  gunicorn, 4 sync workers, as its README starts it);
- `portal`: this project as the README serves it (`gunicorn migration_portal.wsgi`, its
  gunicorn.conf.py, DEBUG off),
and drives each with wrk and the peers' `hook_rand.lua` (a random loaded user, the right
password, a fresh eventId per call) for every load {cheap ({SSHA}), bcrypt-10, bcrypt-12}
x {8, 32, 75} connections, and on request `first`: {SSHA} again, but 200,000 users set back to
pending before each server's run, so that nearly every call is a user's first sign-in, as
at go-live (Okta calls the hook once per user; the cheap load's 1,000 users are mostly
signing in again). wrk's timeout is Okta's 3 s, so "> 3 s" counts the calls Okta would
have given up on. It also measures the hash-bound limit: bcrypt checks per second that all
cores do in a tight loop, just before the bcrypt-10 rows. Prints one table with the ratios
to the peer.

*cpu ms/call* is the CPU time the server's processes and PostgreSQL spent during the
run, per call answered: what a call costs the machine whoever else is using it, where req/s
moves with the machine's other load. The portal's rows also give *in server*: the p50 / p99
of its calls' time from arrival to their recorded answer (the audit rows' duration_ms), the
part of wrk's latency the process itself accounts for. `--rounds N` runs the servers in turn
N times per cell (peer, portal, peer, portal...) and prints the median of the portal's ratios
after them.

    .venv/bin/python bench/hook_load.py [--duration 15] [--loads cheap,bcrypt-10,bcrypt-12,first]
        [--conns 8,32,75] [--servers node,peer,portal] [--rounds 1]

Needs wrk (Debian: apt-get install wrk), Node.js with npm and PostgreSQL on this machine. It
creates the databases portal_bench and portal_peer.
"""

from __future__ import annotations

import argparse
import csv
import multiprocessing
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from passlib import hash as ph

ROOT = Path(__file__).resolve().parent.parent
PEERS = (ROOT / ".." / "shared" / "peers").resolve()
OUT = ROOT / "bench" / "out"
PY = ROOT / ".venv" / "bin" / "python"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
SECRET = "Basic YWRtaW46c3VwZXJzZWNyZXQ="  # noqa: S105 - the peers' demo secret
PG = "postgres://postgres@127.0.0.1:5432"
ATTEMPTS = "legacy_users_verificationattempt"
#: load -> (users, how a user's hash is made). Fewer users for slow hashes: only making
#: the hashes costs (one bcrypt-12 hash is a quarter of a second).
LOADS = {
    "cheap": (1000, lambda pw: ph.ldap_salted_sha1.hash(pw)),
    "bcrypt-10": (400, lambda pw: ph.bcrypt.using(rounds=10).hash(pw)),
    "bcrypt-12": (200, lambda pw: ph.bcrypt.using(rounds=12).hash(pw)),
    "first": (200_000, lambda pw: ph.ldap_salted_sha1.hash(pw)),
}
#: Loads whose users are set back to pending before each server's run.
FIRST_SIGN_INS = {"first"}
SERVERS = {
    "node": ("http://127.0.0.1:3000", "/passwordImport"),
    "peer": ("http://127.0.0.1:8001", "/passwordImport"),
    "portal": ("http://127.0.0.1:8000", "/hooks/password-import"),
}
RESULT = re.compile(r"RESULT (.*)")
#: Besides the server's own processes, the work a hook call makes elsewhere on this machine.
SHARED_PROCESSES = ("postgres",)
TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(session: int) -> float:
    """CPU seconds used so far by the processes of `session` (the server: it is started in a
    session of its own) and by PostgreSQL's processes."""
    total = 0
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            continue  # ended meanwhile
        name = stat[stat.index("(") + 1 : stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2 :].split()
        if int(fields[3]) == session or name.startswith(SHARED_PROCESSES):
            total += int(fields[11]) + int(fields[12])  # utime + stime
    return total / TICKS


def _hash_one(args):
    load, i = args
    return LOADS[load][1](f"pw-{i}")


def users_file(load: str) -> Path:
    """A CSV of the load's users (cached: bcrypt-12 hashes take minutes to make)."""
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"hook-users-{load}.csv"
    if path.exists():
        return path
    count = LOADS[load][0]
    with ProcessPoolExecutor() as pool:
        hashes = list(pool.map(_hash_one, [(load, i) for i in range(count)], chunksize=16))
    with path.open("w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["login", "password_hash"])
        for i, encoded in enumerate(hashes):
            writer.writerow([f"user{i}@example.com", encoded])
    return path


def psql(db: str, sql: str) -> None:
    subprocess.run(
        ["psql", "-q", "-h", "127.0.0.1", "-U", "postgres", "-d", db, "-c", sql],
        check=True,
        capture_output=True,
    )


def psql_value(db: str, sql: str) -> str:
    """The one value `sql` selects."""
    command = ["psql", "-At", "-h", "127.0.0.1", "-U", "postgres", "-d", db, "-c", sql]
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout.strip()


def last_attempt() -> int:
    """The newest audit row's id in the portal's database (0: none)."""
    return int(psql_value("portal_bench", "SELECT coalesce(max(id), 0) FROM " + ATTEMPTS))


def in_server(after: int) -> str:
    """p50 / p99 of the time the portal's calls spent from arrival to their recorded answer
    (the audit rows' duration_ms) since audit row `after`: what of wrk's latency the
    process itself accounts for."""
    value = psql_value(
        "portal_bench",
        "SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY duration_ms) || '/' || "
        "percentile_disc(0.99) WITHIN GROUP (ORDER BY duration_ms) "
        f"FROM {ATTEMPTS} WHERE id > {int(after)}",
    )
    return f"in server {value} ms" if value else ""


def set_back_to_pending() -> None:
    """Every user pending again in both databases, as before their first sign-in."""
    psql("portal_peer", "UPDATE lu SET status = 'pending', n = 0 WHERE status <> 'pending'")
    psql(
        "portal_bench",
        "UPDATE legacy_users_legacyuser SET status = 'pending', verified_at = NULL, "
        "failed_attempts = 0, last_attempt_at = NULL, weak_password = false, "
        "weak_password_reason = '' WHERE status <> 'pending'",
    )
    psql("portal_bench", "VACUUM ANALYZE legacy_users_legacyuser")
    psql("portal_peer", "VACUUM ANALYZE lu")


def portal_env() -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": f"{PG}/portal_bench",
        "DEBUG": "false",
        "SECRET_KEY": "bench-secret-key-not-for-production-use-0123456789",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "OKTA_HOOK_AUTH_VALUES": SECRET,
        "DB_STATEMENT_TIMEOUT_MS": "2000",
        "LOG_LEVEL": "WARNING",
        # The hook's own processes, as the README serves them (the admin runs elsewhere).
        "ADMIN_ENABLED": "false",
    }


def prepare(load: str) -> None:
    """The same users in the portal's table and in the peer's."""
    path = users_file(load)
    subprocess.run(
        ["psql", "-q", "-h", "127.0.0.1", "-U", "postgres", "-c", "CREATE DATABASE portal_peer"],
        capture_output=True,
    )
    subprocess.run(
        ["psql", "-q", "-h", "127.0.0.1", "-U", "postgres", "-c", "CREATE DATABASE portal_bench"],
        capture_output=True,
    )
    psql("portal_peer", (PEERS / "peer_schema.sql").read_text())
    psql(
        "portal_peer",
        f"\\copy lu(username, password_hash) FROM '{path}' WITH (FORMAT csv, HEADER true)",
    )
    env = portal_env()
    subprocess.run([PY, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    psql(
        "portal_bench",
        "TRUNCATE legacy_users_verificationattempt, legacy_users_oktaevent, "
        "legacy_users_failurecounter, legacy_users_legacyuser RESTART IDENTITY CASCADE",
    )
    subprocess.run(
        [PY, "manage.py", "load_legacy_users", str(path)],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )


def start(server: str) -> subprocess.Popen:
    if server == "node":
        sample = PEERS / "okta-guide-sample"
        if not (sample / "node_modules").exists():
            subprocess.run(["npm", "install", "--silent"], cwd=sample, check=True)
        command, cwd, env = ["node", "server.js"], sample, {**os.environ, "PORT": "3000"}
    elif server == "peer":
        command = [
            str(GUNICORN),
            "django_minimal_hook:application",
            "--bind",
            "127.0.0.1:8001",
            "--workers",
            "4",
            "--log-level",
            "warning",
        ]
        cwd, env = PEERS, {**os.environ, "PEER_DB": "portal_peer"}
    else:
        command = [str(GUNICORN), "migration_portal.wsgi", "--bind", "127.0.0.1:8000"]
        cwd, env = ROOT, portal_env()
    process = subprocess.Popen(
        command,
        cwd=cwd,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    base = SERVERS[server][0]
    for _ in range(100):
        try:
            urllib.request.urlopen(base + "/", timeout=1)  # noqa: S310 - local
        except urllib.error.HTTPError:
            return process  # answering (404 or 401 on /)
        except OSError:
            time.sleep(0.2)
            continue
        return process
    raise RuntimeError(f"{server} did not start")


def stop(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
    time.sleep(1)  # let the machine settle before the next server


def wrk(server: str, load: str, conns: int, duration: int) -> dict[str, float]:
    base, path = SERVERS[server]
    env = {**os.environ, "HOOK_USERS": str(LOADS[load][0]), "HOOK_PATH": path}
    command = [
        "wrk",
        "-t2",
        f"-c{conns}",
        f"-d{duration}s",
        "--timeout",
        "3s",
        "-s",
        str(PEERS / "hook_rand.lua"),
        base,
    ]
    output = subprocess.run(command, env=env, capture_output=True, text=True, check=True).stdout
    fields = RESULT.search(output).group(1).split()
    return {k: float(v) for k, v in (field.split("=") for field in fields)}


def _bcrypt_loop(seconds: float) -> int:
    encoded = ph.bcrypt.using(rounds=10).hash("pw-1")
    done, until = 0, time.monotonic() + seconds
    while time.monotonic() < until:
        ph.bcrypt.verify("pw-1", encoded)
        done += 1
    return done


def hash_bound(seconds: float = 5.0) -> float:
    """bcrypt-10 checks per second, all cores, tight loop."""
    cores = multiprocessing.cpu_count()
    with ProcessPoolExecutor(cores) as pool:
        return sum(pool.map(_bcrypt_loop, [seconds] * cores)) / seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--duration", type=int, default=15)
    parser.add_argument("--loads", default="cheap,bcrypt-10,bcrypt-12")
    parser.add_argument("--conns", default="8,32,75")
    parser.add_argument("--servers", default="node,peer,portal")
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed (Debian: apt-get install wrk)")
    loads, servers = args.loads.split(","), args.servers.split(",")
    conns = [int(c) for c in args.conns.split(",")]
    print(
        f"{multiprocessing.cpu_count()} cores; wrk -t2 -d{args.duration}s --timeout 3s",
        flush=True,
    )
    limit = 0.0
    print(
        f"{'load':<10} {'conns':>5} {'server':<7} {'req/s':>8} {'served/s':>8} {'p50 ms':>8} "
        f"{'p99 ms':>8} {'max ms':>8} {'503s':>6} {'> 3 s':>6} {'cpu ms/call':>11}  "
        "ratio of served/s",
        flush=True,
    )
    for load in loads:
        prepare(load)
        if load == "bcrypt-10":
            # Measured here, just before the rows it is compared with: the machine's speed
            # drifts over a run of several minutes.
            limit = hash_bound()
            print(f"hash-bound limit: {limit:.1f} bcrypt-10 checks/s, all cores", flush=True)
        for conn in conns:
            ratios = []
            for _ in range(args.rounds):
                ratio = cell(load, conn, servers, args.duration, limit)
                if ratio is not None:
                    ratios.append(ratio)
            if len(ratios) > 1:
                print(
                    f"{load:<10} {conn:>5} portal median of {len(ratios)}: "
                    f"{statistics.median(ratios):.2f}x peer "
                    f"({', '.join(f'{r:.2f}' for r in ratios)})",
                    flush=True,
                )


def cell(load: str, conn: int, servers: list[str], duration: int, limit: float) -> float | None:
    """Each server in turn under one load; prints a row each. The portal's ratio to the peer
    (served/s), when both ran."""
    results: dict[str, dict[str, float]] = {}
    for server in servers:
        if load in FIRST_SIGN_INS:
            set_back_to_pending()
        process = start(server)
        try:
            wrk(server, load, conn, 2)  # warm up: connections, caches, JIT
            first_attempt = last_attempt() if server == "portal" else 0
            before = cpu_seconds(process.pid)
            results[server] = r = wrk(server, load, conn, duration)
            used = cpu_seconds(process.pid) - before
        finally:
            stop(process)
        # Answered within Okta's 3 s and not refused (wrk counts 503s in req/s, and calls
        # past its 3 s timeout in neither).
        r["served"] = max(0.0, r["req/s"] - r["errors_status"] / duration)
        answered = r["req/s"] * duration
        cpu = f"{used / answered * 1000:.2f}" if answered else "-"
        ratio = ""
        if server == "portal" and results.get("peer", {}).get("served"):
            ratio = f"{r['served'] / results['peer']['served']:.2f}x peer"
            if load == "bcrypt-10":
                ratio += f", {r['served'] / limit:.2f}x hash-bound"
        if server == "portal":
            ratio = ", ".join(filter(None, [ratio, in_server(first_attempt)]))
        print(
            f"{load:<10} {conn:>5} {server:<7} {r['req/s']:>8.1f} {r['served']:>8.1f} "
            f"{r['p50_ms']:>8.1f} {r['p99_ms']:>8.1f} {r['max_ms']:>8.1f} "
            f"{int(r['errors_status']):>6} {int(r['timeouts']):>6} {cpu:>11}  {ratio}",
            flush=True,
        )
    if results.get("peer", {}).get("served") and "portal" in results:
        return results["portal"]["served"] / results["peer"]["served"]
    return None


if __name__ == "__main__":
    main()
