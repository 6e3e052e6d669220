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
    assert any("LEFT JOIN legacy_users_legacyuser u ON u.login_key" in sql for sql in prepared)
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


def test_a_state_change_and_its_audit_row_never_share_a_parameter_name():
    """They run as one statement: a name in both would give one of them the other's value."""
    from legacy_users.services.statements import Statement

    change = Statement("UPDATE t SET a = %(at)s WHERE id = %(user_id)s", {"at": 1, "user_id": 2})
    audit = Statement("INSERT INTO u (x) VALUES (%(user_id)s) RETURNING id", {"user_id": 3})

    with pytest.raises(ValueError, match="user_id"):
        change.then(audit)
    combined = change.then(Statement("INSERT INTO u (x) VALUES (%(x)s)", {"x": 3}))
    assert combined.params == {"at": 1, "user_id": 2, "x": 3}
    assert combined.sql.startswith("WITH state AS (UPDATE t SET")
