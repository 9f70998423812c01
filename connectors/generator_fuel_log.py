"""`generator_fuel_log_xlsx`: a field office's manual generator fuel log (docs/dialects.md D6).

One workbook per site and year: one sheet per month (`Jan`, `Janvier`, `Enero`, ...) or one
`Log` sheet, in the English, French or Spanish template. Rows 1-3 name the office, the
generator and its capacity; the header is on row 5; month-total and `TOTAL` rows close the
sheets. All sheets with the log's header are read into one raw table (`_sheet` keeps the
month). People type into these sheets, so:

- merged cells (a date or supplier merged over several deliveries) are filled from their
  top-left cell, as Excel shows them;
- a quantity typed as text is read only when it is one number (`200 L`, `250,5`); `approx
  200`, `2 drums` or an ambiguous `1,250` is quarantined with the reason (factors/METHODOLOGY.md);
- the office, generator id and capacity from the title rows are repeated on every row.
"""

import datetime as dt
import io
import zipfile
from decimal import Decimal, InvalidOperation
from itertools import islice

import polars as pl

from connectors.base import Column, Dialect, RejectedFile, Table, header_key
from connectors.quantities import read_quantity
from connectors.tabular import (
    HEADER_SEARCH_ROWS,
    TextTable,
    cell_text,
    dedupe_headers,
    find_header,
    header_matches,
    missing_message,
    open_workbook,
)
from connectors.validate import TableResult, empty_quarantine, validate, with_quarantined

LOG = Table(
    name="generator_fuel_log",
    description="One row per fuel delivery to a generator, from every month sheet (or the "
    "Log sheet) of the workbook; office, generator id and capacity from the title rows.",
    columns=(
        Column("Date", "date", aliases=("Fecha",), required=True),
        Column("Delivery Note No", aliases=("N° bon de livraison", "N° de remito")),
        Column("Supplier", aliases=("Fournisseur", "Proveedor")),
        Column("Fuel Type", aliases=("Type de carburant", "Tipo de combustible"), required=True),
        Column(
            "Quantity Delivered", aliases=("Quantité livrée", "Cantidad entregada"), required=True
        ),
        Column("Unit", aliases=("Unité", "Unidad")),
        Column(
            "Tank Level Before (%)",
            aliases=("Niveau cuve avant (%)", "Nivel del tanque antes (%)"),
        ),
        Column(
            "Tank Level After (%)",
            aliases=("Niveau cuve après (%)", "Nivel del tanque después (%)"),
        ),
        Column("Run Hours Start", aliases=("Compteur horaire début", "Horómetro inicio")),
        Column("Run Hours End", aliases=("Compteur horaire fin", "Horómetro fin")),
        Column("Unit Cost", aliases=("Coût unitaire", "Costo unitario")),
        Column("Currency", aliases=("Devise", "Moneda")),
        Column("Total Cost", aliases=("Coût total", "Costo total")),
        Column("Remarks", aliases=("Remarques", "Observaciones")),
        Column("Office", optional=True),
        Column("Generator ID", optional=True),
        Column("Capacity", optional=True),
    ),
)

DIALECT = Dialect(
    name="generator_fuel_log_xlsx",
    domain="fuel",
    tables=(LOG,),
    extensions=(".xlsx",),
    description="Field-office generator fuel log (EN/FR/ES template; month sheets or Log).",
    date_formats=("%Y-%m-%d", "%d/%m/%Y"),
)
TITLE_ROWS = ("Office", "Generator ID", "Capacity")
QUANTITY = LOG.column("quantity_delivered")


def load_full(data: bytes):
    """The workbook with merged-cell ranges (read-only mode drops them); zip bombs refused."""
    import openpyxl

    open_workbook(data).close()  # size and compression checks before inflating
    try:
        return openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    except (KeyError, ValueError, OSError, zipfile.BadZipFile) as exc:
        raise RejectedFile(f"not a readable .xlsx workbook ({exc})") from exc


def values(worksheet) -> list[list[object]]:
    """Cell values with every merged range filled from its top-left cell."""
    rows = [list(r) for r in worksheet.iter_rows(values_only=True)]
    for merged in worksheet.merged_cells.ranges:
        top = rows[merged.min_row - 1][merged.min_col - 1]
        for r in range(merged.min_row - 1, min(merged.max_row, len(rows))):
            for c in range(merged.min_col - 1, merged.max_col):
                if c < len(rows[r]):
                    rows[r][c] = top
    return rows


def title_value(row: list[object]) -> str | None:
    """`Generator ID: GEN-02` -> `GEN-02`; a title row's first text, without its label."""
    text = next((cell_text(v) for v in row if cell_text(v)), None)
    if text is None:
        return None
    return text.split(":", 1)[1].strip() if ":" in text else text.strip()


