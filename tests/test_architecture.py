"""The tree is the architecture (issue 16): packages that say what they are for, arrows one way,
no module importing in a circle, no module past 450 lines."""

from __future__ import annotations

import ast
from pathlib import Path

from .conftest import ROOT

PACKAGES = ("loader", "service")
MAX_LINES = 450
# who may import whom: the web front and the command line reach towards the store and the loader
LAYER = {
    "loader": 0,
    "service.config": 1,
    "service.errors": 1,
    "service.queries": 1,
    "service": 1,
    "service.store": 2,
    "service.ingest": 3,
    "service.web": 4,
    "service.cli": 5,
}


def modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            found[name] = path
    return found


def layer(module: str) -> int:
    best = max((k for k in LAYER if module == k or module.startswith(k + ".")), key=len)
    return LAYER[best]


def imports(path: Path, known: set[str], *, top_level_only: bool) -> set[str]:
    """Our modules a module imports (``from x import y`` counts x.y when that is a module)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    nodes = tree.body if top_level_only else list(ast.walk(tree))
    if top_level_only:  # `if TYPE_CHECKING:` blocks and the like still run at import time
        nodes = [
            n
            for top in tree.body
            for n in ast.walk(top)
            if not isinstance(top, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
        ]
    out = set()
    for node in nodes:
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
        else:
            continue
        out |= {n for n in names if n in known}
    return out


def test_service_has_sub_packages_and_a_small_top_level() -> None:
    service = ROOT / "service"
    subpackages = [p.name for p in service.iterdir() if (p / "__init__.py").is_file()]
    top_modules = [p.name for p in service.glob("*.py")]
    assert len(subpackages) >= 3, subpackages
    assert len(top_modules) <= 10, top_modules


def test_no_module_is_longer_than_450_lines() -> None:
    long = {
        str(p.relative_to(ROOT)): n
        for p in modules().values()
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}


def test_every_package_says_what_it_is_for() -> None:
    silent = [
        str(p.relative_to(ROOT))
        for name, p in modules().items()
        if p.name == "__init__.py"
        and not ast.get_docstring(ast.parse(p.read_text(encoding="utf-8")))
    ]
    assert silent == []


def test_arrows_point_from_the_front_towards_the_store_and_the_loader() -> None:
    found = modules()
    known = set(found)
    backwards = sorted(
        f"{name} imports {target}"
        for name, path in found.items()
        for target in imports(path, known, top_level_only=False)
        if layer(target) > layer(name)
        # a package's __init__ may name its own modules (create_app imports the blueprints)
        and not target.startswith(name + ".")
    )
    assert backwards == []


def test_no_module_imports_in_a_circle() -> None:
    found = modules()
    known = set(found)
    graph = {
        name: imports(path, known, top_level_only=True) - {name} for name, path in found.items()
    }
    # a module's parent packages run first, so importing a.b.c imports a and a.b as well
    for name in graph:
        graph[name] = {t for t in graph[name] if not name.startswith(t + ".")}
    circles = []
    state: dict[str, int] = {}  # 1: on the current path, 2: done

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for target in sorted(graph[node]):
            if state.get(target) == 1:
                circles.append(" -> ".join(path[path.index(target) :] + [node, target]))
            elif target not in state:
                visit(target, path + [node] if node not in path else path)
        state[node] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name, [])
    assert circles == []
