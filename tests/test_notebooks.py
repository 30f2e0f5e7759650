"""The notebooks run from top to bottom in the project's own interpreter, and show what they
promise (the strategist walkthrough: a comparison table naming every plan, and its plots).

Each notebook is executed with nbclient in a kernel started from a kernelspec written to a
temporary folder for *this* interpreter (``sys.executable``), so a user-wide ``python3``
kernelspec can never run them with another Python. The working directory is ``notebooks/``,
as in Jupyter. Notebooks are stored without outputs; the test executes them in memory and
writes nothing back.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
kernelspec = pytest.importorskip("ipykernel.kernelspec")

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
PATHS = sorted(NOTEBOOKS.glob("*.ipynb"))
KERNEL = "influence-sim-tests"
CELL_TIMEOUT = 600  # seconds per cell
PROBE = "import sys\nprint(sys.prefix)\nprint(sys.executable)"


@pytest.fixture(scope="module")
def kernel_name(tmp_path_factory) -> str:
    """A kernelspec for this interpreter in a temporary prefix, first on JUPYTER_PATH."""
    prefix = tmp_path_factory.mktemp("jupyter")
    kernelspec.install(kernel_name=KERNEL, prefix=str(prefix), display_name="influence-sim tests")
    data = prefix / "share" / "jupyter"
    assert (data / "kernels" / KERNEL / "kernel.json").is_file()
    with pytest.MonkeyPatch.context() as patch:
        paths = [str(data), *filter(None, os.environ.get("JUPYTER_PATH", "").split(os.pathsep))]
        patch.setenv("JUPYTER_PATH", os.pathsep.join(paths))
        yield KERNEL


@pytest.fixture(scope="module")
def executed(kernel_name):
    """Run each notebook once (lazily) and keep the executed copy for the assertions."""
    done = {}

    def run(path: Path):
        if path not in done:
            notebook = nbformat.read(path, as_version=4)
            # a probe cell, in memory only: which interpreter does the kernel run?
            notebook.cells.insert(0, nbformat.v4.new_code_cell(PROBE))
            client = nbclient.NotebookClient(
                notebook,
                timeout=CELL_TIMEOUT,
                kernel_name=kernel_name,
                resources={"metadata": {"path": str(NOTEBOOKS)}},
            )
            client.execute()  # raises CellExecutionError, naming the cell, on any error
            done[path] = notebook
        return done[path]

    return run


def test_there_are_notebooks():
    assert NOTEBOOKS / "strategist_walkthrough.ipynb" in PATHS


@pytest.mark.parametrize("path", PATHS, ids=[path.name for path in PATHS])
def test_notebook_is_stored_without_outputs(path):
    notebook = nbformat.read(path, as_version=4)
    nbformat.validate(notebook)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            assert not cell.outputs, f"{path.name}: clear the outputs before committing"
            assert cell.execution_count is None, f"{path.name}: clear the execution counts"


@pytest.mark.parametrize("path", PATHS, ids=[path.name for path in PATHS])
def test_notebook_runs_in_this_interpreter(path, executed):
    notebook = executed(path)
    prefix, executable = _text(notebook.cells[0]).split()
    assert Path(prefix).resolve() == Path(sys.prefix).resolve(), executable
    assert all(_errors(cell) == [] for cell in notebook.cells)


def test_strategist_walkthrough_shows_table_plots_and_what_ifs(executed):
    from sim.config import load_scenario

    notebook = executed(NOTEBOOKS / "strategist_walkthrough.ipynb")
    scenario = load_scenario(ROOT / "scenarios" / "macro_vs_micro_vs_nano.yaml")
    names = [strategy.name for strategy in scenario.strategies]
    assert len(names) == 5

    table = _text(_tagged(notebook, "comparison-table"))
    for name in names:
        assert name in table, f"the comparison table does not show {name!r}"
    for column in ("adopters low", "cost per adopter", "days to half", "vs best high"):
        assert column in table

    assert _pngs(_tagged(notebook, "plots")) == 2  # adoption curves and cost per adopter
    assert all(name in _text(_tagged(notebook, "spread")) for name in names)
    paired = _text(_tagged(notebook, "paired"))
    assert "± paired" in paired and "± separate runs" in paired

    prices = _text(_tagged(notebook, "what-if-prices"))
    assert all(name in prices for name in names)
    summary = _tagged(notebook, "what-if-prices-summary")
    assert "with survey prices" in _text(summary)
    assert _pngs(summary) == 1

    weights = _text(_tagged(notebook, "what-if-weight"))
    assert "paid posts weigh" in weights and "best plan" in weights
    assert all(name in weights for name in names)
    assert _pngs(_tagged(notebook, "what-if-weight-summary")) == 2


# ------------------------------------------------------------------------------ helpers
def _tagged(notebook, tag: str):
    cells = [cell for cell in notebook.cells if tag in cell.get("metadata", {}).get("tags", [])]
    assert len(cells) == 1, f"expected one cell tagged {tag!r}, found {len(cells)}"
    return cells[0]


def _text(cell) -> str:
    """Everything a code cell printed or displayed as text."""
    parts = []
    for output in cell.outputs:
        if output.output_type == "stream" and output.name == "stdout":
            parts.append(output.text)
        elif output.output_type in ("execute_result", "display_data"):
            parts.append(output.data.get("text/plain", ""))
    return "".join(parts)


def _pngs(cell) -> int:
    return sum(
        "image/png" in output.get("data", {})
        for output in cell.outputs
        if output.output_type in ("execute_result", "display_data")
    )


def _errors(cell) -> list:
    return [output for output in cell.get("outputs", []) if output.output_type == "error"]


def test_calibration_notebook_fits_resumes_and_compares_on_the_held_out_part(executed):
    notebook = executed(NOTEBOOKS / "calibration.ipynb")
    fit = _text(_tagged(notebook, "fit"))
    assert "first call ran 9 candidates; the second ran 0, read 9 back" in fit
    assert "network.ties =" in fit and "within noise" in fit
    held = _text(_tagged(notebook, "held-out"))
    assert "held_out" in held and "calibrated" in held and "untuned" in held
    assert _pngs(_tagged(notebook, "figures")) == 2
