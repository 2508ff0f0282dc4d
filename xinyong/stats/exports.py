"""The monthly tracking report as XLSX and PDF (R28: 月度通报, lagging departments named)."""

import io

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.styles import Font
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from xinyong.portal.reports import chinese_font

COLUMNS = [
    ("部门", lambda r: r["department_name"]),
    ("报送信息", lambda r: r["records_pushed"]),
    ("双公示总数", lambda r: r["publicity"]["total"]),
    ("按时", lambda r: r["publicity"]["on_time"]),
    ("迟报", lambda r: r["publicity"]["late"]),
    ("逾期未公示", lambda r: r["publicity"]["overdue"]),
    ("按时率", lambda r: _percent(r["publicity"]["on_time_rate"])),
    ("发起名单", lambda r: r["entries_initiated"]),
    ("核查次数", lambda r: r["checks"]),
    ("反馈率", lambda r: _percent(r["feedback_rate"])),
    ("平均反馈时长(小时)", lambda r: r["mean_feedback_hours"] if r["mean_feedback_hours"] is not None else "—"),
    ("异议按时办结", lambda r: f"{r['objections']['on_time']}/{r['objections']['decided']}"),
    ("修复按时办结", lambda r: f"{r['repairs']['on_time']}/{r['repairs']['decided']}"),
    ("工作滞后", lambda r: "；".join(r["lagging_reasons"]) or "—"),
]


def _percent(rate) -> str:
    return "—" if rate is None else f"{rate:.0%}"


def to_xlsx(rows: list[dict], title: str) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "跟踪问效"
    sheet.append([title])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([name for name, _ in COLUMNS])
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([value(row) for _, value in COLUMNS])
    sheet.column_dimensions["A"].width = 32
    sheet.column_dimensions["N"].width = 60
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def to_pdf(rows: list[dict], title: str) -> bytes:
    font = chinese_font()
    small = ParagraphStyle("cell", fontName=font, fontSize=7, leading=9)
    out = io.BytesIO()
    document = SimpleDocTemplate(
        out, pagesize=landscape(A4), leftMargin=24, rightMargin=24, topMargin=28, bottomMargin=28, title=title
    )
    lagging = [r for r in rows if r["lagging"]]
    story = [
        Paragraph(
            title, ParagraphStyle("title", fontName=font, fontSize=16, leading=22, textColor=colors.HexColor("#b3261e"))
        ),
        Spacer(1, 6),
        Paragraph(
            f"工作滞后部门（{len(lagging)} 个）：" + ("、".join(r["department_name"] for r in lagging) or "无"),
            ParagraphStyle("lead", fontName=font, fontSize=10, leading=14),
        ),
        Spacer(1, 8),
    ]
    data = [[Paragraph(name, small) for name, _ in COLUMNS]]
    data += [[Paragraph(str(value(row)), small) for _, value in COLUMNS] for row in rows]
    table = Table(data, repeatRows=1, colWidths=[90] + [44] * 12 + [150])
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#c8c8cc")),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f3f3f5")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    story.append(table)
    document.build(story)
    return out.getvalue()


def download(rows: list[dict], title: str, file_format: str, file_name: str) -> HttpResponse:
    """The report as a file to save (`file_format` one of FORMATS)."""
    content_type, render = FORMATS[file_format]
    response = HttpResponse(render(rows, title), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{file_name}.{file_format}"'
    return response


FORMATS = {
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", to_xlsx),
    "pdf": ("application/pdf", to_pdf),
}
