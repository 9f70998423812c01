"""What a focal point does about a quarantined row, derived from the connectors' reason.

Every fix ends the same way: the corrected file is sent again under the same name (it
replaces the earlier one); the submissions page says so once, above the rows.
"""

import re

# (pattern in the reason, what to do); the first that matches decides.
RULES: tuple[tuple[str, str], ...] = (
    (r"is empty \(required", "Fill in {column} for this row in the source system or export."),
    (
        r"is not a quantity in a unit",
        "Give {column} in a unit the export allows (litres, kg, kWh...), as one number: "
        "convert drums, cans or bottles to that unit.",
    ),
    (
        r"is not a quantity \(write one number\)",
        "Write {column} as one plain number: no '~', 'approx', '?' or ranges.",
    ),
    (r"more than \d+ digits", "Check the export's number format: {column} cannot be that large."),
    (r"is not a whole number", "Write {column} as a whole number (digits only, no decimals)."),
    (r"is not a number", "Write {column} as a number, without units, text or extra signs."),
    (r"is not a date", "Write {column} as a date in one of the formats the reason lists."),
    (r"is not one of ", "Use one of the values the reason lists for {column}."),
    (
        r"ticket number",
        "Export the ticket-number column as text, not as a number in scientific notation.",
    ),
    (r"the file ends inside this row", "Send the complete file: the export was cut short."),
    (r"negative", "A delivered or consumed quantity cannot be negative: correct {column}."),
    (r"nothing to read", "Export the statement again with its meters and usages."),
)


def what_to_fix(reason: str | None, column: str | None) -> str:
    text = reason or ""
    name = column or "the column"
    for pattern, advice in RULES:
        if re.search(pattern, text, re.I):
            return advice.format(column=name)
    return f"Correct {name} as the reason says."
