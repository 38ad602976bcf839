"""The registry of block kinds (models/kinds/__init__.py) in this process: built-in kinds found without
looking at the installed packages, other packages' kinds (entry point group ``cashcast.blocks``) looked
up the first time a name is not built in, and the two refusals.

tests/test_plugin_kinds.py installs a real package and runs it in a child process; these tests give
the registry stand-in entry points instead, so that every branch runs where a test can see it.
"""
from __future__ import annotations

import importlib.metadata
from dataclasses import replace

import pytest

from cashcast.models.kinds import ENTRY_POINTS, KINDS, Kinds, add_plugin_kinds


class EntryPoint:
    """What ``importlib.metadata.entry_points`` yields: a name, a value and ``load()``."""

    def __init__(self, name: str, value: str, obj):
        self.name, self.value, self._obj = name, value, obj

    def load(self):
        return self._obj


ROYALTY = replace(KINDS["licensing"], name="royalty")   # a kind another package could register


@pytest.fixture
def installed(monkeypatch):
    """Stand-in installed packages: ``installed(*entry_points)``; returns the groups asked for."""
    asked: list[str] = []

    def install(*eps: EntryPoint) -> list[str]:
        def entry_points(group: str):
            asked.append(group)
            return list(eps)
        monkeypatch.setattr(importlib.metadata, "entry_points", entry_points)
        return asked
    return install


def built_in() -> Kinds:
    return Kinds((name, KINDS[name]) for name in ("subscription", "licensing"))


def test_a_built_in_kind_is_found_without_looking_at_the_installed_packages(installed):
    asked = installed(EntryPoint("royalty", "toy:KIND", ROYALTY))
    kinds = built_in()
    assert "subscription" in kinds and kinds["licensing"] is KINDS["licensing"]
    assert kinds.get("subscription") is KINDS["subscription"]
    assert asked == [] and not kinds.loaded


def test_an_installed_kind_is_found_by_in_by_get_and_by_index(installed):
    asked = installed(EntryPoint("royalty", "toy:KIND", ROYALTY))
    kinds = built_in()
    assert "royalty" in kinds and kinds.loaded and asked == [ENTRY_POINTS]
    assert kinds.get("royalty") is ROYALTY and kinds["royalty"] is ROYALTY
    assert asked == [ENTRY_POINTS]   # looked up once


def test_indexing_looks_the_packages_up_once(installed):
    asked = installed(EntryPoint("royalty", "toy:KIND", ROYALTY))
    kinds = built_in()
    assert kinds["royalty"] is ROYALTY and kinds.loaded
    with pytest.raises(KeyError) as raised:
        kinds["nope"]
    assert raised.value.args == ("nope",) and asked == [ENTRY_POINTS]


def test_an_unknown_kind_is_not_in_the_registry_and_get_gives_the_default(installed):
    asked = installed(EntryPoint("royalty", "toy:KIND", ROYALTY))
    kinds = built_in()
    assert "nope" not in kinds and kinds.loaded and asked == [ENTRY_POINTS]
    assert kinds.get("nope") is None and kinds.get("nope", "fallback") == "fallback"
    assert "nope" not in kinds and asked == [ENTRY_POINTS]
    with pytest.raises(KeyError) as raised:
        kinds["nope"]
    assert raised.value.args == ("nope",)


def test_an_unknown_kind_before_the_lookup_is_a_key_error(installed):
    asked = installed()
    kinds = built_in()
    with pytest.raises(KeyError) as raised:
        kinds["nope"]
    assert raised.value.args == ("nope",) and kinds.loaded and asked == [ENTRY_POINTS]


def test_load_plugins_returns_the_registry_and_runs_once(installed):
    asked = installed(EntryPoint("royalty", "toy:KIND", ROYALTY))
    kinds = built_in()
    assert kinds.load_plugins() is kinds and kinds.load_plugins() is kinds
    assert asked == [ENTRY_POINTS] and dict.__contains__(kinds, "royalty")


def test_installed_kinds_come_after_the_built_in_ones(installed):
    other = replace(ROYALTY, name="bounty")
    installed(EntryPoint("royalty", "toy:KIND", ROYALTY), EntryPoint("bounty", "toy:OTHER", other))
    kinds = built_in()
    add_plugin_kinds(kinds)
    assert list(kinds) == ["subscription", "licensing", "royalty", "bounty"] and kinds["bounty"] is other


def test_an_entry_point_that_is_not_a_kind_is_refused(installed):
    installed(EntryPoint("royalty", "toy:KIND", ROYALTY), EntryPoint("bad", "toy:nothing", object()))
    with pytest.raises(TypeError) as raised:
        add_plugin_kinds(built_in())
    assert str(raised.value) == "entry point bad = toy:nothing (cashcast.blocks) is not a KindSpec"


def test_an_entry_point_naming_a_kind_that_exists_is_refused(installed):
    installed(EntryPoint("mine", "toy:SUB", replace(ROYALTY, name="subscription")))
    kinds = built_in()
    with pytest.raises(ValueError) as raised:
        add_plugin_kinds(kinds)
    assert str(raised.value) == ("entry point mine = toy:SUB (cashcast.blocks): a kind named 'subscription' "
                                 "exists already")
    assert kinds["subscription"] is KINDS["subscription"]
