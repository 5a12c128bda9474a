"""The one rule every multi-platform framework regretted breaking: features and the core
never import a platform SDK."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PLATFORM_SDKS = {"discord", "telegram"}
# Only these adapter packages may import their own SDK.
ALLOWED = {ROOT / "bot" / "adapters" / "discord", ROOT / "bot" / "adapters" / "telegram"}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute | ast.Name)
            and getattr(node.func, "attr", getattr(node.func, "id", "")) == "import_module"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            found.add(node.args[0].value)
    return found


def checked_files() -> list[Path]:
    files = sorted((ROOT / "cogs").rglob("*.py")) + sorted((ROOT / "bot").rglob("*.py"))
    return [f for f in files if not any(f.is_relative_to(a) for a in ALLOWED)]


def test_there_are_files_to_check() -> None:
    names = {f.relative_to(ROOT).as_posix() for f in checked_files()}
    assert "bot/core/dispatcher.py" in names
    assert "cogs/help/__init__.py" in names


@pytest.mark.parametrize("path", checked_files(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_no_platform_sdk_import(path: Path) -> None:
    leaks = {m for m in imported_modules(path) if m.split(".")[0] in PLATFORM_SDKS}
    assert not leaks, f"{path.relative_to(ROOT)} imports {sorted(leaks)}: use the neutral core"


def test_the_checker_catches_an_import(tmp_path: Path) -> None:
    sample = tmp_path / "leak.py"
    sample.write_text(
        "import os\nfrom telegram.ext import Application\nimport discord.ui as ui\n"
        "import importlib\nimportlib.import_module('discord')\n"
    )
    assert {"telegram.ext", "discord.ui", "discord"} <= imported_modules(sample)
