"""The hook's own SQL: prepared on PostgreSQL, the same answers either way."""

import pytest
from django.db import connection

from legacy_users.models import LegacyUser, VerificationAttempt
from tests.conftest import import_request, verdict

pytestmark = pytest.mark.django_db


def _prepared() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [row[0] for row in cursor.fetchall()]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements: PostgreSQL")
def test_sign_in_statements_are_prepared_on_postgresql(make_user, post_hook):
    make_user(password="Okta")

    assert verdict(post_hook(import_request("isaac.brock@example.com", "Okta"))) == "VERIFIED"

    prepared = _prepared()
    assert any("FROM legacy_users_legacyuser u WHERE u.login_key" in sql for sql in prepared)
    assert any(sql.startswith("WITH state AS (") for sql in prepared)


@pytest.mark.parametrize("prepared", [True, False], ids=["prepared", "django-cursor"])
@pytest.mark.parametrize(
    ("password", "expected", "status"),
    [("Okta", "VERIFIED", "verified"), ("okta", "UNVERIFIED", "pending")],
)
def test_answers_and_state_are_the_same_with_or_without_preparing(
    make_user, post_hook, settings, prepared, password, expected, status
):
    settings.DB_PREPARED_STATEMENTS = prepared
    user = make_user(password="Okta")

    body = import_request("isaac.brock@example.com", password)
    end_user_ip = body["data"]["context"]["request"]["ipAddress"]
    response = post_hook(body)

    assert verdict(response) == expected
    user.refresh_from_db()
    assert user.status == status
    attempt = VerificationAttempt.objects.get()
    assert (attempt.user_id, attempt.outcome, str(attempt.ip_address)) == (
        user.pk,
        expected,
        end_user_ip,
    )
    assert LegacyUser.objects.get().failed_attempts == (0 if expected == "VERIFIED" else 1)
