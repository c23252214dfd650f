"""Layers only point down: ``core < audit < geo < accounts < licensing < hvt | crt < budget < config``.

Every import of every app module (at module level and inside functions, ``import x`` and
``from x import y``, relative ones resolved) is checked against that order. ``hvt`` and ``crt``
never import each other; ``budget`` reads them only through their ``selectors``; ``config`` may
import everything. Migrations, tests and benchmarks are outside the rule.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Rank of each app: a module may import an app of a lower rank, or its own app.
LAYERS = {
    "core": 0,
    "audit": 1,
    "geo": 2,
    "accounts": 3,
    "licensing": 4,
    "hvt": 5,
    "crt": 5,
    "budget": 6,
    "config": 7,
}

# Modules of a lower layer that a higher one may import beyond the rank rule's own limits:
# budget reads HVT and CRT only through their selectors.
ONLY_THROUGH = {"budget": {"hvt": ("hvt.selectors",), "crt": ("crt.selectors",)}}

def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _app_files():
    for app in LAYERS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" in path.relative_to(ROOT).parts:
                continue
            yield app, path


def _imports(path: Path) -> list[tuple[str, str, int]]:
    """``(module, imported name, line)`` for every import in the file: ``import a.b`` gives
    ``("a.b", "a.b")``, ``from a import b`` gives ``("a", "a.b")`` (``b`` may be a module)."""
    module = _module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            found += [(alias.name, alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            found += [(target, f"{target}.{alias.name}", node.lineno) for alias in node.names]
        elif isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", "")) in (
            "import_module",
            "import_string",
        ):
            if node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
                found.append((node.args[0].value, node.args[0].value, node.lineno))
    return found


def _allowed(app: str, name: str) -> bool:
    target_app = name.split(".")[0]
    if target_app not in LAYERS or target_app == app or app == "config":
        return True
    through = ONLY_THROUGH.get(app, {}).get(target_app)
    if through is not None:
        return any(name == allowed or name.startswith(f"{allowed}.") for allowed in through)
    return LAYERS[target_app] < LAYERS[app]


def violations() -> list[tuple[str, str, int]]:
    """``(importing module, imported module, line)`` for every import against the order."""
    found = {}
    for app, path in _app_files():
        importer = _module_name(path)
        for target, name, line in _imports(path):
            if not _allowed(app, name):
                found.setdefault((importer, target), line)
    return [(importer, target, line) for (importer, target), line in found.items()]


def test_the_walker_sees_imports_inside_functions_and_relative_ones(tmp_path):
    source = ROOT / "core" / "_layers_probe.py"
    assert not source.exists()
    source.write_text("def f():\n    from hvt.models import Place\n    import crt.realm\n\nfrom . import registry\n")
    try:
        imports = {(target, name) for target, name, _line in _imports(source)}
    finally:
        source.unlink()
    assert {("hvt.models", "hvt.models.Place"), ("crt.realm", "crt.realm"), ("core", "core.registry")} <= imports
    assert not _allowed("core", "hvt.models")
    assert not _allowed("hvt", "crt.realm") and not _allowed("crt", "hvt.models")
    assert _allowed("budget", "hvt.selectors") and not _allowed("budget", "hvt.models")
    assert _allowed("config", "budget.views") and _allowed("hvt", "licensing.services")


def test_no_import_points_up():
    found = [f"{importer}:{line} imports {target}" for importer, target, line in violations()]
    assert not found, "imports against the layer order:\n" + "\n".join(found)


def _model_labels(app: str) -> set[str]:
    """``app.modelname`` of every model class the app defines (read from its source, no Django)."""
    labels = set()
    for path in sorted((ROOT / app).rglob("models*.py")) + sorted((ROOT / app).glob("models/*.py")):
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.ClassDef) and any(
                getattr(base, "attr", getattr(base, "id", "")) in ("Model", "TimeStampedModel") or "Model" in ast.unparse(base)
                for base in node.bases
            ):
                labels.add(f"{app}.{node.name.lower()}")
    return labels


def test_no_model_of_a_higher_app_is_named_in_a_string():
    """A lower app that names a higher app's model ("licensing.licenceassignment") depends on it
    as surely as an import: such a case goes through a hook (accounts.hooks, core.registry)."""
    labels = {app: _model_labels(app) for app in LAYERS if app != "config"}
    found = []
    for app, path in _app_files():
        if app == "config":
            continue
        higher = set().union(*(names for other, names in labels.items() if LAYERS[other] > LAYERS[app] or (
            {app, other} == {"hvt", "crt"})))
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.lower() in higher:
                found.append(f"{_module_name(path)}:{node.lineno} names {node.value}")
    assert not found, "\n".join(found)
