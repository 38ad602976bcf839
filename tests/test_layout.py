"""The house rules a maintainer relies on, checked rather than hoped for: modules a screen or two
long, functions that fit on a screen, and no backslash line continuations in the package."""
from __future__ import annotations

import ast
import io
import tokenize
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = [p for d in ("cashcast", "models", "reports") for p in sorted((ROOT / d).rglob("*.py"))]
MAX_MODULE_LINES = 500
MAX_FUNCTION_LINES = 60


def _rel(path: Path) -> str:
    return str(path.relative_to(ROOT))


def _is_table(node: ast.FunctionDef) -> bool:
    """A declarative table: a function whose body is a docstring and one return of a literal."""
    body = [s for s in node.body if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))]
    return len(body) == 1 and isinstance(body[0], ast.Return) and isinstance(
        body[0].value, (ast.List, ast.Tuple, ast.Dict))


@pytest.mark.parametrize("path", PACKAGE, ids=_rel)
def test_module_size(path):
    lines = path.read_text(encoding="utf-8").count("\n")
    assert lines <= MAX_MODULE_LINES, f"{_rel(path)} has {lines} lines; split it by what it holds"


@pytest.mark.parametrize("path", PACKAGE, ids=_rel)
def test_function_size(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    long = [f"{node.name} ({node.end_lineno - node.lineno + 1} lines)" for node in ast.walk(tree)
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
            and node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES and not _is_table(node)]
    assert not long, f"{_rel(path)}: functions over {MAX_FUNCTION_LINES} lines: {', '.join(long)}"


@pytest.mark.parametrize("path", PACKAGE, ids=_rel)
def test_no_backslash_continuations(path):
    text = path.read_text(encoding="utf-8")
    tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    # a physical line that ends in a backslash outside a string is an explicit continuation
    strings = {(t.start[0], t.end[0]) for t in tokens if t.type == tokenize.STRING and t.start[0] != t.end[0]}
    inside = {n for a, b in strings for n in range(a, b)}
    bad = [n for n, line in enumerate(text.splitlines(), start=1)
           if line.rstrip().endswith("\\") and n not in inside and not line.lstrip().startswith("#")]
    assert not bad, f"{_rel(path)}: backslash continuations at lines {bad}; use parentheses"
