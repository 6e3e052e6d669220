"""The loader at scale: input forms, bad-row budgets, records of runs, interruption, SQLite."""

import hashlib
import io
import json
import os
import signal
import subprocess
import sys
import time
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from legacy_users.models import LegacyUser, LoadRun
from legacy_users.services.user_counts import live_user_counts, user_counts
from tests.conftest import database_url, import_request, run_command, verdict

ROOT = Path(settings.BASE_DIR)
BCRYPT = "$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW"  # "U*U", Openwall
PHPASS = "$P$9IQRaTwmfeRo7ud9Fh4E2PdI0S3r.L0"  # "test12345", openwall phpass


def load(*args, **options):
    return run_command("load_legacy_users", *args, **options)


pytestmark = pytest.mark.django_db


def test_json_array_is_streamed_and_bad_items_are_numbered(tmp_path):
    path = tmp_path / "users.json"
    path.write_text(
        json.dumps(
            [
                {"login": "a@example.com", "password_hash": BCRYPT, "team": ["x", "y"]},
                {"login": "b@example.com", "password_hash": "nope"},
                "not an object",
            ],
            indent=2,
        )
    )

    _, err, failure = load(str(path))

    assert "item 2 (b@example.com): the hash matches no known format" in err
    assert "item 3: not a JSON object" in err
    assert failure.startswith("2 bad rows")
    assert LegacyUser.objects.count() == 0
    path.write_text(json.dumps([{"login": "a@example.com", "password_hash": BCRYPT, "n": 1}]))
    _, _, failure = load(str(path))
    assert failure == ""
    assert LegacyUser.objects.get().profile == {"n": 1}


@pytest.mark.parametrize(
    ("delimiter_option", "separator"), [("", ";"), ("", "\t"), ("|", "|"), ("\\t", "\t")]
)
def test_other_delimiters_are_sniffed_or_given(tmp_path, delimiter_option, separator):
    path = tmp_path / "users.csv"
    path.write_text(
        separator.join(["login", "password_hash", "note"])
        + "\n"
        + separator.join(["a@example.com", BCRYPT, "hello, world"])
        + "\n"
    )

    _, _, failure = load(str(path), delimiter=delimiter_option)

    assert failure == ""
    assert LegacyUser.objects.get().profile == {"note": "hello, world"}


def test_column_mapping_reads_other_names(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text(f"user_email,pwd,given\nada@example.com,{PHPASS},Ada\n")

    out, _, failure = load(
        str(path), map=["login=user_email", "password_hash=pwd", "first_name=given"]
    )

    assert failure == "", out
    user = LegacyUser.objects.get()
    assert (user.login, user.first_name, user.hash_format) == ("ada@example.com", "Ada", "phpass")


def test_missing_column_names_the_ones_found_and_the_map_option(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text(f"user_email,pwd\nada@example.com,{PHPASS}\n")

    _, _, failure = load(str(path))

    assert "lacks the column(s) login, password_hash (found: user_email, pwd)" in failure
    assert "--map login=<column>" in failure


def test_stdin_is_read_with_dash(tmp_path, monkeypatch):
    data = f"login,password_hash\nada@example.com,{BCRYPT}\n".encode()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))

    out, _, failure = load("-", format="csv")

    assert failure == ""
    assert "created 1" in out


def test_max_errors_leaves_bad_rows_out_and_loads_the_rest(tmp_path):
    path = tmp_path / "users.csv"
    path.write_text(
        "login,password_hash\n"
        f"good1@example.com,{BCRYPT}\n"
        "bad1@example.com,nope\n"
        f"good2@example.com,{BCRYPT}\n"
        f"dup@example.com,{BCRYPT}\n"
        f"DUP@example.com,{PHPASS}\n"
    )

    out, err, failure = load(str(path), max_errors=2)

    assert failure == ""
    assert "created 2, updated 0, unchanged 0, skipped 0 (past pending); 2 bad rows left out" in out
    assert "line 6 (DUP@example.com): duplicate login: also on line 5; neither row is loaded" in err
    assert sorted(LegacyUser.objects.values_list("login_key", flat=True)) == [
        "good1@example.com",
        "good2@example.com",
    ]
    _, _, failure = load(str(path), max_errors=1)
    assert failure == "2 bad rows (over --max-errors 1); nothing was written."


def test_errors_file_lists_every_bad_row_with_its_content(tmp_path):
    path = tmp_path / "users.csv"
    path.write_text(
        f"login,password_hash,team\nok@example.com,{BCRYPT},a\n,{BCRYPT},b\nx@example.com,zz,c\n"
    )
    errors = tmp_path / "errors.csv"

    load(str(path), errors_file=str(errors))

    lines = errors.read_text().splitlines()
    assert lines[0] == "position,login,reason,row"
    assert lines[1].startswith("3,,login is empty,")
    assert '"team"": ""b""' in lines[1]
    assert lines[2].startswith("4,x@example.com,the hash matches no known format")
    assert len(lines) == 3


