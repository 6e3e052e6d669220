"""The health check and the quickstart's demo seeding."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from legacy_users.models import LegacyUser
from tests.conftest import okta_example, verdict


@pytest.mark.django_db
def test_health_check_reports_the_database(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


@pytest.mark.django_db
def test_seed_demo_loads_users_that_answer_okta_example(settings, post_hook):
    settings.DEBUG = True
    out = StringIO()

    call_command("seed_demo", stdout=out, stderr=StringIO())

    text = out.getvalue()
    assert "Loaded: created 8" in text
    assert "login admin / admin" in text
    assert "--data @demo/password-import-request.json" in text
    assert LegacyUser.objects.values("hash_format").distinct().count() >= 7
    assert verdict(post_hook(okta_example("password-import-request.json"))) == "VERIFIED"


@pytest.mark.django_db
def test_seed_demo_refuses_without_debug(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="only with DEBUG on"):
        call_command("seed_demo", stdout=StringIO())


# The demo users and passwords the README lists.
DEMO_PASSWORDS = {
    "isaac.brock@example.com": "Okta",
    "ada.lovelace@example.com": "analytical-engine",
    "grace.hopper@example.com": "cobol-1959",
    "alan.turing@example.com": "enigma-bombe",
    "margaret.hamilton@example.com": "apollo-11",
    "linus.pauling@example.com": "vitamin-c",
    "ken.thompson@example.com": "unix-v1",
    "barbara.liskov@example.com": "substitution",
}


@pytest.mark.django_db
def test_every_demo_user_signs_in_with_the_readme_password(settings, post_hook):
    from pathlib import Path

    from tests.conftest import import_request

    settings.DEBUG = True
    call_command("seed_demo", stdout=StringIO(), stderr=StringIO())
    readme = (Path(settings.BASE_DIR) / "README.md").read_text()

    for login, password in DEMO_PASSWORDS.items():
        assert f"| {login} | `{password}` |" in readme
        assert verdict(post_hook(import_request(login, password))) == "VERIFIED", login
        assert verdict(post_hook(import_request(login, password + "?"))) == "UNVERIFIED"
    assert set(LegacyUser.objects.values_list("status", flat=True)) == {"verified"}


def test_the_manuals_format_table_matches_list_hash_formats(settings):
    from pathlib import Path

    out = StringIO()
    call_command("list_hash_formats", "--markdown", stdout=out)

    page = (Path(settings.BASE_DIR) / "docs" / "formats.md").read_text()
    assert out.getvalue().strip() in page


def test_env_example_lists_every_setting_the_manual_documents(settings):
    import re
    from pathlib import Path

    base = Path(settings.BASE_DIR)
    manual = "\n".join(page.read_text() for page in (base / "docs").glob("*.md"))
    documented = set(re.findall(r"^\| `([A-Z_]+)` \|", manual, re.M))
    example = set(re.findall(r"^([A-Z_]+)=", (base / ".env.example").read_text(), re.M))
    read = set(
        re.findall(
            r'env(?:\.\w+)?\(\s*"([A-Z_]+)"',
            (base / "migration_portal" / "settings.py").read_text(),
        )
    )
    read |= set(
        re.findall(
            r'mandatory\("([A-Z_]+)"\)', (base / "migration_portal" / "settings.py").read_text()
        )
    )

    # gunicorn.conf.py reads its own variables from the real environment (not from .env).
    serving = set(
        re.findall(
            r'(?:_int\(|os\.environ\.get\(|os\.environ\.setdefault\(|os\.environ\[)\s*"([A-Z_]+)"',
            (base / "gunicorn.conf.py").read_text(),
        )
    )
    assert serving and serving <= documented
    assert read == documented - serving == example
