"""Runs a code snippet for real: in a virtualenv with its framework installed, as a subprocess in a
temporary directory, exercised the way the snippet says (one HTTP request to the server it starts, or
its exit code and output), with a time limit on every step.

Pure standard library and no Django, so that it can be read, tested and trusted on its own: the
`verify_snippets` command is the only caller that records results. A snippet sees none of the
site's settings or secrets: its environment holds PATH, HOME (its own temporary directory) and LANG,
and nothing else. Its server listens on 127.0.0.1 only, on a port chosen here.
"""

import contextlib
import fcntl
import hashlib
import json
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from .error_lines import error_summary  # noqa: F401 (part of the runner's interface)

# Time limits (seconds) of the steps inside a run; the whole run has the caller's limit on top.
VENV_TIMEOUT = 120.0
STARTUP_TIMEOUT = 30.0  # from starting a server to its port accepting connections
REQUEST_TIMEOUT = 10.0
STOP_GRACE = 3.0  # between SIGTERM and SIGKILL to the snippet's process group
ERROR_LINES, ERROR_CHARACTERS = 20, 2000
# Installs see pip's own configuration (index, certificates, proxies) and the operator's HOME, for
# pip's cache and config: nothing of the site's. Snippets see even less (snippet_environment).
PIP_VARIABLES = re.compile(
    r"PIP_\w+|(?:HTTPS?|ALL|NO)_PROXY|(?:https?|all|no)_proxy|SSL_CERT_(?:FILE|DIR)|REQUESTS_CA_BUNDLE"
    r"|XDG_(?:CACHE|CONFIG)_HOME"
)
# An exception as a traceback ends with it, or pip's own error line.
# A venv is complete once this file holds its installed distributions; one without it is rebuilt.
INSTALLED_FILE = "installed.json"


@dataclass(frozen=True)
class Check:
    """How a snippet is exercised: "request" starts a server and sends one request to it; "exit" runs
    the command to completion. For "exit", expect_status is the exit code (say 0: the default is
    the request's 200) and expect_body a fragment of the output (stdout and stderr)."""

    kind: str
    method: str = "GET"
    path: str = "/"
    expect_status: int = 200
    expect_body: str = ""


@dataclass(frozen=True)
class SnippetSpec:
    files: dict[str, str]  # relative path -> content
    command: str  # argv template, split with shlex; placeholders {python} and {port}
    check: Check
    requirements: tuple[str, ...] = ()  # besides the framework, e.g. "flask-sqlalchemy", "pytest"


@dataclass(frozen=True)
class RunResult:
    ok: bool
    outcome: str  # PASSED, FAILED, TIMED_OUT or INSTALL_FAILED
    installed: dict[str, str]  # distribution name (lower case, "-" separated) -> exact version
    # First line: what went wrong, as the runner saw it; then the last lines of the failing step's
    # output. error_summary() picks the line to show.
    error_tail: str
    duration_seconds: float


PASSED, FAILED, TIMED_OUT, INSTALL_FAILED = "passed", "failed", "timed-out", "install-failed"


@dataclass(frozen=True)
class Environment:
    """An interpreter to run snippets with, and the distributions installed for it."""

    python: Path
    installed: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, python: Path | str, timeout: float = 60.0) -> "Environment":
        """An existing interpreter as it is (the tests use the one running them)."""
        return cls(Path(python), _installed_distributions(Path(python), timeout))

    @property
    def bin_dir(self) -> Path:
        return self.python.parent


