"""The model's statement lines (totals, cash, running balances), each defined once in a registry."""
