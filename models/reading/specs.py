"""What a workbook may say: dimensions and units, time shapes, settings and column names.

The kinds of block and their parameters are records in :mod:`cashcast.models.kinds` (``KINDS`` here is
that registry). These tables are the single source for validation, for the README's reference tables and
for the starter workbook that ``cashcast new`` writes, so the three can never disagree.
"""
from __future__ import annotations

from dataclasses import dataclass

from cashcast.models.kinds import KINDS  # noqa: F401  (the kinds registry; each kind is a module there)
from cashcast.models.kinds.base import COST_CATEGORIES, REPAYMENTS, plausible_doc

# The growth a real quantity plausibly has, per year (a %/month rate is compounded to a year first):
# a rate outside it is valid but probably mistyped (30 typed for 30% is 3,000% a year), and warned of.
GROWTH_PLAUSIBLE = (-0.9, 3.0)

# Dimensions a parameter can have, with the units an analyst may type for each. ``{C}`` stands for a
# currency code: the workbook's own currency or one with an ``fx_<CODE>`` setting.
DIMENSIONS = {
    "count": "a count or volume, up to 1e15; any unit that is not a currency, % or date (users, "
             "visits/month, GPUs)",
    "percent": "a share from 0% to 100%; unit %",
    "rate": "a growth rate, may be negative; unit %/year or %/month; compounded over the months projected "
            "(counted from the block's start) it stays within 1e-20..1e20 times",
    "months": "a number of months from 0.01 to 1,200; unit months",
    "date": "a month from 1900-01 to 2199-12; unit date; a date cell or text YYYY-MM",
    "money": "an amount of money, up to 1e18 (every money dimension); unit a currency code, e.g. USD or RMB",
    "money/month": "money per month; unit e.g. USD/month, or per year or day (USD/year, USD/day), converted",
    "money/year": "money per year; unit e.g. USD/year, or per month or day (USD/month, USD/day), converted",
    "money/day": "money per day; unit e.g. USD/day, or per month or year (USD/month, USD/year), converted",
    "money/unit": "money per unit of something; unit e.g. USD/run, RMB/GPU-month, USD/user/month",
    "days": "a number of days from 0 to 365 (a setting's value)",
    "category": "a statement category, typed as text: " + ", ".join(COST_CATEGORIES) + "; unit blank or "
                "`category`; no low, high or scenario values",
    "repayment": "how a loan is repaid, typed as text: " + ", ".join(REPAYMENTS) + "; unit blank or "
                 "`repayment`; no low, high or scenario values",
    "recurring": "whether revenue recurs, typed as text: yes or no; unit blank or `recurring`; no low, high or "
                 "scenario values",
    "block": "the name of another block, typed as text; unit blank or `block`; no low, high or scenario values",
}


# Time shapes: rows named ``<parameter>.<modifier>`` (or ``<parameter>@<year>``) that make a
# parameter change over time. At most one shape per parameter.
SHAPES = {
    "growth": ("rate", "compound growth: value × (1 + growth)^(months since block start / 12) for "
               "%/year, or ^(months) for %/month; " + plausible_doc(GROWTH_PLAUSIBLE, True, " a year")
               + " (as for growth@YEAR)"),
    "ramp_months": ("months", "linear ramp from ramp_from (default 0) at the block's start to the "
                    "value after ramp_months months"),
    "ramp_from": ("same", "the starting value of a ramp (with ramp_months)"),
    "s_curve_midpoint": ("months", "S-curve (logistic) adoption: value × 1/(1+e^(−k(m − midpoint))), "
                         "k = 2·ln 9 / s_curve_width, so it goes from 10% to 90% of the value over "
                         "s_curve_width months"),
    "s_curve_width": ("months", "months the S-curve takes from 10% to 90% (with s_curve_midpoint)"),
}
YEARLY_DOC = ("a value per calendar year: a row `<parameter>@2025` sets the value from January 2025 "
              "on; earlier months use the plain row, later years carry the last value forward, and any "
              "growth continues from it (see growth@YEAR); yearly totals need no plain row when the "
              "first year is the block's first (`amount@2024`, `amount@2025` from 2024)")
