import json
import threading
import uuid
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.urls import reverse
from passlib import hash as passlib_hash

from legacy_users.logins import normalize_login
from legacy_users.models import LegacyUser

#: The browser tests' fixtures (Chromium through Playwright).
pytest_plugins = ["tests.browser_support"]

# Okta's example bodies (copied from the contract's examples, so a fresh clone has them).
EXAMPLES = Path(__file__).parent / "okta_examples"


def okta_example(name: str):
    """One of Okta's example bodies, as kept in tests/okta_examples."""
    return json.loads((EXAMPLES / name).read_text())


@pytest.fixture(autouse=True)
def steady_wall_clock():
    """The hook's wall clock stands still for a whole test: per-minute counts stay in one
    window (a test that ran across a minute's turn would see them split in two) unless the
    test turns the minute itself (`advance_wall`)."""
    from legacy_users.clock import use_clock
    from tests.fake_clock import SteadyWallClock

    with use_clock(SteadyWallClock()) as clock:
        yield clock


@pytest.fixture
def skipping_clock():
    """The hook's clock, with its waits skipped (and recorded): holds are checked exactly,
    not waited out."""
    from legacy_users.clock import use_clock
    from tests.fake_clock import SkippingClock

    with use_clock(SkippingClock()) as clock:
        yield clock


@pytest.fixture
def hook_url():
    return reverse("hooks:password-import")


def hook_auth_header() -> dict[str, str]:
    """The header Okta sends, with the first secret the test settings configure (for code
    that runs outside a fixture: threads, live servers)."""
    return {settings.OKTA_HOOK_AUTH_HEADER: settings.OKTA_HOOK_AUTH_VALUES[0]}


@pytest.fixture
def auth_headers():
    """The header Okta sends, with the first configured secret."""
    return hook_auth_header()


def hammer(calls: list[tuple[str, str]], *, timeout: float = 120) -> list[str | None]:
    """Run each (login, password) hook call on its own thread and database connection, all
    released at once; the verdicts, in the order of `calls`. Fails on any exception."""
    barrier = threading.Barrier(len(calls))
    answers: list[str | None] = [None] * len(calls)
    errors: list[Exception] = []

    def run(index: int, login: str, password: str) -> None:
        try:
            barrier.wait()
            response = Client().post(
                "/hooks/password-import",
                data=import_request(login, password),
                content_type="application/json",
                headers=hook_auth_header(),
            )
            answers[index] = verdict(response)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=run, args=(i, login, password))
        for i, (login, password) in enumerate(calls)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    assert not errors, errors
    return answers


@pytest.fixture
def event_headers():
    """The header Okta's event hook sends, with its own secret (never the inline hook's)."""
    return {settings.OKTA_EVENT_HOOK_AUTH_HEADER: settings.OKTA_EVENT_HOOK_AUTH_VALUES[0]}


def import_request(username: str, password, **overrides) -> dict:
    """Okta's example password import request, for another username and password.

    Each call gets its own eventId (as each of Okta's calls does), unless one is given.
    """
    body = okta_example("password-import-request.json")
    body["eventId"] = uuid.uuid4().hex
    body["data"]["context"]["credential"]["username"] = username
    body["data"]["context"]["credential"]["password"] = password
    body.update(overrides)
    return body


@pytest.fixture
def post_hook(client, hook_url, auth_headers):
    """POST a body (dict, or raw str/bytes) to the hook as Okta would."""

    def post(body, headers=None, **kwargs):
        data = body if isinstance(body, str | bytes) else json.dumps(body)
        return client.post(
            hook_url,
            data=data,
            content_type="application/json",
            headers=auth_headers if headers is None else headers,
            **kwargs,
        )

    return post


@pytest.fixture
def make_user(db):
    """Create a pending legacy user whose legacy password is `password` (cheap bcrypt)."""

    def make(login="isaac.brock@example.com", password="Okta", **fields):
        if "password_hash" not in fields:
            fields["password_hash"] = passlib_hash.bcrypt.using(rounds=4).hash(password)
            fields.setdefault("hash_format", "bcrypt")
        return LegacyUser.objects.create(login=login, login_key=normalize_login(login), **fields)

    return make


@pytest.fixture
def fake_okta(settings):
    """A fake Okta org (tests/fake_okta.py) the portal is configured to drive."""
    from tests.fake_okta import FakeOkta

    fake = FakeOkta()
    settings.OKTA_ORG_URL = fake.url
    settings.OKTA_API_TOKEN = fake.token
    settings.OKTA_API_CONCURRENCY = 3
    # The fake writes an event to its System Log at once; Okta takes seconds (tests of
    # that lag set it back).
    settings.OKTA_SYSTEM_LOG_LAG_SECONDS = 0
    yield fake
    fake.close()


def okta_profile(login: str) -> dict[str, str]:
    """A profile Okta's default schema takes."""
    return {"login": login, "email": login, "firstName": "Test", "lastName": "User"}


def database_url() -> str:
    """The test database's URL, for a second connection or a child process."""
    db = connection.settings_dict
    host, port = db["HOST"] or "127.0.0.1", db["PORT"] or 5432
    return f"postgres://{db['USER']}@{host}:{port}/{db['NAME']}"


def run_command(*args, **options) -> tuple[str, str, str]:
    """A management command's stdout, stderr and CommandError message ("" when it succeeds)."""
    out, err = StringIO(), StringIO()
    try:
        call_command(*args, stdout=out, stderr=err, **options)
    except CommandError as failure:
        return out.getvalue(), err.getvalue(), str(failure)
    return out.getvalue(), err.getvalue(), ""


def verdict(response) -> str:
    """VERIFIED or UNVERIFIED from a 200 hook answer (and checks its exact shape)."""
    assert response.status_code == 200, response.content
    body = response.json()
    assert list(body) == ["commands"]
    assert len(body["commands"]) == 1
    command = body["commands"][0]
    assert command["type"] == "com.okta.action.update"
    return command["value"]["credential"]


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    """Production uses a manifest built by collectstatic; the tests do not run it."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
