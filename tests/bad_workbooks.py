"""Every problem workbook the test suite knows, in one registry: ``BAD[name](folder) → path``.

``test_bad_input`` asserts what each one's problems say; ``test_check_run_agree`` runs ``cashcast check``
and ``cashcast run`` over all of them and compares. A new bad-input test adds its workbook here, so the
two commands are compared on it too.
"""
from __future__ import annotations

import datetime as dt
import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
import xlsxwriter

from cashcast.reports.excel.assumptions import CorrelationRow, SourceRow, write_assumption_workbook
from cashcast.reports.excel.checks_input import CheckRow
from tests.helpers import row, settings

GOOD = [
    row("Plus", "subscription", "audience", 1e9, "visits/month"),
    row("Plus", "subscription", "conversion", 0.01, "%"),
    row("Plus", "subscription", "price", 20, "USD/month"),
]
HEADER = ["block", "kind", "parameter", "value", "unit", "low", "high", "distribution", "source", "notes"]
SETTINGS_ROWS = [["setting", "value", "notes"], ["start_month", dt.date(2023, 1, 1)], ["currency", "USD"],
                 ["discount_rate", 0.1], ["opening_cash", 1000]]

BAD: dict[str, Callable[[Path], Path]] = {}


def bad(name: str):
    """Register a builder ``folder → path of a workbook with problems`` under ``name``."""
    def register(build):
        assert name not in BAD, name
        BAD[name] = build
        return build
    return register


def model(folder: Path, rows, settings_rows=None, scenarios=(), name="model.xlsx", correlations=None,
          sources=None, checks=None) -> Path:
    """A workbook written the way ``cashcast new`` writes one (the ``make_workbook`` fixture's way); with
    ``correlations``, rows ``(first, second, rank correlation)`` of a Correlations sheet; with ``sources``,
    :class:`SourceRow` rows of a Sources sheet; with ``checks``, rows of a Checks sheet (``CheckRow``
    fields in order)."""
    pairs = None if correlations is None else [CorrelationRow(*c) for c in correlations]
    expected = None if checks is None else [CheckRow(*c) for c in checks]
    return write_assumption_workbook(folder / name, settings_rows or settings(), rows, list(scenarios),
                                     correlations=pairs, sources=sources, checks=expected)


def raw_workbook(path, sheets: dict[str, list[list]]):
    """Write sheets cell by cell; a ('=FORMULA', cached) tuple is a formula with a cached value."""
    wb = xlsxwriter.Workbook(path, {"strings_to_numbers": False})
    for name, rows in sheets.items():
        ws = wb.add_worksheet(name)
        for r, values in enumerate(rows):
            for c, v in enumerate(values):
                if isinstance(v, tuple):
                    ws.write_formula(r, c, v[0], None, v[1])
                elif isinstance(v, dt.date):
                    ws.write_datetime(r, c, dt.datetime(v.year, v.month, v.day),
                                      wb.add_format({"num_format": "yyyy-mm-dd"}))
                elif v is not None:
                    ws.write(r, c, v)
    wb.close()
    return path


def assumptions_with(folder, *rows, name="bad.xlsx"):
    return raw_workbook(folder / name, {"Assumptions": [HEADER, *rows], "Settings": SETTINGS_ROWS})


