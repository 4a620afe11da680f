"""Code runs only from `manage.py verify_snippets`: nothing the web process loads imports the runner."""

import ast
from pathlib import Path

import grimp

from tests.codebase.test_layers import PACKAGES, ROOT

COMMAND = "snippets.management.commands.verify_snippets"
RUNNER = "snippets.runner"


def importers_of(target: str) -> set[str]:
    """The project's modules whose source imports `target` (or a module inside it), read as text."""
    found = set()
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            module = ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                names = []
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                    names = [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
                if any(name == target or name.startswith(f"{target}.") for name in names):
                    found.add(module)
    return {module for module in found if not module.startswith(f"{target}")}


def test_only_the_command_imports_the_runner():
    assert importers_of(RUNNER) == {COMMAND}


def test_the_web_entry_points_never_reach_the_runner_or_the_command():
    graph = grimp.build_graph(*PACKAGES, cache_dir=None)
    for entry in ("compare_site.wsgi", "compare_site.asgi", "compare_site.urls", "compare_site.api"):
        reached = graph.find_upstream_modules(entry)
        assert not {m for m in reached if m.startswith((RUNNER, COMMAND))}, entry


def test_the_snippet_pages_do_not_start_processes():
    for name in ("views.py", "api.py", "admin.py", "models.py", "presentation.py", "highlight.py"):
        source = (Path(ROOT) / "snippets" / name).read_text(encoding="utf-8")
        assert "subprocess" not in source and "os.system" not in source, name
