"""Load benchmark: the site under gunicorn with production settings, driven by wrk.

Runs every target against the /healthz baseline, interleaved, several rounds, on the seed data
and then on the synthetic dataset; reports the median ratio to the baseline, latencies, errors
and each worker's resident memory. Then the cost growth: the time of a fresh verdict, posted one
at a time, at three dataset sizes. The configuration is the database DATABASE_URL names
(PostgreSQL, or a throwaway SQLite file when unset), with Redis when REDIS_URL is set; each
configuration writes bench/results/<configuration>.json and its own table in bench/README.md.

    make bench                      # defaults below
    BENCH_DURATION=10 BENCH_ROUNDS=5 make bench
"""

import json
import os
import platform
import random
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import IO

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
README = ROOT / "bench" / "README.md"
GUNICORN_CONFIG = ROOT / "compare_site" / "gunicorn.conf.py"
POST_SCRIPT = ROOT / "bench" / "recommendations.lua"
PYTHON = sys.executable
PORT = int(os.environ.get("BENCH_PORT", "8765"))
BASE = f"http://127.0.0.1:{PORT}"
DURATION = int(os.environ.get("BENCH_DURATION", "5"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "8"))
THREADS = min(2, CONNECTIONS)
WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))
COST_POSTS = int(os.environ.get("BENCH_COST_POSTS", "50"))
ANSWERS = {"experience": "experienced", "project": "content-site", "admin": "yes"}

REPEAT_POST = "POST /api/recommendations/ (repeat)"
FRESH_POST = "POST /api/recommendations/ (fresh weighting)"

# Targets as ratios to /healthz in the same run: (seed data, synthetic data).
TARGETS = {
    "GET /verdict/<uuid>/": (0.8, 0.75),
    "GET /compare/?frameworks=flask,django": (0.7, 0.5),
    "GET /questionnaire/": (0.7, 0.7),
    "GET /api/claims/?framework=django": (0.6, 0.5),
    REPEAT_POST: (0.35, 0.3),
    FRESH_POST: (0.2, 0.1),
}

# The dataset sizes of the cost growth, as seed_synthetic's frameworks, criteria and claims (none:
# the seed data alone). The throughput targets are measured on the first and the last.
SIZES = {"seed": None, "small synthetic": (10, 30, 2000), "synthetic": (50, 100, 20000)}
THROUGHPUT_SIZES = ("seed", "synthetic")

# The fresh weightings are numbers spelled as weights (bench/recommendations.lua); each use
# takes the next block of them. The first block is random, so that runs on a database kept from
# an earlier run do not post the weightings it already stored.
WEIGHTINGS = 11**10
WEIGHTING_BLOCK = 10**7  # more posts than any one wrk run makes
WEIGHTED_CRITERIA = (
    "ease-of-learning", "built-in-features", "flexibility", "orm", "security",
    "async-support", "performance", "community-docs", "rest-api-tooling", "lightweight",
)  # fmt: skip

SOCKET_ERRORS = ("connect", "read", "write", "timeout")


