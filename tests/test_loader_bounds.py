"""The loader bounded by construction: hostile files cost a row error with its line, or end
the load with the line and reason; never a traceback, a memory blow-up, or rows silently
left out after a bad one."""

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from legacy_users.loading.readers import MAX_DEPTH, MAX_FIELD_CHARS, MAX_LINE_CHARS
from legacy_users.models import LegacyUser
from tests.conftest import run_command

BCRYPT = "$2b$04$" + "N9qo8uLOickgx2ZMRZoMye" + "IjZAgcfl7p92ldGxad68LJZdL17lhWy"
ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.django_db


def load(path, **options):
    return run_command("load_legacy_users", str(path), **options)


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


def test_a_deeply_nested_json_column_costs_its_row_in_bounded_memory(tmp_path):
    """200 KB of nesting took 23 GB when the reader tracked ijson's prefixes. Read here in
    a child process capped at 1 GiB of address space: it must finish within it, quickly."""
    path = tmp_path / "users.json"
    path.write_text(
        "["
        + json.dumps({"login": "a@example.com", "password_hash": BCRYPT})
        + ', {"login": "b@example.com", "password_hash": "'
        + BCRYPT
        + '", "extra": '
        + nested(100_000)
        + "}, "
        + json.dumps({"login": "c@example.com", "password_hash": BCRYPT})
        + "]"
    )
    script = textwrap.dedent(
        f"""
        import resource, time
        resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))
        from legacy_users.loading.readers import open_source, iter_rows
        started = time.monotonic()
        with open_source({str(path)!r}) as source:
            found = iter_rows(source.stream, "json")
            rows = [(r.line, r.error or r.fields["login"]) for r in found]
        print(rows, round(time.monotonic() - started, 1))
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120
    )

    assert result.returncode == 0, result.stderr[-2000:]
    rows, seconds = result.stdout.rsplit(" ", 1)
    assert rows == str(
        [
            (1, "a@example.com"),
            (2, f"nested more than {MAX_DEPTH} levels deep"),
            (3, "c@example.com"),
        ]
    )
    assert float(seconds) < 10


def test_a_bad_byte_costs_only_its_row_and_the_rest_is_loaded(tmp_path):
    path = tmp_path / "users.csv"
    path.write_bytes(
        b"login,password_hash,first_name\n"
        + f"a@example.com,{BCRYPT},Ann\n".encode()
        + f"b@example.com,{BCRYPT},B\xffrbel\n".encode("latin-1")
        + f"c@example.com,{BCRYPT},Cy\n".encode()
    )

    _, err, failure = load(path, max_errors=1)

    assert failure == ""
    assert "line 3 (b@example.com): not valid UTF-8" in err or "line 3: not valid UTF-8" in err
    assert sorted(LegacyUser.objects.values_list("login_key", flat=True)) == [
        "a@example.com",
        "c@example.com",
    ]
    _, _, failure = load(path)  # without --max-errors: nothing written, the reason given
    assert failure.startswith("1 bad rows")


def test_a_field_past_the_cap_ends_the_load_and_writes_nothing(tmp_path):
    path = tmp_path / "users.csv"
    path.write_text(
        "login,password_hash,note\n"
        f"a@example.com,{BCRYPT},fine\n"
        f'b@example.com,{BCRYPT},"{"x" * (MAX_FIELD_CHARS + 1)}"\n'
        f"c@example.com,{BCRYPT},fine\n"
    )

    _, _, failure = load(path, max_errors=5)

    assert failure.startswith("line 3: unreadable CSV (field larger than field limit")
    assert "the rows after it cannot be read" in failure
    assert LegacyUser.objects.count() == 0


def test_json_lines_over_the_cap_or_too_deep_cost_their_rows(tmp_path):
    path = tmp_path / "users.jsonl"
    good = {"login": "a@example.com", "password_hash": BCRYPT}
    path.write_text(
        json.dumps(good)
        + "\n"
        + json.dumps({**good, "login": "b@example.com", "note": "x" * MAX_LINE_CHARS})
        + "\n"
        + json.dumps({**good, "login": "c@example.com", "deep": json.loads(nested(MAX_DEPTH))})
        + "\n"
        + json.dumps({**good, "login": "d@example.com"})
        + "\n"
    )

    _, err, failure = load(path, max_errors=2)

    assert failure == ""
    assert f"line 2: longer than {MAX_LINE_CHARS} characters" in err
    assert f"line 3: nested more than {MAX_DEPTH} levels deep" in err
    assert sorted(LegacyUser.objects.values_list("login_key", flat=True)) == [
        "a@example.com",
        "d@example.com",
    ]


def test_broken_json_ends_the_load_with_the_item_and_writes_nothing(tmp_path):
    path = tmp_path / "users.json"
    good = json.dumps({"login": "a@example.com", "password_hash": BCRYPT})
    path.write_text(f'[{good}, {{"login": "b@example.com" "oops"}}, {good}]')

    _, _, failure = load(path, max_errors=5)

    assert failure.startswith("item 2: not valid JSON")
    assert LegacyUser.objects.count() == 0


def test_hostile_hash_params_and_column_names_are_row_errors_not_tracebacks(tmp_path):
    path = tmp_path / "users.jsonl"
    good = {"login": "a@example.com", "password_hash": BCRYPT}
    path.write_text(
        json.dumps({**good, "login": "b@example.com", "hash_params": nested(10_000)})
        + "\n"
        + json.dumps({**good, "login": "c@example.com", "bad\u0000name": "x"})
        + "\n"
        + json.dumps({**good, "login": "d@example.com", "hash_params": '{"a": "\\u0000"}'})
        + "\n"
        + json.dumps(good)
        + "\n"
    )

    _, err, failure = load(path, max_errors=3)

    assert failure == ""
    assert "line 1 (b@example.com): hash_params is not valid JSON" in err
    assert "line 2 (c@example.com): a profile column's name contains a NUL character" in err
    assert "line 3 (d@example.com): hash_params contains a NUL character" in err
    assert list(LegacyUser.objects.values_list("login_key", flat=True)) == ["a@example.com"]


def test_json_lines_with_half_a_surrogate_pair_are_row_errors_not_tracebacks(tmp_path):
    """JSON can escape half a surrogate pair; no database holds it (the load crashed)."""
    path = tmp_path / "users.jsonl"
    good = {"login": "a@example.com", "password_hash": BCRYPT}
    rows = [
        good,
        {**good, "login": "b\\ud800@example.com"},
        {**good, "login": "c@example.com", "name": "x\\udfff"},
        {**good, "login": "d@example.com", "hash_params": {"k\\ud800": 1}},
        {**good, "login": "e@example.com", "name": "a pair: \\ud83d\\ude00"},
    ]
    path.write_text("".join(json.dumps(row).replace("\\\\u", "\\u") + "\n" for row in rows))

    _, err, failure = load(path, max_errors=3)

    assert failure == ""
    for line in (2, 3, 4):
        assert f"line {line}: not valid Unicode: a \\u escape is half a surrogate pair" in err
    assert dict(LegacyUser.objects.values_list("login_key", "profile__name")) == {
        "a@example.com": None,
        "e@example.com": "a pair: \N{GRINNING FACE}",
    }


def test_text_that_spells_a_nul_escape_is_kept_and_a_real_nul_is_refused(tmp_path):
    path = tmp_path / "users.jsonl"
    good = {"login": "a@example.com", "password_hash": BCRYPT}
    rows = [
        {**good, "note": "a backslash, then u0000: \\u0000", "hash_params": {"x": "\\u0000"}},
        {**good, "login": "b@example.com", "note": {"nested": "\u0000"}},
    ]
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))

    _, err, failure = load(path, max_errors=1)

    assert failure == ""
    assert "line 2 (b@example.com): a profile column contains a NUL character" in err
    user = LegacyUser.objects.get()
    assert user.profile["note"] == "a backslash, then u0000: \\u0000"
    assert user.hash_params == {"x": "\\u0000"}


def test_a_json_array_with_half_a_surrogate_pair_is_refused_not_changed(tmp_path):
    """ijson's parser turned "\\ud800" into "?" (or joined it with the next escape into
    another character): a login would have been loaded changed, silently."""
    good = {"login": "a@example.com", "password_hash": BCRYPT}
    pair = json.dumps([good, {**good, "login": "b@example.com", "name": "\N{GRINNING FACE}"}])
    assert "\\ud83d\\ude00" in pair  # json.dumps escapes it as a surrogate pair
    fine, broken = tmp_path / "fine.json", tmp_path / "broken.json"
    fine.write_text(pair)
    broken.write_text(pair.replace("b@example.com", "b\\ud800\\u0041@example.com"))

    _, _, failure = load(broken, max_errors=5)

    assert "a \\u escape is half a surrogate pair" in failure
    assert failure.startswith(f"byte {pair.index('b@example.com') + 2}:")
    assert LegacyUser.objects.count() == 0
    _, _, failure = load(fine)
    assert failure == ""
    assert LegacyUser.objects.get(login_key="b@example.com").profile == {
        "name": "\N{GRINNING FACE}"
    }