def rewrite(src, dst, member, transform):
    """A copy of the package ``src`` with one member transformed."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            zout.writestr(info, transform(data) if info.filename == member else data)
    return dst


# -- cell-level problems --------------------------------------------------------------------------
@bad("text where a number belongs")
def _(d):
    return model(d, [GOOD[0], GOOD[1], row("Plus", "subscription", "price", "twenty", "USD/month")])


@bad("blank value and blank block")
def _(d):
    return model(d, [GOOD[0], row("Plus", "subscription", "conversion", None, "%"), GOOD[2],
                     row("", "opex", "monthly_amount", 5, "USD/month")])


for _value in (1.5, -0.01, "150%"):
    bad(f"percentage {_value} outside 0..100%")(
        lambda d, v=_value: model(d, [GOOD[0], row("Plus", "subscription", "conversion", v, "%"), GOOD[2]]))

for _param in ("price", "audience"):
    bad(f"negative {_param}")(
        lambda d, p=_param: model(d, [row("Plus", "subscription", r.parameter, -5 if r.parameter == p else r.value,
                                          r.unit) for r in GOOD]))


@bad("negative cost")
def _(d):
    return model(d, [row("Serve", "inference", "cost_per_day", -700_000, "USD/day")])


@bad("unknown kind")
def _(d):
    return model(d, [row("Plus", "subscriptoin", "price", 20, "USD/month")])


@bad("unknown parameter")
def _(d):
    return model(d, GOOD + [row("Plus", "subscription", "prise", 20, "USD/month")])


@bad("unknown time shape")
def _(d):
    return model(d, GOOD + [row("Plus", "subscription", "audience.grow", 0.1, "%/year")])


@bad("duplicate rows")
def _(d):
    return model(d, GOOD + [row("Plus", "subscription", "price", 25, "USD/month")])


@bad("date that is not a date")
def _(d):
    return model(d, [row("MS", "funding", "amount", 10e9, "USD"), row("MS", "funding", "month", "early 2023", "date")])


@bad("wrong unit")
def _(d):
    # a money flow may be typed per month, year or day (it converts); per week is none of them
    return model(d, [GOOD[0], GOOD[1], row("Plus", "subscription", "price", 20, "USD/week")])


@bad("currency without exchange rate")
def _(d):
    return model(d, [GOOD[0], GOOD[1], row("Plus", "subscription", "price", 20, "EUR/month")])


@bad("a rate for the model's own currency")
def _(d):
    return model(d, GOOD, settings(fx_USD=7.2))


@bad("missing required parameter and mixed modes")
def _(d):
    return model(d, [GOOD[0], GOOD[2], row("Serve", "inference", "cost_per_day", 1, "USD/day"),
                     row("Serve", "inference", "servers", 1, "servers")])


@bad("low above high and value outside range")
def _(d):
    return model(d, [GOOD[0], row("Plus", "subscription", "conversion", 0.01, "%", low=0.02, high=0.05),
                     row("Plus", "subscription", "price", 20, "USD/month", low=30, high=10)])


@bad("formula with an error")
def _(d):
    return assumptions_with(d, ["Plus", "subscription", "audience", ("=1/0", "#DIV/0!"), "users"],
                            ["Plus", "subscription", "conversion", 0.01, "%"],
                            ["Plus", "subscription", "price", 20, "USD/month"])


@bad("formula without a cached value")
def _(d):
    path = model(d, GOOD)
    wb = openpyxl.load_workbook(path)
    wb["Assumptions"]["D4"] = "=10*2"  # openpyxl stores no calculated value
    wb.save(path)
    return path


@bad("lognormal with a low of 0")
def _(d):
    return model(d, [GOOD[0], GOOD[1],
                     row("Plus", "subscription", "price", 20, "USD/month", low=0, high=30, distribution="lognormal")])


# -- links and cycles --------------------------------------------------------------------------------
@bad("circular reference")
def _(d):
    return model(d, [row("Plus", "subscription", "audience", "line: Plus.subscribers", "users"), GOOD[1], GOOD[2]])


@bad("link to unknown block and unknown line")
def _(d):
    return model(d, GOOD + [row("Serve", "inference", "active_users", "line: Nope.audience", "users"),
                            row("Serve", "inference", "cost_per_user", 1, "USD/user/month"),
                            row("Serve2", "inference", "active_users", "line: Plus.viewers", "users"),
                            row("Serve2", "inference", "cost_per_user", 1, "USD/user/month")])


@bad("link to unknown line")
def _(d):
    return model(d, GOOD + [row("Serve2", "inference", "active_users", "line: Plus.viewers", "users"),
                            row("Serve2", "inference", "cost_per_user", 1, "USD/user/month")], name="m2.xlsx")


@bad("link to a money line")
def _(d):
    return model(d, GOOD + [row("Serve", "inference", "active_users", "line: Plus.revenue", "users"),
                            row("Serve", "inference", "cost_per_user", 1, "USD/user/month")])


@bad("link to unknown line and a bad cell")
def _(d):
    return model(d, [GOOD[0], GOOD[1], row("Plus", "subscription", "price", "twenty", "USD/month"),
                     row("Serve", "inference", "active_users", "line: Plus.viewers", "users"),
                     row("Serve", "inference", "cost_per_user", 1, "USD/user/month")])


@bad("cycle and a bad cell")
def _(d):
    return model(d, [row("Plus", "subscription", "audience", "line: Plus.subscribers", "users"), GOOD[1], GOOD[2],
                     row("Rent", "opex", "monthly_amount", -5, "USD/month")])


@bad("cycle, unknown line, lognormal and bad settings")
def _(d):
    return model(d, [row("Plus", "subscription", "audience", "line: Plus.subscribers", "users"),
                     row("Plus", "subscription", "conversion", 0.01, "%", low=0, high=0.05, distribution="lognormal"),
                     GOOD[2],
                     row("Serve", "inference", "active_users", "line: Plus.viewers", "users"),
                     row("Serve", "inference", "cost_per_user", 1, "USD/user/month")],
                 settings(horizon_months=0))


# -- sheet-level problems ---------------------------------------------------------------------------
@bad("missing sheet")
def _(d):
    return raw_workbook(d / "nosettings.xlsx", {"Assumptions": [HEADER, ["A", "opex", "monthly_amount", 1, "USD/month"]]})


@bad("missing columns")
def _(d):
    return raw_workbook(d / "cols.xlsx", {"Assumptions": [HEADER[:4], ["A", "opex", "monthly_amount", 1]],
                                          "Settings": SETTINGS_ROWS})


@bad("unknown column")
def _(d):
    return raw_workbook(d / "col.xlsx", {"Assumptions": [HEADER + ["upside"], ["A", "opex", "monthly_amount", 1, "USD/month"]],
                                         "Settings": SETTINGS_ROWS})


@bad("scenario override is checked")
def _(d):
    rows = [GOOD[0], row("Plus", "subscription", "conversion", 0.01, "%", overrides={"up": "lots"}), GOOD[2]]
    return model(d, rows, scenarios=[("base", ""), ("up", "more")])


@bad("scenario ranges are checked")
def _(d):
    """Five scenario cells holding ranges, each wrong in its own way (columns K..O)."""
    wrong = {"a": "20%..15%", "b": "10%..30%..20%", "c": "5%..150%", "d": "1%..2%..3%..4%", "e": "1%..lots"}
    rows = [GOOD[0], row("Plus", "subscription", "conversion", 0.01, "%", overrides=wrong), GOOD[2]]
    return model(d, rows, scenarios=[("base", "")] + [(k, "") for k in wrong])


@bad("a scenario range of growth compounds too far")
def _(d):
    rows = [*GOOD, row("Rent", "opex", "monthly_amount", 5, "USD/month"),
            row("Rent", "opex", "monthly_amount.growth", 0.1, "%/year", overrides={"up": "10%..100000000000000%"})]
    return model(d, rows, scenarios=[("base", ""), ("up", "")])


@bad("a lognormal scenario range from zero")
def _(d):
    rows = [GOOD[0], row("Plus", "subscription", "conversion", 0.01, "%", low=0.005, high=0.02,
                         distribution="lognormal", overrides={"up": "0%..3%"}), GOOD[2]]
    return model(d, rows, scenarios=[("base", ""), ("up", "")])


@bad("settings unknown, missing and bad")
def _(d):
    return model(d, GOOD, settings(currency=None, horizn=12, horizon_months=0))


@bad("every problem at once")
def _(d):
    return model(d, [row("Plus", "subscription", "audience", "many", "users"),
                     row("Plus", "subscription", "conversion", 2, "%"),
                     row("Plus", "subscription", "price", -1, "USD/month"),
                     row("MS", "fundng", "amount", 1, "USD")])


@bad("two bad cells")
def _(d):
    return model(d, [row("Plus", "subscription", "audience", "many", "users"),
                     row("Plus", "subscription", "conversion", 2, "%"),
                     row("Plus", "subscription", "price", 20, "USD/month")])


# -- file-level problems ----------------------------------------------------------------------------
@bad("missing file")
def _(d):
    return d / "nope.xlsx"


@bad("empty file")
def _(d):
    path = d / "empty.xlsx"
    path.write_bytes(b"")
    return path


@bad("not an xlsx")
def _(d):
    path = d / "notes.xlsx"
    path.write_text("block,kind\n")
    return path


@bad("encrypted")
def _(d):
    from msoffcrypto.format.ooxml import OOXMLFile

    plain = model(d, GOOD)
    path = d / "locked.xlsx"
    with open(plain, "rb") as src, open(path, "wb") as dst:
        OOXMLFile(src).encrypt("secret", dst)  # a real password-protected workbook, as Excel writes
    return path


def _entities(i: int) -> bytes:
    prev = b"" if i == 1 else str(i - 1).encode()
    return b'<!ENTITY lol%d "&lol%s;&lol%s;&lol%s;&lol%s;">' % (i, prev, prev, prev, prev)


@bad("xml bomb")
def _(d):
    bomb = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
            + b"".join(_entities(i) for i in range(1, 10)) + b"]>")
    return rewrite(model(d, GOOD), d / "bomb.xlsx", "xl/sharedStrings.xml", lambda x: bomb + x.split(b"?>", 1)[1])


@bad("zip bomb")
def _(d):
    path = d / "zipbomb.xlsx"
    with zipfile.ZipFile(model(d, GOOD)) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info, zin.read(info))
        zout.writestr("xl/media/padding.bin", b"\0" * 60_000_000)
    return path


def formatted_far(folder: Path, rows: int = 6000, columns: int = 200, name: str = "formatted.xlsx") -> Path:
    """A valid workbook whose Assumptions sheet has formatting but no values down to ``rows`` and across
    to ``columns`` (as after copying a sheet in Excel): its dimension tag claims the whole area."""
    wb = xlsxwriter.Workbook(folder / name)
    shaded = wb.add_format({"bg_color": "#FFFFCC"})
    sheets = {"Assumptions": [HEADER, *([*r] for r in (
        ["Plus", "subscription", "audience", 1e9, "visits/month"], ["Plus", "subscription", "conversion", 0.01, "%"],
        ["Plus", "subscription", "price", 20, "USD/month"]))], "Settings": SETTINGS_ROWS}
    for title, values in sheets.items():
        ws = wb.add_worksheet(title)
        for r, cells in enumerate(values):
            for c, v in enumerate(cells):
                if isinstance(v, dt.date):
                    ws.write_datetime(r, c, dt.datetime(v.year, v.month, v.day), wb.add_format({"num_format": "yyyy-mm-dd"}))
                elif v is not None:
                    ws.write(r, c, v)
        if title == "Assumptions":
            ws.write_blank(rows - 1, 0, None, shaded)
            ws.write_blank(0, columns - 1, None, shaded)
    wb.close()
    return folder / name


@bad("absurd dimensions with a value beyond")
def _(d):
    return rewrite(assumptions_with(d, ["Plus", "subscription", "audience", 1e9, "users"],
                                    ["Plus", "subscription", "conversion", 0.01, "%"],
                                    ["Plus", "subscription", "price", 20, "USD/month"],
                                    *[[] for _ in range(5000)], ["late", "opex", "monthly_amount", 1, "USD/month"]),
                   d / "huge.xlsx", "xl/worksheets/sheet1.xml",
                   lambda x: re.sub(rb'<dimension ref="[A-Z0-9:]+"/>', b'<dimension ref="A1:XFD1048576"/>', x))


@bad("a value past the column limit")
def _(d):
    return assumptions_with(d, ["Plus", "subscription", "audience", 1e9, "users"] + [None] * 60 + ["stray"],
                            ["Plus", "subscription", "conversion", 0.01, "%"],
                            ["Plus", "subscription", "price", 20, "USD/month"], name="wide.xlsx")


# -- nothing ignored in silence --------------------------------------------------------------------
SCENARIOS_ROWS = [["scenario", "description"], ["base", ""], ["up", "more"]]


@bad("scenario column twice")
def _(d):
    return raw_workbook(d / "twice.xlsx", {
        "Assumptions": [HEADER + ["up", "up"], ["Plus", "subscription", "audience", 1e9, "users", *[None] * 5, 2e9, 3e9],
                        ["Plus", "subscription", "conversion", 0.01, "%"], ["Plus", "subscription", "price", 20, "USD/month"]],
        "Settings": SETTINGS_ROWS, "Scenarios": SCENARIOS_ROWS})


@bad("undeclared scenario column on the Settings sheet")
def _(d):
    return raw_workbook(d / "settings_col.xlsx", {
        "Assumptions": [HEADER, ["Plus", "subscription", "audience", 1e9, "users"],
                        ["Plus", "subscription", "conversion", 0.01, "%"], ["Plus", "subscription", "price", 20, "USD/month"]],
        "Settings": [SETTINGS_ROWS[0] + ["bull"]] + [r + [None, 5000] if r[0] == "opening_cash" else r for r in SETTINGS_ROWS[1:]],
        "Scenarios": SCENARIOS_ROWS})


@bad("unknown column on the Scenarios sheet")
def _(d):
    return raw_workbook(d / "scen_col.xlsx", {
        "Assumptions": [HEADER, ["Plus", "subscription", "audience", 1e9, "users"],
                        ["Plus", "subscription", "conversion", 0.01, "%"], ["Plus", "subscription", "price", 20, "USD/month"]],
        "Settings": SETTINGS_ROWS, "Scenarios": [SCENARIOS_ROWS[0] + ["owner"], ["up", "more", "Ann"]]})


# -- invisible and look-alike characters in names ------------------------------------------------------
@bad("invisible characters in names")
def _(d):
    return raw_workbook(d / "hidden.xlsx", {
        "Assumptions": [HEADER + ["up"], ["C\u200bhatGPT Plus", "subscription", "audience", 1e9, "users"],
                        ["ChatGPT Plus", "subscr\u202eiption", "conversion", 0.01, "%"],
                        ["ChatGPT Plus", "subscription", "price", 20, "USD\u00a0/month"],
                        ["Rent", "opex", "monthly\t_amount", 5, "USD/month"]],
        "Settings": [r if r[0] != "currency" else ["curr\tency", "USD"] for r in SETTINGS_ROWS] + [["currency", "USD"]],
        "Scenarios": [["scenario", "description"], ["up\u2060", "more"]]})


@bad("look-alike letter in a block name")
def _(d):
    return model(d, [GOOD[0], GOOD[1], row("Plus", "subscription", "price", 20, "USD/month"),
                     row("Rent", "opex", "monthly_amount", 5, "USD/month"),
                     row("R\u0435nt", "opex", "monthly_amount", 5, "USD/month")])


# -- numbers too large to project, NaN and infinity ---------------------------------------------------
@bad("revenue of 1e308")
def _(d):
    return model(d, [GOOD[0], GOOD[1], row("Plus", "subscription", "price", 1e308, "USD/month")])


@bad("opening cash of 1e308")
def _(d):
    return model(d, GOOD, settings(opening_cash=1e308))


@bad("growth of 1e300")
def _(d):
    return model(d, GOOD + [row("Plus", "subscription", "price.growth", 1e300, "%/year")])


@bad("infinity in value cells")
def _(d):
    path = assumptions_with(d, ["Plus", "subscription", "audience", 7777, "users"],
                            ["Plus", "subscription", "conversion", 0.025, "%"],
                            ["Plus", "subscription", "price", 8888, "USD/month"], name="nan.xlsx")
    return rewrite(path, d / "nan2.xlsx", "xl/worksheets/sheet1.xml",
                   lambda x: x.replace(b"<v>7777</v>", b"<v>-1E400</v>").replace(b"<v>8888</v>", b"<v>1E400</v>"))


# -- growth by year (issue 10, part 2) ------------------------------------------------------------
@bad("growth by year mixed with a ramp")
def _(d):
    return model(d, [*GOOD, row("Plus", "subscription", "audience.growth@2024", 0.1, "%/year"),
                     row("Plus", "subscription", "audience.ramp_months", 12, "months")])


@bad("growth by year past the bound")
def _(d):
    return model(d, [*GOOD, row("Plus", "subscription", "audience.growth@2024", 9, "%/month")])


@bad("growth by year of a date")
def _(d):
    return model(d, [*GOOD, row("Plus", "subscription", "start_month", dt.date(2023, 3, 1), "date"),
                     row("Plus", "subscription", "start_month.growth@2024", 0.1, "%/year")])


# -- plain cost blocks: the category ---------------------------------------------------------------
@bad("unknown cost category")
def _(d):
    return model(d, [row("R&D", "cost", "amount", 10e6, "USD/year"),
                     row("R&D", "cost", "category", "research", "")])


@bad("category with a range and a scenario value")
def _(d):
    return model(d, [row("R&D", "cost", "amount", 10e6, "USD/year"),
                     row("R&D", "cost", "category", "research_development", "category", low=1,
                         overrides={"lean": "sales_marketing"})],
                 scenarios=[("lean", "less")])


# -- the Correlations sheet (issue 11, part 3) ---------------------------------------------------------
RANGED = [row("Plus", "subscription", "audience", 1e9, "visits/month", low=5e8, high=2e9),
          row("Plus", "subscription", "conversion", 0.01, "%", low=0.005, high=0.02),
          row("Plus", "subscription", "price", 20, "USD/month"),
          row("Rent", "opex", "monthly_amount", 5_000, "USD/month", low=4_000, high=8_000)]


@bad("correlation of an unknown name and of a fixed one")
def _(d):
    return model(d, RANGED, correlations=[("Plus.audeince", "Plus.conversion", 0.5),
                                          ("Plus.price", "Plus.audience", 0.3)])


@bad("correlation outside -1..1 and a self-pair")
def _(d):
    return model(d, RANGED, correlations=[("Plus.audience", "Plus.conversion", 1.5),
                                          ("Plus.audience", " plus . AUDIENCE ", 0.2)])


@bad("correlation pair given twice")
def _(d):
    return model(d, RANGED, correlations=[("Plus.audience", "Plus.conversion", 0.5),
                                          ("Plus.conversion", "Plus.audience", 0.3)])


@bad("correlations that cannot hold together")
def _(d):
    # 0.9 and 0.9 make audience and rent move together; -0.5 between them cannot also hold
    return model(d, RANGED, correlations=[("Plus.audience", "Plus.conversion", 0.9),
                                          ("Plus.conversion", "Rent.monthly_amount", 0.9),
                                          ("Rent.monthly_amount", "Plus.audience", -0.5)])


@bad("correlation problems beside bad cells")
def _(d):
    return raw_workbook(d / "corr_cells.xlsx", {
        "Assumptions": [HEADER, ["Plus", "subscription", "audience", 1e9, "users", 5e8, 2e9],
                        ["Plus", "subscription", "conversion", "one", "%", 0.005, 0.02],
                        ["Plus", "subscription", "price", 20, "USD/month", 10, 30]],
        "Settings": SETTINGS_ROWS,
        "Correlations": [["first", "second", "rank correlation", "owner"],
                         ["Plus.audience", "Plus.price", "high"], ["", "Plus.price", None]]})

# -- funding: tranches, debt and in-kind credits (issue 10) -------------------------------------------
SERVING = [row("Serving", "inference", "cost_per_day", 1000, "USD/day")]


@bad("tranche in month 13")
def _(d):
    return model(d, [*GOOD, row("Seed", "funding", "amount@2023-06", 1e6, "USD"),
                     row("Seed", "funding", "amount@2023-13", 2e6, "USD")])


@bad("unknown loan repayment")
def _(d):
    return model(d, [*GOOD, row("Loan", "debt", "amount", 1e6, "USD"),
                     row("Loan", "debt", "draw_month", dt.date(2023, 3, 1), "date"),
                     row("Loan", "debt", "interest_rate", 0.05, "%"),
                     row("Loan", "debt", "term_months", 12, "months"),
                     row("Loan", "debt", "repayment", "balloon", "")])


@bad("in_kind naming no block")
def _(d):
    return model(d, [*GOOD, *SERVING, row("Credits", "funding", "amount@2023-02", 1e6, "USD"),
                     row("Credits", "funding", "in_kind", "Servng", "")])


@bad("two in-kind rounds on one cost block")
def _(d):
    return model(d, [*GOOD, *SERVING, row("Azure", "funding", "amount@2023-02", 1e6, "USD"),
                     row("Azure", "funding", "in_kind", "Serving", ""),
                     row("AWS", "funding", "amount@2023-05", 2e6, "USD"),
                     row("AWS", "funding", "in_kind", "serving", "")])


@bad("in_kind naming a revenue block")
def _(d):
    return model(d, [*GOOD, *SERVING, row("Credits", "funding", "amount@2023-02", 1e6, "USD"),
                     row("Credits", "funding", "in_kind", "Plus", "")])


@bad("in_kind naming a loan")
def _(d):
    return model(d, [*SERVING, row("Loan", "debt", "amount", 1e6, "USD"),
                     row("Loan", "debt", "draw_month", dt.date(2023, 3, 1), "date"),
                     row("Loan", "debt", "interest_rate", 0.05, "%"),
                     row("Loan", "debt", "term_months", 12, "months"),
                     row("Credits", "funding", "amount@2023-02", 1e6, "USD"),
                     row("Credits", "funding", "in_kind", "Loan", "")])


@bad("in_kind naming a hardware block")
def _(d):
    # buying GPUs is capital spending (investing), not an expense that credits pay
    return model(d, [*SERVING, row("GPUs", "hardware", "units", 7, "GPUs"),
                     row("GPUs", "hardware", "unit_price", 50_000, "USD/GPU"),
                     row("GPUs", "hardware", "purchase_month", dt.date(2023, 3, 1), "date"),
                     row("GPUs", "hardware", "useful_life_months", 12, "months"),
                     row("Credits", "funding", "amount@2023-02", 1e6, "USD"),
                     row("Credits", "funding", "in_kind", "GPUs", "")])


# -- valuations of funding rounds (issue 10, part 2) ------------------------------------------------
ROUND = [row("Seed", "funding", "amount@2023-03", 4e6, "USD"), row("Seed", "funding", "amount@2023-06", 6e6, "USD")]


@bad("round with both pre_money and post_money")
def _(d):
    return model(d, [*GOOD, *ROUND, row("Seed", "funding", "pre_money", 90e6, "USD"),
                     row("Seed", "funding", "post_money", 100e6, "USD")])


@bad("post_money not above the round")
def _(d):
    return model(d, [*GOOD, *ROUND, row("Seed", "funding", "post_money", 9e6, "USD", low=5e6,
                                        overrides={"up": 10e6})], scenarios=[("up", "more")])


@bad("pre_money of 0")
def _(d):
    return model(d, [*GOOD, *ROUND, row("Seed", "funding", "pre_money", 0, "USD")])


@bad("valued rounds signed in another order by a scenario")
def _(d):
    return model(d, [*GOOD, *ROUND, row("Seed", "funding", "pre_money", 90e6, "USD"),
                     row("A", "funding", "amount", 30e6, "USD"),
                     row("A", "funding", "month", dt.date(2023, 9, 1), "date", overrides={"early": dt.date(2023, 2, 1)}),
                     row("A", "funding", "post_money", 150e6, "USD")], scenarios=[("early", "A first")])


@bad("a round's first tranche caps how late a scenario signs it")
def _(d):
    """Seed is signed in May (late: December) or at its first tranche, August, whichever is earlier: as
    late as August, after A in July."""
    return model(d, [*GOOD, row("Seed", "funding", "amount@2023-08", 4e6, "USD"),
                     row("Seed", "funding", "amount", 1e6, "USD"),
                     row("Seed", "funding", "month", dt.date(2023, 5, 1), "date", overrides={"late": dt.date(2023, 12, 1)}),
                     row("Seed", "funding", "pre_money", 90e6, "USD"),
                     row("A", "funding", "amount", 30e6, "USD"), row("A", "funding", "month", dt.date(2023, 7, 1), "date"),
                     row("A", "funding", "post_money", 150e6, "USD")], scenarios=[("late", "Seed signs late")])


@bad("a round's low month signs it before the earlier round")
def _(d):
    return model(d, [*GOOD, row("Seed", "funding", "amount@2023-03", 4e6, "USD"),
                     row("Seed", "funding", "pre_money", 90e6, "USD"), row("A", "funding", "amount", 30e6, "USD"),
                     row("A", "funding", "month", dt.date(2023, 9, 1), "date", low=dt.date(2023, 2, 1),
                         high=dt.date(2023, 10, 1)),
                     row("A", "funding", "post_money", 150e6, "USD")])


@bad("valuation sampled from a normal distribution")
def _(d):
    return model(d, [*GOOD, *ROUND, row("Seed", "funding", "post_money", 100e6, "USD", low=50e6, high=150e6,
                                        distribution="normal")])

# -- found while modelling a real company (tests/test_real_company.py asserts their messages) --------
@bad("yearly figures start after the block's start")
def _(d):
    return model(d, [row("Sales", "revenue", "amount@2024", 3.7e9, "USD/year")])


@bad("tranche typed without its month's zero")
def _(d):
    return model(d, [row("Round", "funding", "amount@2023-4", 5e6, "USD"),
                     row("Round", "funding", "amount@2023-13", 5e6, "USD")])


# -- the Sources sheet (tests/test_sources.py asserts their messages) ------------------------------
REGISTER = [SourceRow("A001", "为什么大模型接下来要看中国?", "Why large models should look to China next", "张津京"),
            SourceRow("A002", "ChatGPT中国变形记", date="2023-02-19", kind="press report")]


def cited(*sources: str) -> list:
    """GOOD's three rows citing ``sources`` in turn (audience, conversion, price)."""
    return [row(r.block, r.kind, r.parameter, r.value, r.unit, source=s) for r, s in zip(GOOD, sources)]


