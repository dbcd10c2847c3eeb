"""The layer contracts (import-linter, ``make lint``) hold today and catch a violating import."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint(tree: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(tree)}
    return subprocess.run(
        [str(LINT_IMPORTS), "--config", str(tree / "pyproject.toml"), "--no-cache"],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def copy_of_the_project(tmp_path: Path) -> Path:
    tree = tmp_path / "tree"
    tree.mkdir()
    shutil.copy(ROOT / "pyproject.toml", tree)
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    for package in config["root_packages"]:
        shutil.copytree(ROOT / package, tree / package, ignore=shutil.ignore_patterns("__pycache__"))
    return tree


def test_the_contracts_hold_and_a_violating_import_breaks_them(tmp_path: Path) -> None:
    tree = copy_of_the_project(tmp_path)
    clean = lint(tree)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    (tree / "core" / "layer_probe.py").write_text(
        '"""A platform module reaching into a domain app."""\n\nimport content.models  # noqa: F401\n'
    )
    broken = lint(tree)
    assert broken.returncode != 0
    assert "core is not allowed to import content" in broken.stdout
