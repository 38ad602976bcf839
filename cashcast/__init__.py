"""cashcast: assumption workbooks → monthly cash-flow, break-even and runway models and investor reports.

This folder is only the package's front door. The design card's folders install beneath it:
``cashcast.models`` is ``models/`` (computation), ``cashcast.reports`` is ``reports/`` (rendering and
the command line) and ``cashcast.templates`` is ``templates/`` (package data), by setuptools'
``package-dir`` in ``pyproject.toml``.
"""
from __future__ import annotations

# The Python API (cashcast/api.py), imported when first used: ``import cashcast`` stays cheap and
# ``cashcast --version`` imports neither pandas nor numpy.
API = ("load", "run", "Result", "InputError", "Problem")


def __getattr__(name: str):
    """``cashcast.__version__``, read from the installed package's metadata when first asked for
    (importlib.metadata is not imported by every command), and the API's names (:data:`API`)."""
    if name in API:
        from cashcast import api

        value = getattr(api, name)
        globals()[name] = value
        return value
    if name != "__version__":
        raise AttributeError(f"module 'cashcast' has no attribute {name!r}")
    from importlib import metadata

    try:
        version = metadata.version("cashcast")
    except metadata.PackageNotFoundError:  # running from a source tree that was never installed
        version = "0+unknown"
    globals()["__version__"] = version
    return version


def __dir__() -> list[str]:
    return sorted([*globals(), *API, "__version__"])
