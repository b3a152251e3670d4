"""The shape of the code: layers import one way, the core neither prints nor exits, and no
function of the analysis core is too tangled to change.

Layers, lowest first; a module may import its own layer and the ones below it, never above.
A new module must be placed here: an unknown module fails the test, so its place is decided,
not drifted into.
"""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "sanctionscan"

LAYERS: list[tuple[str, ...]] = [
    ("__init__", "errors", "categories", "atomic", "yamlfile", "models", "guard", "hints",
     "manifest"),
    ("schema", "layered"),
    ("text", "dates"),
    ("grammar", "lexicon"),
    ("extract", "lists", "names"),
    ("analysis", "ruleset", "cache"),
    ("frames",),
    ("rules",),
    ("engine",),
    # the edges: inputs, feeds, state, evaluation, the rule-example harness, process pools
    ("sources", "htmltext", "feeds", "fetch", "state", "baseline", "dedupe", "feedrun",
     "evaluate", "ruletests", "parallel", "api", "pytest_plugin", "listupdate"),
    ("formatters",),
    ("cli", "__main__"),
]
RANK = {name: i for i, layer in enumerate(LAYERS) for name in layer}
# the analysis core: where the grammar, the frames and the rules live
CORE = ("schema", "text", "dates", "grammar", "lexicon", "extract", "names", "analysis",
        "frames", "rules", "engine")


def _modules() -> list[tuple[str, Path]]:
    out = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE).with_suffix("")
        out.append((".".join(rel.parts), path))
    return out


def _layer(module: str) -> str:
    return module.split(".")[0]


def _imports(path: Path) -> list[tuple[int, str]]:
    """(line, module) of every sanctionscan import, outside `if TYPE_CHECKING:` blocks."""
    tree = ast.parse(path.read_text("utf-8"))
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skipped.update(id(n) for n in ast.walk(node))
        if path == PACKAGE / "__init__.py" and isinstance(node, ast.FunctionDef) \
                and node.name == "__getattr__":
            # the package's lazy facade (`sanctionscan.scan_text`): loaded on first use only
            skipped.update(id(n) for n in ast.walk(node))
    found = []
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] if node.module != "sanctionscan" else [
                f"sanctionscan.{a.name}" for a in node.names]
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        else:
            continue
        for name in names:
            if name == "sanctionscan" or name.startswith("sanctionscan."):
                found.append((node.lineno, name.removeprefix("sanctionscan").lstrip(".")
                              or "__init__"))
    return found


def test_every_module_has_a_layer() -> None:
    unknown = sorted({_layer(m) for m, _ in _modules()} - set(RANK))
    assert not unknown, f"place these modules in a layer of LAYERS: {unknown}"


def test_layers_import_only_downwards() -> None:
    wrong = []
    for module, path in _modules():
        own = RANK[_layer(module)]
        for line, imported in _imports(path):
            if RANK.get(_layer(imported), -1) > own:
                wrong.append(f"{path.relative_to(PACKAGE)}:{line}: {module} imports {imported}")
    assert not wrong, "imports that call back up a layer:\n" + "\n".join(wrong)


def test_only_the_cli_imports_click_prints_or_exits() -> None:
    wrong = []
    for module, path in _modules():
        if _layer(module) in ("cli", "__main__"):
            continue
        tree = ast.parse(path.read_text("utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import | ast.ImportFrom):
                names = [a.name for a in node.names] + [getattr(node, "module", None) or ""]
                if any(n == "click" or n.startswith("click.") for n in names):
                    wrong.append(f"{module}:{node.lineno}: imports click")
            if isinstance(node, ast.Call):
                called = ast.unparse(node.func)
                if called in ("print", "sys.exit", "exit", "quit", "os._exit"):
                    wrong.append(f"{module}:{node.lineno}: calls {called}")
    assert not wrong, "\n".join(wrong)


def test_the_import_check_sees_a_call_back_up(tmp_path: Path) -> None:
    # the checker itself: an engine import inside a function of a lower layer is found
    source = tmp_path / "m.py"
    source.write_text("def f():\n    from sanctionscan.engine import Scanner\n", "utf-8")
    assert _imports(source) == [(2, "engine")]
    guarded = tmp_path / "g.py"
    guarded.write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
                       "    from sanctionscan.engine import Scanner\n", "utf-8")
    assert _imports(guarded) == []


@pytest.mark.skipif(shutil.which("ruff") is None and not (
    Path(sys.executable).parent / "ruff").exists(), reason="ruff is in the test extra")
def test_no_function_of_the_core_is_above_complexity_25() -> None:
    ruff = shutil.which("ruff") or str(Path(sys.executable).parent / "ruff")
    paths = [str(p) for p in PACKAGE.iterdir()
             if p.stem in CORE or p.name in CORE]
    done = subprocess.run(
        [ruff, "check", "--isolated", "--select", "C901", "--config",
         "lint.mccabe.max-complexity=25", "--output-format", "concise", *paths],
        capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