class WeightingBlocks:
    def __init__(self) -> None:
        self.next = random.randrange(WEIGHTINGS // WEIGHTING_BLOCK)

    def take(self) -> int:
        start = self.next * WEIGHTING_BLOCK
        self.next = (self.next + 1) % (WEIGHTINGS // WEIGHTING_BLOCK)
        return start


def fresh_body(number: int) -> dict:
    """The body bench/recommendations.lua posts for weighting `number`."""
    weights = {}
    for slug in WEIGHTED_CRITERIA:
        number, weights[slug] = divmod(number, 11)
    return {"answers": ANSWERS, "weights": weights}


def configuration(database_url: str) -> str:
    database = "PostgreSQL" if database_url.startswith("postgres") else "SQLite"
    return f"{database} + Redis" if os.environ.get("REDIS_URL", "").strip() else database


def environment(database_url: str, synthetic: bool, real_throttle: bool = False) -> dict:
    env = {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": "benchmark-only-not-a-secret",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "HTTPS": "false",  # wrk speaks plain HTTP to gunicorn: no TLS proxy in front to redirect to
        "DATABASE_URL": database_url,
        "INCLUDE_SYNTHETIC_DATA": "true" if synthetic else "false",
    }
    if not real_throttle:
        env["API_ANONYMOUS_POST_RATE"] = "1000000/second"  # the benchmark posts far faster than a visitor
    return env


def manage(env: dict, *args: str) -> str:
    done = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    if done.returncode:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{done.stderr}")
    return done.stdout


def start_gunicorn(env: dict, *options: str, log: IO | None = None) -> subprocess.Popen:
    """gunicorn with the production configuration, `options` overriding it; its output to `log`."""
    server = subprocess.Popen(
        [PYTHON, "-m", "gunicorn", "--config", str(GUNICORN_CONFIG), "--bind", f"127.0.0.1:{PORT}", *options],
        cwd=ROOT, env=env, stdout=log, stderr=log,
    )  # fmt: skip
    for _ in range(100):
        try:
            urllib.request.urlopen(f"{BASE}/healthz", timeout=1).read()
            return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("gunicorn did not answer /healthz within 20 s")


def stop(server: subprocess.Popen) -> None:
    server.send_signal(signal.SIGTERM)
    server.wait(timeout=30)


def worker_memory_mib(server: subprocess.Popen) -> list[float]:
    """Resident memory of each gunicorn worker (the master's children)."""
    children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
    sizes = []
    for pid in children:
        status = Path(f"/proc/{pid}/status").read_text()
        sizes.append(int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1)) / 1024)
    return sizes


def settle() -> None:
    """Waits until every worker answers /healthz at once: wrk stops sending when its time is up,
    but sync workers still serve what is queued (slow posts take seconds), which must not count
    against the next run."""

    def healthz_seconds(_: int) -> float:
        began = time.perf_counter()
        urllib.request.urlopen(f"{BASE}/healthz", timeout=60).read()
        return time.perf_counter() - began

    with ThreadPoolExecutor(WORKERS) as pool:
        for _ in range(100):
            if max(pool.map(healthz_seconds, range(WORKERS))) < 0.05:
                return


def post_recommendation(body: dict) -> dict:
    request = urllib.request.Request(
        f"{BASE}/api/recommendations/",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request) as answer:  # a 4xx or 5xx raises: the run stops
        if answer.status != 201:
            raise SystemExit(f"POST /api/recommendations/ answered {answer.status}, not 201")
        return json.load(answer)


def new_verdict_path() -> str:
    return urllib.parse.urlsplit(post_recommendation({"answers": ANSWERS})["url"]).path


def wrk(path: str, script_args: list[str] | None = None, duration: int = DURATION) -> dict:
    command = ["wrk", f"-t{THREADS}", f"-c{CONNECTIONS}", f"-d{duration}s", "--latency"]
    if script_args is not None:
        command += ["-s", str(POST_SCRIPT), BASE + path, "--", *script_args]
    else:
        command.append(BASE + path)
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    settle()
    return parse_wrk(output)


def parse_wrk(output: str) -> dict:
    def latency_ms(percentile: str) -> float:
        value, unit = re.search(rf"^\s+{percentile}%\s+([\d.]+)(us|ms|s)\s*$", output, re.M).groups()
        return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]

    requests = int(re.search(r"(\d+) requests in", output).group(1))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    # wrk prints this line only when there was at least one socket error.
    socket = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    socket_errors = dict(zip(SOCKET_ERRORS, map(int, socket.groups()) if socket else [0] * 4, strict=True))
    # Counted by bench/recommendations.lua: a post must answer 201, any other status is an error.
    statuses = {int(s): int(n) for s, n in re.findall(r"^status (\d+) (\d+)$", output, re.M)}
    wrong = sum(n for s, n in statuses.items() if s != 201) if statuses else 0
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50_ms": latency_ms("50"),
        "p99_ms": latency_ms("99"),
        "requests": requests,
        "statuses": statuses,
        "socket_errors": socket_errors,
        "errors": max(int(non_2xx.group(1)) if non_2xx else 0, wrong) + sum(socket_errors.values()),
    }


