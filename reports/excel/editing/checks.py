"""The live ``check`` column: a formula per row saying in cashcast's words what is wrong with it.

On Assumptions: an unknown kind, parameter, unit, distribution or source, low above high, a value outside
low..high, a duplicate row; its header counts the problems and names a scenario column that the Scenarios
sheet does not list. On Settings: an unknown or repeated setting, a currency that is no code, an unknown
source. On Sources: a repeated id, an unknown kind. A conditional format marks each row with a problem.
The reader skips the column (``opening.is_check_header``). Each text is the first clause of the message
``cashcast check`` prints for that cell (:mod:`cashcast.models.reading.wording`).
"""
from __future__ import annotations

from xlsxwriter.utility import xl_col_to_name

from cashcast.models.kinds import KINDS
from cashcast.models.reading import wording
from cashcast.models.reading.sources import _unknown
from cashcast.models.reading.specs import DISTRIBUTIONS
from cashcast.reports.excel.editing.lists import PREFIX
from cashcast.reports.excel.editing.words import HOLES, cited_ids, currency_code, excel_text, head, header, joined, listed, unit_fits

H0, H1, H2 = HOLES[:3]
MARK = {"bg_color": "#FDE2E1"}
HEADER_MARK = {"font_color": "#C00000", "bold": True}


def _said(message: str, *exprs: str) -> str:
    return excel_text(head(message), *exprs)


def source_terms(s: str, has_sources: bool) -> list[tuple[str, str]]:
    """An unknown id among the first three a source cell ``s`` cites (none without a Sources sheet)."""
    if not has_sources:
        return []
    estimate = f'LOWER(LEFT({s},LEN("estimate")))="estimate"'
    return [(f'AND(NOT({estimate}),{i}<>"",NOT({listed("source_ids", i)}))', _said(_unknown(H0, {}), i))
            for i in cited_ids(s)]


def assumption_formula(n: int, col: dict[str, str], has_sources: bool) -> str:
    """The check formula of Assumptions row ``n`` (1-based); ``col`` maps the reader's columns to letters."""
    cell = {k: f"{v}{n}" for k, v in col.items()}
    kind, unit = f"LOWER(TRIM({cell['kind']}))", f"TRIM({cell['unit']})"
    p = f"TRIM({cell['parameter']})"
    plain = f'IF(ISNUMBER(FIND("@",{p})),LEFT({p},FIND("@",{p})-1),{p})'
    base = f'IF(ISNUMBER(FIND(".",{plain})),LEFT({plain},FIND(".",{plain})-1),{plain})'
    key = f'{kind}&"."&{plain}'
    known = listed("kinds", kind)
    dim = f"INDEX({PREFIX}param_dimensions,MATCH({key},{PREFIX}param_keys,0),1)"
    lo, hi, v = cell["low"], cell["high"], cell["value"]
    inverted = f"AND(ISNUMBER({lo}),ISNUMBER({hi}),{lo}>{hi})"
    above = f"{n - 1}"
    dup = (f"SUMPRODUCT(({col['block']}$1:{col['block']}{above}={cell['block']})*"
           f"({col['parameter']}$1:{col['parameter']}{above}={cell['parameter']}))>0")
    dist = f"LOWER(TRIM({cell['distribution']}))"
    terms = [
        (f'AND({kind}<>"",NOT({known}))', _said(wording.unknown_kind(H0, KINDS), kind)),
        (f'AND({known},{p}<>"",NOT({listed("param_keys", f"{kind}&{chr(34)}.{chr(34)}&{base}")}))',
         _said(wording.unknown_parameter(H0, H1, ""), base, kind)),
        (f'IF({listed("param_keys", key)},NOT({unit_fits(unit, dim)}),FALSE())',
         f'IF({unit}="","the unit is blank",{_said(wording.unit_misfit(H0, ""), unit)})'),
        (f'AND({dist}<>"",NOT({listed("distributions", dist)}))', _said(wording.unknown_distribution(H0, DISTRIBUTIONS), dist)),
        (inverted, _said(wording.low_above_high(H0, H1), lo, hi)),
        (f"AND(ISNUMBER({v}),NOT({inverted}),OR(AND(ISNUMBER({lo}),{v}<{lo}),AND(ISNUMBER({hi}),{v}>{hi})))",
         _said(wording.outside_low_high(H0, H1, H2), v, f'IF(ISNUMBER({lo}),{lo},"-")', f'IF(ISNUMBER({hi}),{hi},"-")')),
        (dup, excel_text(wording.duplicate_row(H0, H1, H2).split(" is already")[0], cell["block"], p)),
        *source_terms(f"TRIM({cell['source']})", has_sources),
    ]
    first, last = col["block"], col["notes"]
    return joined(terms, f'COUNTA({first}{n}:{last}{n})=0')


