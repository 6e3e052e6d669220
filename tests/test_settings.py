"""Configuration from the environment: fail fast naming the variable, clean deploy check."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
OURS = {
    "SECRET_KEY",
    "DEBUG",
    "ALLOWED_HOSTS",
    "OKTA_HOOK_AUTH_HEADER",
    "OKTA_HOOK_AUTH_VALUES",
    "OKTA_EVENT_HOOK_AUTH_HEADER",
    "OKTA_EVENT_HOOK_AUTH_VALUES",
    "OKTA_ORG_URL",
    "SECURE_SSL_REDIRECT",
    "DATABASE_URL",
    "LOG_LEVEL",
}
PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "k3j4h5g6f7d8s9a0q1w2e3r4t5y6u7i8o9p0z1x2c3v4b5n6m7-production",
    "ALLOWED_HOSTS": "portal.example.com",
    "OKTA_HOOK_AUTH_VALUES": "a-long-random-shared-secret-for-okta",
}


def manage(*args, **env):
    clean = {k: v for k, v in os.environ.items() if k not in OURS}
    clean["DJANGO_SETTINGS_MODULE"] = "migration_portal.settings"
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize("missing", ["SECRET_KEY", "OKTA_HOOK_AUTH_VALUES"])
def test_production_refuses_to_start_without_a_secret_and_names_it(missing):
    env = {k: v for k, v in PRODUCTION.items() if k != missing}

    result = manage("check", **env)

    assert result.returncode != 0
    assert f"{missing} is not set" in result.stderr


def test_deploy_check_is_clean_with_production_values():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_quickstart_runs_with_debug_and_a_hook_secret_only():
    """What `make run` sets (DEBUG and the demo's hook secret), and nothing else."""
    result = manage("check", DEBUG="true", OKTA_HOOK_AUTH_VALUES="a-long-random-shared-secret")

    assert result.returncode == 0, result.stderr


def test_empty_hook_secret_is_flagged_by_the_system_check():
    result = manage("check", DEBUG="true")

    assert "hooks.W001" in result.stderr


def test_an_okta_org_without_an_event_hook_secret_is_flagged():
    result = manage("check", **PRODUCTION, OKTA_ORG_URL="https://example.okta.com")

    assert "hooks.W003" in result.stderr
    assert "OKTA_EVENT_HOOK_AUTH_VALUES is not" in result.stderr


def test_one_secret_on_both_hooks_is_an_error():
    result = manage(
        "check",
        **PRODUCTION,
        OKTA_EVENT_HOOK_AUTH_VALUES="another-secret-value-here,"
        + PRODUCTION["OKTA_HOOK_AUTH_VALUES"],
    )

    assert result.returncode != 0
    assert "hooks.E001" in result.stderr


def test_a_profile_map_that_does_not_parse_stops_the_process_at_its_checks():
    result = manage("check", **PRODUCTION, OKTA_PROFILE_MAP="login=nowhere.at.all")

    assert result.returncode != 0
    assert "legacy_users.E001" in result.stderr and "OKTA_PROFILE_MAP" in result.stderr


def test_half_of_okta_api_settings_is_flagged():
    result = manage("check", **PRODUCTION, OKTA_API_TOKEN="00abc-token")

    assert "legacy_users.W001" in result.stderr
    assert "OKTA_API_TOKEN is set but OKTA_ORG_URL is not" in result.stderr
