"""The line engine: the expression vocabulary and its numpy evaluation."""
