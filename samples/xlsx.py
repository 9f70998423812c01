"""Byte-reproducible XLSX writing on top of openpyxl's write-only mode.

openpyxl stamps the save time into `docProps/core.xml` and into every zip entry; both are
pinned here so the same seed gives the same bytes, which is what lets the pipeline's
duplicate detection and the tests rely on SHA-256.
"""

import datetime as dt
from pathlib import Path
from zipfile import ZIP_DEFLATED, ZipFile, ZipInfo

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.writer.excel import ExcelWriter

DATE_FORMAT = "DD-MMM-YYYY"
EXCEL_EPOCH = dt.date(1899, 12, 30)


class _PinnedTimeZip(ZipFile):
    """A zip archive whose entries all carry one fixed timestamp."""

    def __init__(self, path: Path, stamp: dt.datetime) -> None:
        super().__init__(path, "w", ZIP_DEFLATED, allowZip64=True)
        self._date_time = stamp.timetuple()[:6]

    def writestr(self, zinfo_or_arcname, data, compress_type=None, compresslevel=None):
        if not isinstance(zinfo_or_arcname, ZipInfo):
            zinfo_or_arcname = ZipInfo(zinfo_or_arcname, date_time=self._date_time)
            zinfo_or_arcname.compress_type = ZIP_DEFLATED
        super().writestr(zinfo_or_arcname, data, compress_type, compresslevel)

    def write(self, filename, arcname=None, compress_type=None, compresslevel=None):
        with open(filename, "rb") as f:
            self.writestr(arcname or Path(filename).name, f.read())


def new_workbook(stamp: dt.datetime) -> Workbook:
    """An empty write-only workbook whose document properties carry `stamp`."""
    wb = Workbook(write_only=True)
    wb.properties.created = stamp
    wb.properties.modified = stamp
    return wb


def save(wb: Workbook, path: Path, stamp: dt.datetime) -> None:
    """Save without openpyxl's `save_workbook`, which would overwrite the modified time."""
    wb.properties.modified = stamp
    ExcelWriter(wb, _PinnedTimeZip(path, stamp)).save()


def excel_serial(day: dt.date) -> int:
    """The 1900-system serial number Excel stores for a date."""
    return (day - EXCEL_EPOCH).days


def formatted(ws, value, number_format: str) -> WriteOnlyCell:
    """A cell with a number format, for the few columns that need one."""
    cell = WriteOnlyCell(ws, value)
    cell.number_format = number_format
    return cell