def read_sheet(worksheet) -> tuple[TextTable, dict[int, str]] | None:
    """A sheet as text after its header, and its quantity cells typed as text by row."""
    rows = values(worksheet)
    text_rows = [[cell_text(v) for v in r] for r in rows]
    index = find_header(text_rows, LOG)
    if index is None:
        return None
    header = [h if h else f"column_{i + 1}" for i, h in enumerate(text_rows[index])]
    width = len(header)
    quantity_keys = {header_key(QUANTITY.header), *(header_key(a) for a in QUANTITY.aliases)}
    quantity_at = next(i for i, h in enumerate(header) if header_key(h) in quantity_keys)
    typed: dict[int, str] = {}
    body = []
    for offset, row in enumerate(rows[index + 1 :]):
        padded = (list(row) + [None] * width)[:width]
        cell = padded[quantity_at]
        if isinstance(cell, str) and cell.strip():
            typed[index + 2 + offset] = cell
        body.append([cell_text(v) for v in padded])
    titles = [title_value(r) for r in text_rows[: min(3, index)]]
    titles += [None] * (3 - len(titles))
    columns = dedupe_headers(header)
    frame = pl.DataFrame(
        {c: [r[i] for r in body] for i, c in enumerate(columns)},
        schema={c: pl.String for c in columns},
    ).with_row_index("_source_row", offset=index + 2)
    has_data = pl.any_horizontal([pl.col(c).str.strip_chars().fill_null("") != "" for c in columns])
    frame = frame.with_columns(
        pl.col("_source_row").cast(pl.Int64),
        *[
            pl.when(has_data).then(pl.lit(t)).alias(n)
            for n, t in zip(TITLE_ROWS, titles, strict=True)
        ],
    )
    epoch_1904 = worksheet.parent.epoch == dt.datetime(1904, 1, 1)
    return TextTable(frame, index + 1, worksheet.title, epoch_1904=epoch_1904), typed


def quantity_problems(result: TableResult, typed: dict[int, str], sheet: str) -> TableResult:
    """Quarantine loaded rows whose quantity, typed as text, is not one number, or is negative
    (a delivery log records fuel received; a negative delivery is a typing error)."""
    entries = []
    quantities = result.rows.select("_source_row", QUANTITY.name).iter_rows()
    for source_row, cell in quantities:
        text = typed.get(source_row, cell)
        problem = quantity_problem(text, numeric_cell=source_row not in typed)
        if problem:
            entries.append(
                {
                    "sheet": sheet,
                    "source_row": source_row,
                    "column_name": QUANTITY.header,
                    "value": text,
                    "reason": problem,
                }
            )
    if not entries:
        return result
    return with_quarantined(result, pl.DataFrame(entries, schema=empty_quarantine().schema))


def quantity_problem(text: str | None, numeric_cell: bool) -> str | None:
    """Why a delivered quantity cannot count; a numeric cell is a number by construction."""
    if text is None:
        return None
    if numeric_cell:
        try:
            value = Decimal(text)
        except InvalidOperation:
            return None  # a date or a boolean: the cell's type is checked downstream
    else:
        reading = read_quantity(text, QUANTITY.header)
        if reading.problem:
            return reading.problem
        value = reading.value
    if value is not None and value.is_finite() and value < 0:
        return f"{QUANTITY.header} {text!r} is negative: a delivery cannot remove fuel"
    return None


def log_sheets(workbook) -> list:
    """Sheets holding the log's header; a sheet that nearly does is an error, not skipped."""
    found = []
    for ws in workbook.worksheets:
        head = [[cell_text(v) for v in r] for r in islice(ws.iter_rows(values_only=True), 100)]
        if find_header(head, LOG) is not None:
            found.append(ws)
            continue
        best = max((header_matches(r, LOG)[0] for r in head), default=0)
        if best >= 4:
            raise RejectedFile(f"sheet {ws.title!r}: {missing_message(head, LOG)}")
    return found


def detect(data: bytes, suffix: str) -> str | None:
    if suffix != ".xlsx":
        return f"{DIALECT.name} reads .xlsx, not {suffix}"
    workbook = open_workbook(data)
    try:
        best = (-1, "the workbook has no sheets")
        for ws in workbook.worksheets:
            head = [
                [cell_text(v) for v in r]
                for r in islice(ws.iter_rows(values_only=True), HEADER_SEARCH_ROWS)
            ]
            if find_header(head, LOG) is not None:
                return None
            score = max((header_matches(r, LOG)[0] for r in head), default=0)
            if score > best[0]:
                best = (score, f"sheet {ws.title!r}: {missing_message(head, LOG)}")
        return best[1]
    finally:
        workbook.close()


def read(data: bytes, suffix: str, key: bytes) -> list[TableResult]:
    workbook = load_full(data)
    try:
        sheets = log_sheets(workbook)
        if not sheets:
            raise RejectedFile("no sheet holds the generator fuel log header")
        results = []
        for ws in sheets:
            text, typed = read_sheet(ws)
            result = validate(text, LOG, DIALECT, key)
            results.append(quantity_problems(result, typed, ws.title))
    finally:
        workbook.close()
    return [combine(results)]


def combine(results: list[TableResult]) -> TableResult:
    """One result per raw table: the loader replaces a table's rows once per file."""
    first = results[0]
    return TableResult(
        table=LOG,
        rows=pl.concat([r.rows for r in results]),
        quarantine=pl.concat([r.quarantine for r in results]),
        rows_in=sum(r.rows_in for r in results),
        rows_skipped=sum(r.rows_skipped for r in results),
        notes={**first.notes, "sheets": len(results)},
    )
