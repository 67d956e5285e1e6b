"""The package's shape: imports run one way between folders; files stay short.

Every module of ``src/spaceplan`` is read with :mod:`ast` (nothing is
imported), and every import in it counts: module level and inside
functions, relative ones (``from . import x``) resolved. Each module
belongs to a *unit*: a top-level module file (``rules``, ``check``) or a
top-level subpackage (``plot``, ``solvers``, ``osa``, ``cli``). The units
and their imports form a graph, which must have no cycle: a cycle means
two folders that cannot be understood, tested or moved apart.

The package's own ``__init__`` is left out of the graph: it is the public
face that re-exports from every unit, and units read only
``__version__`` from it.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping
from pathlib import Path

import pytest

import spaceplan

SRC = Path(spaceplan.__file__).resolve().parent
ROOT = "spaceplan"

#: Files over :data:`MAX_LINES` that are one cohesive algorithm, split
#: only at a cost to the reader. Path below src/spaceplan: why.
LONG_ALGORITHMS: dict[str, str] = {
    "osa/solvers/pattern.py": "the pattern-generation column search with "
    "its charges, one algorithm",
}

MAX_LINES = 700


# ------------------------------------------------------------ the graph


def module_names(src: Path, root: str) -> dict[str, Path]:
    """Every module below ``src`` by dotted name (``root.a.b``)."""
    out = {}
    for path in sorted(src.rglob("*.py")):
        parts = [root, *path.relative_to(src).with_suffix("").parts]
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path
    return out


def _imported(
    node: ast.Import | ast.ImportFrom, name: str, is_package: bool
) -> list[str]:
    """The dotted names one import statement reaches."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    base = node.module or ""
    if node.level:
        package = name.split(".")
        if not is_package:
            package.pop()
        package = package[: len(package) - (node.level - 1)]
        base = ".".join([*package, *([base] if base else [])])
    # ``from a import b`` reaches ``a`` and, if it is a module, ``a.b``.
    return [base, *(f"{base}.{alias.name}" for alias in node.names)]


