"""A re-load recognises the rows it loaded before by their digest: it neither validates nor
rewrites them, and reports exactly what a full load would."""

import pytest

from legacy_users.loading import validation
from legacy_users.models import LegacyUser, MigrationStatus
from legacy_users.services.format_choices import format_choice_record
from tests.test_loader import CSV, load, write

pytestmark = pytest.mark.django_db

DJANGO_SHA1 = "sha1$salt$0b56d2ae3a0a4ea7bd0b4c3a3ad4bc4f8bdd2e4c"


@pytest.fixture
def validated(monkeypatch):
    """The rows validation saw in a load, by line."""
    seen: list[int] = []
    call = validation.RowValidator.__call__

    def counting(self, row):
        seen.append(row.line)
        return call(self, row)

    monkeypatch.setattr(validation.RowValidator, "__call__", counting)
    return seen


def test_an_unchanged_reload_validates_no_row(tmp_path, validated):
    path = write(tmp_path, "users.csv", CSV)
    load(path)
    assert validated == [2, 3, 4]
    validated.clear()

    out, _ = load(path)

    assert "created 0, updated 0, unchanged 3, skipped 0" in out
    assert validated == []


def test_only_the_changed_row_is_validated_and_written(tmp_path, validated):
    load(write(tmp_path, "users.csv", CSV))
    validated.clear()
    changed = write(tmp_path, "changed.csv", CSV.replace("Ann,Lee,sales", "Ann,Lee-Smith,sales"))

    out, _ = load(changed)

    assert "created 0, updated 1, unchanged 2, skipped 0" in out
    assert validated == [2]
    assert LegacyUser.objects.get(login_key="ann@example.com").last_name == "Lee-Smith"
    validated.clear()
    out, _ = load(changed)
    assert "updated 0, unchanged 3" in out
    assert validated == []


def test_other_load_options_validate_every_row_again(tmp_path, validated):
    path = write(tmp_path, "users.csv", CSV)
    load(path, source="crm")
    validated.clear()

    out, _ = load(path, source="shop")

    assert "created 0, updated 3, unchanged 0" in out
    assert validated == [2, 3, 4]
    assert set(LegacyUser.objects.values_list("source", flat=True)) == {"shop"}


def test_a_user_past_pending_is_skipped_unvalidated(tmp_path, validated):
    path = write(tmp_path, "users.csv", CSV)
    load(path)
    LegacyUser.objects.filter(login_key="bob@example.com").update(status=MigrationStatus.VERIFIED)
    validated.clear()

    out, _ = load(path)

    assert "created 0, updated 0, unchanged 2, skipped 1" in out
    assert validated == []


def test_a_known_row_written_twice_is_a_duplicate(tmp_path, validated):
    load(write(tmp_path, "users.csv", CSV))
    ann = CSV.splitlines()[1]
    twice = write(tmp_path, "twice.csv", CSV + ann.replace("sales", "support") + "\n")
    reversed_ = write(tmp_path, "reversed.csv", CSV.replace(ann, ann.replace("sales", "hr")) + ann)

    out, err = load(twice, max_errors=5)

    assert "line 5 (Ann@Example.com): duplicate login: also on line 2; neither row" in err
    assert "created 0, updated 0, unchanged 2, skipped 0" in out
    assert LegacyUser.objects.get(login_key="ann@example.com").profile == {"department": "sales"}
    # The known row last: it is the one named.
    _, err = load(reversed_, max_errors=5)
    assert "line 5 (Ann@Example.com): duplicate login: also on line 2; neither row" in err


