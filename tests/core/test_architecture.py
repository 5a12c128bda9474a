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


# -- the shape of features ------------------------------------------------------------------

FEATURE_ROOT = ROOT / "cogs"


def feature_of(path: Path) -> str:
    return path.relative_to(FEATURE_ROOT).parts[0]


@pytest.mark.parametrize(
    "path", sorted((ROOT / "bot").rglob("*.py")), ids=lambda p: p.relative_to(ROOT).as_posix()
)
def test_the_core_imports_no_feature(path: Path) -> None:
    leaks = {m for m in imported_modules(path) if m == "cogs" or m.startswith("cogs.")}
    where = path.relative_to(ROOT)
    assert not leaks, f"{where} imports {sorted(leaks)}: the core names no feature"


FEATURE_FILES = sorted(p for p in FEATURE_ROOT.rglob("*.py") if p.parent != FEATURE_ROOT)


@pytest.mark.parametrize("path", FEATURE_FILES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_features_reach_each_other_only_through_declared_apis(path: Path) -> None:
    from bot.features import catalog

    own = feature_of(path)
    declared = set(catalog()[own].requires) | set(catalog()[own].optional)
    for module in imported_modules(path):
        parts = module.split(".")
        if parts[0] != "cogs" or len(parts) < 2 or parts[1] == own:
            continue
        other = parts[1]
        assert parts[2:] == ["api"], f"{path.name} imports {module}: use cogs.{other}.api"
        assert other in declared, f"{own} uses {other} without requires/optional naming it"


@pytest.mark.parametrize("path", FEATURE_FILES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_feature_modules_stay_small(path: Path) -> None:
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= 400, f"{path.relative_to(ROOT)} has {lines} lines: split it by concern"
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name == "setup":
            length = (node.end_lineno or node.lineno) - node.lineno + 1
            assert length <= 30, f"{path.name}: setup() is {length} lines"


def test_every_feature_package_defines_its_feature() -> None:
    from bot.features import catalog

    packages = {p.name for p in FEATURE_ROOT.iterdir() if (p / "__init__.py").is_file()}
    assert set(catalog()) == packages


def test_the_import_checker_sees_a_private_import(tmp_path: Path) -> None:
    sample = tmp_path / "peek.py"
    sample.write_text("from cogs.polls.store import votes\nimport cogs.faq.api\n")
    assert {"cogs.polls.store", "cogs.faq.api"} <= imported_modules(sample)
