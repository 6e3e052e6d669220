"""`load_legacy_users`: the upsert rules, validation with line numbers, all-or-nothing."""

import gzip
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from legacy_users.models import LegacyUser, MigrationStatus

pytestmark = pytest.mark.django_db

# Sourced vectors (see test_hashing.py): bcrypt "U*U" (Openwall), phpass "test12345".
BCRYPT = "$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW"
PHPASS = "$P$9IQRaTwmfeRo7ud9Fh4E2PdI0S3r.L0"
SSHA = "{SSHA}0c0blFTXXNuAMHECS4uxrj3ZieMoWImr"


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def load(*args, **options):
    out, err = StringIO(), StringIO()
    call_command("load_legacy_users", *args, stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


def load_failing(*args, **options):
    err = StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("load_legacy_users", *args, stdout=StringIO(), stderr=err, **options)
    return str(raised.value), err.getvalue()


CSV = (
    "login,password_hash,email,first_name,last_name,department\n"
    f"Ann@Example.com,{BCRYPT},ann@example.com,Ann,Lee,sales\n"
    f"bob@example.com,{PHPASS},bob@example.com,Bob,,\n"
    f'"carol, the admin",{SSHA},,,,"it, ops"\n'
)


def test_csv_rows_become_pending_users_with_detected_formats(tmp_path):
    out, _ = load(write(tmp_path, "users.csv", CSV), source="crm")

    assert "Read 3 rows" in out
    assert "created 3, updated 0, unchanged 0, skipped 0" in out
    ann = LegacyUser.objects.get(login_key="ann@example.com")
    assert (ann.login, ann.status, ann.hash_format, ann.source) == (
        "Ann@Example.com",
        "pending",
        "bcrypt",
        "crm",
    )
    assert ann.profile == {"department": "sales"}
    formats = dict(LegacyUser.objects.values_list("login_key", "hash_format"))
    assert formats == {
        "ann@example.com": "bcrypt",
        "bob@example.com": "phpass",
        "carol, the admin": "ldap_salted_sha1",
    }
    assert LegacyUser.objects.get(login_key="carol, the admin").profile == {"department": "it, ops"}


NEW_USER_FIELDS = (
    "status",
    "failed_attempts",
    "weak_password",
    "weak_password_reason",
    "okta_id",
    "okta_push_state",
    "okta_push_error",
    "okta_refused_profile",
    "last_attempt_at",
    "verified_at",
    "locked_until",
    "confirmed_at",
    "purged_at",
)


def test_loaded_users_are_new_users_like_any_other(tmp_path):
    # The first load (COPY straight into the table on PostgreSQL) and a later one (through
    # the stage) name only a row's columns: the rest is the database's defaults, which
    # must be the model's.
    before = timezone.now()
    load(write(tmp_path, "first.csv", CSV))
    load(write(tmp_path, "later.csv", CSV + f"dan@example.com,{SSHA},,,,\n"))
    made_by_orm = LegacyUser.objects.create(login="x", login_key="x")
    made_by_orm.refresh_from_db()
    after = timezone.now()

    for user in LegacyUser.objects.all():
        for name in NEW_USER_FIELDS:
            assert getattr(user, name) == getattr(made_by_orm, name), (user.login_key, name)
        assert before <= user.created_at <= user.updated_at <= after, user.login_key
    assert LegacyUser.objects.count() == 5


def test_jsonl_with_declared_format_salt_and_extra_fields(tmp_path):
    lines = [
        {
            "login": "dave@example.com",
            "password_hash": "5f4dcc3b5aa765d61d8327deb882cf99",
            "hash_format": "raw_md5",
            "plan": {"tier": "gold"},
        },
        {"login": "erin@example.com", "password_hash": BCRYPT, "source": "shop"},
    ]
    path = write(tmp_path, "users.jsonl", "\n".join(json.dumps(x) for x in lines) + "\n\n")

    out, _ = load(path)

    assert "created 2" in out
    dave = LegacyUser.objects.get(login_key="dave@example.com")
    assert (dave.hash_format, dave.profile) == ("raw_md5", {"plan": {"tier": "gold"}})
    assert LegacyUser.objects.get(login_key="erin@example.com").source == "shop"


def test_gzip_and_bom_and_format_flag(tmp_path):
    path = tmp_path / "export.dat.gz"
    path.write_bytes(gzip.compress(("\ufeff" + CSV).encode("utf-8")))

    out, _ = load(str(path), format="csv")

    assert "created 3" in out


def test_reload_counts_unchanged_updated_and_skips_verified(tmp_path):
    path = write(tmp_path, "users.csv", CSV)
    load(path)
    LegacyUser.objects.filter(login_key="bob@example.com").update(status=MigrationStatus.VERIFIED)
    changed = CSV.replace("Ann,Lee,sales", "Ann,Lee-Smith,sales").replace(
        "bob@example.com,Bob", "bob@example.com,Robert"
    )

    out, _ = load(write(tmp_path, "users2.csv", changed))

    assert "created 0, updated 1, unchanged 1, skipped 1" in out
    assert LegacyUser.objects.get(login_key="ann@example.com").last_name == "Lee-Smith"
    assert LegacyUser.objects.get(login_key="bob@example.com").first_name == "Bob"  # untouched


def test_same_file_twice_is_all_unchanged(tmp_path):
    path = write(tmp_path, "users.csv", CSV)
    load(path)

    out, _ = load(path)

    assert "created 0, updated 0, unchanged 3, skipped 0" in out


def test_bad_rows_are_reported_with_line_and_reason_and_nothing_is_written(tmp_path):
    text = (
        "login,password_hash,email,hash_format\n"
        f"ok@example.com,{BCRYPT},,\n"
        f",{BCRYPT},,\n"
        "nohash@example.com,,,\n"
        "weird@example.com,%%%notahash%%%,,\n"
        f"mail@example.com,{BCRYPT},not-an-email,\n"
        f"declared@example.com,{BCRYPT},,md5_crypt\n"
        f"unknownfmt@example.com,{BCRYPT},,rot13\n"
        "broken@example.com,$2a$05$CCCCCCCCCCCCCCCCCC!CC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW,,\n"
        f"OK@example.com,{BCRYPT},,\n"
        "short@example.com\n"
    )

    message, err = load_failing(write(tmp_path, "bad.csv", text))

    assert message == "9 bad rows (over --max-errors 0); nothing was written."
    assert "line 3: login is empty" in err
    assert "line 4 (nohash@example.com): password_hash is empty" in err
    assert "line 5 (weird@example.com): the hash matches no known format" in err
    assert "line 6 (mail@example.com): email is not a valid address" in err
    assert "line 7 (declared@example.com): the hash is not a well-formed md5_crypt hash" in err
    assert "line 8 (unknownfmt@example.com): unknown hash format 'rot13'" in err
    assert "line 9 (broken@example.com): the hash is not a well-formed bcrypt hash" in err
    assert "line 10 (OK@example.com): duplicate login: also on line 2" in err
    assert "line 11: has 1 fields where the header has 4" in err
    assert BCRYPT not in err
    assert LegacyUser.objects.count() == 0


def test_a_bad_row_late_in_a_big_file_leaves_nothing_behind(tmp_path):
    rows = [f"user{i}@example.com,{BCRYPT}" for i in range(5000)]
    rows.append("late@example.com,not-a-hash")
    path = write(tmp_path, "big.csv", "login,password_hash\n" + "\n".join(rows) + "\n")

    message, err = load_failing(path)

    assert "line 5002 (late@example.com)" in err
    assert message.startswith("1 bad rows")
    assert LegacyUser.objects.count() == 0


def test_failed_reload_keeps_the_previous_state(tmp_path):
    load(write(tmp_path, "users.csv", CSV))
    before = list(LegacyUser.objects.order_by("id").values())

    load_failing(write(tmp_path, "bad.csv", CSV.replace("Lee", "Lee-Smith") + ",x\n"))

    assert list(LegacyUser.objects.order_by("id").values()) == before


def test_dry_run_reports_and_rolls_back(tmp_path):
    out, _ = load(write(tmp_path, "users.csv", CSV), dry_run=True)

    assert "Dry run, nothing written: would have created 3" in out
    assert LegacyUser.objects.count() == 0


def test_multiline_quoted_field_reports_the_starting_line(tmp_path):
    text = (
        "login,password_hash,note\n"
        f'a@example.com,{BCRYPT},"first\nsecond"\n'
        "b@example.com,nonsense,x\n"
    )

    _, err = load_failing(write(tmp_path, "users.csv", text))

    assert "line 4 (b@example.com)" in err


def test_jsonl_broken_lines_are_reported(tmp_path):
    text = (
        json.dumps({"login": "a@example.com", "password_hash": BCRYPT}) + "\n"
        "{oops\n"
        "[1,2]\n" + json.dumps({"password_hash": BCRYPT}) + "\n"
    )

    message, err = load_failing(write(tmp_path, "users.jsonl", text))

    assert "line 2: not valid JSON" in err
    assert "line 3: not a JSON object" in err
    assert "line 4: login is empty" in err
    assert message.startswith("3 bad rows")


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("users.csv", "", "the file is empty"),
        ("users.csv", "email,first_name\nx,y\n", "lacks the column(s) login, password_hash"),
        ("users.txt", "login,password_hash\n", "cannot tell the format"),
    ],
)
def test_whole_file_problems_are_command_errors(tmp_path, name, text, expected):
    message, _ = load_failing(write(tmp_path, name, text))

    assert expected in message