def canonical_name(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def environment_for(
    framework_requirement: str,
    requirements: tuple[str, ...],
    cache_dir: Path,
    timeout: float,
    *,
    python: str = sys.executable,
) -> "Environment | RunResult":
    """The virtualenv with these requirements installed, e.g. "flask==3.1.3" and ("pytest",), built
    under cache_dir the first time and reused afterwards (by every snippet that needs the same set);
    a RunResult with outcome "install-failed" when it cannot be built. `timeout` limits pip."""
    started = time.monotonic()
    wanted = sorted({framework_requirement.strip(), *(r.strip() for r in requirements)} - {""})
    version = subprocess.run(
        [python, "-c", "import sys; print(sys.version)"], capture_output=True, text=True, timeout=30
    ).stdout.strip()
    # The interpreter's version is in the key: a venv built on one Python does not serve another.
    key = hashlib.sha256("\n".join([version, *wanted]).encode()).hexdigest()[:20]
    cache_dir.mkdir(parents=True, exist_ok=True)
    venv = cache_dir / key
    with open(cache_dir / f"{key}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # another process building the same venv: wait for it
        if (venv / INSTALLED_FILE).is_file():
            installed = json.loads((venv / INSTALLED_FILE).read_text())
            return Environment(venv / "bin" / "python", installed)
        shutil.rmtree(venv, ignore_errors=True)  # half-built by a run that was stopped
        try:
            _step([python, "-m", "venv", str(venv)], _install_environment(), VENV_TIMEOUT, "python -m venv")
            pip = [str(venv / "bin" / "python"), "-m", "pip", "install"]
            pip += ["--disable-pip-version-check", "--no-input", *wanted]
            _step(pip, _install_environment(), timeout, "pip install " + " ".join(wanted))
            installed = _installed_distributions(venv / "bin" / "python", timeout=60)
        except _StepFailed as failure:
            shutil.rmtree(venv, ignore_errors=True)
            return RunResult(False, INSTALL_FAILED, {}, failure.tail, time.monotonic() - started)
        (venv / "requirements.txt").write_text("".join(f"{line}\n" for line in wanted))  # for the operator
        (venv / INSTALLED_FILE).write_text(json.dumps(installed, indent=1, sort_keys=True))
        return Environment(venv / "bin" / "python", installed)


def newest_release(requirement: str, timeout: float, *, python: str = sys.executable) -> str | None:
    """The version pip would install for a requirement such as "flask<3.0" (the newest release in
    that scope), asked without installing anything; None when there is none or pip cannot tell."""
    argv = [python, "-m", "pip", "install", "--dry-run", "--ignore-installed", "--no-deps", "--quiet"]
    argv += ["--disable-pip-version-check", "--no-input", "--report", "-", requirement]
    try:
        done = subprocess.run(
            argv, capture_output=True, text=True, timeout=timeout, env=_install_environment()
        )
        report = json.loads(done.stdout) if done.returncode == 0 else {}
    except (subprocess.TimeoutExpired, ValueError):
        return None
    versions = [item["metadata"]["version"] for item in report.get("install", [])]
    return versions[0] if len(versions) == 1 else None


def run(spec: SnippetSpec, environment: Environment, timeout: float) -> RunResult:
    """Run the snippet once and say how it went; never raises for anything the snippet does."""
    started = time.monotonic()
    deadline = started + timeout

    def result(outcome: str, error_tail: str = "") -> RunResult:
        ok = outcome == PASSED
        return RunResult(ok, outcome, dict(environment.installed), error_tail, time.monotonic() - started)

    workdir = Path(tempfile.mkdtemp(prefix="snippet-"))
    try:
        try:
            _write_files(workdir, spec.files)
            port = _free_port()
            argv = [
                part.replace("{python}", str(environment.python)).replace("{port}", str(port))
                for part in shlex.split(spec.command)
            ]
            if not argv:
                raise ValueError("the command is empty")
        except ValueError as error:
            return result(FAILED, str(error))
        with tempfile.TemporaryFile() as output:
            try:
                process = subprocess.Popen(
                    argv,
                    cwd=workdir,
                    env=snippet_environment(environment, workdir),
                    stdin=subprocess.DEVNULL,
                    stdout=output,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,  # its own process group, so that all of it is stopped
                )
            except OSError as error:
                return result(FAILED, f"the command could not start: {error}")
            try:
                if spec.check.kind == "exit":
                    outcome, reason = _check_exit(process, spec.check, deadline, output)
                elif spec.check.kind == "request":
                    outcome, reason = _check_request(process, spec.check, port, deadline)
                else:
                    outcome, reason = FAILED, f"unknown check kind {spec.check.kind!r}"
            finally:
                _stop(process)
            return result(outcome, "" if outcome == PASSED else _tail(reason, _read(output)))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def snippet_environment(environment: Environment, workdir: Path) -> dict[str, str]:
    """All a snippet's process sees of the environment: no setting or secret of the site's."""
    return {
        "PATH": f"{environment.bin_dir}{os.pathsep}{os.defpath}",
        "HOME": str(workdir),
        "LANG": "C.UTF-8",
    }


def _check_exit(process: subprocess.Popen, check: Check, deadline: float, output) -> tuple[str, str]:
    try:
        code = process.wait(timeout=max(0.0, deadline - time.monotonic()))
    except subprocess.TimeoutExpired:
        return TIMED_OUT, "the command did not finish in time"
    if code != check.expect_status:
        return FAILED, f"the command exited with code {code}, expected {check.expect_status}"
    if check.expect_body not in _read(output):
        return FAILED, f"the output does not contain {check.expect_body!r}"
    return PASSED, ""


def _check_request(process: subprocess.Popen, check: Check, port: int, deadline: float) -> tuple[str, str]:
    listening_by = min(deadline, time.monotonic() + STARTUP_TIMEOUT)
    while not _accepts(port):
        if process.poll() is not None:
            return FAILED, f"the server exited with code {process.returncode} before it listened"
        if time.monotonic() >= listening_by:
            return TIMED_OUT, f"the server did not listen on 127.0.0.1:{port} in time"
        time.sleep(0.1)
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{check.path}",
        method=check.method,
        data=b"" if check.method in ("POST", "PUT", "PATCH") else None,  # an empty form
    )
    # No proxy: the operator's proxy settings must not route a request to the snippet elsewhere.
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    limit = max(0.1, min(REQUEST_TIMEOUT, deadline - time.monotonic()))
    try:
        with opener.open(request, timeout=limit) as response:
            status, body = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, body = error.code, error.read()
    except TimeoutError:
        return TIMED_OUT, f"{check.method} {check.path} got no answer in time"
    except (urllib.error.URLError, OSError) as error:
        if isinstance(getattr(error, "reason", None), TimeoutError):
            return TIMED_OUT, f"{check.method} {check.path} got no answer in time"
        return FAILED, f"{check.method} {check.path} failed: {error}"
    text = body.decode("utf-8", errors="replace")
    if status != check.expect_status:
        return FAILED, f"{check.method} {check.path} answered {status}, expected {check.expect_status}"
    if check.expect_body not in text:
        excerpt = " ".join(text.split())[:300]
        return FAILED, f"{check.method} {check.path}: no {check.expect_body!r} in the body: {excerpt}"
    return PASSED, ""


def _accepts(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.settimeout(0.5)
        return probe.connect_ex(("127.0.0.1", port)) == 0


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _write_files(workdir: Path, files: dict[str, str]) -> None:
    for name, content in files.items():
        path = (workdir / name).resolve()
        if Path(name).is_absolute() or not path.is_relative_to(workdir.resolve()):
            raise ValueError(f"the file {name!r} would lie outside the snippet's directory")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")


def _stop(process: subprocess.Popen) -> None:
    """Stop the snippet's whole process group (a server's workers and reloaders too), whatever state
    it is in: politely, then not."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=STOP_GRACE)
    # The leader may be gone while what it started is not.
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=STOP_GRACE)


def _read(output) -> str:
    output.flush()
    output.seek(0)
    return output.read().decode("utf-8", errors="replace")


def _tail(reason: str, text: str) -> str:
    lines = text.rstrip().splitlines()[-(ERROR_LINES - 1) :]
    tail = "\n".join([reason, *lines]).strip()
    return tail[-ERROR_CHARACTERS:] if len(tail) > ERROR_CHARACTERS else tail


class _StepFailed(Exception):
    def __init__(self, tail: str):
        super().__init__(tail)
        self.tail = tail


def _step(argv: list[str], env: dict[str, str], timeout: float, label: str) -> None:
    try:
        done = subprocess.run(
            argv, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=timeout
        )
    except subprocess.TimeoutExpired as expired:
        output = expired.stdout or b""  # bytes, even with text=True
        output = output.decode(errors="replace") if isinstance(output, bytes) else output
        raise _StepFailed(_tail(f"{label}: timed out after {timeout:g} s", output)) from None
    if done.returncode != 0:
        raise _StepFailed(_tail(f"{label}: exited with code {done.returncode}", done.stdout + done.stderr))


def _install_environment() -> dict[str, str]:
    env = {name: value for name, value in os.environ.items() if PIP_VARIABLES.fullmatch(name)}
    return env | {
        "PATH": os.environ.get("PATH", os.defpath),
        "HOME": os.environ.get("HOME", tempfile.gettempdir()),
        "LANG": "C.UTF-8",
    }


def _installed_distributions(python: Path, timeout: float) -> dict[str, str]:
    script = (
        "import importlib.metadata as m, json; "
        "print(json.dumps({d.metadata['Name']: d.version for d in m.distributions()}))"
    )
    try:
        done = subprocess.run(
            [str(python), "-I", "-c", script],
            capture_output=True,
            text=True,
            timeout=timeout,
            env={"PATH": os.defpath, "LANG": "C.UTF-8"},
        )
        found = json.loads(done.stdout) if done.returncode == 0 else {}
    except (subprocess.TimeoutExpired, ValueError) as error:
        raise _StepFailed(f"listing the installed distributions failed: {error}") from None
    return dict(sorted((canonical_name(name), version) for name, version in found.items() if name))
