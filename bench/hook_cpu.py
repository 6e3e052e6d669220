"""The hook's Python cost per call, side by side with the minimal Django hook's.

Each hook is called in a process of its own, one call after another, through its WSGI
application: no HTTP server, no load generator, no other call competing for the cores. What
it prints is the CPU time a call costs the hook's own process (`time.thread_time`), the figure
that decides how many calls two shared cores serve, and that the machine's drift moves far
less than calls per second under wrk (bench/hook_load.py). The calls are hook_load.py's cheap
load ({SSHA}, 1,000 users, the right password, a fresh eventId and end-user address each).

For the portal it also splits the call: the user's lookup (with the failure counters that
can refuse it), the hash check, the statement that records the answer with its audit row (with the
call's metric and log line), the rest of the service, and Django around the view (handler,
middleware, decorators, the payload and the response). `--rounds N` runs peer, portal,
peer, portal... and prints the median ratio.

    .venv/bin/python bench/hook_cpu.py [--calls 4000] [--rounds 3]

Needs PostgreSQL on this machine (databases portal_bench and portal_peer, made as
hook_load.py makes them).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

import hook_load as h

#: The portal's stages, as (module, function name) wrapped in the child to time them.
STAGES = {
    "lookup": ("legacy_users.services.password_import", "_look_up"),
    "hash check": ("legacy_users.services.password_import", "check_password"),
    "answer + audit": ("legacy_users.services.password_import", "_answer"),
    "service": ("hooks.views", "password_import_verify"),
    "payload": ("hooks.views", "PasswordImportRequest.from_request"),
    "response": ("hooks.views", "password_import_response"),
}
#: Stages inside the service (the rest of it is its own work).
INSIDE_SERVICE = ("lookup", "hash check", "answer + audit")


def _body(n: int) -> bytes:
    i = random.randrange(1000)
    address = ".".join(str(random.randrange(1, 255)) for _ in range(3))
    return json.dumps(
        {
            "eventId": f"ev{n}-{random.randrange(10**9)}",
            "eventTime": "2020-01-17T21:23:56.000Z",
            "eventType": "com.okta.user.credential.password.import",
            "eventTypeVersion": "1.0",
            "contentType": "application/json",
            "cloudEventVersion": "0.1",
            "source": "https://example.okta.com/api/v1/inlineHooks/cal2xd5phv9fsPLcF0g7",
            "data": {
                "context": {
                    "request": {
                        "id": f"req{n}",
                        "method": "POST",
                        "url": {"value": "/api/v1/authn"},
                        "ipAddress": f"10.{address}",
                    },
                    "credential": {"username": f"user{i}@example.com", "password": f"pw-{i}"},
                },
                "action": {"credential": "UNVERIFIED"},
            },
        }
    ).encode()


def _timed(spent: dict[str, float], name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    def timed(*args: Any, **kwargs: Any) -> Any:
        started = time.thread_time()
        try:
            return function(*args, **kwargs)
        finally:
            spent[name] += time.thread_time() - started

    return timed


def child(server: str, calls: int) -> None:
    """Runs in the hook's own process: prints one JSON line of microseconds per call."""
    spent = dict.fromkeys(STAGES, 0.0)
    if server == "portal":
        os.environ.update(h.portal_env())
        sys.path.insert(0, str(h.ROOT))
        from migration_portal.wsgi import application

        path = h.SERVERS["portal"][1]
        for name, (module, dotted) in STAGES.items():
            target: Any = __import__(module, fromlist=["_"])
            *owners, function = dotted.split(".")
            for owner in owners:
                target = getattr(target, owner)
            wrapped = _timed(spent, name, getattr(target, function))
            setattr(target, function, staticmethod(wrapped) if owners else wrapped)
    else:
        os.environ["PEER_DB"] = "portal_peer"
        sys.path.insert(0, str(h.PEERS))
        from django_minimal_hook import application  # type: ignore[import-not-found]

        path = h.SERVERS["peer"][1]

    def call(body: bytes) -> None:
        environ = {
            "REQUEST_METHOD": "POST",
            "PATH_INFO": path,
            "SCRIPT_NAME": "",
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "8000",
            "HTTP_HOST": "127.0.0.1",
            "REMOTE_ADDR": "127.0.0.1",
            "CONTENT_TYPE": "application/json",
            "CONTENT_LENGTH": str(len(body)),
            "HTTP_AUTHORIZATION": h.SECRET,
            "wsgi.input": io.BytesIO(body),
            "wsgi.errors": sys.stderr,
            "wsgi.url_scheme": "http",
        }
        status: list[str] = []
        b"".join(application(environ, lambda s, headers, exc=None: status.append(s)))
        if not status or not status[0].startswith("200"):
            raise SystemExit(f"{server} answered {status}")

    for n in range(300):  # warm up: connections, prepared statements, caches
        call(_body(n))
    for name in spent:
        spent[name] = 0.0
    bodies = [_body(300 + n) for n in range(calls)]
    started_cpu, started_wall = time.thread_time(), time.perf_counter()
    for body in bodies:
        call(body)
    cpu = time.thread_time() - started_cpu
    wall = time.perf_counter() - started_wall
    per = {name: seconds / calls * 1e6 for name, seconds in spent.items()}
    print(json.dumps({"cpu": cpu / calls * 1e6, "wall": wall / calls * 1e6, "stages": per}))


def measure(server: str, calls: int) -> dict[str, Any]:
    command = [str(h.PY), __file__, "--child", server, "--calls", str(calls)]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    result: dict[str, Any] = json.loads(output.strip().splitlines()[-1])
    return result


def split(result: dict[str, Any]) -> str:
    """The portal's call, stage by stage (µs of CPU)."""
    stages = result["stages"]
    parts = {name: stages[name] for name in INSIDE_SERVICE}
    parts["rest of the service"] = stages["service"] - sum(parts.values())
    parts["payload"], parts["response"] = stages["payload"], stages["response"]
    parts["Django and the view's decorators"] = (
        result["cpu"] - stages["service"] - stages["payload"] - stages["response"]
    )
    return ", ".join(f"{name} {value:.0f}" for name, value in parts.items())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--calls", type=int, default=4000)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--child", choices=("peer", "portal"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.calls)
        return
    h.prepare("cheap")
    print(f"cheap load ({{SSHA}}), {args.calls} calls in a row per hook, µs per call")
    print(f"{'server':<7} {'cpu':>7} {'wall':>7}  ratio of cpu")
    ratios = []
    for _ in range(args.rounds):
        results = {server: measure(server, args.calls) for server in ("peer", "portal")}
        ratio = results["portal"]["cpu"] / results["peer"]["cpu"]
        ratios.append(ratio)
        for server, r in results.items():
            tail = f"{ratio:.2f}x peer" if server == "portal" else ""
            print(f"{server:<7} {r['cpu']:>7.0f} {r['wall']:>7.0f}  {tail}", flush=True)
        print(f"        portal: {split(results['portal'])}", flush=True)
    if len(ratios) > 1:
        print(
            f"portal median of {len(ratios)}: {statistics.median(ratios):.2f}x the peer's CPU "
            f"per call ({', '.join(f'{r:.2f}' for r in ratios)})"
        )


if __name__ == "__main__":
    main()
