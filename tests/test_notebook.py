"""``examples/explore.ipynb`` runs top to bottom in a fresh kernel, and is committed clean."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "examples" / "explore.ipynb"

pytestmark = pytest.mark.slow


def _read() -> object:
    nbformat = pytest.importorskip("nbformat")
    return nbformat.read(NOTEBOOK, as_version=4)


def test_notebook_is_committed_without_outputs() -> None:
    """No cell carries outputs or an execution count."""
    nb = _read()
    for cell in nb.cells:  # type: ignore[attr-defined]
        if cell.cell_type == "code":
            assert cell.outputs == []
            assert cell.execution_count is None


def test_notebook_runs(tmp_path: Path) -> None:
    """Every cell runs without error in the venv's python3 kernel; the reprs show up."""
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    from jupyter_client.kernelspec import KernelSpecManager

    spec = KernelSpecManager().get_kernel_spec("python3")
    # "python" in a kernelspec is replaced by this interpreter: the kernel runs in this venv.
    assert spec.argv[0] in ("python", sys.executable)
    nb = _read()
    client = nbclient.NotebookClient(
        nb,
        kernel_name="python3",
        timeout=180,
        resources={"metadata": {"path": str(ROOT)}},
    )
    client.execute()
    outputs = [o for cell in nb.cells if cell.cell_type == "code" for o in cell.outputs]  # type: ignore[attr-defined]
    assert not [o for o in outputs if o.output_type == "error"]
    html = "".join(o.get("data", {}).get("text/html", "") for o in outputs)
    assert "rk-report" in html  # the report's notebook repr
    assert "rk-rule" in html  # a rule's repr
    assert sum("image/png" in o.get("data", {}) for o in outputs) == 3
