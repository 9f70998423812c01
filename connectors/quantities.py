"""Reading quantities typed by people: `200 L`, `1 250,5`, `approx 200`, `2 drums`, `full`.

Manual logs (generator fuel logs, refrigerant service logs) carry numbers as text in cells
meant for numbers. A value is read only when it means one number: `200 L` is 200 litres,
`1.250,5` and `1,250.5` are 1250.5, but `1,250` (one thousand two hundred and fifty, or one
and a quarter?) is ambiguous and, like `approx 200` or `2 drums`, goes to quarantine with
the reason, never guessed (factors/METHODOLOGY.md). Staging reads the same text with the same rules
(macro `manual_number`).
"""

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

# Units a person may write inside a quantity cell; their conversion is in
# factors/unit_conversions.csv, applied in staging.
CELL_UNITS = frozenset(
    {
        "L", "LT", "LTR", "LTRS", "LITRE", "LITRES", "LITER", "LITERS", "LITRO", "LITROS",
        "GAL", "GALS", "GALLON", "GALLONS", "USG", "IGAL",
        "KG", "KGS", "LB", "LBS", "G", "GR", "GRAMS",
    }
)  # fmt: skip
_CELL = re.compile(r"^(?P<number>[+-]?\d[\d\s.,\u00a0\u202f]*?)\s*(?P<unit>[A-Za-z][A-Za-z.]*)?$")
_AMBIGUOUS = re.compile(r"^[+-]?\d{1,3}[.,]\d{3}$")


@dataclass(frozen=True)
class Reading:
    value: Decimal | None
    unit: str | None  # the unit written inside the cell, upper-case
    problem: str | None  # why the text is not one number, for the quarantine reason


def normalise_number(text: str) -> Decimal | None:
    """A number with `.` or `,` as decimal or grouping separator, when it means one number."""
    digits = re.sub(r"[\s\u00a0\u202f']", "", text)
    if _AMBIGUOUS.match(digits):
        return None
    if "." in digits and "," in digits:
        decimal_sep = "." if digits.rfind(".") > digits.rfind(",") else ","
        group_sep = "," if decimal_sep == "." else "."
        digits = digits.replace(group_sep, "").replace(decimal_sep, ".")
    elif "," in digits or "." in digits:
        sep = "," if "," in digits else "."
        if re.fullmatch(rf"[+-]?\d{{1,3}}(\{sep}\d{{3}}){{2,}}", digits):
            digits = digits.replace(sep, "")
        elif digits.count(sep) == 1:
            digits = digits.replace(sep, ".")
        else:
            return None
    try:
        return Decimal(digits)
    except InvalidOperation:
        return None


def read_quantity(text: str | None, header: str) -> Reading:
    """The number (and in-cell unit) a cell holds, or the problem with it."""
    if text is None or not text.strip():
        return Reading(None, None, None)
    cell = text.strip()
    match = _CELL.match(cell)
    if match is None:
        return Reading(None, None, f"{header} {cell!r} is not a quantity (write one number)")
    unit = match.group("unit")
    if unit is not None and unit.rstrip(".").upper() not in CELL_UNITS:
        return Reading(None, None, f"{header} {cell!r} is not a quantity in a unit we can convert")
    value = normalise_number(match.group("number"))
    if value is None:
        return Reading(
            None,
            None,
            f"{header} {cell!r} is ambiguous (a thousands separator or a decimal mark?): "
            "write it without grouping, e.g. 1250 or 1.25",
        )
    return Reading(value, unit.rstrip(".").upper() if unit else None, None)
