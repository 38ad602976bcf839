"""Every doctest in the package runs: each module of ``cashcast`` is imported by its installed name."""
from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest


# The roots that pyproject's package-dir maps to folders of their own; an editable install finds them
# through an import hook that pkgutil cannot list, so the walk starts from each.
ROOTS = ("cashcast", "cashcast.models", "cashcast.reports")


def _modules() -> list[str]:
    names = set(ROOTS)
    for root in ROOTS:
        package = importlib.import_module(root)
        for info in pkgutil.walk_packages(package.__path__, root + "."):
            names.add(info.name)
    return sorted(n for n in names if not n.endswith("__main__"))


MODULES = _modules()


def test_every_folder_is_walked():
    """The walk reaches every subpackage, so no module's doctests are silently skipped."""
    for name in ("cashcast.models.reading", "cashcast.models.engine", "cashcast.models.kinds",
                 "cashcast.models.analysis", "cashcast.reports.cli", "cashcast.reports.excel",
                 "cashcast.reports.html"):
        assert name in MODULES


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0, f"{result.failed} doctest(s) failed in {name}"
