"""The package reads as the pipeline: each layer imports only from the layers below it.

Checked on the source (every import, including those inside functions), so a shortcut that
would tie a product to the command line, or the ingest readers to the newsletter, fails here
before it becomes a cycle.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "composer"

# Lowest first. Units in the same layer are independent of each other: neither imports the other.
LAYERS: list[tuple[str, ...]] = [
    ("composer.errors", "composer.textutil", "composer.checks", "composer.cachedir", "composer.langid_model"),
    ("composer.sqlite_store", "composer.regexcache", "composer.codecache", "composer.database"),  # how every store opens SQLite; the engines (SQLite, PostgreSQL) shared stores run on; stored regex programs; stored dataclass code
    ("composer.dates", "composer.lang"),
    ("composer.config", "composer.article"),
    ("composer.outbox", "composer.templating", "composer.links", "composer.cldr", "composer.corrections"),
    ("composer.ingest", "composer.summarize"),
    ("composer.newsletter", "composer.social", "composer.embed"),
    ("composer.audience",),  # subscribers and suppressions: every send asks it who is suppressed
    ("composer.pipeline", "composer.delivery"),
    ("composer.feeds", "composer.bounces", "composer.publish"),  # feeds compose and send; bounces read the delivery state back; publish posts to networks
    ("composer.serving",),  # uvicorn under limits, for the apps above (imports no composer module)
    ("composer.preview", "composer.web"),
    ("composer.commands",),
    ("composer.cli",),
    ("composer.__main__",),
]
ROOT = ("composer",)  # the package's face: its __version__ only


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """Every composer module ``path`` imports, at any depth of the file."""
    module = _module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("composer"))
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if not target.startswith("composer"):
                continue
            # "from composer.social import xcount" imports the module composer.social.xcount;
            # "from composer.social.posts import write_posts" takes a name from posts itself.
            for alias in node.names:
                candidate = f"{target}.{alias.name}"
                as_path = PACKAGE.parent / candidate.replace(".", "/")
                if as_path.with_suffix(".py").is_file() or (as_path / "__init__.py").is_file():
                    found.add(candidate)
                else:
                    found.add(target)
    return found


def _graph() -> dict[str, set[str]]:
    return {_module_name(p): _imports(p) for p in sorted(PACKAGE.rglob("*.py"))}


def _unit(module: str) -> tuple[int, str]:
    """(layer index, unit) of a module: the unit is the layer entry it belongs to."""
    for index, units in enumerate(LAYERS):
        for unit in units:
            if module == unit or module.startswith(unit + "."):
                return index, unit
    if module in ROOT:
        return -1, module
    raise AssertionError(f"{module} is in no layer: add it to LAYERS in {__file__}")


def test_every_module_has_a_layer() -> None:
    for module in _graph():
        _unit(module)


def test_no_import_goes_up_or_sideways() -> None:
    wrong = []
    for module, targets in _graph().items():
        layer, unit = _unit(module)
        for target in targets:
            t_layer, t_unit = _unit(target)
            if t_layer > layer or (t_layer == layer and t_unit != unit):
                wrong.append(f"{module} -> {target} (layer {layer} -> {t_layer})")
    assert not wrong, "imports against the layering:\n" + "\n".join(sorted(wrong))


def test_no_import_cycle() -> None:
    graph = _graph()
    # a package imports its own modules; only cycles between distinct modules count
    edges = {m: {t for t in ts if t in graph and t != m} for m, ts in graph.items()}
    state: dict[str, int] = {}
    cycles: list[list[str]] = []

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(edges[node]):
            if state.get(nxt) == 1:
                cycles.append(path[path.index(nxt):] + [nxt] if nxt in path else [node, nxt])
            elif nxt not in state:
                visit(nxt, path + [nxt])
        state[node] = 2

    for node in sorted(edges):
        if node not in state:
            visit(node, [node])
    assert not cycles, "import cycles:\n" + "\n".join(" -> ".join(c) for c in cycles)


@pytest.mark.parametrize("name", ["counting", "render", "deliver", "schedule", "subscribers", "unsubscribe"])
def test_old_homes_are_gone(name: str) -> None:
    """Each module moved once; nothing was left behind as a second home."""
    assert not (PACKAGE / f"{name}.py").exists() and not (PACKAGE / name).is_dir()