def measure(dataset: str, weightings: WeightingBlocks) -> dict:
    answers = json.dumps(ANSWERS)
    verdict = new_verdict_path()
    # A script's arguments, or a function giving them for each run (a fresh block of weightings).
    paths = {
        "GET /verdict/<uuid>/": (verdict, None),
        "GET /compare/?frameworks=flask,django": ("/compare/?frameworks=flask,django", None),
        "GET /questionnaire/": ("/questionnaire/", None),
        "GET /api/claims/?framework=django": ("/api/claims/?framework=django", None),
        REPEAT_POST: ("/api/recommendations/", lambda: [answers, "repeat"]),
        FRESH_POST: (
            "/api/recommendations/",
            lambda: [answers, "fresh", str(weightings.take()), str(THREADS)],
        ),
    }
    for path, script in [("/healthz", None), *paths.values()]:
        wrk(path, script and script(), duration=2)  # warm-up: caches filled, connections open
    runs = {name: [] for name in paths}
    for round_ in range(1, ROUNDS + 1):
        before = wrk("/healthz")
        for name, (path, script) in paths.items():
            target = wrk(path, script and script())
            after = wrk("/healthz")
            # /healthz just after a run of fresh posts can still be slowed by their aftermath: the
            # better of the two baselines either side keeps a slowed one from flattering a target.
            baseline = max(before, after, key=lambda run: run["rps"])
            runs[name].append(
                {"baseline": baseline, "target": target, "ratio": target["rps"] / baseline["rps"]}
            )
            before = after
            print(f"  [{dataset} round {round_}] {name}: {target['rps']:.0f} req/s, "
                  f"ratio {runs[name][-1]['ratio']:.2f}, errors {target['errors']}", flush=True)  # fmt: skip
    return runs


def fresh_verdict_ms(weightings: WeightingBlocks) -> list[float]:
    """COST_POSTS fresh weightings posted one after another, after a few to warm the workers."""
    start = weightings.take()
    for number in range(start, start + 2 * WORKERS):
        post_recommendation(fresh_body(number))
    times = []
    for number in range(start + 2 * WORKERS, start + 2 * WORKERS + COST_POSTS):
        began = time.perf_counter()
        post_recommendation(fresh_body(number))
        times.append((time.perf_counter() - began) * 1000)
    return times


