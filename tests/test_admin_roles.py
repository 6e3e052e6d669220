"""The admin's two roles: a viewer reads everything and changes nothing; an operator acts."""

import csv
import io

import pytest
from django.contrib.auth.models import Group, User
from django.urls import reverse
from django.utils import timezone

from legacy_users.models import LegacyUser

pytestmark = pytest.mark.django_db

USERS = reverse("admin:legacy_users_legacyuser_changelist")
EXPORT = reverse("admin:legacy_users_legacyuser_export")


def _member(client, group: str):
    person = User.objects.create_user(f"{group.lower()}-person", password="x", is_staff=True)
    person.groups.add(Group.objects.get(name=group))
    client.force_login(person)
    return client


@pytest.fixture
def locked(make_user):
    user = make_user(password="Okta")
    LegacyUser.objects.filter(pk=user.pk).update(
        locked_until=timezone.now() + timezone.timedelta(minutes=10), failed_attempts=9
    )
    return user


def _act(client, action: str, user) -> None:
    client.post(USERS, {"action": action, "_selected_action": [user.pk]})


def test_a_viewer_sees_the_dashboard_and_lists_but_cannot_act(client, locked):
    viewer = _member(client, "Viewer")

    assert viewer.get(reverse("admin:index")).status_code == 200
    assert viewer.get(USERS).status_code == 200
    assert (
        viewer.get(reverse("admin:legacy_users_verificationattempt_changelist")).status_code == 200
    )
    page = viewer.get(USERS).content.decode()
    assert "unlock_users" not in page and "Export these users" not in page
    _act(viewer, "unlock_users", locked)
    assert viewer.get(EXPORT).status_code == 403
    locked.refresh_from_db()
    assert locked.locked_until is not None


def test_an_operator_unlocks_and_exports_the_filtered_users_without_hashes(
    client, locked, make_user
):
    make_user(login="other@example.com", password="x", source="crm")
    operator = _member(client, "Operator")

    assert "Export these users" in operator.get(USERS).content.decode()
    _act(operator, "unlock_users", locked)
    response = operator.get(EXPORT + "?q=isaac")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))

    locked.refresh_from_db()
    assert locked.locked_until is None
    assert response["Content-Type"] == "text/csv"
    assert rows[0][:2] == ["login", "email"] and "password_hash" not in rows[0]
    assert [row[0] for row in rows[1:]] == ["isaac.brock@example.com"]
    assert locked.password_hash not in b"".join(operator.get(EXPORT).streaming_content).decode()


def test_an_operator_purges_only_confirmed_users(client, make_user):
    confirmed = make_user(password="Okta")
    pending = make_user(login="pending@example.com", password="x")
    LegacyUser.objects.filter(pk=confirmed.pk).update(status="confirmed")
    operator = _member(client, "Operator")

    operator.post(USERS, {"action": "purge_hashes", "_selected_action": [confirmed.pk, pending.pk]})

    confirmed.refresh_from_db()
    pending.refresh_from_db()
    assert (confirmed.status, confirmed.password_hash) == ("purged", "")
    assert pending.status == "pending" and pending.password_hash


def test_pushing_from_the_admin_without_okta_configured_says_so(client, make_user, settings):
    settings.OKTA_ORG_URL = ""
    user = make_user(password="x")
    operator = _member(client, "Operator")

    response = operator.post(
        USERS, {"action": "push_users", "_selected_action": [user.pk]}, follow=True
    )

    assert "The Okta API is not configured." in response.content.decode()
    user.refresh_from_db()
    assert user.okta_push_state == ""


def test_a_push_from_a_selection_touches_only_the_selection(make_user):
    from legacy_users.services.okta_push import okta_users_push

    chosen = make_user(password="x")
    make_user(login="left.alone@example.com", password="x")

    report = okta_users_push(
        client=None, dry_run=True, among=LegacyUser.objects.filter(pk=chosen.pk)
    )

    assert sum(report.states.values()) == 1


def test_a_push_from_the_admin_reports_refusals_and_okta_failures(client, make_user, fake_okta):
    good = make_user(
        login="ada@example.com", email="ada@example.com", first_name="Ada", last_name="L"
    )
    odd = make_user(login="john.doe", password="x")
    operator = _member(client, "Operator")
    selected = {"action": "push_users", "_selected_action": [good.pk, odd.pk]}

    page = operator.post(USERS, selected, follow=True).content.decode()

    assert "Pushed 2 of the selected users (hook: 1, refused: 1)" in page
    assert "ohn.doe: login: not an email address" in page  # the admin capitalises it
    fake_okta.fail_next = [403]
    LegacyUser.objects.filter(pk=odd.pk).update(login="john.doe@example.com")
    page = operator.post(USERS, selected, follow=True).content.decode()
    assert "Nothing pushed: Okta 403" in page


def test_a_viewer_sees_only_the_allow_listed_profile_attributes(client, make_user, settings):
    settings.ADMIN_PROFILE_ATTRIBUTES = ["department"]
    user = make_user(
        password="x", profile={"department": "research", "totp_seed": "JBSWY3DPEHPK3PXP"}
    )
    viewer = _member(client, "Viewer")

    page = viewer.get(f"/admin/legacy_users/legacyuser/{user.pk}/change/").content.decode()
    probe = viewer.get("/admin/legacy_users/legacyuser/?profile__totp_seed__startswith=J")

    assert "research" in page
    assert "JBSWY3DPEHPK3PXP" not in page and "totp_seed" not in page
    assert "1 more not shown" in page
    assert probe.status_code == 400  # no filtering on the profile: it would be an oracle
