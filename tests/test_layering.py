"""Data flows one way: the NumPy core never imports a widget, and the file format never imports
the network. Checked in a fresh interpreter, where nothing else has imported them first."""

import subprocess
import sys

import pytest

CORE = [
    "nnwidgets.network",
    "nnwidgets.training",
    "nnwidgets.datasets",
    "nnwidgets.gradcheck",
    "nnwidgets.modelfile",
]
WIDGET_LIBRARIES = ["anywidget", "ipywidgets", "traitlets"]


def modules_after_importing(*names):
    code = (
        "import importlib, sys\n"
        f"for name in {list(names)!r}:\n"
        "    importlib.import_module(name)\n"
        "print('\\n'.join(sorted(sys.modules)))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    return set(done.stdout.split())


@pytest.fixture(scope="module")
def core_modules():
    return modules_after_importing(*CORE)


@pytest.mark.parametrize("library", WIDGET_LIBRARIES)
def test_the_core_imports_no_widget_library(core_modules, library):
    assert "nnwidgets.network" in core_modules  # the import really happened
    leaked = sorted(m for m in core_modules if m == library or m.startswith(library + "."))
    assert not leaked, f"importing the NumPy core pulled in {leaked}"


def test_the_core_imports_no_widget_module(core_modules):
    assert not [m for m in core_modules if m.startswith("nnwidgets.widgets")]


def test_modelfile_does_not_import_the_network():
    modules = modules_after_importing("nnwidgets.modelfile")
    assert "nnwidgets.modelfile" in modules
    assert "nnwidgets.network" not in modules
