"""A Content-Security-Policy on every admin page, and pages that need nothing it forbids."""

import re

import pytest

pytestmark = pytest.mark.django_db

PAGES = [
    "/admin/",
    "/admin/legacy_users/legacyuser/",
    "/admin/legacy_users/verificationattempt/",
    "/admin/legacy_users/loadrun/",
    "/admin/legacy_users/oktaevent/",
    "/admin/auth/user/",
]


@pytest.mark.parametrize("path", PAGES)
def test_every_admin_page_forbids_inline_script_and_style(admin_client, make_user, path):
    make_user(password="x")

    response = admin_client.get(path)

    policy = dict(
        part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";")
    )
    assert policy["script-src"] == "'self'" and policy["style-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'" and policy["object-src"] == "'none'"
    html = response.content.decode()
    # Nothing on the page that the policy would refuse: no style attribute or element, no
    # script but files and JSON data.
    assert not re.search(r"<[^>]+\sstyle=", html)
    assert "<style" not in html
    for script in re.findall(r"<script[^>]*>", html):
        assert " src=" in script or 'type="application/json"' in script, script


def test_the_login_page_has_the_policy_too(client):
    response = client.get("/admin/login/")

    assert "script-src 'self'" in response["Content-Security-Policy"]