def summarise(runs: dict, dataset_index: int) -> list[dict]:
    rows = []
    for name, samples in runs.items():
        middle = sorted(samples, key=lambda s: s["ratio"])[len(samples) // 2]
        target = TARGETS[name][dataset_index]
        rows.append(
            {
                "target": name,
                "rps": statistics.median(s["target"]["rps"] for s in samples),
                "p50_ms": middle["target"]["p50_ms"],
                "p99_ms": middle["target"]["p99_ms"],
                "errors": sum(s["target"]["errors"] for s in samples),
                "baseline_rps": statistics.median(s["baseline"]["rps"] for s in samples),
                "ratio": statistics.median(s["ratio"] for s in samples),
                "goal": target,
                "met": statistics.median(s["ratio"] for s in samples) >= target
                and not any(s["target"]["errors"] for s in samples),
            }
        )
    return rows


def summarise_cost(times: list[float], memory: list[float]) -> dict:
    return {
        "posts": len(times),
        "median_ms": statistics.median(times),
        "p90_ms": statistics.quantiles(times, n=10)[-1] if len(times) > 1 else times[0],
        "memory_mib": memory,
    }


def table(results: dict) -> str:
    lines = [
        "| dataset | target | req/s | p50 ms | p99 ms | errors | /healthz req/s | ratio | goal | met |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for dataset, rows in results["datasets"].items():
        for r in rows:
            lines.append(
                f"| {dataset} | `{r['target']}` | {r['rps']:.0f} | {r['p50_ms']:.1f} | {r['p99_ms']:.1f} "
                f"| {r['errors']} | {r['baseline_rps']:.0f} | {r['ratio']:.2f} | {r['goal']} "
                f"| {'yes' if r['met'] else '**no**'} |"
            )
    memory = ", ".join(
        f"{dataset}: {', '.join(f'{m:.0f}' for m in sizes)} MiB"
        for dataset, sizes in results["memory_mib"].items()
    )
    lines += [
        "",
        f"Worker resident memory after each run: {memory}.",
        "",
        f"Cost growth: {results['settings']['cost_posts']} fresh weightings posted one at a time "
        "to the running server.",
        "",
        "| dataset | synthetic frameworks/criteria/claims | fresh verdict median ms | p90 ms | worker MiB |",
        "| --- | --- | ---: | ---: | ---: |",
    ]
    for dataset, cost in results["cost"].items():
        size = "/".join(map(str, SIZES[dataset])) if SIZES[dataset] else "none"
        memory = ", ".join(f"{m:.0f}" for m in cost["memory_mib"])
        lines.append(f"| {dataset} | {size} | {cost['median_ms']:.1f} | {cost['p90_ms']:.1f} | {memory} |")
    return "\n".join(lines) + "\n"


def write_readme(results: dict) -> None:
    """Rewrites this configuration's section only: each keeps its own latest run."""
    label = results["configuration"]
    machine, settings = results["machine"], results["settings"]
    start, end = f"<!-- latest: {label} -->", f"<!-- /latest: {label} -->"
    section = (
        f"{start}\nRun on {results['when']}: {machine['cpus']} CPUs, {machine['python']}, {label}, "
        f"gunicorn {settings['workers']} sync workers, wrk {settings['connections']} connections, "
        f"{settings['duration_s']} s per run, {settings['rounds']} rounds (median ratio).\n\n"
        f"{table(results)}{end}"
    )
    text = README.read_text()
    pattern = re.compile(re.escape(start) + ".*?" + re.escape(end), re.S)
    if pattern.search(text):
        text = pattern.sub(lambda _: section, text)
    else:
        text = text.rstrip("\n") + f"\n\n### {label}\n\n{section}\n"
    README.write_text(text)


def load_size(env: dict, size: tuple[int, int, int] | None) -> None:
    manage(env, "seed_synthetic", "--remove")
    if size:
        frameworks, criteria, claims = map(str, size)
        manage(env, "seed_synthetic", "--frameworks", frameworks, "--criteria", criteria, "--claims", claims)


def main() -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    scratch = tempfile.mkdtemp(prefix="bench-")
    database_url = os.environ.get("DATABASE_URL") or f"sqlite:///{scratch}/bench.sqlite3"
    label = configuration(database_url)
    results = {
        "when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "host": platform.node()},
        "configuration": label,
        "settings": {
            "workers": WORKERS,
            "connections": CONNECTIONS,
            "duration_s": DURATION,
            "rounds": ROUNDS,
            "cost_posts": COST_POSTS,
        },
        "datasets": {},
        "memory_mib": {},
        "cost": {},
        "raw": {},
    }
    weightings = WeightingBlocks()
    env = environment(database_url, synthetic=False)
    manage(env, "collectstatic", "--no-input")
    manage(env, "migrate", "--no-input")
    manage(env, "seed")
    try:
        for dataset, size in SIZES.items():
            load_size(env, size)  # the removal first: a run stopped half-way leaves nothing behind
            # Sync workers, as for the figures in bench/README.md, so that runs stay comparable.
            server = start_gunicorn(
                environment(database_url, synthetic=size is not None),
                *("--workers", str(WORKERS), "--worker-class", "sync", "--log-level", "warning"),
            )
            try:
                print(f"== {label}, {dataset} data", flush=True)
                if dataset in THROUGHPUT_SIZES:
                    runs = measure(dataset, weightings)
                    results["memory_mib"][dataset] = worker_memory_mib(server)
                    results["raw"][dataset] = runs
                    results["datasets"][dataset] = summarise(runs, THROUGHPUT_SIZES.index(dataset))
                times = fresh_verdict_ms(weightings)
                results["cost"][dataset] = summarise_cost(times, worker_memory_mib(server))
                results["raw"][f"{dataset} fresh verdict ms"] = times
            finally:
                stop(server)
    finally:
        manage(env, "seed_synthetic", "--remove")
    slug = re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")
    (RESULTS / f"{slug}.json").write_text(json.dumps(results, indent=2))
    write_readme(results)
    print(table(results))


if __name__ == "__main__":
    main()
