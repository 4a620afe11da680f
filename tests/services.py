"""Throwaway PostgreSQL, Redis and gunicorn for the service tests.

Each runs on a free port of 127.0.0.1 from a temporary folder, so the tests may stop, pause and
restart them at will; the machine's shared servers (5432, 6379) are never touched. A missing binary
skips the test (which fails it in CI, where everything must run).
"""

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import redis

ROOT = Path(__file__).resolve().parent.parent
GUNICORN_CONFIG = ROOT / "compare_site" / "gunicorn.conf.py"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until(condition: Callable[[], bool], seconds: float, what: str) -> float:
    """Poll `condition` until it holds; the seconds it took. Fails the test after `seconds`."""
    start = time.monotonic()
    while not condition():
        if time.monotonic() - start > seconds:
            pytest.fail(f"{what}: not within {seconds} s")
        time.sleep(0.1)
    return time.monotonic() - start


class _Service:
    """Used as `with Service(...) as service:`, so that it is closed however the block ends."""

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def start(self) -> None:
        raise NotImplementedError

    def stop(self) -> None:
        raise NotImplementedError

    @contextlib.contextmanager
    def down(self) -> Iterator[None]:
        """Stopped inside the block, started again on the same port after it, whatever happened
        (a new redis-server starts empty)."""
        self.stop()
        try:
            yield
        finally:
            self.start()

    def close(self) -> None:
        raise NotImplementedError


def _binary(path_or_name: str) -> str:
    found = shutil.which(path_or_name)
    if found is None:
        pytest.skip(f"{path_or_name} is not installed")
    return found


class Postgres(_Service):
    """A PostgreSQL cluster of its own: trust authentication, TCP on 127.0.0.1, sockets in its folder.

    initdb refuses to run as root, so as root the cluster belongs to the postgres user.
    """

    def __init__(self):
        initdb = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
        if not initdb:
            pytest.skip("PostgreSQL's server binaries (initdb, pg_ctl) are not installed")
        self._bin = initdb[-1].parent
        self._as_owner = [_binary("runuser"), "-u", "postgres", "--"] if os.geteuid() == 0 else []
        self.folder = Path(tempfile.mkdtemp(prefix="compare-site-postgres-"))
        if self._as_owner:
            shutil.chown(self.folder, "postgres", "postgres")
        self.port = free_port()
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/compare_site"
        try:
            self._run("initdb", "--pgdata", "data", "--auth", "trust", "--username", "postgres", "--no-sync")
            self.start()
            self._run(
                "psql", "--host", "127.0.0.1", "--port", str(self.port), "--username", "postgres",
                "--command", "CREATE DATABASE compare_site",
            )  # fmt: skip
        except BaseException:
            self.close()
            raise

    def _run(self, program: str, *args: str) -> None:
        done = subprocess.run(
            [*self._as_owner, str(self._bin / program), *args],
            cwd=self.folder,
            capture_output=True,
            text=True,
        )
        if done.returncode:
            raise RuntimeError(f"{program} failed:\n{done.stdout}\n{done.stderr}")

    def start(self) -> None:
        # Durability is not what these tests are about: fsync off makes the cluster quick.
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run("pg_ctl", "start", "--pgdata", "data", "--wait", "--log", "postgres.log", "-o", options)

    def stop(self) -> None:
        """A fast shutdown: sessions are ended, as in a restart or a failover."""
        self._run("pg_ctl", "stop", "--pgdata", "data", "--wait", "--mode", "fast")

    def close(self) -> None:
        if (self.folder / "data" / "postmaster.pid").exists():
            self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)


