"""The Python API: run an assumption workbook and get pandas objects, or the CLI's very files.

``cashcast.load(path)`` reads and validates a workbook; ``cashcast.run(path_or_workbook, ...)`` runs
it as ``cashcast run`` does — the same :func:`~cashcast.models.analysis.pipeline.compute` — and
returns a :class:`Result`: monthly and annual lines as DataFrames, the three statements, the KPIs per
scenario, the Monte Carlo percentiles, and ``to_excel`` / ``to_html`` / ``to_json`` / ``to_csv`` /
``save``, which render with the command line's own functions, so the files are byte for byte the ones
``cashcast run`` writes. A bad workbook raises :class:`~cashcast.models.reading.problems.InputError`
(``cashcast.InputError``) carrying every problem record ``cashcast check`` prints.
"""
from __future__ import annotations

import html
from functools import cached_property
from pathlib import Path

import pandas as pd

from cashcast.models.analysis import kpis as registry
from cashcast.models.analysis.outcome import Outcome
from cashcast.models.analysis.pipeline import compute
from cashcast.models.analysis.simulation import DEFAULT_SAMPLES, DEFAULT_SEED
from cashcast.models.reading.problems import InputError, Problem
from cashcast.models.reading.workbook import Workbook, load_workbook

__all__ = ["InputError", "Problem", "Result", "load", "run"]


def load(path: str | Path, strict: bool = False) -> Workbook:
    """Read and validate an assumption workbook (``strict``: its warnings are errors too); raises
    InputError with every problem found, as ``cashcast check`` lists them."""
    return load_workbook(Path(path), strict)


def run(source: str | Path | Workbook, scenarios: str | list[str] | None = None,
        samples: int = DEFAULT_SAMPLES, seed: int = DEFAULT_SEED, strict: bool = False) -> "Result":
    """Run a workbook (a path, or one :func:`load` returned) as ``cashcast run`` does: its
    ``scenarios`` (all when None), ``samples`` Monte Carlo paths of the first one from ``seed`` (0:
    no simulation). Raises InputError for a bad workbook or an unknown scenario."""
    if isinstance(scenarios, str):
        scenarios = [scenarios]
    stem = Path(source.name if isinstance(source, Workbook) else source).stem
    return Result(compute(source, scenarios, samples, seed, strict=strict), stem)


def _period(months, index: float | None):
    """A month KPI (a month index, NaN/None for never; past the horizon it is extrapolated, as in
    the JSON) as a pandas Period (NaT for never)."""
    from cashcast.models.analysis.batch import month_label

    label = month_label(months, index)
    return pd.NaT if label is None else pd.Period(label, freq="M")


