"""Import files for the import tests: a mixed file whose good and bad rows are known, and writers of CSV
and XLSX files in the national exchange format."""

import csv
import datetime as dt

import openpyxl

from .factories import penalty, uscc

TODAY = dt.date(2025, 3, 10)
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
HEADER = list(penalty(1))


def unverified_uscc(serial: int) -> str:
    code = uscc(serial)
    wrong = "0" if code[-1] != "0" else "1"
    return code[:-1] + wrong


# Line 1 is the header; good rows at lines 2, 4, 7 (7 with a legacy code failing its check character).
MIXED = [
    penalty(1),
    penalty(2, CF_JDRQ="2025-02-30"),
    penalty(3),
    penalty(4, CF_XDR_SHXYM="91360404ABC"),
    penalty(5, CF_WSH=""),
    penalty(6, CF_XDR_SHXYM=unverified_uscc(6)),
    penalty(7, CF_JDRQ="2025-03-11"),
]
GOOD_LINES = {2, 4, 7}
BAD = {
    (3, "CF_JDRQ", "不是有效日期"),
    (5, "CF_XDR_SHXYM", "统一社会信用代码"),
    (6, "CF_WSH", "必填"),
    (8, "CF_JDRQ", "晚于今天"),
}


def write_csv(path, rows, *, header=None, encoding="utf-8", keys=None):
    header = header or HEADER
    keys = keys or header
    with open(path, "w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for row in rows:
            writer.writerow([row.get(key, "") for key in keys])
    return path


def write_xlsx(path, rows, *, header=None):
    header = header or HEADER
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append([row.get(key, "") for key in header])
    book.save(path)
    return path
