"""The operators' admin: status at a glance, hashes never shown, the hook log read-only."""

import pytest
from django.urls import reverse

from legacy_users.models import LegacyUser
from tests.conftest import import_request

pytestmark = pytest.mark.django_db

BCRYPT = "$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW"  # "U*U", Openwall


@pytest.fixture
def users(make_user):
    verified = make_user(
        login="ver@example.com", email="contact@crm.example", password="pw-one", source="crm"
    )
    LegacyUser.objects.filter(pk=verified.pk).update(status="verified")
    make_user(
        login="pend@example.com",
        email="pend@example.com",
        password_hash=BCRYPT,
        hash_format="bcrypt",
        source="shop",
    )
    make_user(
        login="md5@example.com",
        password_hash="5f4dcc3b5aa765d61d8327deb882cf99",
        hash_format="raw_md5",
        source="shop",
    )
    return LegacyUser.objects.all()


def changelist(admin_client, query=""):
    return admin_client.get(reverse("admin:legacy_users_legacyuser_changelist") + query)


def test_changelist_shows_progress_and_columns(admin_client, users):
    response = changelist(admin_client)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Migration progress: 3 legacy users" in html
    assert 'data-status="pending">2 (66.7%)' in html
    assert 'data-status="verified">1 (33.3%)' in html
    for column in (
        "Login",
        "Status",
        "Hash format",
        "Okta",
        "Failed attempts",
        "Locked",
        "Last attempt",
    ):
        assert column in html
    assert BCRYPT not in html


@pytest.mark.parametrize(
    ("query", "shown", "hidden"),
    [
        ("?status__exact=verified", ["ver@example.com"], ["pend@example.com"]),
        ("?hash_format=raw_md5", ["md5@example.com"], ["pend@example.com"]),
        ("?source=shop", ["pend@example.com", "md5@example.com"], ["ver@example.com"]),
        ("?q=PEND@example", ["pend@example.com"], ["ver@example.com"]),
        ("?q=  Ver", ["ver@example.com"], ["pend@example.com", "md5@example.com"]),
        ("?q=example.com", [], ["ver@example.com", "pend@example.com"]),
        ("?q=contact@crm.example", ["ver@example.com"], ["pend@example.com"]),
    ],
    ids=["status", "format", "source", "search", "prefix", "not-inside", "exact-email"],
)
def test_filters_and_search(admin_client, users, query, shown, hidden):
    html = changelist(admin_client, query).content.decode()

    for login in shown:
        assert login in html
    for login in hidden:
        assert login not in html


def test_filtering_on_the_hash_is_refused(admin_client, users):
    response = changelist(admin_client, "?password_hash__startswith=$2a$")

    # A lookup the admin does not allow is refused outright (Django's DisallowedModelAdminLookup
    # is a 400), never run: no user's row or hash comes back.
    assert response.status_code == 400
    assert b"$2a$" not in response.content


def test_change_page_masks_the_hash(admin_client, users):
    user = LegacyUser.objects.get(login_key="pend@example.com")

    html = admin_client.get(
        reverse("admin:legacy_users_legacyuser_change", args=[user.pk])
    ).content.decode()

    assert "bcrypt, 60 characters" in html  # the format and the length...
    assert "$2a$" not in html and "CCCCCCCC" not in html  # ...never a character of it


def test_change_page_shows_no_character_of_an_unsalted_digest(admin_client, users):
    user = LegacyUser.objects.get(login_key="md5@example.com")

    html = admin_client.get(
        reverse("admin:legacy_users_legacyuser_change", args=[user.pk])
    ).content.decode()

    assert "raw_md5, 32 characters" in html
    assert "5f4dcc" not in html


def test_hook_calls_are_listed_and_read_only(admin_client, users, post_hook):
    post_hook(import_request("pend@example.com", "U*U"))
    url = reverse("admin:legacy_users_verificationattempt_changelist")

    html = admin_client.get(url).content.decode()

    assert "pend@example.com" in html
    assert "VERIFIED" in html
    assert "Add hook call" not in html
    attempt_id = (
        users.model.objects.get(login_key="pend@example.com").verification_attempts.get().pk
    )
    change = admin_client.get(
        reverse("admin:legacy_users_verificationattempt_change", args=[attempt_id])
    )
    assert change.status_code == 200
    assert "Save" not in change.content.decode().split("submit-row")[-1][:400]
    post = admin_client.post(
        reverse("admin:legacy_users_verificationattempt_change", args=[attempt_id]),
        {"reason": "verified"},
    )
    assert post.status_code == 403
    delete = admin_client.post(
        reverse("admin:legacy_users_verificationattempt_delete", args=[attempt_id]),
        {"post": "yes"},
    )
    assert delete.status_code == 403


def test_user_turns_verified_in_the_admin_after_sign_in(admin_client, users, post_hook):
    post_hook(import_request("pend@example.com", "U*U"))

    html = changelist(admin_client, "?status__exact=verified").content.decode()

    assert "pend@example.com" in html
    assert 'data-status="verified">2 (66.7%)' in html


def test_user_page_shows_okta_fields_and_the_timeline(admin_client, users, post_hook):
    from legacy_users.models import OktaEvent

    user = LegacyUser.objects.get(login_key="pend@example.com")
    LegacyUser.objects.filter(pk=user.pk).update(okta_id="00uTIMELINE", okta_push_state="hook")
    post_hook(import_request("pend@example.com", "wrong"))
    OktaEvent.objects.create(
        uuid="u-1",
        event_type="user.import.password",
        outcome="SUCCESS",
        user=user,
        via="event_hook",
        effect="confirmed_purged",
    )

    html = admin_client.get(
        reverse("admin:legacy_users_legacyuser_change", args=[user.pk])
    ).content.decode()

    assert "00uTIMELINE" in html
    assert "Created with the password hook" in html
    assert "UNVERIFIED (wrong_password)" in html
    assert "Okta user.import.password" in html and "confirmed, legacy hash purged" in html
    push_filter = changelist(admin_client, "?okta_push_state__exact=hook").content.decode()
    assert "pend@example.com" in push_filter and "ver@example.com" not in push_filter
    events = admin_client.get(reverse("admin:legacy_users_oktaevent_changelist")).content.decode()
    assert "user.import.password" in events


def test_the_event_list_says_why_an_event_was_rejected_and_filters_by_effect(admin_client):
    from legacy_users.services.okta_events import okta_events_receive

    okta_events_receive(events=[{"uuid": 42}, "not an event"])
    events = reverse("admin:legacy_users_oktaevent_changelist")

    rejected = admin_client.get(events + "?effect__exact=rejected").content.decode()
    confirmed = admin_client.get(events + "?effect__exact=confirmed").content.decode()

    assert "rejected: uuid is not a string" in rejected
    assert "rejected: the event is not an object" in rejected
    assert "0 Okta events" in confirmed