def test_missing_file_is_a_command_error(tmp_path):
    message, _ = load_failing(str(tmp_path / "nope.csv"))

    assert "cannot open" in message


def test_file_wide_hash_format_and_params(tmp_path):
    path = write(
        tmp_path,
        "users.csv",
        "login,password_hash\nx@example.com,5f4dcc3b5aa765d61d8327deb882cf99\n",
    )

    load(path, hash_format="raw_md5", hash_params='{"encoding": "hex"}')

    user = LegacyUser.objects.get()
    assert (user.hash_format, user.hash_params) == ("raw_md5", {"encoding": "hex"})


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ({"hash_format": "rot13"}, "unknown --hash-format"),
        ({"hash_params": "{nope"}, "--hash-params is not valid JSON"),
        ({"hash_params": "[1]"}, "--hash-params must be a JSON object"),
    ],
)
def test_bad_options_are_command_errors(tmp_path, options, expected):
    message, _ = load_failing(write(tmp_path, "users.csv", CSV), **options)

    assert expected in message


def test_loaded_user_can_sign_in_through_the_hook(tmp_path, post_hook):
    from tests.conftest import import_request, verdict

    load(write(tmp_path, "users.csv", CSV))

    assert verdict(post_hook(import_request("ann@example.com", "U*U"))) == "VERIFIED"
    assert verdict(post_hook(import_request("carol, the admin", "testing123"))) == "VERIFIED"


