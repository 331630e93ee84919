"""Dependencies point down a fixed order of layers, and nothing in the package goes in circles.

The graph is read from the source with ``ast``: every import counts, at the top of a module,
inside a function, or under ``if TYPE_CHECKING`` (a type-only import still ties two modules
together). A new package must be given a layer here before it can be imported from anywhere.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "dorsi"

# Lowest first. A package imports only from lower layers: never from a higher layer, and never
# sideways from another package of its own layer (those stay independent of each other).
LAYERS: tuple[tuple[str, ...], ...] = (
    ("errors", "advisories"),  # leaves: the error tree; warnings about the Python in use
    ("i18n", "settings"),
    ("catalog",),  # validated data shipped in the package
    ("clinical",),  # pure decisions
    ("gait", "education", "pictures", "interop"),  # core features beside the decisions
    ("reports",),  # documents built from the core
    ("store",),  # database, migrations, audit chain
    ("jobs",),  # job leases, workers, the queue
    ("services",),  # use cases, the one policy, transactions
    ("web",),
    ("cli",),
    ("__main__",),
)
# The package's own ``__init__`` (the version) may be read from anywhere.
ANYWHERE = ("dorsi",)

OUTER_LAYERS = ("dorsi.web", "dorsi.store", "dorsi.cli", "dorsi.services", "dorsi.reports")
FRAMEWORKS = ("fastapi", "starlette", "sqlalchemy", "alembic", "uvicorn", "jinja2", "httpx")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES: dict[str, Path] = {_module_name(p): p for p in sorted(SRC.rglob("*.py"))}


def _absolute(module: str, node: ast.ImportFrom, is_package: bool) -> str:
    if node.level == 0:
        return node.module or ""
    parts = module.split(".")
    if not is_package:
        parts.pop()
    parts = parts[: len(parts) - (node.level - 1)]
    return ".".join([*parts, *([node.module] if node.module else [])])


def _owner(name: str) -> str | None:
    """The dorsi module that ``name`` (a module, or a name inside one) lives in."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def _imports(path: Path) -> set[str]:
    """Every dotted name a module imports: ``import X`` gives X, ``from X import y`` gives X.y
    when X.y is a dorsi module and X otherwise."""
    module = _module_name(path)
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(module, node, path.name == "__init__.py")
            for alias in node.names:
                name = f"{base}.{alias.name}"
                names.add(name if name in MODULES else base)
    return names


def _graph() -> dict[str, set[str]]:
    """dorsi module -> the dorsi modules it imports (itself excluded)."""
    graph: dict[str, set[str]] = {}
    for module, path in MODULES.items():
        owners = {_owner(n) for n in _imports(path) if n == "dorsi" or n.startswith("dorsi.")}
        graph[module] = {o for o in owners if o is not None and o != module}
    return graph


def _package(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "dorsi"


RANK = {package: rank for rank, layer in enumerate(LAYERS) for package in layer}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One cycle per strongly connected group of more than one node (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph.get(root, ()))))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1:
                    found.append(sorted(group))
    return found


def test_every_package_has_a_layer() -> None:
    packages = {_package(m) for m in MODULES} - set(ANYWHERE)
    assert sorted(packages - set(RANK)) == []


def test_imports_point_down() -> None:
    wrong = []
    for module, targets in sorted(_graph().items()):
        source = _package(module)
        for target in sorted(targets):
            dest = _package(target)
            if dest == source or dest in ANYWHERE:
                continue
            if RANK[dest] >= RANK[source]:
                way = "sideways" if RANK[dest] == RANK[source] else "up"
                wrong.append(f"{module} imports {target} ({way})")
    assert not wrong, "\n".join(wrong)


def test_no_cycle_between_packages() -> None:
    packages: dict[str, set[str]] = defaultdict(set)
    for module, targets in _graph().items():
        packages[_package(module)].update(
            _package(t) for t in targets if _package(t) != _package(module)
        )
    cycles = _cycles(packages)
    assert not cycles, "\n".join(" <-> ".join(c) for c in cycles)


def test_no_cycle_between_modules() -> None:
    graph = _graph()
    within = {m: {t for t in ts if _package(t) == _package(m)} for m, ts in graph.items()}
    cycles = _cycles(within)
    assert not cycles, "\n".join(" <-> ".join(c) for c in cycles)


def test_cycle_finder_finds_cycles() -> None:
    """The checks above would pass on a broken finder; this one pins it down."""
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def _violations(package: str, forbidden: tuple[str, ...]) -> list[str]:
    found = []
    for module, path in MODULES.items():
        if _package(module) != package:
            continue
        for name in _imports(path):
            if any(name == bad or name.startswith(bad + ".") for bad in forbidden):
                found.append(f"{module} imports {name}")
    return sorted(set(found))


@pytest.mark.parametrize("package", ["clinical", "catalog", "gait", "education", "pictures"])
def test_core_imports_no_framework(package: str) -> None:
    assert any(_package(m) == package for m in MODULES), f"dorsi/{package} has no modules"
    assert _violations(package, OUTER_LAYERS + FRAMEWORKS) == []


def test_clinical_core_does_no_file_io() -> None:
    """The clinical decisions take data in and give data out; only catalog/ reads files."""
    for module, path in MODULES.items():
        if _package(module) != "clinical":
            continue
        text = path.read_text(encoding="utf-8")
        for call in ("open(", "read_text(", "write_text(", "os.environ", "yaml."):
            assert call not in text, f"{module} uses {call}"


def test_help_imports_nothing_heavy() -> None:
    """`dorsi --help` must stay fast: no web framework, database, numpy or video stack."""
    code = (
        "import sys, contextlib, io\n"
        "from dorsi.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):\n"
        "    main(['--help'])\n"
        "heavy = ('fastapi', 'sqlalchemy', 'numpy', 'cv2', 'mediapipe', 'pydantic', 'yaml')\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in heavy))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"


def test_pages_query_through_services() -> None:
    """A page asks a service for what it shows; the queries live in one layer, not two."""
    found = []
    for module, path in MODULES.items():
        if module.startswith("dorsi.web.pages"):
            found += [
                f"{module} imports {name}"
                for name in _imports(path)
                if name.split(".")[0] == "sqlalchemy" or name.startswith("dorsi.store")
            ]
    assert found == []
