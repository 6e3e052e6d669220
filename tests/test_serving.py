"""gunicorn's AdmissionWorker serving kept-alive connections: a thread that has answered
serves the connection's next request itself when it comes quickly, and never at the cost
of another connection's request."""

import http.client
import json
import socket
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.conftest import import_request
from tests.live_portal import SECRET, needs_live_services, portal_instances

pytestmark = [pytest.mark.django_db(transaction=True), *needs_live_services]


def _request_bytes(host: str, login: str, password: str) -> bytes:
    body = json.dumps(import_request(login, password)).encode()
    head = (
        f"POST /hooks/password-import HTTP/1.1\r\nHost: {host}\r\n"
        f"Authorization: {SECRET}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


def _answer(response: http.client.HTTPResponse) -> str:
    return json.loads(response.read())["commands"][0]["value"]["credential"]


@pytest.fixture
def one_thread():
    """One instance with one thread: a request waits only if that thread is kept busy."""
    with portal_instances(1, GUNICORN_THREADS="1", GUNICORN_KEEPALIVE_LINGER_MS="50") as bases:
        yield urlsplit(bases[0]).netloc


def test_one_kept_alive_connection_is_served_call_after_call(one_thread, make_user):
    make_user(login="ada@example.com", password="right")
    connection = http.client.HTTPConnection(one_thread, timeout=5)
    answers, sockets = [], set()

    for password in ["wrong", "right", "right", "wrong", "right"]:
        body = json.dumps(import_request("ada@example.com", password))
        connection.request(
            "POST",
            "/hooks/password-import",
            body=body,
            headers={"Authorization": SECRET, "Content-Type": "application/json"},
        )
        answers.append(_answer(connection.getresponse()))
        sockets.add(id(connection.sock))

    assert answers == ["UNVERIFIED", "VERIFIED", "VERIFIED", "UNVERIFIED", "VERIFIED"]
    assert len(sockets) == 1  # never closed in between


def test_pipelined_calls_on_one_connection_are_all_answered(one_thread, make_user):
    make_user(login="ada@example.com", password="right")
    with socket.create_connection(one_thread.split(":"), timeout=5) as raw:
        raw.sendall(
            _request_bytes(one_thread, "ada@example.com", "right")
            + _request_bytes(one_thread, "ada@example.com", "wrong")
        )
        answers = []
        for _ in range(2):
            response = http.client.HTTPResponse(raw)
            response.fp = raw.makefile("rb", buffering=0)  # reads no further than its own
            response.begin()
            answers.append(_answer(response))

    assert answers == ["VERIFIED", "UNVERIFIED"]


def test_an_idle_kept_alive_connection_does_not_hold_the_thread(one_thread, make_user):
    make_user(login="ada@example.com", password="right")
    idle = http.client.HTTPConnection(one_thread, timeout=5)
    idle.request(
        "POST",
        "/hooks/password-import",
        body=json.dumps(import_request("ada@example.com", "right")),
        headers={"Authorization": SECRET, "Content-Type": "application/json"},
    )
    assert _answer(idle.getresponse()) == "VERIFIED"  # and the connection stays open, idle

    other = http.client.HTTPConnection(one_thread, timeout=5)
    started = time.monotonic()
    other.request(
        "POST",
        "/hooks/password-import",
        body=json.dumps(import_request("ada@example.com", "right")),
        headers={"Authorization": SECRET, "Content-Type": "application/json"},
    )
    answer = _answer(other.getresponse())

    # The only thread lingers on the idle connection for at most 50 ms, then gives it back
    # (gunicorn keeps it open for 5 s): the other connection is not kept waiting that long.
    assert answer == "VERIFIED"
    assert time.monotonic() - started < 2.0
    idle.close()
    other.close()


def test_two_instances_on_one_host_do_not_share_a_control_socket(tmp_path):
    """gunicorn's control socket defaults to one path per user and host: the hook's and the
    admin's instances would take each other's. Off unless an instance names its own."""
    import subprocess
    import sys

    check = (
        "ns = {}; exec(open('gunicorn.conf.py').read(), ns); "
        "print(ns['control_socket_disable'], repr(ns['control_socket']))"
    )
    root = Path(__file__).resolve().parent.parent

    def conf(**env):
        result = subprocess.run(
            [sys.executable, "-c", check],
            cwd=root,
            env={"PATH": "/usr/bin:/bin", **env},
            capture_output=True,
            text=True,
            timeout=30,
        )
        return result.stdout.strip()

    assert conf() == "True ''"
    own = str(tmp_path / "hook.ctl")
    assert conf(GUNICORN_CONTROL_SOCKET=own) == f"False {own!r}"
