"""cashcast: assumption workbooks → monthly cash-flow, break-even and runway models and investor reports.

This folder is only the package's front door. The design card's folders install beneath it:
``cashcast.models`` is ``models/`` (computation), ``cashcast.reports`` is ``reports/`` (rendering and
the command line) and ``cashcast.templates`` is ``templates/`` (package data), by setuptools'
``package-dir`` in ``pyproject.toml``.
"""
from __future__ import annotations

from importlib import metadata

try:
    __version__ = metadata.version("cashcast")
except metadata.PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0+unknown"