@bad("source id typed wrong")
def _(d):
    return model(d, cited("A001", "A01 §3", "A002"), sources=REGISTER)


@bad("blank source beside a Sources sheet")
def _(d):
    return model(d, cited("A001", "", "A002"), sources=REGISTER)


@bad("source id given twice")
def _(d):
    return model(d, cited("A001", "A001", "A002"), sources=[*REGISTER, SourceRow("A001", "another")])


@bad("source with a bad kind and date")
def _(d):
    return model(d, cited("A001", "A001", "A002"),
                 sources=[REGISTER[0], SourceRow("A002", "ChatGPT中国变形记", date="Feb 2023", kind="blog")])


@bad("source id that is not an id, and a title missing")
def _(d):
    return model(d, cited("A001", "A001", "A002"), sources=[*REGISTER, SourceRow("3 x", ""), SourceRow("B1", "")])


@bad("scenario and setting citing unknown sources")
def _(d):
    rows = settings()
    return model(d, cited("A001", "A001", "A002"), sources=REGISTER,
                 settings_rows=[*rows[:-1], (*rows[-1], {}, "A003")], scenarios=[("late", "later", "Z9 p. 2")])


# -- the Checks sheet (issue 13, part 4) ----------------------------------------------------------------
@bad("checks: unknown names, a KPI with a period, an unknown scenario, no expected value")
def _(d):
    return model(d, GOOD, scenarios=[("lean", "less")], checks=[
        ("Plus.revenu", "2023", 2.4e9),                      # A2: no such line
        ("cash_out_month", "2023-05", "2023-05"),           # B3: a KPI has no period
        ("Plus.revenue", "2023-03", 2e8, None, None, "leen"),  # F4: no such scenario
        ("closing_cash", "2023-03", None),                  # C5: no expected value
        ("Plus.revenue", "March", 2e8),                     # B6: not a period
    ])


@bad("checks: a period outside the projection, a yearly KPI without a year, bad tolerances and values")
def _(d):
    return model(d, GOOD, checks=[
        ("Plus.revenue", "2030", 2.4e9),                    # B2: the projection is 2023-01..2024-12
        ("arr", "", 2.4e9),                                 # B3: a yearly KPI needs a year
        ("Plus.revenue", "2023", 2.4e9, -5),                # D4: a negative tolerance
        ("Plus.revenue", "2023", 2.4e9, None, "150%"),      # E5: a relative tolerance above 100%
        ("cash_out_month", "", 24),                         # C6: a month KPI expects YYYY-MM or never
        ("closing_cash", "2023-12", "lots"),                # C7: not a number
    ])


@bad("checks beside a bad assumption cell")
def _(d):
    return model(d, [row("Plus", "subscription", "audience", "many", "visits/month")] + GOOD[1:],
                 checks=[("Plus.revenue", "2023", 2.4e9), ("runway_month", "", 12)])


@bad("the typed mistakes the editing aids name, saved with check formulas but no values")
def _(d):
    from tests.test_editing_aids import mistaken_workbook

    path = d / "mistakes.xlsx"
    mistaken_workbook(path)  # saved by openpyxl: the check formulas have no values and are left out
    return path
