"""A non-editable install carries every module and the grammar (the editable one hides gaps)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_wheel_holds_every_module_and_the_grammar(tmp_path):
    # Build from a clean copy: a build/ folder left in the checkout would hide a missing package.
    source = tmp_path / "source"
    shutil.copytree(ROOT, source, symlinks=True, ignore=shutil.ignore_patterns(
        ".git", ".venv*", "build", "*.egg-info", "__pycache__", "results", "tests", ".*cache"))
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(tmp_path),
         str(source)],
        capture_output=True, text=True, timeout=300,
    )
    assert built.returncode == 0, built.stderr
    (wheel,) = tmp_path.glob("gradlang-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    sources = {str(p.relative_to(ROOT)) for p in (ROOT / "gradlang").rglob("*.py")}
    assert sources <= names, sorted(sources - names)
    assert "gradlang/language/gradlang.lark" in names
    grammar = zipfile.ZipFile(wheel).read("gradlang/language/gradlang.lark").decode()
    assert grammar == (ROOT / "grammar" / "gradlang.lark").read_text()
