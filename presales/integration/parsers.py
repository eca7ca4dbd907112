"""Reading uploaded CSV and XLSX files as a stream of rows, in bounded memory, with the checks a bad file fails.

CSV: UTF-8 (with or without byte order mark), else GB18030 (a superset of GBK and GB2312, which Excel in China
writes), else refused. XLSX: the archive's unpacked part sizes and compression ratios are checked from its
directory first (`check_xlsx_archive`, cheap enough for the upload request: nothing is decompressed), then openpyxl
reads the first sheet in read-only (streaming) mode. Both are read row by row; nothing keeps the whole file in
memory. The full scan (`scan`) runs in the worker, never in the upload request.
"""

from __future__ import annotations

import codecs
import csv
import datetime
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from django.utils.translation import gettext as _

MAX_ROWS = 200_000
MAX_COLUMNS = 200
MAX_CELL_CHARS = 10_000
SNIFF_BYTES = 64 * 1024
XLSX_SIGNATURE = b"PK\x03\x04"
# An .xlsx whose parts unpack to more than this, or any part unpacking to more than MAX_XLSX_RATIO times its
# compressed size, is refused before openpyxl opens it (a "zip bomb": 205 KB unpacking to 84 MB of shared strings).
MAX_XLSX_UNPACKED_MB = 50
MAX_XLSX_RATIO = 100
MAX_XLSX_PARTS = 10_000
# Distinct values remembered per column for the value-mapping step; a column with more is not a list of choices.
MAX_DISTINCT_VALUES = 500


class BadFile(Exception):
    """The file cannot be imported at all; the message says why in the person's words."""


@dataclass
class FileInfo:
    """What the scan of an upload found: format, encoding, delimiter, header row and number of data rows."""

    file_format: str
    encoding: str
    delimiter: str
    headers: list[str]
    total_rows: int
    # Column index (as text) -> {"values": {cell text: rows}, "more": True once it has too many distinct values}.
    value_counts: dict[str, dict[str, Any]] = field(default_factory=dict)
    # The first cells that look like spreadsheet formulas: [row number, column index, text].
    formulas: list[list[Any]] = field(default_factory=list)
    formula_count: int = 0
    sample: list[list[str]] = field(default_factory=list)


def detect_format(name: str, head: bytes) -> str:
    """'csv' or 'xlsx' from the name, confirmed by the content (an .xlsx is a zip; a CSV has no NUL bytes)."""
    suffix = Path(name).suffix.lower()
    if suffix == ".xlsx":
        if not head.startswith(XLSX_SIGNATURE):
            raise BadFile(_("This file is named .xlsx but is not an Excel workbook."))
        return "xlsx"
    if suffix in (".csv", ".txt"):
        if head.startswith(XLSX_SIGNATURE) or b"\x00" in head:
            raise BadFile(_("This file is named .csv but is not a text file. Save it as CSV or XLSX."))
        return "csv"
    if suffix == ".xls":
        raise BadFile(_("Old Excel files (.xls) cannot be read. Save the sheet as .xlsx or CSV."))
    raise BadFile(_("Upload a CSV or XLSX file."))


def detect_encoding(path: Path) -> str:
    """UTF-8 (BOM or not), else GB18030; the whole file is decoded once, chunk by chunk, to be sure."""
    with path.open("rb") as handle:
        head = handle.read(4)
    if head.startswith(codecs.BOM_UTF8):
        candidates = ["utf-8-sig"]
    elif head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise BadFile(_("This file is UTF-16 text. Save it as “CSV UTF-8” or as XLSX."))
    else:
        candidates = ["utf-8", "gb18030"]
    for encoding in candidates:
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            with path.open("rb") as handle:
                while chunk := handle.read(1024 * 1024):
                    decoder.decode(chunk)
                decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        return encoding
    raise BadFile(
        _("The file's text encoding could not be read (neither UTF-8 nor GB18030/GBK). Save it as “CSV UTF-8”.")
    )


