"""Reading delivered files (CSV, XLSX) row by row, never the whole file at once (R3).

A reader yields `(line, cells)`: `line` is the physical line of the file where the row starts (the
header is line 1 in a plain file), `cells` the row's values as text, so a provider can find every
reported row in the file it sent, whatever the format.

Encodings (stack notes): a CSV is decoded as UTF-8 (with or without BOM) when a sample of its bytes
decodes as UTF-8, else as GB18030, a superset of GBK. Never the other order: UTF-8 bytes decode
*without error* as GB18030 into garbage.

XLSX is read with openpyxl in read-only mode, which streams the rows of the sheet; it keeps the
workbook's shared-string table in memory, so very large spreadsheets should come as CSV.
"""

import codecs
import csv
import datetime as dt
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

CSV, XLSX = "csv", "xlsx"
SAMPLE_BYTES = 1 << 20
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # legacy .xls / .doc
# Long free-text cells (违法事实 up to 4,000 characters) must not trip the csv module's default cap.
csv.field_size_limit(1 << 24)


class FileProblem(Exception):
    """The file as a whole cannot be read (wrong format, undecodable bytes, broken spreadsheet)."""

    def __init__(self, message: str, *, code: str = "unreadable_file", line: int | None = None):
        super().__init__(message)
        self.message = message
        self.code = code
        self.line = line


def sniff_format(path: Path, file_name: str = "") -> str:
    """CSV or XLSX, from the bytes first (a renamed file is still what it is), then the name."""
    with open(path, "rb") as handle:
        head = handle.read(8)
    name = (file_name or path.name).lower()
    if not head:
        raise FileProblem("文件为空", code="empty_file")
    if head.startswith(ZIP_MAGIC):
        if name.endswith((".xlsx", ".xlsm")) or not name.endswith(".csv"):
            return XLSX
        raise FileProblem("文件扩展名为 .csv，内容却是压缩包（XLSX？）；请核对文件", code="unsupported_format")
    if head.startswith(OLE_MAGIC):
        raise FileProblem("不支持旧版 Excel（.xls）文件，请另存为 .xlsx 或 CSV（UTF-8）", code="unsupported_format")
    if name.endswith((".xlsx", ".xlsm")):
        raise FileProblem("文件扩展名为 .xlsx，但不是有效的 Excel 文件", code="unsupported_format")
    if name and not name.endswith((".csv", ".txt")):
        raise FileProblem("仅支持 CSV（.csv）和 Excel（.xlsx）文件", code="unsupported_format")
    return CSV


def _complete_prefix(sample: bytes, encoding: str, *, final: bool) -> str:
    decoder = codecs.getincrementaldecoder(encoding)()
    return decoder.decode(sample, final=final)


def sniff_encoding(path: Path) -> str:
    """utf-8-sig (BOM or not) when the sample decodes as UTF-8, else gb18030; FileProblem otherwise."""
    with open(path, "rb") as handle:
        sample = handle.read(SAMPLE_BYTES)
        final = not handle.read(1)
    if not sample:
        raise FileProblem("文件为空", code="empty_file")
    if b"\x00" in sample:
        raise FileProblem("文件含有二进制内容，不是 CSV 文本文件", code="unsupported_format")
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            _complete_prefix(sample, encoding, final=final)
        except UnicodeDecodeError:
            continue
        return encoding
    raise FileProblem("无法识别文件编码：既不是 UTF-8，也不是 GBK/GB18030", code="unknown_encoding")


def encoding_label(path: Path, encoding: str) -> str:
    """What the job shows: utf-8, utf-8-bom or gb18030."""
    if encoding != "utf-8-sig":
        return encoding
    with open(path, "rb") as handle:
        return "utf-8-bom" if handle.read(3) == codecs.BOM_UTF8 else "utf-8"


def _count_lines(path: Path) -> int:
    newlines = carriage = 0
    last = b""
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 22):
            newlines += chunk.count(b"\n")
            if not newlines:
                carriage += chunk.count(b"\r")
            last = chunk[-1:]
    lines = newlines or carriage
    return lines + (1 if last not in (b"\n", b"\r", b"") else 0)


