"""The package's layers: imports point down only, and `import sim` stays light.

The order is documented in docs/architecture.md; this test is its enforcement. Every module's
imports of other `sim` modules are read from its syntax tree (top-level and function-level
alike), so a lazy import that runs back up is caught too.
"""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "sim"

LAYERS = [
    {"sim.dtypes", "sim.errors", "sim.version"},
    {"sim.kernels"},
    {"sim.network"},
    {"sim.model"},
    {"sim.config"},
    {"sim.campaign"},
    {"sim.runner"},
    {"sim.analysis", "sim.optimize"},
    {"sim.report", "sim.validation", "sim.batch"},
    {"sim.calibrate"},
    {"sim.api", "sim.teach", "sim.bench"},
    {"sim.cli", "sim.__main__"},
]
"""Lowest first. A module may import its own unit and any unit of a lower layer."""

# llvmlite is numba's own code generator (installed with it): sim.kernels.prefetch emits one
# LLVM intrinsic through it
KERNEL_ALLOWED = {"numpy", "numba", "llvmlite", "math", "collections", "hashlib", "os", "pathlib"}
"""numpy, numba and the standard library bits the package uses to place its numba cache."""


def unit(module: str) -> str:
    """The layer unit a module belongs to: ``sim.model.engine`` -> ``sim.model``."""
    parts = module.split(".")
    return ".".join(parts[:2])


def rank(module: str) -> int:
    name = unit(module)
    for level, units in enumerate(LAYERS):
        if name in units:
            return level
    raise AssertionError(f"{module} belongs to no layer: add its package to LAYERS")


def modules() -> list[tuple[str, Path]]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE.parent).with_suffix("")
        name = ".".join(relative.parts).removesuffix(".__init__")
        found.append((name, path))
    return found


def imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
            if node.module == "sim":
                names |= {f"sim.{alias.name}" for alias in node.names}
    return names


def upward(name: str, path: Path) -> list[str]:
    """The imports of module ``name`` (source ``path``) that run up the layers."""
    own = rank(name)
    return sorted(t for t in imports(path) if t.startswith("sim.") and rank(t) > own)


MODULES = [(name, path) for name, path in modules() if name != "sim"]


@pytest.mark.parametrize(("name", "path"), MODULES, ids=[name for name, _ in MODULES])
def test_imports_point_down_the_layers(name, path):
    found = upward(name, path)
    assert not found, f"{name} (layer {rank(name)}) imports a higher layer: {found}"


@pytest.mark.parametrize(
    ("name", "path"),
    [(n, p) for n, p in MODULES if unit(n) == "sim.kernels"],
)
def test_kernels_import_only_numpy_and_numba(name, path):
    outside = sorted(
        target
        for target in imports(path)
        if not target.startswith("sim.kernels") and target.split(".")[0] not in KERNEL_ALLOWED
    )
    assert not outside, f"{name} imports {outside}"


def test_the_layer_check_catches_an_upward_import(tmp_path):
    # the check itself can fail: a model module importing analysis lazily is refused
    fake = tmp_path / "engine.py"
    fake.write_text("def f():\n    from sim.analysis.results import Results\n    return Results\n")
    assert upward("sim.model.engine", fake) == ["sim.analysis.results"]
    assert upward("sim.report.writer", fake) == []


def test_only_the_gate_reads_yaml():
    readers = sorted(name for name, path in MODULES if "yaml" in imports(path))
    assert readers == ["sim.config.gate"]


def test_no_global_or_legacy_numpy_random_state():
    for name, path in MODULES:
        text = path.read_text()
        assert "np.random.seed(" not in text, name
        assert "np.random.rand(" not in text and "np.random.randint(" not in text, name


def test_import_sim_stays_light():
    code = (
        "import sys, sim\n"
        "heavy = ['matplotlib', 'mesa', 'solara', 'dask', 'distributed', 'sim.report.plots',"
        " 'sim.validation', 'sim.cli', 'scipy.stats', 'tqdm']\n"
        "print(','.join(name for name in heavy if name in sys.modules))\n"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert loaded == "", f"`import sim` loaded {loaded}"


def test_kernels_cache_in_a_folder_named_after_their_sources():
    # numba invalidates a cache only when the function's own file changes; the folder's hash
    # covers every kernel file, so editing one never loads another's stale compiled code
    import hashlib

    from sim.kernels import CACHE_DIR, batch, diffusion

    digest = hashlib.sha256()
    for path in sorted((PACKAGE / "kernels").glob("*.py")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    assert CACHE_DIR.endswith(f"influence-sim-{digest.hexdigest()[:16]}")
    for entry in (batch.run_batch, batch.run_day, diffusion.reset):
        assert entry._cache._cache_path.startswith(CACHE_DIR)
    import numba

    assert numba.config.CACHE_DIR != CACHE_DIR  # the caller's own functions are left alone