def test_the_errors_file_is_private_and_keeps_hashes_only_when_asked(tmp_path):
    path = tmp_path / "users.csv"
    path.write_text(
        "login,password_hash,salt,first_name\n"
        "=HYPERLINK(1)@example.com,zz,pepper-ish,=cmd|' /C calc'!A0\n"
        ",$2b$04$secret-looking-hash,s4lt,a\n"
    )
    errors = tmp_path / "errors.csv"
    errors.write_text("an older file, readable by all")
    errors.chmod(0o644)

    load(str(path), errors_file=str(errors), max_errors=5)

    assert errors.stat().st_mode & 0o777 == 0o600
    text = errors.read_text()
    assert "secret-looking-hash" not in text and "s4lt" not in text and "pepper-ish" not in text
    assert "'=HYPERLINK(1)@example.com" in text  # safe to open in a spreadsheet
    load(str(path), errors_file=str(errors), errors_with_hashes=True, max_errors=5)
    assert "secret-looking-hash" in errors.read_text()


def test_an_unwritable_errors_file_is_a_clear_error_and_loads_nothing(tmp_path):
    path = tmp_path / "users.csv"
    path.write_text(f"login,password_hash\nada@example.com,{BCRYPT}\n")
    errors = tmp_path / "no-such-folder" / "errors.csv"

    _, _, failure = run_command("load_legacy_users", str(path), errors_file=str(errors))

    assert failure.startswith(f"cannot write the errors file {str(errors)!r}")
    assert LegacyUser.objects.count() == 0


def test_every_run_is_recorded_with_the_file_fingerprint(tmp_path, admin_client):
    path = tmp_path / "users.csv"
    path.write_text(f"login,password_hash\nada@example.com,{BCRYPT}\n")

    load(str(path), source="crm")
    load(str(path), dry_run=True)
    load(str(tmp_path / "nope.csv"))

    runs = list(LoadRun.objects.order_by("id"))
    assert [run.outcome for run in runs] == ["loaded", "dry_run", "failed"]
    assert "cannot open" in runs[2].message
    first = runs[0]
    assert first.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert first.file_size == path.stat().st_size
    assert (first.rows, first.created, first.error_count) == (1, 1, 0)
    assert first.options["source"] == "crm"
    assert first.finished_at >= first.started_at
    page = admin_client.get(reverse("admin:legacy_users_loadrun_changelist")).content.decode()
    assert "users.csv" in page and "Loaded" in page and "Add load run" not in page


def test_a_direct_first_load_with_a_duplicate_falls_back_and_names_both_lines(tmp_path):
    assert LegacyUser.objects.count() == 0  # an empty table takes the direct COPY path
    path = tmp_path / "users.csv"
    path.write_text(
        f"login,password_hash\na@example.com,{BCRYPT}\nb@example.com,{BCRYPT}\nA@example.com,{PHPASS}\n"
    )

    out, err, _ = load(str(path), max_errors=1)

    assert "line 4 (A@example.com): duplicate login: also on line 2" in err
    assert "created 1" in out
    assert list(LegacyUser.objects.values_list("login_key", flat=True)) == ["b@example.com"]


def test_export_by_status_without_and_with_hashes(tmp_path):
    path = tmp_path / "users.csv"
    path.write_text(f"login,password_hash\na@example.com,{BCRYPT}\nb@example.com,{PHPASS}\n")
    load(str(path))
    LegacyUser.objects.filter(login_key="b@example.com").update(status="verified")
    out_file = tmp_path / "pending.csv"

    call_command("export_legacy_users", status=["pending"], output=str(out_file), stderr=StringIO())
    jsonl = StringIO()
    call_command(
        "export_legacy_users", format="jsonl", include_hashes=True, stdout=jsonl, stderr=StringIO()
    )

    pending = out_file.read_text().splitlines()
    assert pending[0].startswith("login,email,first_name")
    assert "password_hash" not in pending[0]
    assert [line.split(",")[0] for line in pending[1:]] == ["a@example.com"]
    records = [json.loads(line) for line in jsonl.getvalue().splitlines()]
    assert [(r["login"], r["status"], r["password_hash"]) for r in records] == [
        ("a@example.com", "pending", BCRYPT),
        ("b@example.com", "verified", PHPASS),
    ]


# --- whole-process behaviour: interruption, and the SQLite fallback -------------------------


def _env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "SECRET_KEY")}
    return {
        **env,
        "DEBUG": "true",
        "OKTA_HOOK_AUTH_VALUES": "test-secret-value-long-enough",
        **extra,
    }


def _big_file(tmp_path, count=150_000) -> Path:
    sys.path.insert(0, str(ROOT / "bench"))
    from generate_users import rows

    path = tmp_path / "big.csv"
    import csv

    with path.open("w", newline="") as out:
        writer = None
        for row in rows(count):
            if writer is None:
                writer = csv.DictWriter(out, fieldnames=list(row))
                writer.writeheader()
            writer.writerow(row)
    return path


