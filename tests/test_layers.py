"""The import graph of ``web/`` and ``matcher/``, read with ``ast`` (nothing is imported).

Imports go one way, from the top layer down (DESIGN, Architecture):

    web (create_app), web.cli, web.api, web.pages, web.testing   routes and commands
    web.services                                                 workflows
    web.http, web.indexes, web.config, web.roles                 the kit, state, rules
    web.store                                                    every SQL statement
    matcher                                                      the engine

A module may import its own layer or any layer below, never one above, never in a
circle; no name that starts with ``_`` is used outside its module (``matcher._jit``
and the like, private modules of a package, are used inside that package only); no
import sits inside a function (imports inside functions are how circles hide); no module
is over 600 lines.
"""

import ast
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("web", "matcher")
MAX_LINES = 600
# The first prefix that matches names the layer; a higher number is a higher layer.
LAYERS: tuple[tuple[str, int], ...] = (
    ("web.api", 4),
    ("web.pages", 4),
    ("web.cli", 4),
    ("web.testing", 4),
    ("web.services", 3),
    ("web.http", 2),
    ("web.indexes", 2),
    ("web.fragments", 2),
    ("web.config", 2),
    ("web.roles", 2),
    ("web.store", 1),
    ("matcher", 0),
    ("web", 5),  # web/__init__.py: create_app
)


def layer_of(module: str) -> int:
    for prefix, layer in LAYERS:
        if module == prefix or module.startswith(prefix + "."):
            return layer
    raise AssertionError(f"{module} is in no layer: add it to LAYERS")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


@cache
def modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            found[module_name(path)] = path
    return found


@cache
def tree(module: str) -> ast.Module:
    path = modules()[module]
    return ast.parse(path.read_text(), filename=str(path))


def is_package(module: str) -> bool:
    return modules()[module].name == "__init__.py"


def resolve(module: str, node: ast.ImportFrom) -> str:
    """The absolute module named by a ``from ... import`` (relative ones resolved)."""
    if not node.level:
        return node.module or ""
    base = module.split(".")
    if not is_package(module):
        base.pop()
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def known(name: str) -> str | None:
    """The longest prefix of ``name`` that is a module of ours."""
    parts = name.split(".")
    while parts:
        candidate = ".".join(parts)
        if candidate in modules():
            return candidate
        parts.pop()
    return None


def imports(module: str) -> Iterator[tuple[ast.stmt, str, str | None]]:
    """``(node, imported module, name taken from it or None)`` for every import of ours."""
    for node in ast.walk(tree(module)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                target = known(alias.name)
                if target:
                    yield node, target, None
        elif isinstance(node, ast.ImportFrom):
            source = resolve(module, node)
            for alias in node.names:
                submodule = known(f"{source}.{alias.name}")
                if submodule and submodule != source:
                    yield node, submodule, None
                elif known(source) == source:
                    yield node, source, alias.name


def edges() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {module: set() for module in modules()}
    for module in modules():
        for _node, target, _name in imports(module):
            if target != module:
                graph[module].add(target)
    return graph


def private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def same_package(module: str, target: str) -> bool:
    """Private modules (``matcher._jit``) are for the modules of their own package."""
    package = target.rsplit(".", 1)[0]
    return module == package or module.startswith(package + ".")


def test_every_module_is_in_a_layer():
    for module in modules():
        layer_of(module)


def test_no_import_goes_up_a_layer():
    upward = [
        f"{module} ({layer_of(module)}) imports {target} ({layer_of(target)})"
        for module, targets in edges().items()
        for target in targets
        if layer_of(target) > layer_of(module)
    ]
    assert upward == []


def test_no_import_circle():
    graph = edges()
    circles: list[list[str]] = []
    state: dict[str, int] = {}  # 1: on the current path, 2: done

    def visit(module: str, path: list[str]) -> None:
        state[module] = 1
        for target in sorted(graph[module]):
            if state.get(target) == 1:
                circles.append(path[path.index(target) :] + [target])
            elif target not in state:
                visit(target, path + [target])
        state[module] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    # A package's __init__ importing its own modules is not a circle of the design,
    # but a module importing its package's __init__ while that imports it would be.
    assert [" -> ".join(circle) for circle in circles] == []


def test_no_private_name_is_used_outside_its_module():
    uses = []
    for module in modules():
        aliases: set[str] = set()  # local names bound to modules of ours
        for node, target, name in imports(module):
            if name is None:
                if private(target.rsplit(".", 1)[-1]) and not same_package(module, target):
                    uses.append(f"{module}: import of the private module {target}")
                for alias in node.names:  # type: ignore[attr-defined]
                    aliases.add(alias.asname or alias.name.split(".")[-1])
            elif private(name) and target != module:
                uses.append(f"{module}: from {target} import {name}")
        for node in ast.walk(tree(module)):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id in aliases
                and private(node.attr)
            ):
                uses.append(f"{module}: {node.value.id}.{node.attr}")
    assert sorted(set(uses)) == []


def test_no_import_inside_a_function():
    inside = []
    for module in modules():
        for function in ast.walk(tree(module)):
            if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
                for node in ast.walk(function):
                    if isinstance(node, ast.Import | ast.ImportFrom):
                        inside.append(f"{module}:{node.lineno}")
    assert inside == []


@pytest.mark.parametrize("package", PACKAGES)
def test_no_module_is_over_600_lines(package):
    long = {
        module: lines
        for module, path in modules().items()
        if module.split(".")[0] == package
        and (lines := len(path.read_text().splitlines())) > MAX_LINES
    }
    assert long == {}


def test_the_store_package_and_its_modules_are_the_store_layer():
    assert layer_of("web.store") == layer_of("web.store.sqlite") == 1
