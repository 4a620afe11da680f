"""Where a request's time goes: a target answered many times in-process, under pyinstrument.

Runs with the settings `make bench` gives the server (DEBUG off, plain HTTP, the post throttle
lifted) against the database DATABASE_URL names, which must be migrated and seeded already, and
Redis when REDIS_URL is set. Django's test client stands in for gunicorn, so the figures are the
application's share of a request, not the server's.

    DATABASE_URL=sqlite:////tmp/profile.sqlite3 .venv/bin/python bench/profile.py verdict
    .venv/bin/python bench/profile.py fresh --requests 200

Targets: healthz, verdict, compare, questionnaire, claims, repeat, fresh (the benchmark's own).
"""

import argparse
import itertools
import json
import os
import sys
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from run import ANSWERS, environment, fresh_body  # noqa: E402 (the path is set just above)

GETS = {
    "healthz": "/healthz",
    "compare": "/compare/?frameworks=flask,django",
    "questionnaire": "/questionnaire/",
    "claims": "/api/claims/?framework=django",
}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("target", choices=[*GETS, "verdict", "repeat", "fresh"])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--all", action="store_true", help="show the frames of libraries too")
    options = parser.parse_args()
    if not os.environ.get("DATABASE_URL"):
        raise SystemExit("Set DATABASE_URL to a migrated, seeded database.")
    os.environ.update(environment(os.environ["DATABASE_URL"], synthetic=False))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "compare_site.settings")

    import django

    django.setup()
    from django.test import Client
    from pyinstrument import Profiler

    client = Client(HTTP_HOST="127.0.0.1")  # a host the benchmark's ALLOWED_HOSTS names
    request = _request(client, options.target)
    for _ in range(20):  # warm the caches and the imports: the benchmark measures a warm server
        request()
    began = time.perf_counter()
    for _ in range(options.requests):
        request()
    plain = time.perf_counter() - began
    profiler = Profiler(interval=0.0005)
    with profiler:
        for _ in range(options.requests):
            request()
    profiled = profiler.last_session.duration
    print(
        f"{options.target}: {options.requests} requests, {1000 * plain / options.requests:.3f} ms each "
        f"({1000 * profiled / options.requests:.3f} ms under the profiler)"
    )
    print(profiler.output_text(unicode=True, show_all=options.all))


def _request(client, target: str):
    def answered(response, status: int):
        if response.status_code != status:
            raise SystemExit(f"{target}: expected {status}, got {response.status_code}")
        return response

    if target in GETS:
        return lambda: answered(client.get(GETS[target]), 200)
    posted = lambda body: answered(  # noqa: E731 (one line, used three times)
        client.post("/api/recommendations/", json.dumps(body), content_type="application/json"), 201
    )
    if target == "verdict":
        path = urllib.parse.urlsplit(posted({"answers": ANSWERS}).json()["url"]).path
        return lambda: answered(client.get(path), 200)
    if target == "repeat":
        return lambda: posted({"answers": ANSWERS})
    numbers = itertools.count(int.from_bytes(os.urandom(4)) * 1000)
    return lambda: posted(fresh_body(next(numbers)))


if __name__ == "__main__":
    main()
