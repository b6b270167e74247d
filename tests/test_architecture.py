"""The package's shape: layers whose imports point one way, ABlog in one module, one setup().

Read from the source with ``ast``, so a deferred import inside a function counts too.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

pytestmark = pytest.mark.fast

PACKAGE = Path(__file__).resolve().parents[1] / "unscripted"
# Each layer may import the layers listed for it (and itself); ``write`` modules may
# import ``write.entries`` but never another output.
ALLOWED = {
    "core": {"core"},
    "infra": {"core", "infra"},
    "read": {"core", "infra", "read"},
    "rebuild": {"core", "infra", "read"},
    "write": {"core", "infra", "read", "write.entries", "write.articles"},
    "commands": {"core"},
}
SHARED_VIEWS = {"unscripted.write.entries", "unscripted.write.articles"}
PURE = ("sphinx", "docutils", "ablog", "myst_parser", "jinja2")


def modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


def imports(path: Path) -> set[str]:
    """Every module *path* imports, wherever the import statement is."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def layer(module: str) -> str:
    parts = module.split(".")
    if len(parts) == 1:
        return "setup"
    if parts[1] in {"new_post", "importer"}:
        return "commands"
    return parts[1]


def internal(names: set[str], known: dict[str, Path]) -> set[str]:
    return {name for name in names if name in known and name != "unscripted"}


@pytest.mark.parametrize("module", [m for m in modules() if layer(m) != "setup"])
def test_every_import_points_to_a_lower_layer(module):
    known = modules()
    allowed = ALLOWED[layer(module)]
    for target in internal(imports(known[module]), known):
        target_layer = ".".join(target.split(".")[1:3]) if target in SHARED_VIEWS else layer(target)
        same_output = target == module
        assert target_layer in allowed or same_output, f"{module} imports {target}"


def test_no_import_cycle():
    known = modules()
    graph = {m: internal(imports(p), known) - {m} for m, p in known.items() if m != "unscripted"}
    visiting, done = [], set()

    def visit(module: str) -> None:
        if module in done:
            return
        assert module not in visiting, "import cycle: " + " -> ".join([*visiting, module])
        visiting.append(module)
        for target in sorted(graph.get(module, ())):
            visit(target)
        visiting.pop()
        done.add(module)

    for module in sorted(graph):
        visit(module)


def test_the_core_is_pure_python():
    for module, path in modules().items():
        if layer(module) == "core":
            impure = {name for name in imports(path) if name.split(".")[0] in PURE}
            assert not impure, f"{module} imports {sorted(impure)}"


def test_ablog_is_touched_in_one_module():
    users = {m for m, p in modules().items() if any(name.split(".")[0] == "ablog" for name in imports(p))}
    assert users == {"unscripted.read.ablog_bridge"}


def test_one_setup_connects_every_handler():
    setups = [m for m, p in modules().items() if "def setup(" in p.read_text(encoding="utf-8")]
    assert setups == ["unscripted"]
    for module, path in modules().items():
        if module != "unscripted":
            assert "app.connect(" not in path.read_text(encoding="utf-8"), f"{module} connects a handler"


def test_the_layering_check_can_fail(tmp_path):
    """A core module importing from write/ is caught, even when the import is deferred."""
    bad = tmp_path / "bad.py"
    bad.write_text("def f():\n    from unscripted.write import feeds\n    return feeds\n")
    assert "unscripted.write.feeds" in imports(bad)
    assert layer("unscripted.write.feeds") not in ALLOWED["core"]