def test_hashes_sharing_a_marker_are_each_classified_by_their_own_shape(tmp_path):
    """The loader tries first the format an earlier hash with the same marker was; a hash
    with that marker but another shape still gets its own format."""
    base64_sha = "{SHA}at+xg6SiyUovktq1redipHiJpaE="  # passlib's ldap_sha1 vector
    hex_sha = "{SHA}8d42e738c7adee551324955458b5e2c0b49ee655"  # passlib's ldap_hex_sha1 vector
    text = "login,password_hash\n" + "".join(
        f"u{i}@example.com,{encoded}\n"
        for i, encoded in enumerate([base64_sha, hex_sha, base64_sha, hex_sha])
    )

    load(write(tmp_path, "ldap.csv", text))

    formats = dict(LegacyUser.objects.values_list("login", "hash_format"))
    assert formats == {
        "u0@example.com": "ldap_sha1",
        "u1@example.com": "ldap_hex_sha1",
        "u2@example.com": "ldap_sha1",
        "u3@example.com": "ldap_hex_sha1",
    }


def test_nan_and_infinity_are_row_errors_not_a_failed_load(tmp_path):
    # Python's json reads them; JSON does not have them, and jsonb refuses them.
    text = (
        json.dumps({"login": "a@example.com", "password_hash": BCRYPT}) + "\n"
        '{"login": "b@example.com", "password_hash": "' + SSHA + '", "age": NaN}\n'
        '{"login": "c@example.com", "password_hash": "' + SSHA + '", "hash_params": '
        '{"cost": -Infinity}}\n'
    )
    csv_text = f'login,password_hash,hash_params\nd@example.com,{SSHA},"{{""x"": NaN}}"\n'

    message, err = load_failing(write(tmp_path, "users.jsonl", text))
    _, csv_err = load_failing(write(tmp_path, "users.csv", csv_text))

    assert "line 2: not valid JSON: NaN is not a JSON value" in err
    assert "line 3: not valid JSON: -Infinity is not a JSON value" in err
    assert "hash_params is not valid JSON: NaN is not a JSON value" in csv_err
    assert message.startswith("2 bad rows")
    out, _ = load(write(tmp_path, "users.jsonl", text), max_errors=2)
    assert "created 1" in out


def test_numbers_past_64_bits_in_a_profile_are_kept(tmp_path):
    big = 123456789012345678901234567890
    text = json.dumps({"login": "a@example.com", "password_hash": SSHA, "badge": big}) + "\n"

    load(write(tmp_path, "users.jsonl", text))

    assert LegacyUser.objects.get(login_key="a@example.com").profile == {"badge": big}


def test_a_load_leaves_what_was_alive_before_it_out_of_the_collector_and_gives_it_back(
    tmp_path, monkeypatch
):
    """The app's objects are frozen out of garbage collections while rows are read (each
    full collection walked them all again), and unfrozen after, even when the load fails."""
    import gc

    from legacy_users.loading import validation

    frozen_while_loading = []
    original = validation.RowValidator.__call__

    def validate(self, row):
        frozen_while_loading.append(gc.get_freeze_count())
        return original(self, row)

    monkeypatch.setattr(validation.RowValidator, "__call__", validate)
    before = gc.get_freeze_count()

    load(write(tmp_path, "users.csv", CSV))
    load_failing(write(tmp_path, "bad.csv", CSV + "dave@example.com,not-a-hash\n"))

    assert min(frozen_while_loading) > before + 10_000
    assert gc.get_freeze_count() == before
    assert LegacyUser.objects.count() == 3
