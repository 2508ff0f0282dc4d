"""Batch checks from a file (R12): an implementer uploads the codes of one business matter as CSV or
XLSX and gets the answers back as XLSX, one row per code in the file's order, an invalid code named
with the reason. The answers are `services.batch.check_batch`'s, exactly as the API returns them; this module
only reads the codes and writes the sheet.

Files are read by `records.imports.readers` (CSV as UTF-8 or GB18030, XLSX streamed); the codes come from the
column headed like a subject code, else the first column. A file without a header row is read whole:
a first row that holds a code (anything with a digit) counts as data."""

import io
from pathlib import Path

import orjson
from openpyxl import Workbook
from openpyxl.styles import Font

from xinyong.core.errors import InvalidInput
from xinyong.records.imports.readers import FileProblem, open_table, sniff_format
from xinyong.subjects.selectors import code_error

from .models import Check
from .services.batch import MAX_BATCH

CODE_HEADERS = (
    "统一社会信用代码或身份证号",
    "主体代码",
    "统一社会信用代码",
    "身份证号",
    "证件号码",
    "代码",
    "code",
    "subject",
)
_HEADERS = {name.lower() for name in CODE_HEADERS}
RESULTS = dict(Check.Result.choices)
FORCES = {"mandatory": "强制性", "recommended": "推荐性"}
COLUMNS = ("序号", "文件中的代码", "主体名称", "核查结果", "适用措施", "核查编号", "说明")


def codes_in_file(path: Path, file_name: str) -> list[str]:
    """The codes of an uploaded file, in its order (at most `MAX_BATCH`)."""
    try:
        with open_table(path, sniff_format(path, file_name)) as table:
            column = _code_column(table.header)
            header_cell = table.header[column] if column < len(table.header) else ""
            codes = [] if _is_header(header_cell) else [header_cell.strip()]
            for line, cells in table.rows:
                codes.append(cells[column].strip() if column < len(cells) else "")
                if len(codes) > MAX_BATCH:
                    raise InvalidInput(f"一次最多核查{MAX_BATCH}个主体，文件第{line}行已超出", code="batch_too_large")
    except FileProblem as problem:
        raise InvalidInput(problem.message, code=problem.code) from None
    if not codes:
        raise InvalidInput("文件中没有待核查的代码", code="empty_batch")
    return codes


def _is_header(cell: str) -> bool:
    """A heading names the column (or is any text without a digit); a code, even mistyped, has digits."""
    return cell.strip().lower() in _HEADERS or not any(char.isdigit() for char in cell)


def _code_column(header: list[str]) -> int:
    return next((n for n, cell in enumerate(header) if cell.strip().lower() in _HEADERS), 0)


def answers_xlsx(codes: list[str], answers_json: bytes, matter_name: str) -> bytes:
    """The answers of a batch (`services.batch.check_batch`'s JSON) as a sheet, row n for code n of the file."""
    book = Workbook()
    sheet = book.active
    sheet.title = "核查结果"
    sheet.append([f"批量核查结果 · 业务事项：{matter_name}"])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append(list(COLUMNS))
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for position, (code, answer) in enumerate(zip(codes, orjson.loads(answers_json), strict=True), start=1):
        sheet.append([position, code, *_answer_cells(code, answer)])
    for column, width in zip("ABCDEFG", (6, 24, 32, 10, 60, 28, 40), strict=True):
        sheet.column_dimensions[column].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _answer_cells(code: str, answer: dict) -> list:
    if "error" in answer:
        return ["", "代码无效", "", "", answer["error"]["message"]]
    subject = answer["subject"]
    if not subject.get("known", True) and (error := code_error(code)):
        return ["", "代码无效", "", answer["check_id"], error]  # a typo is not a subject with nothing against it
    measures = "；".join(
        f"{m['name']}（{FORCES[m['force']]}{'，异议处理中暂停' if m['suspended'] else ''}）" for m in answer["measures"]
    )
    note = "" if subject.get("known", True) else "平台无该主体的信用记录"
    return [subject.get("name") or "", RESULTS[answer["result"]], measures, answer["check_id"], note]