def check_xlsx_archive(path: Path) -> None:
    """Refuse an .xlsx whose parts would unpack to too much, from the zip directory alone (nothing is inflated)."""
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise BadFile(_("The Excel workbook is damaged or not an .xlsx file.")) from error
    if len(parts) > MAX_XLSX_PARTS:
        raise BadFile(_("The Excel workbook has too many parts to be a normal sheet."))
    limit = MAX_XLSX_UNPACKED_MB * 1024 * 1024
    unpacked = sum(part.file_size for part in parts)
    if unpacked > limit:
        raise BadFile(
            _(
                "The Excel workbook unpacks to %(size)s MB; at most %(limit)s MB can be imported. "
                "Split it, or save the sheet as CSV."
            )
            % {"size": f"{unpacked / 1024 / 1024:,.0f}", "limit": MAX_XLSX_UNPACKED_MB}
        )
    for part in parts:
        # Small parts compress well too (a few KB of XML): only a ratio on a part worth worrying about counts.
        if part.file_size > 1024 * 1024 and part.file_size > MAX_XLSX_RATIO * max(part.compress_size, 1):
            raise BadFile(
                _(
                    "The Excel workbook looks built to exhaust memory: its part “%(part)s” unpacks to %(ratio)s "
                    "times its packed size. It was not opened."
                )
                % {"part": part.filename[:80], "ratio": f"{part.file_size // max(part.compress_size, 1):,}"}
            )


def check_upload(path: Path, original_name: str) -> str:
    """The cheap checks done in the upload request (type from name and content, xlsx archive bounds): the format."""
    with path.open("rb") as handle:
        head = handle.read(SNIFF_BYTES)
    if not head.strip():
        raise BadFile(_("The file is empty."))
    file_format = detect_format(original_name, head)
    if file_format == "xlsx":
        check_xlsx_archive(path)
    return file_format


