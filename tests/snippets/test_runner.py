"""The snippet runner, for real: snippets run as subprocesses of the interpreter running these tests
(standard library only, so nothing to install), and the install step fails as it would on PyPI."""

import json
import os
import sys
import textwrap
import time
from pathlib import Path

import pytest

from snippets.runner import (
    FAILED,
    INSTALL_FAILED,
    PASSED,
    TIMED_OUT,
    Check,
    Environment,
    RunResult,
    SnippetSpec,
    environment_for,
    error_summary,
    run,
)

SERVER = textwrap.dedent(
    """
    import sys
    from http.server import BaseHTTPRequestHandler, HTTPServer
    from urllib.parse import parse_qs, urlparse


    class Hello(BaseHTTPRequestHandler):
        def do_GET(self):
            name = parse_qs(urlparse(self.path).query).get("name", ["nobody"])[0]
            body = f"Hello, {name}!".encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)


    HTTPServer(("127.0.0.1", int(sys.argv[1])), Hello).serve_forever()
    """
)
SERVE = "{python} server.py {port}"


@pytest.fixture(scope="module")
def here() -> Environment:
    return Environment.of(sys.executable)


def exits(**expected) -> Check:
    return Check("exit", expect_status=0, **expected)


def served(check: Check, files: dict[str, str] | None = None, command: str = SERVE) -> SnippetSpec:
    return SnippetSpec(files or {"server.py": SERVER}, command, check)


def script(code: str, check: Check) -> SnippetSpec:
    return SnippetSpec({"main.py": textwrap.dedent(code)}, "{python} main.py", check)


def test_a_server_that_answers_as_declared_passes(here):
    result = run(served(Check("request", path="/?name=World", expect_body="Hello, World!")), here, timeout=20)

    assert (result.ok, result.outcome, result.error_tail) == (True, PASSED, "")
    assert result.installed == here.installed and result.installed["pytest"]
    assert 0 < result.duration_seconds < 20


def test_a_wrong_body_or_status_fails_and_says_what_came_back(here):
    body = run(served(Check("request", path="/?name=World", expect_body="Goodbye")), here, timeout=20)
    status = run(served(Check("request", path="/", expect_status=201)), here, timeout=20)

    assert (body.ok, body.outcome) == (False, FAILED)
    assert body.error_tail.splitlines()[0] == "GET /?name=World: no 'Goodbye' in the body: Hello, World!"
    assert status.outcome == FAILED
    assert status.error_tail.splitlines()[0] == "GET / answered 200, expected 201"
    # The server's own log is the rest of the tail.
    assert '"GET / HTTP/1.1" 200' in status.error_tail


def test_a_command_exiting_with_another_code_fails_with_its_output(here):
    result = run(
        script(
            """
            import sys
            print("on the way out", file=sys.stderr)
            sys.exit(3)
            """,
            exits(),
        ),
        here,
        timeout=20,
    )

    assert (result.ok, result.outcome) == (False, FAILED)
    assert result.error_tail == "the command exited with code 3, expected 0\non the way out"


def test_a_server_that_dies_before_listening_fails_with_the_exception(here):
    result = run(
        served(Check("request"), {"server.py": "raise RuntimeError('no port for you')\n"}), here, timeout=20
    )

    assert result.outcome == FAILED
    assert result.error_tail.startswith("the server exited with code 1 before it listened\nTraceback")
    assert error_summary(result.error_tail) == "RuntimeError: no port for you"


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"  # a zombie has ended; only its parent's wait is missing


HANGS = """
import subprocess, sys, time
child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
print("pids", {pids}, flush=True)
time.sleep(120)
"""