class Redis(_Service):
    """A redis-server of its own that keeps nothing on disk; it can be stopped, paused and restarted."""

    def __init__(self):
        self._binary = _binary("redis-server")
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.client = redis.Redis(port=self.port, socket_timeout=2)
        self._process: subprocess.Popen | None = None
        self.start()

    def start(self) -> None:
        keep_nothing = ["--save", "", "--appendonly", "no"]
        self._process = subprocess.Popen(
            [self._binary, "--port", str(self.port), "--bind", "127.0.0.1", *keep_nothing],
            stdout=subprocess.DEVNULL,
        )
        try:
            wait_until(self._answers, 10, f"redis-server on port {self.port} answers")
        except BaseException:
            self._process.kill()
            raise

    def _answers(self) -> bool:
        try:
            return self.client.ping()
        except redis.ConnectionError:
            return False

    def stop(self) -> None:
        self._process.terminate()
        self._process.wait(timeout=10)

    @contextlib.contextmanager
    def hung(self) -> Iterator[None]:
        """Hung, not gone, inside the block: the kernel still accepts connections, nothing answers."""
        self._process.send_signal(signal.SIGSTOP)
        try:
            yield
        finally:
            self._process.send_signal(signal.SIGCONT)

    def close(self) -> None:
        if self._process.poll() is None:
            self.stop()


# What a process needs from the test run's environment; nothing else of it leaks into the site.
PASSED_ON = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "TZ")


def production_environment(database_url: str, redis_url: str, static_root: Path) -> dict[str, str]:
    """The site's settings as in production (DEBUG off), on these services and nothing else."""
    return {
        **{name: os.environ[name] for name in PASSED_ON if name in os.environ},
        "DJANGO_SETTINGS_MODULE": "tests.service_settings",
        "SERVICE_TESTS_STATIC_ROOT": str(static_root),
        "DEBUG": "false",
        "SECRET_KEY": "service-tests-only-not-a-secret",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "HTTPS": "false",  # the tests talk plain HTTP to gunicorn, as to an app behind a proxy ending TLS
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "API_ANONYMOUS_POST_RATE": "100000/minute",  # the tests post faster than any visitor
    }


def manage(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if done.returncode:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{done.stderr}")
    return done.stdout


def prepare_database(env: dict[str, str]) -> None:
    """What a deploy does before the app server starts: static files, migrations, the seed data."""
    manage(env, "collectstatic", "--no-input")
    manage(env, "migrate", "--no-input")
    manage(env, "seed")


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode()

    def json(self):
        return json.loads(self.body)

    def __repr__(self) -> str:  # what an assertion shows: the status and the start of the body
        return f"Response({self.status}, {self.body[:300]!r})"


class Site(_Service):
    """The site under gunicorn's production configuration with `workers` workers; its stderr (the
    log) goes to a file."""

    def __init__(self, env: dict[str, str], log: Path, workers: int = 2):
        self.port = free_port()
        self.log_path = log
        with log.open("wb") as stderr:
            self._process = subprocess.Popen(
                [
                    sys.executable, "-m", "gunicorn", "--config", str(GUNICORN_CONFIG),
                    "--bind", f"127.0.0.1:{self.port}", "--workers", str(workers), "--log-level", "warning",
                ],
                cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=stderr,
            )  # fmt: skip
        try:
            wait_until(self._answers, 30, f"gunicorn on port {self.port} answers /healthz")
        except BaseException:  # pytest.fail's exception too: no server is left behind
            self.close()
            raise

    def _answers(self) -> bool:
        if self._process.poll() is not None:
            pytest.fail(f"gunicorn exited with {self._process.returncode}:\n{self.log()}")
        try:
            return self.request("GET", "/healthz").status == 200
        except OSError:
            return False

    def request(self, method: str, path: str, data=None, token: str = "") -> Response:
        """One request; JSON in when `data` is given; any status comes back, never raised."""
        headers = {"Authorization": f"Token {token}"} if token else {}
        body = None
        if data is not None:
            body, headers["Content-Type"] = json.dumps(data).encode(), "application/json"
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}{path}", data=body, headers=headers, method=method
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as answer:
                return Response(answer.status, dict(answer.headers), answer.read())
        except urllib.error.HTTPError as error:
            return Response(error.code, dict(error.headers), error.read())

    def get(self, path: str) -> Response:
        return self.request("GET", path)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def close(self) -> None:
        self._process.terminate()
        self._process.wait(timeout=30)
