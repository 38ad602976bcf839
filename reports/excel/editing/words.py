"""cashcast's own problem messages turned into Excel text, and the pieces of the check formulas.

A message function of :mod:`cashcast.models.reading.wording` is called with placeholders where the typed
values go; :func:`excel_text` then joins its words with the Excel expressions that stand for those
values, so the check column says what ``cashcast check`` says, in the same words. Formulas use only
functions Excel, LibreOffice and Gnumeric compute alike, and no number other than 0 and 1. Gnumeric
applies no scalar function (EXACT, LEN, FIND) to a range inside SUMPRODUCT, so only comparisons do.
"""
from __future__ import annotations

from cashcast.reports.excel.editing.lists import PREFIX

HOLES = tuple(chr(0xE000 + i) for i in range(8))  # private-use characters: never in a message's own words
SEP = "; "


def quoted(text: str) -> str:
    """An Excel string literal.

    >>> print(quoted('a "b" c'))
    "a ""b"" c"
    """
    return '"' + text.replace('"', '""') + '"'


def excel_text(message: str, *exprs: str) -> str:
    """The Excel expression of ``message`` (made with ``HOLES`` for its values) with ``exprs`` in the holes.

    >>> print(excel_text(f"unknown kind '{HOLES[0]}'", "LOWER(B2)"))
    "unknown kind '"&(LOWER(B2))&"'"
    """
    parts, rest = [], message
    while True:
        at = [(rest.find(h), i) for i, h in enumerate(HOLES[:len(exprs)]) if h in rest]
        if not at:
            break
        pos, i = min(at)
        if rest[:pos]:
            parts.append(quoted(rest[:pos]))
        parts.append(f"({exprs[i]})")
        rest = rest[pos + 1:]
    if rest:
        parts.append(quoted(rest))
    return "&".join(parts) or '""'


def head(message: str) -> str:
    """A message's first clause (up to its first ``;``): what the check column says.

    >>> head("unknown kind 'x'; valid kinds: a, b")
    "unknown kind 'x'"
    """
    return message.split(";")[0]


def listed(name: str, text: str) -> str:
    """Whether ``text`` is on the generated (or referenced) list ``name`` (case as Excel matches)."""
    return f"ISNUMBER(MATCH({text},{PREFIX}{name},0))"


def currency_code(code: str) -> str:
    """Whether ``code`` looks like a currency code: as long as USD, all capitals, letters."""
    return f'AND(LEN({code})=LEN("USD"),EXACT({code},UPPER({code})),NOT(EXACT({code},LOWER({code}))))'


def unit_fits(u: str, d: str) -> str:
    """Whether unit ``u`` fits dimension ``d`` (both Excel expressions), as ``cells.unit_problem`` decides:
    a money unit by its shape, a count's any unit that is not %, date or money, others from the list."""
    code = f'LEFT({u},FIND("/",{u}&"/")-1)'
    per = f'MID({u},FIND("/",{u}&"/")+1,LEN({u}))'
    flow = f'OR({d}="money/month",{d}="money/year",{d}="money/day")'
    money = (f'AND({currency_code(code)},OR(AND({d}="money",{code}={u}),AND({flow},{listed("periods", per)}),'
             f'{d}="money/unit"))')
    count = f'AND({u}<>"",LEFT({u},1)<>"%",{u}<>"date",NOT({currency_code(code)}))'
    pair = f'{d}&"|"&{u}'
    fixed = (f'OR(IF({listed("unit_keys", pair)},EXACT(INDEX({PREFIX}unit_keys,MATCH({pair},{PREFIX}unit_keys,0),1),'
             f'{pair}),FALSE()),AND({u}="",{listed("text_dimensions", d)}))')
    return f'IF(LEFT({d},LEN("money"))="money",{money},IF({d}="count",{count},{fixed}))'


def cited_ids(s: str, how_many: int = 3) -> list[str]:
    """The first ``how_many`` ids a source cell ``s`` names (Excel expressions; "" past the last), split
    as ``sources.parse_citations`` splits: at ``;``, then the first word of each piece."""
    wide = f'SUBSTITUTE({s},";",REPT(" ",LEN({s})))'
    out = []
    for k in range(how_many):
        start = "+".join([f"LEN({s})"] * k + ["1"])
        piece = f"TRIM(MID({wide},{start},LEN({s})))"
        out.append(f'LEFT({piece},FIND(" ",{piece}&" ")-1)')
    return out


def joined(terms: list[tuple[str, str]], blank: str) -> str:
    """The check formula: each ``(condition, message expression)`` that holds, joined by ``; ``; empty
    while ``blank`` (the row is empty) holds."""
    body = "&".join(f'IF({cond},{quoted(SEP)}&{msg},"")' for cond, msg in terms)
    return f'=IF({blank},"",REPLACE({body},1,LEN({quoted(SEP)}),""))'


EXCEL_FORMULA_LIMIT = 8192  # characters Excel accepts in a formula (LibreOffice and Gnumeric accept more)


def header(check_range: str, extra_terms: list[tuple[str, str]] = ()) -> str:
    """The check column's header: ``check``, or ``check: N problems`` and any problem of the header row.

    Each header cell checked costs about 400 characters: with some 20 scenario columns the formula would
    pass Excel's limit, and the header then counts the rows' problems only (``cashcast check`` still
    names an unknown column).

    >>> len(header("O2:O130", [(f"K{i}<>0", f'"col {i}"') for i in range(300)])) < EXCEL_FORMULA_LIMIT
    True
    """
    formula = _header(check_range, list(extra_terms))
    return formula if len(formula) <= EXCEL_FORMULA_LIMIT else _header(check_range, [])


def _header(check_range: str, extra_terms: list[tuple[str, str]]) -> str:
    count = f'SUMPRODUCT(({check_range}<>"")*1)'
    count += "".join(f"+IF({cond},1,0)" for cond, _m in extra_terms)
    words = "".join(f'&IF({cond},{quoted(SEP)}&{msg},"")' for cond, msg in extra_terms)
    return (f'=IF({count}=0,"check","check: "&({count})&IF({count}=1," problem"," problems"){words})')