def _text_cell(value: object) -> str:
    """A spreadsheet value as the text a CSV export would hold."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


@dataclass
class Table:
    """An open file: its header and an iterator over its data rows."""

    format: str
    encoding: str
    header: list[str]
    header_line: int
    rows: Iterator[tuple[int, list[str]]]
    estimated_rows: int | None
    _closers: list = field(default_factory=list)

    def close(self) -> None:
        for close in self._closers:
            close()
        self._closers.clear()

    def __enter__(self) -> "Table":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _is_blank(cells: list) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in cells)


def _csv_rows(reader, encoding: str, start_line: int) -> Iterator[tuple[int, list[str]]]:
    previous = start_line
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except UnicodeDecodeError:
            raise FileProblem(
                f"第{previous + 1}行附近的内容无法按 {encoding} 解码：文件中混用了不同编码",
                code="mixed_encoding",
                line=previous + 1,
            ) from None
        except csv.Error as error:
            line = previous + 1
            raise FileProblem(f"第{line}行起 CSV 格式错误：{error}", code="bad_csv", line=line) from None
        line, previous = previous + 1, reader.line_num
        if "".join(cells).strip():  # CSV cells are all text: blank when their concatenation is
            yield line, cells


def open_csv(path: Path, *, encoding: str | None = None) -> Table:
    encoding = encoding or sniff_encoding(path)
    raw = open(path, "rb")  # noqa: SIM115 - closed by Table.close
    text = io.TextIOWrapper(raw, encoding=encoding, newline="")
    first = text.readline()
    # Offices export with commas; some systems with tabs or semicolons. Decide on the header line.
    delimiter = max((",", "\t", ";", "|"), key=first.count)
    if first.count(delimiter) == 0:
        delimiter = ","
    text.seek(0)
    reader = csv.reader(text, delimiter=delimiter)
    header: list[str] | None = None
    header_line = 0
    try:
        rows = _csv_rows(reader, encoding, 0)
        for header_line, cells in rows:  # noqa: B007 - the first non-blank row is the header
            header = [c.strip() for c in cells]
            break
    except FileProblem:
        text.close()
        raise
    if header is None:
        text.close()
        raise FileProblem("文件中没有表头行和数据", code="empty_file")
    estimated = max(0, _count_lines(path) - header_line)
    return Table(CSV, encoding, header, header_line, rows, estimated, [text.close])


def open_xlsx(path: Path) -> Table:
    import openpyxl

    # A file object, not the path: openpyxl judges a path by its extension, and uploads are kept
    # under temporary names until they are known to be readable.
    source = open(path, "rb")  # noqa: SIM115 - closed by Table.close
    try:
        workbook = openpyxl.load_workbook(source, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds on a broken archive
        source.close()
        raise FileProblem(f"无法读取 Excel 文件：{error}", code="unsupported_format") from None
    try:
        sheet = next((ws for ws in workbook.worksheets if getattr(ws, "sheet_state", "visible") == "visible"), None)
        if sheet is None or not hasattr(sheet, "reset_dimensions"):
            raise FileProblem("Excel 文件中没有可读取的工作表", code="empty_file")
        declared_rows = sheet.max_row
        # A wrong <dimension> in the file would silently cut the sheet short: read to the real end.
        sheet.reset_dimensions()
        values = sheet.iter_rows(min_row=1, values_only=True)

        def rows() -> Iterator[tuple[int, list[str]]]:
            try:
                for line, row in enumerate(values, start=1):
                    if row and not _is_blank(row):
                        yield line, [_text_cell(v) for v in row]
            except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
                raise FileProblem(f"Excel 文件读取失败：{error}", code="bad_xlsx") from None

        iterator = rows()
        first = next(iterator, None)
    except FileProblem:
        workbook.close()
        source.close()
        raise
    if first is None:
        workbook.close()
        source.close()
        raise FileProblem("文件中没有表头行和数据", code="empty_file")
    header_line, header = first
    estimated = max(0, declared_rows - header_line) if declared_rows else None
    closers = [workbook.close, source.close]
    return Table(XLSX, "", [h.strip() for h in header], header_line, iterator, estimated, closers)


def open_table(path: Path, file_format: str, *, encoding: str | None = None) -> Table:
    if file_format == XLSX:
        return open_xlsx(path)
    return open_csv(path, encoding=encoding or None)
