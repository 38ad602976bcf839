"""The engine benchmark's yardstick (benchmarks/yardstick.py) computes every line of the flagship
exactly as the engine does, so the benchmark times the same work on both sides: a block added to the
flagship without its hand-written lines, or a line computed differently, fails here."""
from __future__ import annotations

from benchmarks.bench_engine import FLAGSHIP, chunks, compare
from benchmarks.yardstick import Calendar
from cashcast.models.engine.model import build_model
from cashcast.models.reading.workbook import load_workbook


def _model():
    model = build_model(load_workbook(FLAGSHIP))
    return model, Calendar(model.workbook.months())


def test_yardstick_equals_the_engine_on_sampled_paths():
    model, cal = _model()
    parts = chunks(model, 300, seed=3, chunk=128)        # three chunks, the last one partial
    assert [max(len(v) for v in p.values()) for p in parts] == [128, 128, 44]
    worst, problems = compare(model, cal, parts)
    assert problems == []
    assert worst < 1e-12


def test_yardstick_equals_the_engine_in_every_scenario():
    model, cal = _model()
    params = model.workbook.param_values(model.workbook.scenario_names)
    worst, problems = compare(model, cal, [params])
    assert problems == [] and worst < 1e-12
