"""Load run: the production configuration under sustained concurrent load, driven by wrk.

gunicorn (compare_site/gunicorn.conf.py, DEBUG off) on PostgreSQL and Redis serves one wrk run
(bench/load.lua) that cycles through the verdict, compare and questionnaire pages, two API reads
and the recommendation post at the real anonymous throttle rate, so most posts are refused. A
short warm-up with the same load comes first. The run fails on any 5xx or any 4xx other than 429
(a request answered 4xx measures nothing), warm-up included; on any socket error (connect, read,
write, timeout) in the run itself; or when no post was throttled (the 429 path went untested).
Writes bench/results/load.json; gunicorn's and Django's log go to bench/results/load-server.log.

    make load                                       # 60 s, 64 connections
    LOAD_DURATION=10 LOAD_CONNECTIONS=16 make load  # a quick trial; LOAD_WARMUP (s) defaults to 5

LOAD_DATABASE_URL defaults to the database compare_site_load on the local PostgreSQL server,
created if missing; LOAD_REDIS_URL to Redis database 13 on the local server, which is flushed
first: throttle counters and cached pages left by an earlier run would change the figures.
"""

import json
import os
import platform
import re
import subprocess
import time

import psycopg
import redis
from psycopg import sql
from run import (
    ANSWERS,
    BASE,
    GUNICORN_CONFIG,
    PYTHON,
    RESULTS,
    ROOT,
    environment,
    manage,
    new_verdict_path,
    parse_wrk,
    start_gunicorn,
    stop,
    worker_memory_mib,
)

