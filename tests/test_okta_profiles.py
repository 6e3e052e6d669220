"""Profiles Okta accepts, known before the push: the org's schema read from Okta, every
profile still to push checked against it, the map deciding where each attribute comes from,
and users Okta refuses kept back until their data changes."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from legacy_users.models import LegacyUser
from legacy_users.services.okta_profiles import ProfileMap
from okta_api import OktaClient, UserSchema
from tests.conftest import run_command as run
from tests.fake_okta import default_user_schema

LONG_NAME = "Wolfeschlegelsteinhausenbergerdorffwelchevoralternwarengewissenhaft"  # 67


@pytest.fixture
def awkward_users(make_user):
    """Users as real exports have them: a login that is no address and no email, a name
    longer than Okta takes, no names at all, and a plain one."""
    make_user(login="john.doe", email="")
    make_user(login="long@example.com", email="long@example.com", first_name=LONG_NAME)
    make_user(login="nameless@example.com", email="nameless@example.com")
    make_user(
        login="plain@example.com", email="plain@example.com", first_name="Plain", last_name="User"
    )


def test_the_org_s_schema_is_read_from_okta_and_judges_profiles(fake_okta):
    fake_okta.schema["definitions"]["custom"]["properties"]["employeeId"] = {
        "title": "Employee id",
        "type": "string",
        "maxLength": 8,
    }
    fake_okta.schema["definitions"]["custom"]["required"] = ["employeeId"]

    with OktaClient(fake_okta.url, fake_okta.token) as client:
        schema = client.user_schema()

    good = {"login": "a@example.com", "email": "a@example.com", "firstName": "A", "lastName": "B"}
    assert schema.problems({**good, "employeeId": "E1"}) == []
    assert schema.problems(good) == ["employeeId: missing, and the org's schema requires it"]
    assert schema.problems({**good, "employeeId": "E123456789"}) == [
        "employeeId: 10 characters, Okta takes at most 8"
    ]
    assert schema.problems({**good, "employeeId": "E1", "shoeSize": "9"}) == [
        "shoeSize: not an attribute of the org's user profile"
    ]


@pytest.mark.parametrize(
    ("pattern", "login", "refused"),
    [
        (None, "john.doe", "not an email address"),
        (None, "a@b", "3 characters, Okta needs at least 5"),
        (None, "ada@example.com", ""),
        (".+", "john.doe", ""),
        (".+", "j", ""),  # the minimum of five is not enforced then
        ("[a-z.]+", "j.doe", ""),
        ("[a-z.]+", "j-doe", "does not match the org's login pattern [a-z.]+"),
        (None, "x" * 96 + "@e.io", "101 characters, Okta takes at most 100"),
    ],
)
def test_logins_follow_okta_s_login_pattern_rules(pattern, login, refused):
    body = default_user_schema()
    if pattern is not None:
        body["definitions"]["base"]["properties"]["login"]["pattern"] = pattern
    schema = UserSchema.from_json(body)

    problems = [p for p in schema.problems({"login": login}) if p.startswith("login:")]

    assert (problems[0] if problems else "").removeprefix("login: ").startswith(refused)
    assert bool(problems) == bool(refused)


def test_the_map_takes_the_first_source_with_a_value_and_refuses_nonsense(make_user):
    extra = {"given": "John", "mail": "j@corp.example"}
    user = make_user(login="john.doe", email="", profile=extra)
    mapping = ProfileMap.parse(
        "email=email|profile.mail, firstName=profile.given, lastName=default:-"
    )

    profile, used = mapping.build(user)

    assert profile == {
        "login": "john.doe",
        "email": "j@corp.example",
        "firstName": "John",
        "lastName": "-",
    }
    assert used["email"] == "profile.mail"
    for bad, why in [
        ("email", "not attribute=source"),
        ("email=address", "a source is one of"),
        ("login=email", "login comes from the login column only"),
    ]:
        with pytest.raises(ImproperlyConfigured, match=why):
            ProfileMap.parse(bad)


@pytest.mark.django_db
def test_check_profiles_lists_who_okta_would_refuse_and_why(fake_okta, awkward_users):
    out, err, failure = run("okta_check_profiles")

    assert failure == "Okta would refuse 2 of 4 profiles."
    assert "logins must be an email address (Okta's default)" in out
    assert "login: not an email address" in out
    assert "email: not an email address" in out  # the login stood in for it, and is no address
    assert "firstName: too long for Okta: 1" in out
    assert "firstName taken from local (OKTA_PROFILE_MAP's fallback): 2" in out
    assert "john.doe: login: not an email address" in err
    assert f"long@example.com: firstName: {len(LONG_NAME)} characters, Okta takes at most 50" in err
    states = dict(LegacyUser.objects.values_list("login", "okta_push_state"))
    assert states == {
        "john.doe": "refused",
        "long@example.com": "refused",
        "nameless@example.com": "",
        "plain@example.com": "",
    }

    # The org allows any login; the operator maps the missing email to a column it has.
    fake_okta.schema["definitions"]["base"]["properties"]["login"]["pattern"] = ".+"
    LegacyUser.objects.filter(login="john.doe").update(profile={"mail": "john.doe@corp.example"})
    with_map = {"OKTA_PROFILE_MAP": "email=email|profile.mail"}
    from django.test import override_settings

    with override_settings(**with_map):
        out, _, failure = run("okta_check_profiles")

    assert failure == "Okta would refuse 1 of 4 profiles."
    assert "cleared" in out and LegacyUser.objects.get(login="john.doe").okta_push_state == ""


@pytest.mark.django_db
def test_push_sends_no_profile_okta_would_refuse_and_resends_once_it_changes(
    fake_okta, awkward_users
):
    out, _, failure = run("okta_push_users")

    assert failure == ""
    assert "Created with the password hook: 2" in out
    assert "Profile refused by Okta's schema: 2" in out
    assert {u["profile"]["login"] for u in fake_okta.users.values()} == {
        "nameless@example.com",
        "plain@example.com",
    }
    nameless = next(u for u in fake_okta.users.values() if u["profile"]["login"].startswith("n"))
    assert nameless["profile"]["firstName"] == "nameless"  # the map's documented fallback
    long = LegacyUser.objects.get(login="long@example.com")
    assert long.okta_push_state == "refused" and "at most 50" in long.okta_push_error

    again, _, _ = run("okta_push_users")
    assert "profile unchanged since Okta's schema refused it: 2" in again
    creates = [c for c in fake_okta.calls if c.method == "POST" and c.path == "/api/v1/users"]
    assert len(creates) == 2

    LegacyUser.objects.filter(pk=long.pk).update(first_name="Hubert")
    fixed, _, _ = run("okta_push_users")
    assert "Created with the password hook: 1" in fixed
    assert LegacyUser.objects.get(pk=long.pk).okta_push_state == "hook"


@pytest.mark.django_db
def test_a_profile_okta_itself_refuses_shows_its_causes_and_waits_for_a_change(
    fake_okta, make_user, admin_client
):
    user = make_user(
        login="odd@example.com", email="odd@example.com", first_name="O", last_name="D"
    )
    # Okta checks more than a schema says (its own address rules): it refuses this one.
    checks = fake_okta.profile_causes
    fake_okta.profile_causes = lambda p: (
        checks(p)
        + (
            ["email: Does not match required pattern"]
            if p.get("email") == "odd@example.com"
            else []
        )
    )

    _, err, failure = run("okta_push_users")
    again, _, _ = run("okta_push_users")

    assert failure == ""
    user.refresh_from_db()
    assert user.okta_push_state == "refused"
    assert user.okta_push_error == "Okta refused: email: Does not match required pattern"
    assert "odd@example.com: Okta refused: email: Does not match required pattern" in err
    assert "profile unchanged since Okta's schema refused it: 1" in again
    page = admin_client.get(f"/admin/legacy_users/legacyuser/{user.pk}/change/").content.decode()
    assert "Does not match required pattern" in page
    listed = admin_client.get("/admin/legacy_users/legacyuser/?okta_push_state__exact=refused")
    assert "odd@example.com" in listed.content.decode()
    dashboard = admin_client.get("/admin/").content.decode()
    assert (
        "Profiles Okta&#x27;s schema refuses" in dashboard or "Profiles Okta's schema" in dashboard
    )
