"""Refusals that tell nothing by their time: an unknown login, a wrong password against a
cheap hash and one against a costly hash are answered after the same floor."""

import statistics
import time

import pytest
from passlib import hash as passlib_hash

from legacy_users.services import hash_timing
from tests.conftest import import_request, verdict
from tests.conftest import run_command as run

pytestmark = pytest.mark.django_db


@pytest.fixture
def population(make_user, settings):
    settings.OKTA_HOOK_REFUSAL_FLOOR_MS = -1  # auto: measured
    make_user(login="cheap@example.com", password_hash=passlib_hash.ldap_salted_sha1.hash("pw"))
    make_user(
        login="costly@example.com",
        password_hash=passlib_hash.pbkdf2_sha256.using(rounds=150_000).hash("pw"),
        hash_format="pbkdf2_sha256",
    )
    out, _, failure = run("measure_hash_costs")
    assert failure == "" and "pbkdf2_sha256" in out
    yield
    hash_timing._forget()


def answer_ms(post_hook, login, password, times=3):
    took = []
    for _ in range(times):
        started = time.perf_counter()
        answer = verdict(post_hook(import_request(login, password)))
        took.append((time.perf_counter() - started) * 1000)
    return answer, statistics.median(took)


def test_the_measured_floor_covers_the_costliest_loaded_format(population):
    from legacy_users.hashing import check_password
    from legacy_users.models import LegacyUser

    costly = LegacyUser.objects.get(login_key="costly@example.com")
    took = []
    for _ in range(3):  # the check's cost, not one run a busy machine slowed down
        started = time.perf_counter()
        check_password("wrong", costly.password_hash, format_name=costly.hash_format)
        took.append(time.perf_counter() - started)
    one_check = min(took)

    assert hash_timing.refusal_floor() >= one_check * 0.9  # measured, with its margin


def test_unknown_cheap_and_costly_refusals_take_the_same_time(population, post_hook, settings):
    # A floor well above every check here, so a busy machine cannot blur the comparison.
    settings.OKTA_HOOK_REFUSAL_FLOOR_MS = 400
    cheap = answer_ms(post_hook, "cheap@example.com", "wrong")
    costly = answer_ms(post_hook, "costly@example.com", "wrong")
    unknown = answer_ms(post_hook, "nobody@example.com", "wrong")

    assert {cheap[0], costly[0], unknown[0]} == {"UNVERIFIED"}
    times = [cheap[1], costly[1], unknown[1]]
    assert min(times) >= 392  # nothing answers before the floor
    assert max(times) - min(times) < 40, times
    # A right password is not held back: it reveals nothing the caller did not know.
    right = answer_ms(post_hook, "cheap@example.com", "pw", times=1)
    assert right[0] == "VERIFIED" and right[1] < 300


def test_a_fixed_floor_overrides_the_measured_one(population, post_hook, settings):
    settings.OKTA_HOOK_REFUSAL_FLOOR_MS = 300

    answer, took = answer_ms(post_hook, "cheap@example.com", "wrong", times=1)

    assert answer == "UNVERIFIED" and took >= 295