def _detect_delimiter(path: Path, encoding: str) -> str:
    with path.open("r", encoding=encoding, newline="") as handle:
        first_line = handle.readline(SNIFF_BYTES)
    counts = {delimiter: first_line.count(delimiter) for delimiter in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def cell_text(value: Any) -> str:
    """A cell as text: Excel dates as ISO dates, whole numbers without '.0', everything stripped."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def iter_rows(path: Path, file_format: str, encoding: str = "", delimiter: str = ",") -> Iterator[list[str]]:
    """Every row of the file (header first) as a list of strings, one at a time."""
    if file_format == "xlsx":
        yield from _iter_xlsx(path)
        return
    with path.open("r", encoding=encoding, newline="") as handle:
        reader = csv.reader(handle, delimiter=delimiter)
        try:
            for row in reader:
                yield [cell.strip() for cell in row]
        except csv.Error as error:
            if "field larger than field limit" in str(error):
                raise BadFile(too_long_message(reader.line_num)) from error
            raise BadFile(_("The CSV file is malformed near line %(line)s.") % {"line": reader.line_num}) from error


def _iter_xlsx(path: Path) -> Iterator[list[str]]:
    # Lazy on purpose: openpyxl is heavy and only .xlsx imports need it.
    from openpyxl import load_workbook

    check_xlsx_archive(path)  # every time the file is opened: the bound holds however the code got here
    try:
        workbook = load_workbook(path, read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise BadFile(_("The Excel workbook is damaged or not an .xlsx file.")) from error
    try:
        sheet = workbook.worksheets[0]
        for row in sheet.iter_rows(values_only=True):
            cells = [cell_text(value) for value in row]
            # Read-only mode pads rows to the sheet's width; trailing empty cells carry nothing.
            while cells and cells[-1] == "":
                cells.pop()
            yield cells
    finally:
        workbook.close()


def too_long_message(row_number: int) -> str:
    return _("Row %(row)s has a cell longer than %(limit)s characters. Such files are not imported.") % {
        "row": row_number,
        "limit": f"{MAX_CELL_CHARS:,}",
    }


def is_blank(row: list[str]) -> bool:
    return not any(cell for cell in row)


MAX_FORMULAS_SHOWN = 50
SAMPLE_ROWS = 10


def looks_like_formula(text: str) -> bool:
    """A spreadsheet formula (=HYPERLINK(...), @SUM, +cmd|...): kept as text and flagged, never run."""
    if text.startswith(("=", "@")):
        return len(text) > 1
    # +86 138... and -5 are data; +SUM( and -cmd| are not.
    return bool(re.match(r"^[+-]\s*[A-Za-z(]", text))


def scan(path: Path, original_name: str, spool: Path | None = None) -> FileInfo:
    """Check the whole file once (type, encoding, size, shape) and return what the mapping pages need: the header,
    the number of rows, each column's distinct values with their row counts (bounded), and the formula cells.

    An .xlsx's rows are also written to `spool` (UTF-8 CSV, every row as read, blank ones too, so row numbers stay
    the sheet's) once the whole file has passed: the check and the import read that instead of unpacking and
    parsing the workbook twice more (`data_rows`). Runs in the worker. Raises BadFile with a message for the person;
    nothing has been written at that point (and no spool is left).
    """
    file_format = check_upload(path, original_name)
    encoding = delimiter = ""
    if file_format == "csv":
        encoding = detect_encoding(path)
        delimiter = _detect_delimiter(path, encoding)
    if file_format != "xlsx" or spool is None:
        return _scan_rows(iter_rows(path, file_format, encoding, delimiter), file_format, encoding, delimiter)
    spool.parent.mkdir(parents=True, exist_ok=True)
    partial = spool.with_name(spool.name + ".partial")
    try:
        with partial.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)

            def spooled() -> Iterator[list[str]]:
                for row in iter_rows(path, file_format, encoding, delimiter):
                    writer.writerow(row)
                    yield row

            info = _scan_rows(spooled(), file_format, encoding, delimiter)
        partial.replace(spool)
    finally:
        partial.unlink(missing_ok=True)
    return info


def _scan_rows(rows: Iterator[list[str]], file_format: str, encoding: str, delimiter: str) -> FileInfo:
    headers: list[str] | None = None
    total = 0
    counts: dict[int, dict[str, int] | None] = {}
    formulas: list[list[Any]] = []
    formula_count = 0
    sample: list[list[str]] = []
    for number, row in enumerate(rows, start=1):
        if headers is None:
            if is_blank(row):
                continue
            headers = row
            if len(headers) > MAX_COLUMNS:
                raise BadFile(
                    _("The file has %(count)s columns; at most %(limit)s can be imported.")
                    % {"count": len(headers), "limit": MAX_COLUMNS}
                )
            continue
        if is_blank(row):
            continue
        if len(row) > MAX_COLUMNS:
            raise BadFile(
                _("Row %(row)s has %(count)s cells; at most %(limit)s columns can be imported.")
                % {"row": number, "count": len(row), "limit": MAX_COLUMNS}
            )
        if any(len(cell) > MAX_CELL_CHARS for cell in row):
            raise BadFile(too_long_message(number))
        if len(sample) < SAMPLE_ROWS:
            sample.append([cell[:200] for cell in row])
        for index, cell in enumerate(row):
            if not cell:
                continue
            if looks_like_formula(cell):
                formula_count += 1
                if len(formulas) < MAX_FORMULAS_SHOWN:
                    formulas.append([number, index, cell[:80]])
            column = counts.setdefault(index, {})
            if column is None:
                continue
            key = cell[:200]
            if key in column:
                column[key] += 1
            elif len(column) < MAX_DISTINCT_VALUES:
                column[key] = 1
            else:
                counts[index] = None  # too many distinct values to be a list of choices
        total += 1
        if total > MAX_ROWS:
            raise BadFile(
                _("The file has more than %(limit)s rows. Split it into smaller files.") % {"limit": f"{MAX_ROWS:,}"}
            )
    if headers is None:
        raise BadFile(_("The file is empty."))
    if total == 0:
        raise BadFile(_("The file has a header row but no data rows."))
    value_counts = {
        str(index): {"values": column or {}, "more": column is None} for index, column in sorted(counts.items())
    }
    return FileInfo(file_format, encoding, delimiter, headers, total, value_counts, formulas, formula_count, sample)


def data_rows(
    path: Path, info_format: str, encoding: str, delimiter: str, spool: Path | None = None
) -> Iterator[tuple[int, list[str]]]:
    """(row number as a spreadsheet shows it, cells) for every non-blank data row after the header.

    An .xlsx is read from its `spool` (written by `scan` after the whole file passed) when there is one."""
    if info_format == "xlsx" and spool is not None and spool.exists():
        rows = iter_rows(spool, "csv", "utf-8", ",")
    else:
        rows = iter_rows(path, info_format, encoding, delimiter)
    seen_header = False
    for number, row in enumerate(rows, start=1):
        if is_blank(row):
            continue
        if not seen_header:
            seen_header = True
            continue
        yield number, row


def read_sample(upload: BinaryIO) -> bytes:
    head = upload.read(SNIFF_BYTES)
    upload.seek(0)
    return head


__all__ = ["BadFile", "FileInfo", "data_rows", "io", "scan"]
