"""What a workbook may say: the kinds of block, their parameters, units, time shapes and settings.

This table is the single source for validation, for the README's table of kinds and for the starter
workbook that ``cashcast new`` writes, so the three can never disagree.
"""
from __future__ import annotations

from dataclasses import dataclass

# Dimensions a parameter can have, with the units an analyst may type for each. ``{C}`` stands for a
# currency code: the workbook's own currency or one with an ``fx_<CODE>`` setting.
DIMENSIONS = {
    "count": "a count or volume; any unit that is not a currency, % or date (users, visits/month, GPUs)",
    "percent": "a share from 0% to 100%; unit %",
    "rate": "a growth rate, may be negative; unit %/year or %/month",
    "months": "a number of months; unit months",
    "date": "a month; unit date; a date cell or text YYYY-MM",
    "money": "an amount of money; unit a currency code, e.g. USD or RMB",
    "money/month": "money per month; unit e.g. USD/month",
    "money/year": "money per year; unit e.g. USD/year",
    "money/day": "money per day; unit e.g. USD/day",
    "money/unit": "money per unit of something; unit e.g. USD/run, RMB/GPU-month, USD/user/month",
}


@dataclass(frozen=True)
class ParamSpec:
    name: str
    dimension: str
    doc: str
    required: bool = True


@dataclass(frozen=True)
class KindSpec:
    name: str
    role: str  # revenue | cost | funding
    doc: str
    params: tuple[ParamSpec, ...]
    # Alternative ways to give the same quantity: exactly one group must be complete.
    modes: tuple[tuple[str, ...], ...] = ()
    timed: bool = True  # has start_month / end_month

    def param(self, name: str) -> ParamSpec | None:
        for p in self.all_params():
            if p.name == name:
                return p
        return None

    def all_params(self) -> tuple[ParamSpec, ...]:
        if not self.timed:
            return self.params
        return self.params + (
            ParamSpec("start_month", "date", "first month the block is active (default: model start)", False),
            ParamSpec("end_month", "date", "last month the block is active (default: none)", False),
        )


P = ParamSpec
KINDS: dict[str, KindSpec] = {
    k.name: k
    for k in [
        KindSpec(
            "subscription", "revenue",
            "paying subscribers × monthly price; subscribers = audience × conversion, and when the "
            "audience shrinks they leave at the churn rate rather than all at once",
            (
                P("audience", "count", "people (or monthly visits) the offer reaches"),
                P("conversion", "percent", "share of the audience that pays"),
                P("price", "money/month", "subscription price per month"),
                P("churn", "percent", "share of subscribers who cancel each month", False),
            ),
        ),
        KindSpec(
            "licensing", "revenue", "licensees × annual fee, received in twelve monthly instalments",
            (
                P("customers", "count", "platforms or companies licensing the model"),
                P("annual_fee", "money/year", "fee per licensee per year"),
            ),
        ),
        KindSpec(
            "advertising", "revenue", "annual ad market × share captured, in monthly twelfths",
            (
                P("market_size", "money/year", "the advertising market, per year"),
                P("share", "percent", "share of that market captured"),
            ),
        ),
        KindSpec(
            "usage", "revenue", "monthly volume × unit price (a usage-priced API)",
            (
                P("volume", "count", "units sold per month (calls, million tokens, ...)"),
                P("unit_price", "money/unit", "price per unit"),
            ),
        ),
        KindSpec(
            "training", "cost",
            "training runs per year × cost per run, spread evenly over the months; the cost per run "
            "is given, or is GPUs × months per run × price per GPU-month",
            (
                P("runs_per_year", "count", "training runs per year"),
                P("cost_per_run", "money/unit", "cost of one run", False),
                P("gpus", "count", "GPUs used by one run", False),
                P("months_per_run", "months", "months one run occupies those GPUs", False),
                P("gpu_month_price", "money/unit", "price of one GPU for one month", False),
            ),
            modes=(("cost_per_run",), ("gpus", "months_per_run", "gpu_month_price")),
        ),
        KindSpec(
            "inference", "cost",
            "serving cost: a cost per day × days in the month, or active users × cost per user per "
            "month, or servers × cost per server per month",
            (
                P("cost_per_day", "money/day", "running cost per day", False),
                P("active_users", "count", "monthly active users served", False),
                P("cost_per_user", "money/unit", "serving cost per active user per month", False),
                P("servers", "count", "servers running", False),
                P("cost_per_server", "money/unit", "cost per server per month", False),
            ),
            modes=(("cost_per_day",), ("active_users", "cost_per_user"), ("servers", "cost_per_server")),
        ),
        KindSpec(
            "hardware", "cost",
            "units × unit price paid in cash in the purchase month; depreciated straight-line over "
            "the useful life (a memo line, not cash)",
            (
                P("units", "count", "units bought (GPUs, servers; 1 for a lump sum)"),
                P("unit_price", "money/unit", "price per unit"),
                P("purchase_month", "date", "month the purchase is paid"),
                P("useful_life_months", "months", "months over which it is depreciated"),
            ),
            timed=False,
        ),
        KindSpec(
            "headcount", "cost", "employees × annual cost per employee, in monthly twelfths",
            (
                P("employees", "count", "people employed"),
                P("cost_per_employee", "money/year", "fully loaded cost per person per year"),
            ),
        ),
        KindSpec(
            "opex", "cost", "any other operating cost, an amount per month",
            (P("monthly_amount", "money/month", "cost per month"),),
        ),
        KindSpec(
            "funding", "funding", "a funding round: cash received in one month",
            (
                P("amount", "money", "cash received"),
                P("month", "date", "month the cash arrives"),
            ),
            timed=False,
        ),
    ]
}

