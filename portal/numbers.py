"""Figures (targets, reported progress) as text, one way everywhere: every digit kept, never an exponent.

Python's `%g` keeps six significant digits and switches to an exponent at a million: 123456.7 m² read
123457 on the page and in the CSV while the API said 123456.7, and 1,000,000 read 1e+06."""
from __future__ import annotations

from decimal import Decimal


def _decimal(value: float | int) -> Decimal:
    return Decimal(repr(float(value)))  # the shortest digits that read back as the same number


def plain(value: float | int) -> str:
    """For files and forms: 123456.7, 1000000, 0.00001."""
    text = format(_decimal(value), "f")
    return text[:-2] if text.endswith(".0") else text


def grouped(value: float | int) -> str:
    """For reading, thousands grouped as a target is written beside it: 123,456.7 of 110,000."""
    text = format(_decimal(value), ",f")
    return text[:-2] if text.endswith(".0") else text
