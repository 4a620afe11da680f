"""The layers hold: each app imports only from those below it, and no modules import in a circle.

`make test` runs lint-imports over the contracts in pyproject.toml; these tests show that the
contract would catch a violation, and find cycles inside an app, which layers cannot see.
"""

import shutil
import subprocess
import sys
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parent.parent.parent
PACKAGES = ["infrastructure", "criteria", "frameworks", "recommender", "snippets", "dataset", "compare_site"]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def run_lint_imports(where: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [LINT_IMPORTS, "--no-cache"],
        cwd=where,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(where)},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_contracts_hold_on_the_code():
    result = run_lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


def lint_imports_with(tmp_path: Path, module: str, line: str) -> subprocess.CompletedProcess:
    """lint-imports over a copy of the code in which `module` (a path) ends with `line`."""
    for package in PACKAGES:
        shutil.copytree(ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    with (tmp_path / module).open("a") as source:
        source.write(f"\n{line}  # noqa\n")
    return run_lint_imports(tmp_path)


def test_an_upward_import_breaks_the_build(tmp_path):
    result = lint_imports_with(tmp_path, "infrastructure/health.py", "import frameworks.models")
    assert result.returncode == 1
    assert "infrastructure.health -> frameworks.models" in result.stdout


def test_the_snippet_runner_importing_django_breaks_the_build(tmp_path):
    result = lint_imports_with(tmp_path, "snippets/runner.py", "import django.conf")
    assert result.returncode == 1
    assert "The snippet runner stands alone: no Django, no app BROKEN" in result.stdout


def test_no_module_imports_itself_round_a_circle():
    graph = grimp.build_graph(*PACKAGES, cache_dir=None)
    circles = sorted(
        f"{module} -> {imported} -> ... -> {module}"
        for module in graph.modules
        for imported in graph.find_modules_directly_imported_by(module)
        if graph.chain_exists(importer=imported, imported=module)
    )
    assert circles == []
