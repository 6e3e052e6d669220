"""`okta_check`: the go-live check against the org, read-only, each problem with its fix."""

import pytest

from tests.conftest import run_command as run


@pytest.mark.django_db(transaction=True)
def test_a_ready_org_passes_and_nothing_is_written(fake_okta, live_server, make_user):
    make_user(login="ada@example.com", email="ada@example.com", first_name="A", last_name="L")
    run("okta_register_hooks", public_url=live_server.url)
    writes = len(fake_okta.writes)

    out, _, failure = run("okta_check", public_url=live_server.url)

    assert failure == ""
    assert "ok    API token valid (acts as api.admin@example.com)" in out
    assert "active and verified" in out and "System Log readable" in out
    assert "1 profiles still to push, logins must be an email address (Okta's default); all" in out
    assert "rate limit /api/v1/users/me: " in out
    assert "The org is ready for the migration." in out
    assert len(fake_okta.writes) == writes


@pytest.mark.django_db
def test_an_unprepared_org_fails_with_the_fix_for_each_problem(fake_okta, settings):
    out, _, failure = run("okta_check", public_url="https://portal.example.com")

    assert failure == "2 problem(s) to fix before go-live."
    assert "FAIL  no password import inline hook calls https://portal.example.com/hooks/" in out
    assert "FAIL  no event hook calls https://portal.example.com/hooks/okta-events" in out
    assert out.count("fix: run okta_register_hooks --public-url with the same URL") == 2
    assert fake_okta.writes == []


@pytest.mark.django_db
def test_a_moved_or_inactive_hook_and_a_bad_token_are_named(fake_okta, settings):
    settings.OKTA_EVENT_HOOK_AUTH_VALUES = []
    run("okta_register_hooks", public_url="https://old.example.com")
    (hook,) = fake_okta.inline_hooks.values()
    hook["status"] = "INACTIVE"

    out, _, failure = run("okta_check", public_url="https://portal.example.com")

    assert failure == "1 problem(s) to fix before go-live."
    assert "holds URI https://old.example.com/hooks/password-import, is not active" in out
    assert "no event hook configured" in out

    settings.OKTA_API_TOKEN = "not-the-token"
    out, _, failure = run("okta_check", public_url="https://portal.example.com")
    assert "FAIL  Okta answered an error: Okta 401 E0000011" in out
    assert "fix: OKTA_API_TOKEN is not a valid token for OKTA_ORG_URL" in out
    assert failure == "1 problem(s) to fix before go-live."
