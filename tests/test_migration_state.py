"""A user's migration state as hook calls arrive, including calls racing each other."""

import pytest

from legacy_users.models import LegacyUser, VerificationAttempt
from tests.conftest import hammer, import_request, verdict


@pytest.mark.django_db
def test_correct_password_moves_pending_to_verified_and_resets_failures(make_user, post_hook):
    user = make_user(password="Okta")
    post_hook(import_request(user.login, "wrong-1"))
    post_hook(import_request(user.login, "wrong-2"))
    user.refresh_from_db()
    assert (user.status, user.failed_attempts, user.verified_at) == ("pending", 2, None)

    assert verdict(post_hook(import_request(user.login, "Okta"))) == "VERIFIED"

    user.refresh_from_db()
    assert user.status == "verified"
    assert user.failed_attempts == 0
    assert user.verified_at is not None
    assert user.last_attempt_at == user.verified_at


@pytest.mark.django_db
def test_wrong_password_counts_a_failure_and_stamps_the_attempt(make_user, post_hook):
    user = make_user(password="Okta")

    assert verdict(post_hook(import_request(user.login, "not-it"))) == "UNVERIFIED"

    user.refresh_from_db()
    assert (user.status, user.failed_attempts) == ("pending", 1)
    assert user.last_attempt_at is not None


@pytest.mark.django_db
def test_verified_user_asked_again_is_checked_against_the_kept_hash(make_user, post_hook):
    # Okta in read-only mode may call again for a user we already verified.
    user = make_user(password="Okta")
    post_hook(import_request(user.login, "Okta"))
    first_verified_at = LegacyUser.objects.get().verified_at

    again = post_hook(import_request(user.login, "Okta"))
    wrong = post_hook(import_request(user.login, "Okta!"))

    assert (verdict(again), verdict(wrong)) == ("VERIFIED", "UNVERIFIED")
    user.refresh_from_db()
    assert user.status == "verified"
    assert user.verified_at == first_verified_at
    assert user.password_hash  # kept until Okta confirms the import


@pytest.mark.django_db
def test_one_audit_row_per_call_without_password_or_hash(make_user, post_hook):
    user = make_user(password="Okta")

    for password in ("a", "b", "Okta"):
        post_hook(import_request(user.login, password))

    rows = list(VerificationAttempt.objects.order_by("id").values())
    assert [row["reason"] for row in rows] == ["wrong_password", "wrong_password", "verified"]
    for row in rows:
        assert user.password_hash not in map(str, row.values())
        assert "Okta" not in map(str, row.values())


@pytest.mark.django_db(transaction=True)
def test_simultaneous_calls_for_one_user_lose_no_update(make_user, settings):
    settings.OKTA_HOOK_LOCKOUT_THRESHOLD = 100  # no source lock: every failure is checked
    user = make_user(password="Okta")
    calls = [(user.login, "wrong")] * 12 + [(user.login, "Okta")] * 4

    answers = hammer(calls)

    assert answers.count("VERIFIED") == 4
    assert answers.count("UNVERIFIED") == 12
    user.refresh_from_db()
    assert user.status == "verified"
    assert VerificationAttempt.objects.filter(user=user).count() == 16
    assert VerificationAttempt.objects.filter(reason="wrong_password").count() == 12
    assert user.verified_at is not None


@pytest.mark.django_db(transaction=True)
def test_simultaneous_wrong_passwords_are_all_counted(make_user, settings):
    settings.OKTA_HOOK_LOCKOUT_THRESHOLD = 100  # no source lock: every failure is checked
    user = make_user(password="Okta")

    answers = hammer([(user.login, f"wrong-{i}") for i in range(16)])

    assert answers == ["UNVERIFIED"] * 16
    user.refresh_from_db()
    assert user.failed_attempts == 16
    assert user.status == "pending"