GROWTH_YEARLY_DOC = ("growth that changes by year: `<parameter>.growth@2026` is the rate from January 2026 "
                     "until the next growth@YEAR row; the plain `.growth` (or none) applies before the first. "
                     "The value in a month is the level of the latest `@YEAR` row in force (from its "
                     "January; else the plain row at the block's start) × (1 + g)^(n / 12) for each rate g "
                     "in force between then and the month, n its months (^(n) for %/month)")
# The rows named by a year, each (row named, dimension, what it does); they combine with each other.
YEARLY_SHAPES = (("<parameter>.growth@YEAR", "rate", GROWTH_YEARLY_DOC), ("<parameter>@YEAR", "same", YEARLY_DOC))

DISTRIBUTIONS = ("pert", "triangular", "uniform", "normal", "lognormal")
DEFAULT_DISTRIBUTION = "pert"


# The workbook layout this cashcast writes (the ``schema_version`` setting; models/reading/schema.py): 1 free-text
# sources, no Sources sheet; 2 a Sources register; 3 the version written as a setting.
SCHEMA_VERSION = 3


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
        SettingSpec("discount_rate", "rate", "annual discount rate for NPV, e.g. 10%; from -50% to 1000%"),
        SettingSpec("opening_cash", "money", "cash at the start, before the first month"),
        SettingSpec("minimum_cash", "money", "cash floor: running below it counts as running out",
                    False, None),
        SettingSpec("receivable_days", "days", "days customers take to pay (0–365): receivables = "
                    "revenue × days ÷ days in the month", False, 0),
        SettingSpec("payable_days", "days", "days taken to pay suppliers (0–365): payables = cost of "
                    "revenue and operating expenses, less costs paid with credits, × days ÷ days in the month",
                    False, 0),
        SettingSpec("company", "text", "the company modelled; the reports' titles name it instead of the file",
                    False, None),
        SettingSpec("title", "text", "the reports' title (HTML page and Excel Summary), as typed; up to 200 "
                    "characters", False, None),
        SettingSpec("schema_version", "schema", f"the layout the workbook is written in, 1 to {SCHEMA_VERSION}; "
                    "written by cashcast (`cashcast upgrade OLD NEW` brings an older workbook up to date); "
                    "without it a workbook is read as schema 2 with a Sources sheet, else 1", False, None),
    ]
}
FX_PREFIX = "fx_"
FX_DOC = ("fx_<CODE>: how many units of the model currency one <CODE> buys, e.g. fx_USD = 7.2 in an "
          "RMB workbook; lets rows be typed in USD; above 0 and up to 1e6")

ASSUMPTION_COLUMNS = ("block", "kind", "parameter", "value", "unit", "low", "high", "distribution",
                      "source", "notes")
REQUIRED_ASSUMPTION_COLUMNS = ("block", "kind", "parameter", "value", "unit", "low", "high",
                               "source", "notes")
SETTINGS_COLUMNS = ("setting", "value", "notes", "low", "high", "source")
# The settings a scenario column on the Settings sheet may change, and a solve or the sensitivity vary
# (as ``settings.<name>``, with the setting's low and high).
SCENARIO_SETTINGS = ("opening_cash", "minimum_cash", "discount_rate", "receivable_days", "payable_days")
SCENARIO_COLUMNS = ("scenario", "description", "source")
# The editing aids' live check column (reports/excel/editing): formulas the reader skips, headed "check"
# or, when the sheet has problems, "check: N problems ...".
CHECK_COLUMN = "check"
AID_PREFIX = "cashcast_"  # the editing aids' defined names (cashcast_kinds, ...): a formula naming one is an aid
LISTS_SHEET = "Lists"  # the aids' generated sheet of lists: not read, written anew by every cashcast writer

# The largest magnitudes a workbook may hold, chosen so that no valid workbook can overflow float64
# (about 1.8e308) anywhere in a 600-month projection, its NPV or its simulation; README "Bounds" gives
# the arithmetic.
BOUNDS = {"count": 1e15, "money": 1e18, "months": (0.01, 1200.0), "fx": 1e6, "growth_factor": 1e20,
          "discount_rate": (-0.5, 10.0), "years": (1900, 2199)}

LIMITS = {"rows": 5000, "columns": 60, "file_bytes": 50_000_000, "unzipped_bytes": 50_000_000, "ratio": 100}