@pytest.mark.parametrize("kind", ["exit", "request"])
def test_a_command_that_hangs_times_out_and_its_processes_are_killed(here, kind):
    check = exits() if kind == "exit" else Check("request")
    spec = script(HANGS.format(pids="[__import__('os').getpid(), child.pid]"), check)
    started = time.monotonic()

    result = run(spec, here, timeout=2)

    assert (result.ok, result.outcome) == (False, TIMED_OUT)
    assert time.monotonic() - started < 2 + 7  # the run's limit, and the grace of SIGTERM then SIGKILL
    reason = {"exit": "the command did not finish in time", "request": "the server did not listen on"}[kind]
    assert result.error_tail.startswith(reason)
    pids = json.loads(result.error_tail.split("pids ", 1)[1].splitlines()[0])
    deadline = time.monotonic() + 5
    while any(map(alive, pids)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(map(alive, pids)), f"still running: {pids}"


def test_the_snippet_sees_none_of_the_sites_environment_and_runs_in_its_own_directory(here, monkeypatch):
    for name in ("SECRET_KEY", "DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE", "PYTHONPATH"):
        monkeypatch.setenv(name, f"site-{name.lower()}")
    spec = script(
        """
        import json, os, sys
        print(json.dumps({"environ": dict(os.environ), "cwd": os.getcwd()}))
        sys.exit(1)  # fails on purpose, so that its output comes back in the error's tail
        """,
        exits(),
    )

    result = run(spec, here, timeout=20)

    seen = json.loads(result.error_tail.splitlines()[1])
    assert sorted(seen["environ"]) == ["HOME", "LANG", "PATH"]
    assert "site-" not in json.dumps(seen)
    assert seen["environ"]["HOME"] == seen["cwd"] and Path(seen["cwd"]).name.startswith("snippet-")
    assert seen["environ"]["PATH"].split(os.pathsep)[0] == str(here.bin_dir)
    assert not Path(seen["cwd"]).exists()  # the temporary directory is gone after the run


def test_files_are_written_where_the_command_runs_and_none_outside_it(here):
    nested = SnippetSpec(
        {"pkg/__init__.py": "", "pkg/greet.py": "print('from a package')\n"},
        "{python} -m pkg.greet",
        exits(expect_body="from a package"),
    )
    escaping = SnippetSpec({"../outside.py": "print()\n"}, "{python} ../outside.py", exits())

    assert run(nested, here, timeout=20).outcome == PASSED
    refused = run(escaping, here, timeout=20)
    assert refused.outcome == FAILED and "outside the snippet's directory" in refused.error_tail


def test_a_command_that_cannot_start_fails(here):
    missing = run(served(exits(), command="no-such-program-x9q {port}"), here, timeout=20)
    unbalanced = run(served(exits(), command="{python} 'server.py"), here, timeout=20)

    assert missing.outcome == FAILED and missing.error_tail.startswith("the command could not start")
    assert unbalanced.outcome == FAILED and "quotation" in unbalanced.error_tail


def test_an_install_that_fails_is_recorded_not_raised(tmp_path):
    result = environment_for("this-package-does-not-exist-x9q==1", (), tmp_path, timeout=120)

    assert isinstance(result, RunResult)
    assert (result.ok, result.outcome, result.installed) == (False, INSTALL_FAILED, {})
    assert result.error_tail.startswith("pip install this-package-does-not-exist-x9q==1: exited with code 1")
    assert "this-package-does-not-exist-x9q" in result.error_tail.split("\n", 1)[1]
    assert not [path for path in tmp_path.iterdir() if path.is_dir()]  # the half-built venv is gone
    assert error_summary(result.error_tail).startswith("ERROR: ")


def test_one_venv_per_set_of_requirements_built_once_and_reused(tmp_path):
    # pip and setuptools come with every venv on Python 3.11, so this installs nothing from an index.
    built = environment_for("pip", ("setuptools",), tmp_path, timeout=120)
    assert isinstance(built, Environment), built
    started = time.monotonic()
    again = environment_for("setuptools", ("pip",), tmp_path, timeout=120)

    assert again == built and time.monotonic() - started < 2
    assert built.python.is_relative_to(tmp_path) and built.installed["pip"]
    assert [path.name for path in tmp_path.iterdir() if path.is_dir()] == [built.python.parent.parent.name]
    in_the_venv = exits(expect_body=str(tmp_path))
    prefix = SnippetSpec({}, "{python} -c 'import sys; print(sys.prefix)'", in_the_venv)
    result = run(prefix, built, timeout=20)
    assert result.outcome == PASSED and result.installed == built.installed


def test_the_error_summary_is_the_exception_that_ended_the_traceback():
    tail = textwrap.dedent(
        """\
        the server exited with code 2 before it listened
        Error: While importing 'hello_flask', an ImportError was raised:

        Traceback (most recent call last):
          File "/tmp/snippet-x/hello_flask.py", line 2, in <module>
            from flask import Flask, escape, request
        ImportError: cannot import name 'escape' from 'flask' (/envs/a1/site-packages/flask/__init__.py)
        """
    )

    assert error_summary(tail) == "ImportError: cannot import name 'escape' from 'flask'"
    assert error_summary("GET / answered 500, expected 200\nlog line") == "GET / answered 500, expected 200"
    assert error_summary("the command exited with code 1\nAssertionError: 1 != 2") == "AssertionError: 1 != 2"
    assert error_summary("") == ""
