"""Model training: runs per year × cost per run, spread over the months."""
from __future__ import annotations

from cashcast.models.kinds.base import BlockContext, KindSpec, Line, MONTHS_PER_YEAR, ParamSpec as P


def gpu_run_cost(gpus, months_per_run, gpu_month_price):
    """``cost per run = GPUs × months per run × price per GPU-month``.

    Article 002: a 10B+ parameter model needs 1,000 GPU-months; at a rented 5,000 RMB per GPU-month
    (the model's own estimate) one run costs 5 million RMB.

    >>> gpu_run_cost(1000, 1, 5000.0)
    5000000.0
    """
    return gpus * months_per_run * gpu_month_price


def training_cost(runs_per_year, cost_per_run):
    """``cost_t = runs per year × cost per run / 12`` (spread evenly over the months).

    Article 002: one GPT-3 run costs $4.6M; four runs a year cost $18.4M, $1.5333M a month.

    >>> round(training_cost(4, 4.6e6), 2)
    1533333.33
    """
    return runs_per_year * cost_per_run / MONTHS_PER_YEAR


def build(b: BlockContext) -> list[Line]:
    per_run = (b.p("cost_per_run") if b.has("cost_per_run")
               else gpu_run_cost(b.p("gpus"), b.p("months_per_run"), b.p("gpu_month_price")))
    return [b.line("cost", training_cost(b.p("runs_per_year"), per_run) * b.active(),
                   "training cost", b.money(), "cost")]


KIND = KindSpec(
    name="training", role="cost", category="research_development",
    doc="training runs per year × cost per run, spread evenly over the months; the cost per run "
        "is given, or is GPUs × months per run × price per GPU-month",
    params=(
        P("runs_per_year", "count", "training runs per year"),
        P("cost_per_run", "money/unit", "cost of one run", False),
        P("gpus", "count", "GPUs used by one run", False),
        P("months_per_run", "months", "months one run occupies those GPUs", False),
        P("gpu_month_price", "money/unit", "price of one GPU for one month", False),
    ),
    modes=(("cost_per_run",), ("gpus", "months_per_run", "gpu_month_price")),
    build=build,
    formulas=(gpu_run_cost, training_cost),
)
