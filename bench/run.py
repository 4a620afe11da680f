"""Load benchmark: the site under gunicorn with production settings, driven by wrk.

Runs every target against the /healthz baseline, interleaved, several rounds, on the seed data
and then on the synthetic dataset; reports the median ratio to the baseline, latencies, errors
and each worker's resident memory. Writes bench/results/latest.json and the table in
bench/README.md. PostgreSQL when DATABASE_URL is set, otherwise a throwaway SQLite file.

    make bench                      # defaults below
    BENCH_DURATION=10 BENCH_ROUNDS=5 make bench
"""

import json
import os
import platform
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path
from typing import IO

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
README = ROOT / "bench" / "README.md"
GUNICORN_CONFIG = ROOT / "compare_site" / "gunicorn.conf.py"
PYTHON = sys.executable
PORT = int(os.environ.get("BENCH_PORT", "8765"))
BASE = f"http://127.0.0.1:{PORT}"
DURATION = int(os.environ.get("BENCH_DURATION", "5"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "8"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))
ANSWERS = {"answers": {"experience": "experienced", "project": "content-site", "admin": "yes"}}

# Targets as ratios to /healthz in the same run: (seed data, synthetic data).
TARGETS = {
    "GET /verdict/<uuid>/": (0.6, 0.6),
    "POST /api/recommendations/": (0.2, 0.15),
    "GET /api/claims/?framework=django": (0.25, 0.2),
    "GET /compare/?frameworks=flask,django": (0.3, 0.25),
    "GET /questionnaire/": (0.5, 0.5),
}

SOCKET_ERRORS = ("connect", "read", "write", "timeout")

POST_SCRIPT = """wrk.method = "POST"
wrk.body = '{body}'
wrk.headers["Content-Type"] = "application/json"
"""


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


def new_verdict_path() -> str:
    request = urllib.request.Request(
        f"{BASE}/api/recommendations/",
        data=json.dumps(ANSWERS).encode(),
        headers={"Content-Type": "application/json"},
    )
    return urllib.parse.urlsplit(json.load(urllib.request.urlopen(request))["url"]).path


def wrk(path: str, post_script: str | None = None, duration: int = DURATION) -> dict:
    command = ["wrk", f"-t{min(2, CONNECTIONS)}", f"-c{CONNECTIONS}", f"-d{duration}s", "--latency"]
    if post_script:
        command += ["-s", post_script]
    output = subprocess.run([*command, BASE + path], capture_output=True, text=True, check=True).stdout
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
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50_ms": latency_ms("50"),
        "p99_ms": latency_ms("99"),
        "requests": requests,
        "socket_errors": socket_errors,
        "errors": (int(non_2xx.group(1)) if non_2xx else 0) + sum(socket_errors.values()),
    }


def measure(dataset: str, post_script: str) -> dict:
    verdict = new_verdict_path()
    paths = {
        "GET /verdict/<uuid>/": (verdict, None),
        "POST /api/recommendations/": ("/api/recommendations/", post_script),
        "GET /api/claims/?framework=django": ("/api/claims/?framework=django", None),
        "GET /compare/?frameworks=flask,django": ("/compare/?frameworks=flask,django", None),
        "GET /questionnaire/": ("/questionnaire/", None),
    }
    for path, script in [("/healthz", None), *paths.values()]:
        wrk(path, script, duration=2)  # warm-up: caches filled, connections open
    runs = {name: [] for name in paths}
    for round_ in range(1, ROUNDS + 1):
        for name, (path, script) in paths.items():
            baseline = wrk("/healthz")
            target = wrk(path, script)
            runs[name].append(
                {"baseline": baseline, "target": target, "ratio": target["rps"] / baseline["rps"]}
            )
            print(f"  [{dataset} round {round_}] {name}: {target['rps']:.0f} req/s, "
                  f"ratio {runs[name][-1]['ratio']:.2f}", flush=True)  # fmt: skip
    return runs


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
    return "\n".join(lines) + f"\n\nWorker resident memory after each run: {memory}.\n"


def write_readme(results: dict) -> None:
    text = README.read_text()
    machine = results["machine"]
    section = (
        f"<!-- latest -->\nRun on {results['when']}: {machine['cpus']} CPUs, {machine['python']}, "
        f"{results['database']}, gunicorn {WORKERS} sync workers, wrk {CONNECTIONS} connections, "
        f"{DURATION} s per run, {ROUNDS} rounds (median ratio).\n\n{table(results)}<!-- /latest -->"
    )
    README.write_text(re.sub(r"<!-- latest -->.*<!-- /latest -->", section, text, flags=re.S))


def main() -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    scratch = tempfile.mkdtemp(prefix="bench-")
    database_url = os.environ.get("DATABASE_URL") or f"sqlite:///{scratch}/bench.sqlite3"
    post_script = Path(scratch) / "post.lua"
    post_script.write_text(POST_SCRIPT.format(body=json.dumps(ANSWERS)))
    results = {
        "when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "host": platform.node()},
        "database": "PostgreSQL" if database_url.startswith("postgres") else "SQLite",
        "datasets": {},
        "memory_mib": {},
        "raw": {},
    }
    env = environment(database_url, synthetic=False)
    manage(env, "collectstatic", "--no-input")
    manage(env, "migrate", "--no-input")
    manage(env, "seed")
    manage(env, "seed_synthetic", "--remove")  # a previous run stopped half-way leaves nothing behind
    try:
        for index, dataset in enumerate(["seed", "synthetic"]):
            if dataset == "synthetic":
                manage(env, "seed_synthetic", "--frameworks", "50", "--criteria", "100", "--claims", "20000")
            # Sync workers, as for the figures in bench/README.md, so that runs stay comparable.
            server = start_gunicorn(
                environment(database_url, synthetic=dataset == "synthetic"),
                *("--workers", str(WORKERS), "--worker-class", "sync", "--log-level", "warning"),
            )
            try:
                print(f"== {dataset} data", flush=True)
                runs = measure(dataset, str(post_script))
                results["memory_mib"][dataset] = worker_memory_mib(server)
            finally:
                stop(server)
            results["raw"][dataset] = runs
            results["datasets"][dataset] = summarise(runs, index)
    finally:
        manage(env, "seed_synthetic", "--remove")
    (RESULTS / "latest.json").write_text(json.dumps(results, indent=2))
    write_readme(results)
    print(table(results))


if __name__ == "__main__":
    main()