# Time shapes: rows named ``<parameter>.<modifier>`` (or ``<parameter>@<year>``) that make a
# parameter change over time. At most one shape per parameter.
SHAPES = {
    "growth": ("rate", "compound growth: value × (1 + growth)^(months since block start / 12) for "
               "%/year, or ^(months) for %/month"),
    "ramp_months": ("months", "linear ramp from ramp_from (default 0) at the block's start to the "
                    "value after ramp_months months"),
    "ramp_from": ("same", "the starting value of a ramp (with ramp_months)"),
    "s_curve_midpoint": ("months", "S-curve (logistic) adoption: value × 1/(1+e^(−k(m − midpoint))), "
                         "k = 2·ln 9 / s_curve_width, so it goes from 10% to 90% of the value over "
                         "s_curve_width months"),
    "s_curve_width": ("months", "months the S-curve takes from 10% to 90% (with s_curve_midpoint)"),
}
YEARLY_DOC = ("a value per calendar year: a row `<parameter>@2025` sets the value from January 2025 "
              "on; earlier months use the plain row, later years carry the last value forward")

DISTRIBUTIONS = ("pert", "triangular", "uniform", "normal", "lognormal")
DEFAULT_DISTRIBUTION = "pert"


@dataclass(frozen=True)
class SettingSpec:
    name: str
    dimension: str
    doc: str
    required: bool = True
    default: object = None


SETTINGS: dict[str, SettingSpec] = {
    s.name: s
    for s in [
        SettingSpec("start_month", "date", "first month of the projection"),
        SettingSpec("horizon_months", "months", "months projected (1–600)", False, 120),
        SettingSpec("currency", "currency", "the currency of the model, e.g. USD or RMB"),
        SettingSpec("discount_rate", "rate", "annual discount rate for NPV, e.g. 10%"),
        SettingSpec("opening_cash", "money", "cash at the start, before the first month"),
        SettingSpec("minimum_cash", "money", "cash floor: running below it counts as running out",
                    False, None),
    ]
}
FX_PREFIX = "fx_"
FX_DOC = ("fx_<CODE>: how many units of the model currency one <CODE> buys, e.g. fx_USD = 7.2 in an "
          "RMB workbook; lets rows be typed in USD")

ASSUMPTION_COLUMNS = ("block", "kind", "parameter", "value", "unit", "low", "high", "distribution",
                      "source", "notes")
REQUIRED_ASSUMPTION_COLUMNS = ("block", "kind", "parameter", "value", "unit", "low", "high",
                               "source", "notes")
SETTINGS_COLUMNS = ("setting", "value", "notes")
SCENARIO_COLUMNS = ("scenario", "description")

LIMITS = {"rows": 5000, "columns": 60, "unzipped_bytes": 50_000_000, "ratio": 100}


def kinds_table() -> list[tuple[str, str, str, str, str]]:
    """(kind, parameter, unit, required, what it is) for every parameter, for docs and the starter."""
    out = []
    for kind in KINDS.values():
        for p in kind.all_params():
            need = "yes" if p.required else "no"
            for mode in kind.modes:
                if p.name in mode:
                    need = "one way of: " + " | ".join("+".join(m) for m in kind.modes)
            out.append((kind.name, p.name, p.dimension, need, p.doc))
    return out
