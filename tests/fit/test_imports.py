"""The fitting layer's imports run one way: fit/ never imports mle.py, and no module of
fit/ (with mle.py) imports one that imports it back, at the top or inside a function."""

import ast
from pathlib import Path

import femtograd

PACKAGE = Path(femtograd.__file__).parent
FITTING = sorted((PACKAGE / "fit").glob("*.py")) + [PACKAGE / "mle.py"]


def _module(path):
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(rel.parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path):
    """The femtograd modules `path` imports anywhere in its body (relative imports resolved)."""
    name = _module(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            base = package
            for _ in range(node.level - 1):
                base = base.rpartition(".")[0]
            if node.module is None:  # `from . import plots`: the submodules
                out.update(f"{base}.{a.name}" for a in node.names)
                continue
            target = f"{base}.{node.module}" if node.level else node.module
            out.add(target)
            out.update(f"{target}.{a.name}" for a in node.names)  # a name may be a module
        elif isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
    return {m for m in out if m.startswith("femtograd")}


GRAPH = {_module(p): _imports(p) for p in FITTING}


def test_the_fit_package_does_not_import_mle():
    offenders = {m: sorted(i) for m, i in GRAPH.items()
                 if m.startswith("femtograd.fit") and "femtograd.mle" in i}
    assert offenders == {}


def test_the_fitting_layer_has_no_import_circle():
    def reach(start):
        seen, todo = set(), [start]
        while todo:
            for nxt in GRAPH.get(todo.pop(), ()):
                if nxt in GRAPH and nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        return seen
    circles = sorted(m for m in GRAPH if m in reach(m))
    assert circles == []


def test_shared_helpers_import_nothing_from_femtograd():
    assert GRAPH["femtograd.fit.common"] == set()