def _big_load_under_way(tmp_path, sql: str) -> tuple[subprocess.Popen, bool]:
    """`load_legacy_users` of a big file in a child process, once `sql` (a count) finds it
    under way, or after a minute: the process, and whether it was found."""
    proc = subprocess.Popen(
        [sys.executable, "manage.py", "load_legacy_users", str(_big_file(tmp_path))],
        cwd=ROOT,
        env=_env(DATABASE_URL=database_url()),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with connection.cursor() as cursor:
            cursor.execute(sql)
            if cursor.fetchone()[0]:
                return proc, True
        time.sleep(0.02)
    return proc, False


COPY_UNDER_WAY = "SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'COPY legacy_users%%'"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs a database server")
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("how", ["SIGKILL", "SIGINT"])
def test_a_load_killed_part_way_leaves_nothing_behind(tmp_path, how):
    proc, _ = _big_load_under_way(tmp_path, COPY_UNDER_WAY)
    time.sleep(0.5)
    proc.send_signal(getattr(signal, how))
    _, err = proc.communicate(timeout=60)

    assert proc.returncode != 0
    assert LegacyUser.objects.count() == 0
    if how == "SIGINT":
        assert b"Interrupted: nothing was written." in err
        assert LoadRun.objects.get().outcome == "interrupted"
    else:
        assert LoadRun.objects.count() == 0


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs a database server")
@pytest.mark.django_db(transaction=True)
def test_the_hook_answers_while_a_first_load_holds_the_users_table(tmp_path, post_hook):
    proc, held = _big_load_under_way(
        tmp_path,
        # The first load's lock on the users table is taken and its COPY is going.
        "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
        "WHERE l.relation = 'legacy_users_legacyuser'::regclass "
        "AND l.mode = 'ShareRowExclusiveLock' AND a.query LIKE 'COPY legacy_users%%'",
    )

    answer = post_hook(import_request("someone@example.com", "a-password"))
    load_still_running = proc.poll() is None
    _, err = proc.communicate(timeout=120)

    assert held
    assert verdict(answer) == "UNVERIFIED"
    assert load_still_running  # answered while the load held its lock, not after
    assert proc.returncode == 0, err
    assert LegacyUser.objects.count() == 150_000
    assert user_counts() == live_user_counts()


def test_sqlite_fallback_gives_the_same_results(tmp_path):
    first = tmp_path / "first.csv"
    first.write_text(
        "login,password_hash,email\n"
        f"a@example.com,{BCRYPT},a@example.com\n"
        f"b@example.com,{BCRYPT},b@example.com\n"
        f"c@example.com,{PHPASS},c@example.com\n"
    )
    second = tmp_path / "second.csv"
    second.write_text(
        "login,password_hash,email\n"
        f"a@example.com,{BCRYPT},a@example.com\n"  # unchanged
        f"b@example.com,{PHPASS},b@example.com\n"  # updated (new hash)
        f"c@example.com,{BCRYPT},c@example.com\n"  # skipped (verified)
        f"d@example.com,{BCRYPT},d@example.com\n"  # created
        f"e@example.com,{BCRYPT},e@example.com\n"  # duplicate...
        f"E@example.com,{BCRYPT},e@example.com\n"  # ...left out
        "f@example.com,zz,f@example.com\n"  # bad
    )

    def scenario(run, mark_verified):
        outputs = [run(str(first))]
        mark_verified()
        outputs.append(run(str(second), "--max-errors", "2"))
        outputs.append(run(str(second)))  # two bad rows, none allowed: rejected
        return outputs

    def run_here(path, *options):
        out, _, failure = load(path, *options)
        return [line for line in out.splitlines() if "Loaded" in line] + [failure]

    def verify_here():
        LegacyUser.objects.filter(login_key="c@example.com").update(status="verified")

    sqlite_url = f"sqlite:///{tmp_path / 'fallback.sqlite3'}"
    env = _env(DATABASE_URL=sqlite_url)
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)

    def run_sqlite(path, *options):
        result = subprocess.run(
            [sys.executable, "manage.py", "load_legacy_users", path, *options],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
        )
        failure = result.stderr.strip().splitlines()[-1] if result.returncode else ""
        return [line for line in result.stdout.splitlines() if "Loaded" in line] + [
            failure.removeprefix("CommandError: ")
        ]

    def verify_sqlite():
        subprocess.run(
            [
                sys.executable,
                "manage.py",
                "shell",
                "-c",
                "from legacy_users.models import LegacyUser; "
                "LegacyUser.objects.filter(login_key='c@example.com').update(status='verified')",
            ],
            cwd=ROOT,
            env=env,
            check=True,
        )

    here = scenario(run_here, verify_here)
    there = scenario(run_sqlite, verify_sqlite)

    assert here == there
    assert here[1] == [
        "Loaded: created 1, updated 1, unchanged 1, skipped 1 (past pending); 2 bad rows left out.",
        "",
    ]
    assert here[2] == ["2 bad rows (over --max-errors 0); nothing was written."]
