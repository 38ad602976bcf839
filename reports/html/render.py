"""Drawing the HTML report's charts: gathered first, then drawn together, in parallel when asked.

Each chart is a pure function of its data (:mod:`cashcast.reports.html.charts`,
:mod:`~cashcast.reports.html.uncertainty_charts`): its SVG depends on nothing but its arguments, so
the charts can be drawn in any order, in any process, and give the same bytes. The section builders
call a drawing function through :func:`later`; inside :func:`deferred`, that call only records the
drawing and returns a :class:`Pending` chart, which :func:`draw_all` fills in, each chart becoming
the :class:`~cashcast.reports.html.charts.Chart` the drawing function returns. Outside
:func:`deferred` (a test, another program), :func:`later` draws at once.

In parallel, the charts are drawn by a pool of worker processes started with ``fork``: the workers
inherit the recorded calls (closures, arrays and all), so only an index goes to a worker and only
the finished chart (its SVG text) comes back; the results are taken in the order the charts were
recorded. Where ``fork`` is not available the charts are drawn one after the other. :class:`Drawing`
lets the caller do other work (the Excel report) while the workers draw.
"""
from __future__ import annotations

import functools
import gc
import multiprocessing
import os
import signal
from contextlib import ExitStack, contextmanager
from contextvars import ContextVar
from typing import Callable, Iterator

from cashcast.reports.html.charts import Chart
from cashcast.reports.html.measure_once import measure_once

_PENDING: ContextVar[list | None] = ContextVar("cashcast_pending_charts", default=None)
_FORKED: list = []  # the calls a pool's forked workers inherit (set just before the pool starts)
_WORKER = ExitStack()  # a worker's measure_once, for its whole life


class Pending(Chart):
    """A chart recorded but not yet drawn; :meth:`fill` makes it the chart its drawing returned."""

    def __init__(self, draw: Callable[..., Chart], args: tuple, kwargs: dict):  # noqa: D107
        self._call = (draw, args, kwargs)

    def draw(self) -> Chart:
        draw, args, kwargs = self._call
        return draw(*args, **kwargs)

    def fill(self, chart: Chart) -> None:
        self.__dict__.update(vars(chart))


def later(draw: Callable[..., Chart]) -> Callable[..., Chart]:
    """``draw`` called now, or, inside :func:`deferred`, recorded and returned as a :class:`Pending`."""
    @functools.wraps(draw)
    def call(*args, **kwargs):
        pending = _PENDING.get()
        if pending is None:
            return draw(*args, **kwargs)
        chart = Pending(draw, args, kwargs)
        pending.append(chart)
        return chart
    return call


@contextmanager
def deferred() -> Iterator[list[Pending]]:
    """Record the charts asked for through :func:`later` in this block; yields their list."""
    token = _PENDING.set([])
    try:
        yield _PENDING.get()
    finally:
        _PENDING.reset(token)


def usable_cpus() -> int:
    """The processors this process may run on (``--jobs``' default)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


YOUNG = 20_000  # objects allocated between two collections of the youngest generation (Python: 700)


@contextmanager
def seldom_collected() -> Iterator[None]:
    """Drawing charts creates and drops tens of thousands of matplotlib objects, most in reference
    cycles (a figure and its artists): the objects that exist before (the model, the page's data,
    inherited by a worker) are frozen out of the collections, and the youngest generation is
    collected every :data:`YOUNG` allocations rather than every 700 (about 350 collections for the
    flagship's charts become about a dozen); the garbage is the same, collected in fewer passes."""
    before = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(YOUNG, *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)
        gc.unfreeze()


def _worker_start() -> None:
    """A worker leaves Ctrl-C to the parent (which stops the pool) and ends quietly when stopped,
    whatever handlers it inherited from the command line; it measures text once for all its charts
    and collects garbage seldom (:func:`seldom_collected`)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _WORKER.enter_context(measure_once())
    _WORKER.enter_context(seldom_collected())


def _draw_forked(i: int) -> Chart:
    """In a worker: draw the i-th recorded chart (the Chart its drawing function returns)."""
    return _FORKED[i].draw()


class Drawing:
    """Charts being drawn: by ``jobs`` worker processes started now (``jobs`` ≥ 2, ``fork``
    available, two charts or more), else one after the other when :meth:`wait` is called."""

    def __init__(self, charts: list[Pending], jobs: int = 1):
        self.charts, self._pool, self._result = list(charts), None, None
        if jobs >= 2 and len(self.charts) >= 2 and "fork" in multiprocessing.get_all_start_methods():
            _FORKED[:] = self.charts
            self._pool = multiprocessing.get_context("fork").Pool(min(jobs, len(self.charts)), _worker_start)
            _FORKED.clear()  # the workers hold their copies; the parent needs none
            self._result = self._pool.map_async(_draw_forked, range(len(self.charts)), chunksize=1)

    def wait(self) -> None:
        """Every chart filled in (the order of the results is the order of the charts)."""
        if self._pool is None:
            with measure_once(), seldom_collected():
                for chart in self.charts:
                    chart.fill(chart.draw())
            return
        try:
            drawn = self._result.get()
            self._pool.close()  # every chart is back: the workers end on their own
        finally:
            self.close()
        for chart, done in zip(self.charts, drawn):
            chart.fill(done)

    def close(self) -> None:
        """Stop the workers, if any are left (after :meth:`wait`, or when the caller failed first)."""
        if self._pool is not None:
            self._pool.terminate()  # after close(): only reaps the workers
            self._pool.join()
            self._pool = None


def draw_all(charts: list[Pending], jobs: int = 1) -> None:
    """Draw every recorded chart, with ``jobs`` processes (1: in this one)."""
    Drawing(charts, jobs).wait()
