"""The names of the model's parameters: one scheme, used by the reading, the kinds, the statements,
the KPIs and the Excel report (where each name is a defined name pointing at its input cell).

* a setting: ``settings__<setting>`` (``settings__opening_cash``);
* an exchange rate: ``fx__<currency code, lower case>`` (``fx__usd``);
* an assumption: ``<block slug>__<parameter>`` and, for a time shape or a yearly value,
  ``<block slug>__<parameter>__<modifier>`` (``chatgpt_plus__price``,
  ``chatgpt_plus__audience__growth``).

The double underscore separates the parts, so a block's slug is the name up to the first one.
"""
from __future__ import annotations

SEPARATOR = "__"


def setting_name(setting: str) -> str:
    """A model setting's parameter name.

    >>> setting_name("opening_cash")
    'settings__opening_cash'
    """
    return f"settings{SEPARATOR}{setting}"


def fx_name(code: str) -> str:
    """An exchange rate's parameter name (currency in the report's currency per one ``code``).

    >>> fx_name("USD")
    'fx__usd'
    """
    return f"fx{SEPARATOR}{code.lower()}"


def param_name(slug: str, param: str, modifier: str | None = None) -> str:
    """An assumption's parameter name from its block's slug, its parameter and any modifier.

    >>> param_name("chatgpt_plus", "price")
    'chatgpt_plus__price'
    >>> param_name("chatgpt_plus", "audience", "growth")
    'chatgpt_plus__audience__growth'
    """
    return f"{slug}{SEPARATOR}{param}" + (f"{SEPARATOR}{modifier}" if modifier else "")


def block_slug(name: str) -> str:
    """The block slug an assumption's parameter name starts with.

    >>> block_slug("chatgpt_plus__audience__growth")
    'chatgpt_plus'
    """
    return name.split(SEPARATOR)[0]