class Result:
    """A finished run: ``outcome`` (what every report is rendered from) and the workbook's ``stem``,
    which names the files as the CLI names them."""

    def __init__(self, outcome: Outcome, stem: str):
        self.outcome, self.stem = outcome, stem

    @property
    def run(self):
        return self.outcome.run

    @property
    def workbook(self) -> Workbook:
        return self.run.workbook

    @property
    def scenarios(self) -> list[str]:
        return list(self.run.scenarios)

    def _column(self, scenario: str | None) -> int:
        if scenario is None:
            return 0
        if scenario not in self.run.scenarios:
            raise KeyError(f"no scenario {scenario!r} in this run; it has {', '.join(self.run.scenarios)}")
        return self.run.scenarios.index(scenario)

    @cached_property
    def labels(self) -> dict[str, str]:
        """Each line's key (``net_cash_flow``) → its label (``Net cash flow``), as the reports show it."""
        lines = self.run.model.lines
        counts = pd.Series([ln.label for ln in lines.values()]).value_counts()
        return {k: ln.label if counts[ln.label] == 1 else f"{ln.label} ({k})" for k, ln in lines.items()}

    def _name(self, key: str, names: str) -> str:
        return self.labels.get(key, key) if names == "label" else key

    def monthly(self, scenario: str | None = None, names: str = "label") -> pd.DataFrame:
        """Every line of ``scenario`` (None: the first run) per month: a monthly PeriodIndex, a column
        per line named by its label (``names="key"``: by its key, as in ``<stem>.csv``)."""
        j = self._column(scenario)
        index = pd.PeriodIndex([pd.Period(m, freq="M") for m in self.run.months], name="month")
        data = {self._name(k, names): self.run.result.column(k, j) for k in self.run.model.lines}
        return pd.DataFrame(data, index=index)

    def annual(self, scenario: str | None = None, names: str = "label") -> pd.DataFrame:
        """Every line per calendar year, folded as it says (flows summed, balances at the year end,
        levels averaged), then the yearly KPIs: ``<stem>.annual.csv`` as a DataFrame."""
        from cashcast.reports.tables import annual_table

        table = annual_table(self.run, self._column(scenario))
        data = {self._name(k, names): v for k, v in table["lines"].items()}
        data.update({k: [float("nan") if x is None else x for x in v] for k, v in table["kpis"].items()})
        return pd.DataFrame(data, index=pd.PeriodIndex([pd.Period(str(y), freq="Y") for y in table["years"]],
                                                       name="year"))

    def statements(self, scenario: str | None = None, names: str = "label") -> dict[str, pd.DataFrame]:
        """The income statement, cash flow statement and balance sheet of ``scenario``, each a
        DataFrame with a row per line and a column per year (the Excel report's Statements sheet)."""
        from cashcast.models.statements.lines import CHECKS, statement_views

        yearly = self.annual(scenario, names="key")
        out = {}
        for title, keys in statement_views(self.run.model.lines).items():
            if title != CHECKS:
                frame = yearly[keys].T
                frame.index = pd.Index([self._name(k, names) for k in keys], name="line")
                out[title] = frame
        return out

    def kpis(self) -> pd.DataFrame:
        """Scenario × KPI (the registry's names, as in ``<stem>.json``): months as Periods (NaT:
        never or undefined), runways in months, amounts in the workbook's currency, rates as fractions."""
        months, columns = self.run.months, {}
        for k in registry.KPIS:
            values = self.run.kpis.get(k.name)
            values = [None] * len(self.run.scenarios) if values is None else list(values)
            columns[k.name] = (pd.array([_period(months, x) for x in values], dtype="period[M]") if k.is_date
                               else pd.array([float("nan") if x is None else float(x) for x in values],
                                             dtype="float64"))
        return pd.DataFrame(columns, index=pd.Index(self.run.scenarios, name="scenario"))

    def percentiles(self, scenario: str | None = None) -> pd.DataFrame:
        """The Monte Carlo's P10 / P50 / P90 (and mean) of each simulated KPI of ``scenario`` (None: the
        simulated one); ValueError when the run had no simulation (``samples=0``)."""
        sims = self.outcome.analysis.simulations if self.outcome.analysis is not None else {}
        if not sims:
            raise ValueError("this run has no simulation: run it with samples=1 or more")
        sim = sims[scenario] if scenario is not None else next(iter(sims.values()))
        rows = {}
        for name, p in sim.percentiles.items():
            is_date = registry.named(name).is_date
            fig = (lambda x: _period(sim.months, x)) if is_date else float
            rows[name] = {q: fig(getattr(p, q)) for q in ("p10", "p50", "p90")}
        frame = pd.DataFrame.from_dict(rows, orient="index")
        frame.index.name = "kpi"
        return frame

    # -- the CLI's files -------------------------------------------------------------------------
    def render(self, suffix: str, lang: str = "en", jobs: int | None = 1) -> bytes | str:
        """One output's content, rendered by the CLI's own renderer (``".xlsx"``, ``".html"``,
        ``".json"``, ``".csv"``, ``".annual.csv"``, ``".pdf"``)."""
        from cashcast.reports.cli.run import render_outputs

        outputs = render_outputs(self.outcome, self.stem, jobs=jobs, lang=lang, only=frozenset({suffix}))
        return outputs[f"{self.stem}{suffix}"]

    def _write(self, path, suffix: str, **kw) -> Path:
        from cashcast.reports.files import write_atomic

        write_atomic(Path(path), self.render(suffix, **kw))
        return Path(path)

    def to_excel(self, path, lang: str = "en") -> Path:
        """The Excel report (a live model), exactly as ``cashcast run`` writes ``<stem>.xlsx``."""
        return self._write(path, ".xlsx", lang=lang)

    def to_html(self, path, lang: str = "en", jobs: int | None = 1) -> Path:
        """The HTML report, exactly as ``cashcast run`` writes ``<stem>.html``."""
        return self._write(path, ".html", lang=lang, jobs=jobs)

    def to_pdf(self, path, lang: str = "en") -> Path:
        """The HTML report printed by Chromium, as ``cashcast run --pdf`` writes ``<stem>.pdf``."""
        return self._write(path, ".pdf", lang=lang)

    def to_json(self, path) -> Path:
        """The machine-readable result, exactly as ``cashcast run`` writes ``<stem>.json``."""
        return self._write(path, ".json")

    def to_csv(self, path, annual: bool = False) -> Path:
        """The first scenario's monthly lines (``annual=True``: per year), exactly as ``cashcast run``
        writes ``<stem>.csv`` (``<stem>.annual.csv``)."""
        return self._write(path, ".annual.csv" if annual else ".csv")

    def save(self, out: str | Path = "out", pdf: bool = False, lang: str = "en",
             jobs: int | None = None) -> list[Path]:
        """Every output into ``out`` as one set, as ``cashcast run --out OUT`` does (the same call)."""
        from cashcast.reports.cli.run import write_reports

        return [Path(out) / n for n in write_reports(self.outcome, Path(out), self.stem, pdf, jobs, lang)]

    def __repr__(self) -> str:
        return (f"<cashcast result {self.workbook.name}: {len(self.run.scenarios)} scenario(s), "
                f"{len(self.run.months)} months, {len(self.run.model.lines)} lines>")

    def _repr_html_(self) -> str:
        """Jupyter's view: what was run, then the KPIs per scenario."""
        s = self.workbook.settings
        head = (f"<p><strong>{html.escape(self.workbook.name)}</strong>: {s.horizon_months} months from "
                f"{s.start_month:%b %Y}, {len(self.run.model.lines)} lines, currency {html.escape(s.currency)}</p>")
        return head + self.kpis().to_html(na_rep="never / n/a")
