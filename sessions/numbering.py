"""Roman numerals, as the group numbers a session's talks ("Topic I", "Topic II")."""

from __future__ import annotations

_NUMERALS = [
    (1000, "M"),
    (900, "CM"),
    (500, "D"),
    (400, "CD"),
    (100, "C"),
    (90, "XC"),
    (50, "L"),
    (40, "XL"),
    (10, "X"),
    (9, "IX"),
    (5, "V"),
    (4, "IV"),
    (1, "I"),
]
_VALUES = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100, "d": 500, "m": 1000}


def roman(n: int) -> str:
    """4 → "IV"; a number Roman numerals cannot write (0, negative, 4000+) as digits."""
    if not 1 <= n < 4000:
        return str(n)
    out = []
    for value, numeral in _NUMERALS:
        count, n = divmod(n, value)
        out.append(numeral * count)
    return "".join(out)


def roman_to_int(text: str) -> int | None:
    """ "iv" or "IV" → 4; None for text that is not a Roman numeral."""
    total, previous = 0, 0
    for char in reversed(text.lower()):
        value = _VALUES.get(char)
        if value is None:
            return None
        total = total - value if value < previous else total + value
        previous = max(previous, value)
    return total or None
