"""A distinctive password sent through every hook outcome is found nowhere afterwards:
not in any table, not in any log record, not in an error report, not in a response."""

import json
import logging
import re
import sys
from datetime import timedelta

import pytest
from django.apps import apps
from django.core.signals import got_request_exception
from django.db import OperationalError
from django.test import Client
from django.utils import timezone
from django.views.debug import ExceptionReporter
from passlib import hash as ph

from legacy_users.hashing.passlib_formats import PasslibFormat
from legacy_users.models import LegacyUser, VerificationAttempt
from migration_portal.logging import RedactPasswordsFilter, redact
from tests.conftest import import_request

CANARY = "Canary-7f3a9c-Pa55word!"


def every_stored_value() -> str:
    """Every row of every model, rendered as text."""
    return "\n".join(repr(row) for model in apps.get_models() for row in model.objects.values())


@pytest.fixture
def seen(caplog, capsys):
    """Everything a test could have leaked: log records, stdout/stderr, responses, reports."""
    caplog.set_level(logging.DEBUG)
    collected = []

    def text() -> str:
        out, err = capsys.readouterr()
        return "\n".join([caplog.text, out, err, *collected])

    text.add = collected.append
    return text


@pytest.mark.django_db
def test_canary_password_is_nowhere_after_every_outcome(
    make_user, post_hook, seen, monkeypatch, settings
):
    settings.OKTA_HOOK_LOGIN_FAILURES_PER_MINUTE = 2
    make_user(login="right@example.com", password=CANARY)
    make_user(login="wrong@example.com", password="something else")
    make_user(
        login="broken@example.com", password_hash="$2a$05$brokenbroken!", hash_format="bcrypt"
    )
    locked = make_user(login="locked@example.com", password=CANARY)
    LegacyUser.objects.filter(pk=locked.pk).update(locked_until=timezone.now() + timedelta(hours=1))
    make_user(
        login="exploding@example.com", password_hash=ph.md5_crypt.hash("x"), hash_format="md5_crypt"
    )
    make_user(login="costly@example.com", password_hash="$2b$31$" + "a" * 53, hash_format="bcrypt")

    def send(body, **kwargs):
        response = post_hook(body, **kwargs)
        seen.add(response.content.decode())
        return response

    statuses = {}
    for login in (
        "right@example.com",
        "wrong@example.com",
        "broken@example.com",
        "nobody@example.com",
        "locked@example.com",
    ):
        statuses[login] = send(import_request(login, CANARY)).status_code
    retry = import_request("wrong@example.com", CANARY, eventId="evt-canary")
    send(retry)
    send(retry)  # Okta's retry
    for _ in range(3):  # throttled after two failures
        send(import_request("ghost@example.com", CANARY))
    statuses["costly"] = send(import_request("costly@example.com", CANARY)).status_code
    statuses["too-long"] = send(import_request("right@example.com", CANARY * 100)).status_code
    settings.OKTA_HOOK_LOCKOUT_THRESHOLD = 1  # the source that failed is now locked out
    statuses["source-locked"] = send(import_request("right@example.com", CANARY)).status_code
    settings.OKTA_HOOK_LOCKOUT_THRESHOLD = 10
    bad = import_request("right@example.com", CANARY, eventType="com.okta.something.else")
    statuses["bad-body"] = send(bad).status_code
    statuses["no-auth"] = send(import_request("right@example.com", CANARY), headers={}).status_code
    settings.OKTA_HOOK_DEADLINE_MS = 0
    statuses["deadline"] = send(import_request("right@example.com", CANARY)).status_code
    settings.OKTA_HOOK_DEADLINE_MS = 2500

    def explode(self, password, encoded, params):
        raise RuntimeError(f"library failure while hashing {password}")

    monkeypatch.setattr(PasslibFormat, "verify", explode)
    statuses["exploding"] = send(import_request("exploding@example.com", CANARY)).status_code

    assert statuses == {
        "right@example.com": 200,
        "wrong@example.com": 200,
        "broken@example.com": 200,
        "nobody@example.com": 200,
        "locked@example.com": 200,
        "bad-body": 400,
        "no-auth": 401,
        "deadline": 503,
        "exploding": 200,
        "costly": 200,
        "too-long": 200,
        "source-locked": 200,
    }
    reasons = set(VerificationAttempt.objects.values_list("reason", flat=True))
    assert reasons >= {
        "verified",
        "wrong_password",
        "malformed_hash",
        "unknown_user",
        "locked",
        "retry",
        "throttled_login",
        "shed",
        "verification_error",
        "over_cost",
        "password_too_long",
        "locked_source",
    }
    assert CANARY not in every_stored_value()
    assert CANARY not in seen()