def test_users_loaded_without_digests_get_them_uncounted(tmp_path, validated):
    path = write(tmp_path, "users.csv", CSV)
    load(path)
    LegacyUser.objects.update(load_digest="")
    before = dict(LegacyUser.objects.values_list("login_key", "updated_at"))
    validated.clear()

    out, _ = load(path)

    assert "created 0, updated 0, unchanged 3, skipped 0" in out
    assert validated == [2, 3, 4]
    assert dict(LegacyUser.objects.values_list("login_key", "updated_at")) == before
    assert "" not in set(LegacyUser.objects.values_list("load_digest", flat=True))
    validated.clear()
    load(path)
    assert validated == []


def test_a_user_whose_loaded_values_changed_is_loaded_again(tmp_path, validated):
    """The hook settles an ambiguous hash's format: the row no longer says what the user
    holds, so a re-load validates it and applies the rules as before digests."""
    path = write(tmp_path, "users.csv", f"login,password_hash\nann,{DJANGO_SHA1}\n")
    load(path)
    ann = LegacyUser.objects.get(login_key="ann")
    assert "|" in ann.hash_format
    format_choice_record(
        user_id=ann.pk, source="", choice=ann.hash_format, format_name="django_salted_sha1"
    )
    validated.clear()

    out, _ = load(path)

    assert validated == [2]
    assert "updated 1, unchanged 0" in out
    assert LegacyUser.objects.get(pk=ann.pk).hash_format == ann.hash_format


def test_logins_the_lookup_cannot_carry_are_validated_as_before(tmp_path, validated):
    """A NUL cannot be sent to the database, and the lookup splits on the unit separator:
    such rows are looked up no further and go through validation."""
    text = CSV + f"odd\x1fname,{CSV.splitlines()[1].split(',')[1]},,,,\n" + "nul\x00name,x,,,,\n"
    path = write(tmp_path, "users.csv", text)
    load(path, max_errors=1)
    validated.clear()

    out, err = load(path, max_errors=1)

    assert "created 0, updated 0, unchanged 4, skipped 0" in out
    assert "line 6 (nul\ufffdname): login contains a NUL character" in err
    # PostgreSQL's lookup splits line 5's key (SQLite's does not): validated there.
    assert validated[-1] == 6 and set(validated) <= {5, 6}


def test_a_user_edited_in_the_admin_is_loaded_again(tmp_path, validated, admin_client):
    from django.urls import reverse

    path = write(tmp_path, "users.csv", CSV)
    load(path)
    ann = LegacyUser.objects.get(login_key="ann@example.com")
    url = reverse("admin:legacy_users_legacyuser_change", args=[ann.pk])
    form = {
        "email": ann.email,
        "first_name": ann.first_name,
        "last_name": "Edited",
        "source": ann.source,
        "profile": '{"department": "sales"}',
    }
    response = admin_client.post(url, form)
    assert response.status_code == 302
    assert LegacyUser.objects.get(pk=ann.pk).last_name == "Edited"
    validated.clear()

    out, _ = load(path)

    assert validated == [2]
    assert "created 0, updated 1, unchanged 2" in out
    assert LegacyUser.objects.get(pk=ann.pk).last_name == "Lee"


def test_a_digest_tells_apart_rows_that_only_split_or_type_differently():
    from legacy_users.loading.digests import RowDigests
    from legacy_users.loading.readers import SourceRow
    from legacy_users.loading.validation import LoadDefaults

    digest = RowDigests(LoadDefaults(source="", hash_format="", hash_params={}))

    def of(fields):
        return digest(SourceRow(2, fields))

    rows = [
        {"login": "a", "email": "b"},
        {"login": "a\x00email", "email": "b"},  # the NUL-joined text of the row above, nearly
        {"login": "a", "email\x00b": ""},
        {"login": "a", "email": "b", "x": ""},
        {"email": "b", "login": "a"},  # the file's order counts
        {"login": "a", "n": 1},
        {"login": "a", "n": "1"},
        {"login": "a", "n": [1]},
    ]
    digests = [of(fields) for fields in rows]

    assert len(set(digests)) == len(rows)
    assert digests == [of(dict(fields)) for fields in rows]  # the same row, the same digest
