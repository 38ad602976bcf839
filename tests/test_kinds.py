"""Block kinds are records in one explicit registry, and nothing finds code by reading bytecode."""
from __future__ import annotations

import importlib
import re
import types

import pytest

from cashcast.models import kinds
from cashcast.models.kinds import KINDS, base
from cashcast.models.reading import specs
from tests.helpers import ROOT

KIND_MODULES = sorted(p.stem for p in (ROOT / "models" / "kinds").glob("*.py")
                      if p.stem not in ("__init__", "base"))


def test_every_kind_module_is_registered_under_its_own_name():
    assert sorted(KINDS) == KIND_MODULES
    for name in KIND_MODULES:
        module = importlib.import_module(f"cashcast.models.kinds.{name}")
        assert KINDS[name] is module.KIND


def test_the_loader_validates_against_the_same_registry():
    assert specs.KINDS is kinds.KINDS


@pytest.mark.parametrize("name", KIND_MODULES)
def test_a_kind_lists_exactly_the_formulas_its_module_defines(name):
    """The explicit list is the module's own formulas: none forgotten, none borrowed."""
    module = importlib.import_module(f"cashcast.models.kinds.{name}")
    defined = {f for key, f in vars(module).items()
               if isinstance(f, types.FunctionType) and f.__module__ == module.__name__
               and key != "build" and not key.startswith("_")}
    kind = KINDS[name]
    assert set(kind.formulas) == defined
    assert len(kind.formulas) == len(set(kind.formulas))
    assert kind.build is module.build


@pytest.mark.parametrize("formula", [f for k in KINDS.values() for f in k.formulas],
                         ids=lambda f: f.__name__)
def test_every_formula_states_its_equation_and_a_worked_example(formula):
    doc = formula.__doc__ or ""
    assert "``" in doc and ">>>" in doc, formula.__name__


@pytest.mark.parametrize("kind", KINDS.values(), ids=lambda k: k.name)
def test_a_kind_record_is_complete(kind):
    assert kind.role in ("revenue", "cost", "funding")
    assert kind.doc and kind.params
    names = [p.name for p in kind.all_params()]
    assert len(names) == len(set(names))
    for mode in kind.modes:
        assert all(kind.param(n) is not None and not kind.param(n).required for n in mode)
    assert all(p.dimension in specs.DIMENSIONS for p in kind.all_params())
    assert isinstance(kind.params[0], base.ParamSpec)


FORBIDDEN = re.compile(r"co_names|__code__|^\s*(import inspect|from inspect import)", re.M)


def test_no_discovery_by_bytecode_or_inspect():
    """Which formulas a block uses, which checks run, which KPIs exist: explicit lists, never found by
    reading code objects or with ``inspect``."""
    sources = [p for folder in ("cashcast", "models", "reports", "templates")
               for p in (ROOT / folder).rglob("*.py")]
    assert sources
    offenders = [f"{p.relative_to(ROOT)}: {m.group(0).strip()}" for p in sources
                 for m in FORBIDDEN.finditer(p.read_text(encoding="utf-8"))]
    assert offenders == []


def test_the_starter_guide_and_the_readme_reference_list_every_kind():
    from cashcast.reports.excel.assumptions import guide_rows, reference_markdown
    assert set(KINDS) <= {row[0] for row in guide_rows()}
    reference = reference_markdown()
    assert all(f"| {name} | `" in reference for name in KINDS)