def column_terms(headers: list[str], first: int, last: int) -> list[tuple[str, str]]:
    """A header (columns ``first``..``last``, 0-based) that the Scenarios sheet does not list."""
    out = []
    for c in range(first, last + 1):
        ref = f"{xl_col_to_name(c)}$1"
        out.append((f'AND({ref}<>"",NOT({listed("scenarios", ref)}))',
                     _said(wording.unknown_column(H0, ""), ref)))
    return out


def settings_formula(n: int, col: dict[str, str], has_sources: bool) -> str:
    """The check formula of Settings row ``n``."""
    a, b = f"{col['setting']}{n}", f"{col['value']}{n}"
    name = f"TRIM({a})"
    fx = f'AND(LEFT({name},LEN("fx_"))="fx_",{currency_code(f"MID({name},LEN({chr(34)}fx_{chr(34)})+1,LEN({name}))")})'
    above = f"{col['setting']}$1:{col['setting']}{n - 1}"
    code = f"UPPER(TRIM({b}))"
    terms = [
        (f'AND({name}<>"",NOT({listed("settings", name)}),NOT({fx}))', _said(wording.unknown_setting(H0, ""), name)),
        (f'AND({name}<>"",ISNUMBER(MATCH({name},{above},0)))',
         _said(wording.setting_twice(H0, H1), name, f'"{col["setting"]}"&MATCH({name},{above},0)')),
        (f'AND(LOWER({name})="currency",NOT({currency_code(code)}))', _said(wording.not_a_currency(H0), f"TRIM({b})")),
    ]
    if "source" in col:
        terms += source_terms(f"TRIM({col['source']}{n})", has_sources)
    return joined(terms, f'COUNTA({a}:{b})=0')


def sources_formula(n: int, col: dict[str, str]) -> str:
    """The check formula of Sources row ``n``."""
    ident, kind = f"TRIM({col['id']}{n})", f"TRIM({col['kind']}{n})"
    above = f"{col['id']}$1:{col['id']}{n - 1}"
    terms = [
        (f'AND({ident}<>"",ISNUMBER(MATCH({ident},{above},0)))',
         _said(wording.source_id_twice(H0, H1), ident, f'"{col["id"]}"&MATCH({ident},{above},0)')),
        (f'AND({kind}<>"",NOT({listed("source_kinds", kind)}))',
         _said(wording.source_kind_problem(f"unknown kind '{H0}'", H1, ()), kind, ident)),
    ]
    return joined(terms, f'COUNTA({col["id"]}{n}:{col["kind"]}{n})=0')


def write_check_column(wb, ws, check_col: int, last_row: int, formula, header_terms=(), bold=None) -> None:
    """The check column (formulas for rows 2..``last_row``, 1-based), its header and the marks."""
    letter = xl_col_to_name(check_col)
    for n in range(2, last_row + 1):
        ws.write_formula(n - 1, check_col, formula(n), None, "")
    ws.write_formula(0, check_col, header(f"{letter}2:{letter}{last_row}", list(header_terms)), bold, "check")
    ws.conditional_format(1, 0, last_row - 1, check_col, {"type": "formula", "criteria": f"=LEN(${letter}2)>0",
                                                         "format": wb.add_format(MARK)})
    ws.conditional_format(0, check_col, 0, check_col, {"type": "formula", "criteria": f'=${letter}$1<>"check"',
                                                       "format": wb.add_format(HEADER_MARK)})
    ws.set_column(check_col, check_col, 60)