def imports_of(path: Path, name: str) -> set[str]:
    """Dotted names imported anywhere in the module ``name`` at ``path``."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    is_package = path.name == "__init__.py"
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            out.update(_imported(node, name, is_package))
    return out


def unit_of(name: str, root: str) -> str | None:
    """The unit of a module: its first name below ``root``."""
    parts = name.split(".")
    if parts[0] != root or len(parts) < 2:
        return None
    return parts[1]


def unit_graph(src: Path, root: str) -> dict[str, dict[str, set[str]]]:
    """Unit -> imported unit -> the modules whose imports make the edge."""
    modules = module_names(src, root)
    graph: dict[str, dict[str, set[str]]] = {}
    for name, path in modules.items():
        here = unit_of(name, root)
        if here is None:
            continue
        graph.setdefault(here, {})
        for target in imports_of(path, name):
            if target not in modules:
                continue
            there = unit_of(target, root)
            if there is not None and there != here:
                graph[here].setdefault(there, set()).add(name)
    return graph


def cycles(graph: Mapping[str, Iterable[str]]) -> list[list[str]]:
    """The graph's cycles, one per strongly connected part, as paths.

    Tarjan's algorithm finds the parts; each part of two or more units
    is named by one cycle through it (``a -> b -> a``), sorted.
    """
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    parts: list[set[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for succ in sorted(graph.get(node, ())):
            if succ not in index:
                visit(succ)
                low[node] = min(low[node], low[succ])
            elif succ in on_stack:
                low[node] = min(low[node], index[succ])
        if low[node] == index[node]:
            part = set()
            while True:
                top = stack.pop()
                on_stack.discard(top)
                part.add(top)
                if top == node:
                    break
            if len(part) > 1:
                parts.append(part)

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(_one_cycle(graph, part) for part in parts)


def _one_cycle(
    graph: Mapping[str, Iterable[str]], part: set[str]
) -> list[str]:
    """A closed path through the part, from its smallest unit back to it."""
    start = min(part)
    path, seen = [start], {start}
    # Depth-first within the part until an edge leads back to the start.
    trail = [iter(sorted(s for s in graph.get(start, ()) if s in part))]
    while trail:
        step = next(trail[-1], None)
        if step is None:
            trail.pop()
            seen.discard(path.pop())
            continue
        if step == start:
            return [*path, start]
        if step not in seen:
            path.append(step)
            seen.add(step)
            trail.append(
                iter(sorted(s for s in graph.get(step, ()) if s in part))
            )
    return [start, start]  # not reached: a strong part holds a cycle


# ------------------------------------------------------------- the tests


def test_the_folders_import_one_way() -> None:
    graph = unit_graph(SRC, ROOT)
    found = cycles(graph)
    named = [
        " -> ".join(c)
        + "  ("
        + "; ".join(
            f"{a}->{b} in {', '.join(sorted(graph[a][b]))}"
            for a, b in zip(c, c[1:], strict=False)
        )
        + ")"
        for c in found
    ]
    assert not found, "folder-level import cycles:\n" + "\n".join(named)


def test_no_file_is_too_long() -> None:
    long = {
        str(p.relative_to(SRC)): n
        for p in SRC.rglob("*.py")
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    over = {p: n for p, n in long.items() if p not in LONG_ALGORITHMS}
    assert not over, f"files over {MAX_LINES} lines: {over}"
    stale = [p for p in LONG_ALGORITHMS if p not in long]
    assert not stale, f"remove from LONG_ALGORITHMS: {stale}"


#: Third-party packages and the only units that may import them.
CONFINED = {
    "ortools": ("solvers", "osa"),
    "highspy": ("solvers", "osa"),
    "matplotlib": ("plot",),
}


def confined_imports(
    src: Path, root: str, confined: Mapping[str, tuple[str, ...]]
) -> list[str]:
    """``module imports package`` for each import outside its units."""
    out = []
    for name, path in module_names(src, root).items():
        unit = unit_of(name, root)
        for target in sorted(imports_of(path, name)):
            homes = confined.get(target.split(".")[0])
            if homes is not None and unit not in homes:
                out.append(f"{name} imports {target}")
    return out


def test_solver_and_plot_libraries_stay_in_their_folders() -> None:
    assert confined_imports(SRC, ROOT, CONFINED) == []


# -------------------------------------------- the checks can fail at all


def _tree(tmp_path: Path, files: Mapping[str, str]) -> Path:
    src = tmp_path / "pkg"
    for rel, text in files.items():
        path = src / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return src


def test_a_planted_cycle_is_found_and_named(tmp_path: Path) -> None:
    # a/ imports b at module level; b.py imports a back inside a
    # function, through a relative import: a folder-level cycle.
    src = _tree(
        tmp_path,
        {
            "__init__.py": "",
            "a/__init__.py": "",
            "a/x.py": "from pkg import b\n",
            "b.py": "def f():\n    from .a import x\n    return x\n",
            "c.py": "import pkg.b\n",
        },
    )
    graph = unit_graph(src, "pkg")
    assert graph == {
        "a": {"b": {"pkg.a.x"}},
        "b": {"a": {"pkg.b"}},
        "c": {"b": {"pkg.c"}},
    }
    assert cycles(graph) == [["a", "b", "a"]]


def test_a_one_way_tree_has_no_cycle(tmp_path: Path) -> None:
    src = _tree(
        tmp_path,
        {
            "__init__.py": "",
            "core.py": "",
            "top/__init__.py": "from ..core import *\n",
            "top/deep/m.py": "from ... import core\nfrom .. import n\n",
            "top/n.py": "",
        },
    )
    graph = unit_graph(src, "pkg")
    assert graph == {
        "core": {},
        "top": {"core": {"pkg.top", "pkg.top.deep.m"}},
    }
    assert cycles(graph) == []


def test_a_stray_solver_import_is_found(tmp_path: Path) -> None:
    src = _tree(
        tmp_path,
        {
            "__init__.py": "",
            "solvers/m.py": "from ortools.sat.python import cp_model\n",
            "report.py": "def f():\n    import ortools\n",
        },
    )
    assert confined_imports(src, "pkg", CONFINED) == [
        "pkg.report imports ortools"
    ]


@pytest.mark.parametrize(
    ("graph", "expected"),
    [
        # three units in a ring, and one hanging off it
        (
            {"a": {"b"}, "b": {"c"}, "c": {"a", "d"}, "d": set()},
            [["a", "b", "c", "a"]],
        ),
        # two separate cycles
        (
            {"a": {"b"}, "b": {"a"}, "x": {"y"}, "y": {"x"}},
            [["a", "b", "a"], ["x", "y", "x"]],
        ),
    ],
)
def test_cycles_are_named_as_paths(
    graph: dict[str, set[str]], expected: list[list[str]]
) -> None:
    assert cycles(graph) == expected
