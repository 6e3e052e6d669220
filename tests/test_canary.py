"""A distinctive password sent through every hook outcome is found nowhere afterwards."""

import logging
import sys

import pytest
from django.apps import apps
from django.core.signals import got_request_exception
from django.test import Client
from django.views.debug import ExceptionReporter
from passlib import hash as ph

from legacy_users.hashing.passlib_formats import PasslibFormat
from legacy_users.models import VerificationAttempt
from tests.conftest import import_request, verdict

CANARY = "Canary-7f3a9c-Pa55word!"


def every_stored_value() -> str:
    """Every row of every model, rendered as text."""
    chunks = []
    for model in apps.get_models():
        for row in model.objects.all().values():
            chunks.append(repr(row))
    return "\n".join(chunks)


@pytest.fixture
def capture_everything(caplog, capsys):
    caplog.set_level(logging.DEBUG)

    def captured() -> str:
        out, err = capsys.readouterr()
        return "\n".join([caplog.text, out, err])

    return captured


@pytest.mark.django_db
def test_canary_password_is_nowhere_after_every_outcome(
    make_user, post_hook, capture_everything, monkeypatch
):
    make_user(login="right@example.com", password=CANARY)
    make_user(login="wrong@example.com", password="something else")
    make_user(
        login="broken@example.com", password_hash="$2a$05$brokenbroken!", hash_format="bcrypt"
    )
    make_user(
        login="exploding@example.com", password_hash=ph.md5_crypt.hash("x"), hash_format="md5_crypt"
    )

    answers = {
        login: verdict(post_hook(import_request(login, CANARY)))
        for login in (
            "right@example.com",
            "wrong@example.com",
            "broken@example.com",
            "nobody@example.com",
        )
    }

    def explode(self, password, encoded, params):
        raise RuntimeError(f"library failure while hashing {password}")

    monkeypatch.setattr(PasslibFormat, "verify", explode)
    answers["exploding"] = verdict(post_hook(import_request("exploding@example.com", CANARY)))

    assert answers == {
        "right@example.com": "VERIFIED",
        "wrong@example.com": "UNVERIFIED",
        "broken@example.com": "UNVERIFIED",
        "nobody@example.com": "UNVERIFIED",
        "exploding": "UNVERIFIED",
    }
    assert set(VerificationAttempt.objects.values_list("reason", flat=True)) == {
        "verified",
        "wrong_password",
        "malformed_hash",
        "unknown_user",
        "verification_error",
    }
    assert CANARY not in every_stored_value()
    assert CANARY not in capture_everything()


@pytest.mark.django_db
def test_canary_is_not_in_the_error_report_of_a_crashed_call(
    make_user, hook_url, auth_headers, capture_everything, monkeypatch, settings
):
    make_user(login="right@example.com", password=CANARY)
    reports = []

    def crash(**kwargs):
        raise RuntimeError("database went away")

    def collect(sender, request, **kwargs):
        reporter = ExceptionReporter(request, *sys.exc_info())
        reports.append(reporter.get_traceback_text())
        reports.append(reporter.get_traceback_html())

    monkeypatch.setattr("legacy_users.models.VerificationAttempt.objects.create", crash)
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
    assert "database went away" in reports[0]  # the report is real...
    for report in reports:
        assert CANARY not in report  # ...and the password is not in it
    assert CANARY not in capture_everything()
    assert CANARY not in response.content.decode()