DURATION = int(os.environ.get("LOAD_DURATION", "60"))
WARMUP = int(os.environ.get("LOAD_WARMUP", "5"))
CONNECTIONS = int(os.environ.get("LOAD_CONNECTIONS", "64"))
# Variables of their own: the run migrates and seeds this database and flushes this Redis database,
# which must never be the ones DATABASE_URL and REDIS_URL name for the site itself.
DATABASE_URL = os.environ.get("LOAD_DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/compare_site_load"
REDIS_URL = os.environ.get("LOAD_REDIS_URL") or "redis://127.0.0.1:6379/13"
SCRIPT = ROOT / "bench" / "load.lua"
SERVER_LOG = RESULTS / "load-server.log"
CLASSES = ("2xx/3xx", "429", "other 4xx", "5xx")


def create_database(url: str) -> None:
    name = psycopg.conninfo.conninfo_to_dict(url)["dbname"]
    with psycopg.connect(url, dbname="postgres", autocommit=True) as connection:
        if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def gunicorn_settings(env: dict) -> dict:
    """The settings as gunicorn resolves them: the config file, then GUNICORN_CMD_ARGS."""
    output = subprocess.run(
        [PYTHON, "-m", "gunicorn", "--config", str(GUNICORN_CONFIG), "--print-config"],
        cwd=ROOT, env=env, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    resolved = dict(re.findall(r"^(\w+)\s+= (.*)$", output, re.M))
    return {name: resolved[name] for name in ("workers", "worker_class", "threads", "backlog", "timeout")}


def post_rate(env: dict) -> str:
    """The anonymous post throttle the server runs with: API_ANONYMOUS_POST_RATE or the default."""
    code = "from django.conf import settings; print(settings.ANONYMOUS_POST_RATE)"
    return manage(env, "shell", "--no-imports", "-c", code).strip()


def status_class(status: int) -> str:
    if status == 429:
        return "429"
    if status >= 500:
        return "5xx"
    if status >= 400:
        return "other 4xx"
    return "2xx/3xx"


def run_wrk(verdict_path: str, duration: int) -> dict:
    command = [
        "wrk", f"-t{min(2, CONNECTIONS)}", f"-c{CONNECTIONS}", f"-d{duration}s", "--latency",
        "-s", str(SCRIPT), BASE + "/", "--", verdict_path, json.dumps(ANSWERS),
    ]  # fmt: skip
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    # load.lua's done() prints "status <code> <count>" after wrk's own report.
    lines = re.findall(r"^status (\d+) (\d+)$", output, re.M)
    statuses = sorted((int(status), int(count)) for status, count in lines)
    classes = dict.fromkeys(CLASSES, 0)
    for status, count in statuses:
        classes[status_class(status)] += count
    return {**parse_wrk(output), "statuses": dict(statuses), "classes": classes, "output": output}


def failures(run: dict, warmup: dict) -> list[str]:
    found = []
    for name, classes in (("warm-up", warmup["classes"]), ("load run", run["classes"])):
        if classes["5xx"]:
            found.append(f"{name}: {classes['5xx']} responses were 5xx")
        if classes["other 4xx"]:
            found.append(f"{name}: {classes['other 4xx']} responses were 4xx other than 429")
    if any(run["socket_errors"].values()):
        found.append(f"load run: socket errors {run['socket_errors']}")
    if not run["classes"]["429"]:
        found.append("load run: no post was throttled (429), so the throttle went untested")
    return found


def describe(run: dict) -> str:
    def listed(counts: dict) -> str:
        return ", ".join(f"{name} {count}" for name, count in counts.items())

    return (
        f"{run['requests']} requests, {run['rps']:.0f} req/s, latency p50 {run['p50_ms']:.0f} ms, "
        f"p99 {run['p99_ms']:.0f} ms\n  by class: {listed(run['classes'])}\n"
        f"  by status: {listed(run['statuses'])}\n  socket errors: {listed(run['socket_errors'])}"
    )


def summary(results: dict) -> str:
    gunicorn = results["gunicorn"]
    return (
        f"gunicorn {gunicorn['workers']} {gunicorn['worker_class']} workers x {gunicorn['threads']} "
        f"threads; {results['database']}, Redis; throttle {results['post_rate']}; "
        f"{results['connections']} connections\n"
        f"warm-up, {results['warmup_s']} s from a cold start: {describe(results['warmup'])}\n"
        f"load run, {results['duration_s']} s: {describe(results['wrk'])}\n"
        f"server log {SERVER_LOG.relative_to(ROOT)}: {results['tracebacks']} tracebacks; "
        f"worker memory {', '.join(f'{m:.0f}' for m in results['memory_mib'])} MiB"
    )


def main() -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    if DATABASE_URL.startswith("postgres"):
        create_database(DATABASE_URL)
    redis.Redis.from_url(REDIS_URL).flushdb()
    env = environment(DATABASE_URL, synthetic=False, real_throttle=True) | {"REDIS_URL": REDIS_URL}
    manage(env, "collectstatic", "--no-input")
    manage(env, "migrate", "--no-input")
    manage(env, "seed")
    results = {
        "when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "host": platform.node()},
        "database": "PostgreSQL" if DATABASE_URL.startswith("postgres") else "SQLite",
        "post_rate": post_rate(env),
        "warmup_s": WARMUP,
        "duration_s": DURATION,
        "connections": CONNECTIONS,
        "gunicorn": gunicorn_settings(env),
    }
    with SERVER_LOG.open("w") as log:
        server = start_gunicorn(env, log=log)
        try:
            verdict_path = new_verdict_path()
            print(f"wrk: {WARMUP} s warm-up, then {DURATION} s, {CONNECTIONS} connections ...", flush=True)
            # A fresh worker's first requests import the URLconf and every view, open database
            # connections and fill the caches; on a busy machine 64 connections arriving at once
            # can then wait past wrk's 2 s timeout. That start is reported, not gated on timeouts.
            results["warmup"] = run_wrk(verdict_path, WARMUP)
            results["wrk"] = run_wrk(verdict_path, DURATION)
            results["memory_mib"] = worker_memory_mib(server)
        finally:
            stop(server)
    results["tracebacks"] = SERVER_LOG.read_text().count("Traceback")
    results["failures"] = failures(results["wrk"], results["warmup"])
    (RESULTS / "load.json").write_text(json.dumps(results, indent=2))
    print(summary(results))
    if results["failures"]:
        raise SystemExit("FAILED: " + "; ".join(results["failures"]))
    print("passed: no 5xx, no socket errors, throttled posts answered 429")


if __name__ == "__main__":
    main()