@pytest.mark.django_db
def test_canary_is_not_in_the_error_report_of_a_crashed_call(
    make_user, hook_url, auth_headers, seen, monkeypatch
):
    make_user(login="right@example.com", password=CANARY)
    reports = []

    def crash(*args, **kwargs):
        raise RuntimeError("something unexpected")

    def collect(sender, request, **kwargs):
        reporter = ExceptionReporter(request, *sys.exc_info())
        reports.append(reporter.get_traceback_text())
        reports.append(reporter.get_traceback_html())

    monkeypatch.setattr("legacy_users.services.password_import._record_call", crash)
    got_request_exception.connect(collect)
    try:
        response = Client(raise_request_exception=False).post(
            hook_url,
            data=import_request("right@example.com", CANARY),
            content_type="application/json",
            headers=auth_headers,
        )
    finally:
        got_request_exception.disconnect(collect)

    # An unexpected failure is a 5xx so that Okta retries once.
    assert response.status_code == 500
    assert len(reports) == 2
    assert "something unexpected" in reports[0]  # the report is real...
    for report in reports:
        assert CANARY not in report  # ...and the password is not in it
    assert CANARY not in seen()
    assert CANARY not in response.content.decode()


@pytest.mark.django_db
def test_database_outage_answer_and_logs_hold_no_canary(make_user, post_hook, seen, monkeypatch):
    make_user(login="right@example.com", password=CANARY)

    def down(*args, **kwargs):
        raise OperationalError(f"could not write {args} {kwargs}")  # even a chatty driver error

    monkeypatch.setattr("legacy_users.services.password_import._record_call", down)
    response = post_hook(import_request("right@example.com", CANARY))

    assert response.status_code == 503
    assert CANARY not in response.content.decode()
    assert CANARY not in seen()


def test_log_filter_redacts_password_fields_in_any_record():
    record = logging.LogRecord(
        "x", logging.INFO, __file__, 1, "body=%s", (json.dumps({"password": CANARY, "a": 1}),), None
    )

    RedactPasswordsFilter().filter(record)

    assert CANARY not in record.getMessage()
    assert '"password": "[redacted]"' in record.getMessage()
    assert redact("user=bob password=hunter2 next") == "user=bob password=[redacted] next"


@pytest.mark.parametrize(
    "line",
    [
        json.dumps({"data": {"context": {"credential": {"password": 'X1 b, "X2" {X3}'}}}}),
        json.dumps({"Password": "X1's, {X2} X3"}),
        str({"password": "X1 X2, X3}"}),
        "username=bob&password=X1%20X2%2CX3&next=/",
        "password: X1X2X3 tail",
        "Authorization: Bearer X1.X2.X3",
        "Authorization: SSWS 00X1X2-X3",
        "headers={'Authorization': 'Basic X1X2X3=='}",
        '{"api_token": "00X1-X2-X3", "x": 1}',
    ],
)
def test_redaction_covers_quoted_form_and_header_values(line):
    redacted = redact(line)

    assert "[redacted]" in redacted
    assert not {"X1", "X2", "X3"} & set(re.findall(r"X\d", redacted)), redacted
    assert redact(redacted) == redacted  # stable


def test_json_logs_carry_one_line_per_call_and_never_the_password(tmp_path):
    """LOG_FORMAT=json, as a log pipeline reads it: a real process, its stderr parsed."""
    import os
    import subprocess
    import sys

    from django.conf import settings as django_settings

    script = (
        "import django; django.setup()\n"
        "from django.core.management import call_command\n"
        "call_command('migrate', verbosity=0)\n"
        "from passlib import hash as ph\n"
        "from legacy_users.models import LegacyUser\n"
        "LegacyUser.objects.create(login='j@example.com', login_key='j@example.com',\n"
        f"    password_hash=ph.bcrypt.using(rounds=4).hash({CANARY!r}), hash_format='bcrypt')\n"
        "from legacy_users.services.password_import import password_import_verify\n"
        f"password_import_verify(login='j@example.com', password={CANARY!r})\n"
        "password_import_verify(login='j@example.com', password='wrong ' + 'x')\n"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "migration_portal.settings",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'json.sqlite3'}",
        "DEBUG": "true",
        "LOG_FORMAT": "json",
        "LOG_LEVEL": "INFO",
    }

    stderr = subprocess.run(
        [sys.executable, "-c", script],
        cwd=django_settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stderr

    calls = [
        json.loads(line)
        for line in stderr.splitlines()
        if line.startswith("{") and "password import" in line
    ]
    assert [(c["outcome"], c["reason"], c["hash_format"]) for c in calls] == [
        ("VERIFIED", "verified", "bcrypt"),
        ("UNVERIFIED", "wrong_password", "bcrypt"),
    ]
    assert all(c["level"] == "INFO" and "duration_ms" in c for c in calls)
    assert CANARY not in stderr
