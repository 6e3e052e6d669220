"""Loader benchmark against PostgreSQL's own COPY, in one run.

    .venv/bin/python bench/load_users.py 1000000 [--keep] [--mix implicit-rounds] [--rounds N]

1. generates bench/out/users-N.csv (if missing) with bench/generate_users.py;
2. creates a scratch database (mp_bench) and migrates it;
3. times `psql \\copy` of the same file into a table made LIKE the users table INCLUDING ALL
   (its columns, defaults, constraints and every index; no triggers);
4. times `manage.py load_legacy_users` of the file into the empty users table, and its peak
   RSS (the child's ru_maxrss);
5. times the re-load of the unchanged file;
and prints the times, the ratios to \\copy, and the peak memory. With `--rounds N`, steps 3-5
run N times in turn (both tables emptied between rounds), each round printed, then the
median ratios: each first load is measured right after its own \\copy, so a machine whose
speed drifts over minutes moves both.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
DB = "mp_bench"


def psql(sql: str, db: str = "postgres") -> None:
    subprocess.run(["psql", f"{PG}/{db}", "-v", "ON_ERROR_STOP=1", "-q", "-c", sql], check=True)


def _count(url: str, sql: str) -> int:
    result = subprocess.run(
        ["psql", url, "-At", "-c", sql], check=True, capture_output=True, text=True
    )
    return int(result.stdout.strip())


def timed(cmd: list[str], env: dict | None = None) -> tuple[float, int]:
    """Wall time and peak RSS (bytes) of a child process."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed: {' '.join(cmd)}")
    return elapsed, usage.ru_maxrss * 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", type=int, nargs="?", default=1_000_000)
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    parser.add_argument(
        "--mix",
        default="default",
        help="the generator's format mix (bench/generate_users.py --mix): default, "
        "implicit-rounds (sha512_crypt without rounds=)",
    )
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args()

    suffix = "" if args.mix == "default" else f"-{args.mix}"
    path = ROOT / "bench" / "out" / f"users-{args.count}{suffix}.csv"
    if not path.exists():
        subprocess.run(
            [PYTHON, "bench/generate_users.py", str(args.count), str(path), "--mix", args.mix],
            cwd=ROOT,
            check=True,
        )
    size_mb = path.stat().st_size / 1e6

    psql(f"DROP DATABASE IF EXISTS {DB}")
    psql(f"CREATE DATABASE {DB}")
    env = {
        **os.environ,
        "DATABASE_URL": f"{PG}/{DB}",
        "DEBUG": "true",
        "OKTA_HOOK_AUTH_VALUES": "bench-secret-value-not-used-here",
    }
    subprocess.run([PYTHON, "manage.py", "migrate", "-v0"], env=env, cwd=ROOT, check=True)

    columns = (
        "login, email, first_name, last_name, password_hash, hash_format, source, department, "
        "employee_id"
    )
    # The reference is the users table itself: a copy made LIKE it INCLUDING ALL (the same
    # columns, defaults, constraints and indexes; no triggers), so COPY pays the same index
    # upkeep as the loader. Columns the file does not give and the database has no default
    # for (Django fills them in Python) lose NOT NULL, or COPY could not insert a row. The
    # file's two extra profile columns (the loader keeps them in `profile`) get text columns.
    file_columns = ", ".join(f"'{name.strip()}'" for name in columns.split(","))
    psql(
        "CREATE TABLE copy_baseline (LIKE legacy_users_legacyuser INCLUDING ALL); "
        "ALTER TABLE copy_baseline ADD COLUMN department text, ADD COLUMN employee_id text; "
        # The unique key is the normalised login, which the loader computes; here PostgreSQL
        # does (lower()), so COPY maintains the same two indexes on it.
        "ALTER TABLE copy_baseline DROP COLUMN login_key, ADD COLUMN login_key varchar(255) "
        "GENERATED ALWAYS AS (lower(login)) STORED UNIQUE; "
        "CREATE INDEX ON copy_baseline (login_key varchar_pattern_ops); "
        "DO $$ DECLARE c text; BEGIN "
        "FOR c IN SELECT column_name FROM information_schema.columns "
        "WHERE table_name = 'copy_baseline' AND is_nullable = 'NO' AND column_default IS NULL "
        "AND is_identity = 'NO' AND is_generated = 'NEVER' "
        f"AND column_name NOT IN ({file_columns}) LOOP "
        "EXECUTE format('ALTER TABLE copy_baseline ALTER COLUMN %I DROP NOT NULL', c); "
        "END LOOP; END $$",
        DB,
    )
    indexes = _count(
        f"{PG}/{DB}", "SELECT count(*) FROM pg_indexes WHERE tablename = 'copy_baseline'"
    )
    copy_command = [
        "psql",
        f"{PG}/{DB}",
        "-v",
        "ON_ERROR_STOP=1",
        "-q",
        "-c",
        f"\\copy copy_baseline ({columns}) FROM '{path}' "
        f"WITH (FORMAT csv, HEADER true, FORCE_NOT_NULL ({columns}))",
    ]
    load_command = [PYTHON, "manage.py", "load_legacy_users", str(path)]
    print(
        f"\n{args.count:,} users ({args.mix} mix), {size_mb:.0f} MB CSV, PostgreSQL, "
        f"{os.cpu_count()} cores",
        flush=True,
    )
    firsts, agains = [], []
    for round_number in range(1, args.rounds + 1):
        if round_number > 1:
            psql(
                "SET client_min_messages TO warning; "
                "TRUNCATE copy_baseline; TRUNCATE legacy_users_legacyuser CASCADE",
                DB,
            )
        copy_time, _ = timed(copy_command)
        load_time, load_rss = timed(load_command, env)
        reload_time, reload_rss = timed(load_command, env)
        firsts.append(load_time / copy_time)
        agains.append(reload_time / copy_time)
        if args.rounds > 1:
            print(f"round {round_number}:")
        print(f"  psql \\copy into LIKE the users table ({indexes} indexes): {copy_time:7.1f} s")
        print(
            f"  load_legacy_users (new users)               : {load_time:7.1f} s  "
            f"{load_time / copy_time:4.2f}x \\copy   peak RSS {load_rss / 1e6:6.0f} MB"
        )
        print(
            f"  load_legacy_users (same file again)         : {reload_time:7.1f} s  "
            f"{reload_time / copy_time:4.2f}x \\copy   peak RSS {reload_rss / 1e6:6.0f} MB",
            flush=True,
        )
    if args.rounds > 1:
        print(
            f"median of {args.rounds} rounds: new users {statistics.median(firsts):.2f}x \\copy, "
            f"same file again {statistics.median(agains):.2f}x \\copy"
        )

    if not args.keep:
        psql(f"DROP DATABASE IF EXISTS {DB}")


if __name__ == "__main__":
    main()
