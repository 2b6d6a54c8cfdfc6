"""environment.yml (conda, consultants' laptops) and pyproject.toml (pip, CI) list the same runtime packages."""

from __future__ import annotations

import re
import tomllib

import yaml

from readiness.config import ROOT

# conda-forge names that differ from PyPI's
CONDA_TO_PYPI = {"matplotlib-base": "matplotlib", "nbconvert-core": "nbconvert", "playwright-python": "playwright"}


def _split(spec: str) -> tuple[str, str]:
    m = re.match(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*)$", spec)
    return m.group(1).lower(), m.group(2).replace(" ", "")


def test_conda_and_pip_runtime_packages_agree():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    pip = dict(_split(d) for d in pyproject["project"]["dependencies"])
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda = {}
    for dep in env["dependencies"]:
        if isinstance(dep, str):
            name, bound = _split(dep)
            if name not in ("python", "pip"):
                conda[CONDA_TO_PYPI.get(name, name)] = bound
    assert set(conda) == set(pip), f"only in conda: {set(conda) - set(pip)}; only in pip: {set(pip) - set(conda)}"
    assert conda == pip, "lower bounds differ between environment.yml and pyproject.toml"
    assert "conda-forge" in env["channels"]


def test_python_floor_agrees():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert pyproject["project"]["requires-python"] == ">=3.11"
    assert "python>=3.11" in env["dependencies"]


def test_every_package_under_lib_is_installed_with_the_notebooks_and_capture_sheets():
    """pyproject lists its packages by hand (two live outside lib/): a package added under lib/ must be listed,
    and what config reads from an installed package must be carried there."""
    setup = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    found = {".".join(p.parent.relative_to(ROOT / "lib").parts) for p in (ROOT / "lib").rglob("__init__.py")}
    assert set(setup["packages"]) == found | {"readiness.notebooks", "readiness.capture_sheets"}
    dirs = setup["package-dir"]
    assert (ROOT / dirs["readiness.notebooks"] / "readiness_report.ipynb").is_file()
    assert (ROOT / dirs["readiness.capture_sheets"] / "WorkflowRules.csv").is_file()
    data = setup["package-data"]
    assert "*.ipynb" in data["readiness.notebooks"] and "*.csv" in data["readiness.capture_sheets"]


def test_config_reads_the_installed_copies_when_there_is_no_checkout(tmp_path):
    from readiness.config import _checkout_or_package

    installed = tmp_path / "site" / "readiness" / "notebooks"
    installed.mkdir(parents=True)
    assert _checkout_or_package(tmp_path / "checkout" / "notebooks", installed) == installed
    assert _checkout_or_package(ROOT / "notebooks", installed) == ROOT / "notebooks"
