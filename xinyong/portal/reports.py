"""The credit report (信用报告, R24): one document built from the subject's public profile, delivered
as a PDF (reportlab, Chinese font embedded) or as canonical JSON. Only public-class data, personal
data masked: the document is built from `public_profile`, and record fields are reduced to the few
columns the report prints (never the legal representative's name or ID fields)."""

import datetime as dt
import hashlib
import io
import json
import threading
from pathlib import Path

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from xinyong.core.errors import DomainError
from xinyong.subjects.models import Subject
from xinyong.subjects.selectors import public_profile

FONT_NAME = "WQY-ZenHei"
TITLE = "公共信用信息报告"
HASH_METHOD = "SHA-256：PDF 为所交付文件本身；JSON 为去掉 content_hash 字段后按键排序、UTF-8、紧凑分隔符序列化的文本"
STATEMENTS = [
    "本报告依据出具时平台公开的信用信息生成，仅包含公开类信息，个人信息已脱敏。",
    "本报告自出具之日起在有效期内有效；信息如有变化，以平台最新公示为准。",
    "核验方式：扫描二维码或访问核验地址，核对报告编号、主体、出具时间及文件 SHA-256 摘要。",
    "对报告所列信息有异议的，可向认定部门或信用办依法提出异议申请。",
]


class ReportUnavailable(DomainError):
    status = 503
    code = "report_unavailable"


# --------------------------------------------------------------------------------------------
# The document
# --------------------------------------------------------------------------------------------


def _local(moment: dt.datetime) -> str:
    return timezone.localtime(moment).isoformat(timespec="seconds")


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def _first(fields: dict, *names: str) -> str:
    for name in names:
        value = fields.get(name)
        if value not in (None, ""):
            return str(value)
    return ""


def record_line(item: dict) -> dict:
    """The printed columns of one public record (its `fields` stay out of the report)."""
    fields = item.get("fields") or {}
    content = _first(fields, "CF_NR", "XK_NR", "content")
    conduct = _first(fields, "CF_WFXW")
    if conduct:
        content = f"{conduct}；{content}" if content else conduct
    return {
        "decision_number": item.get("decision_number") or "",
        "decision_date": _iso(item.get("decision_date")),
        "type": _first(fields, "CF_CFLB", "XK_XKLB"),
        "content": content,
        "authority": _first(fields, "CF_CFJG", "XK_XKJG", "authority") or item.get("provider", ""),
        "status_display": item.get("status_display", ""),
    }


def report_document(
    subject: Subject, *, number: str, issued_at: dt.datetime, valid_until: dt.datetime, verify_url: str
) -> dict:
    profile = public_profile(subject, on=timezone.localdate(issued_at))
    return {
        "title": TITLE,
        "number": number,
        "issuer": settings.XINYONG_PLATFORM_NAME,
        "issued_at": _local(issued_at),
        "valid_until": _local(valid_until),
        "verify_url": verify_url,
        "subject": {
            "name": profile["name"],
            "code": profile["code"],
            "code_verified": profile["code_verified"],
            "kind_display": profile["kind_display"],
            "status_display": Subject.Status(profile["status"]).label,
            "former_names": [
                {"name": n["name"], "valid_from": _iso(n["valid_from"]), "valid_to": _iso(n["valid_to"])}
                for n in profile.get("former_names", [])
            ],
            "relations": [
                {"role": r["role_display"], "name": r["member"]["name"], "code": r["member"]["code"]}
                for r in profile.get("relations", [])
            ],
        },
        "records": [
            {
                "category": g["category"],
                "category_name": g["category_name"],
                "count": g["count"],
                "items": [record_line(i) for i in g["items"]],
            }
            for g in profile.get("records", [])
        ],
        "list_entries": [
            {
                "list_type_name": e["list_type_name"],
                "kind": e["kind"],
                "initiator": e["initiator"],
                "document_number": e["document_number"],
                "basis": e["basis"],
                "decided_on": _iso(e["decided_on"]),
                "starts_on": _iso(e["starts_on"]),
                "ends_on": _iso(e["ends_on"]),
                "under_objection": e["under_objection"],
                "measures": [
                    {"name": m["name"], "kind": m["kind"], "force": m["force"], "suspended": m["suspended"]}
                    for m in e.get("measures", [])
                ],
            }
            for e in profile.get("list_entries", [])
        ],
        "objections_pending": [
            {
                "about": "名单认定" if o.get("list_entry") else "信用信息",
                "filed_at": _local(o["filed_at"]),
                "due_on": _iso(o["due_on"]),
            }
            for o in profile.get("objections_pending", [])
        ],
        "repair_notes": [
            {"text": n["text"], "published_at": _local(n["published_at"])} for n in profile.get("repair_notes", [])
        ],
        "commitments": [_commitment(c) for c in profile.get("commitments", [])],
        "credit_grade": _grade(profile.get("credit_grade")),
        "industry_measures": [
            {
                "association": m.get("association_name", ""),
                "kind": m.get("kind_name", ""),
                "document_number": m.get("document_number", ""),
                "reason": m.get("reason", ""),
                "starts_on": _iso(m.get("starts_on")),
                "ends_on": _iso(m.get("ends_on")),
            }
            for m in profile.get("industry_measures", [])
        ],
        "statements": STATEMENTS,
    }


def _grade(grade: dict | None) -> dict | None:
    """The public credit grade (supervision slice), when the subject has one."""
    if not grade:
        return None
    return {
        "grade": grade.get("grade", ""),
        "grade_name": grade.get("grade_name", ""),
        "score": str(grade.get("score", "")),
        "explanation": grade.get("explanation", ""),
    }


def _commitment(item) -> dict:
    if isinstance(item, dict):
        return {k: (v.isoformat() if isinstance(v, dt.date | dt.datetime) else v) for k, v in item.items()}
    return {"text": str(item)}


def canonical_json(document: dict) -> bytes:
    return json.dumps(
        document, cls=DjangoJSONEncoder, ensure_ascii=False, sort_keys=True, separators=(",", ":")
    ).encode()


def sha256(payload: bytes) -> str:
    return hashlib.sha256(payload).hexdigest()


# --------------------------------------------------------------------------------------------
# The PDF
# --------------------------------------------------------------------------------------------

_font_lock = threading.Lock()
_font_ready = False


def chinese_font() -> str:
    """Register the embedded Chinese font once per process (stack notes: wqy-zenhei, subfontIndex 0;
    the built-in STSong-Light is not embedded and shows boxes without local Chinese fonts)."""
    global _font_ready
    if _font_ready:
        return FONT_NAME
    with _font_lock:
        if not _font_ready:
            from reportlab.pdfbase import pdfmetrics
            from reportlab.pdfbase.ttfonts import TTFont

            path = Path(settings.XINYONG_REPORT_FONT)
            if not path.is_file():
                raise ReportUnavailable(
                    f"信用报告所需中文字体未安装（{path}），请运行 scripts/system-packages.sh",
                    code="report_font_missing",
                )
            pdfmetrics.registerFont(TTFont(FONT_NAME, str(path), subfontIndex=0))
            _font_ready = True
    return FONT_NAME


def _date(value: str | None) -> str:
    return value[:10] if value else ""


def _time(value: str) -> str:
    return value[:19].replace("T", " ")


def render_pdf(doc: dict) -> bytes:
    from reportlab.graphics.barcode.qr import QrCodeWidget
    from reportlab.graphics.shapes import Drawing
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_CENTER
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
    from reportlab.platypus.flowables import HRFlowable

    font = chinese_font()
    red = colors.HexColor("#b3261e")
    grey = colors.HexColor("#555555")
    line = colors.HexColor("#bbbbbb")
    base = ParagraphStyle("base", fontName=font, fontSize=9.5, leading=14, wordWrap="CJK")
    small = ParagraphStyle("small", parent=base, fontSize=8.5, leading=12, textColor=grey)
    cell = ParagraphStyle("cell", parent=base, fontSize=8.5, leading=11.5)
    head_cell = ParagraphStyle("head", parent=cell, textColor=colors.white)
    title = ParagraphStyle("title", parent=base, fontSize=20, leading=28, alignment=TA_CENTER, textColor=red)
    h1 = ParagraphStyle(
        "h1", parent=base, fontSize=13, leading=20, spaceBefore=10, spaceAfter=4, textColor=red, keepWithNext=1
    )
    h2 = ParagraphStyle("h2", parent=base, fontSize=10.5, leading=16, spaceBefore=6, spaceAfter=3, keepWithNext=1)

    def esc(text) -> str:
        return (str(text or "")).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

    def p(text, style=base) -> Paragraph:
        return Paragraph(esc(text), style)

    width = A4[0] - 36 * mm

    def table(headers: list[str], rows: list[list], widths: list[float]) -> Table:
        data = [[p(h, head_cell) for h in headers]] + [[p(c, cell) for c in row] for row in rows]
        t = Table(data, colWidths=[w * width for w in widths], repeatRows=1)
        t.setStyle(
            TableStyle(
                [
                    ("BACKGROUND", (0, 0), (-1, 0), red),
                    ("GRID", (0, 0), (-1, -1), 0.5, line),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("TOPPADDING", (0, 0), (-1, -1), 3),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
                ]
            )
        )
        return t

    def none(text: str) -> Paragraph:
        return p(text, small)

    subject = doc["subject"]
    story: list = [p(doc["title"], title), Spacer(1, 4 * mm)]

    # Header: the facts that identify this report, and the QR code that verifies it.
    qr_size = 30 * mm
    widget = QrCodeWidget(doc["verify_url"], barLevel="M")
    x0, y0, x1, y1 = widget.getBounds()
    qr = Drawing(qr_size, qr_size, transform=[qr_size / (x1 - x0), 0, 0, qr_size / (y1 - y0), 0, 0])
    qr.add(widget)
    facts = [
        ["报告编号", doc["number"]],
        ["出具机构", doc["issuer"]],
        ["出具时间", _time(doc["issued_at"])],
        ["有效期至", _time(doc["valid_until"])],
    ]
    facts_table = Table(
        [[p(k, small), p(v)] for k, v in facts], colWidths=[20 * mm, width - qr_size - 26 * mm], hAlign="LEFT"
    )
    facts_table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("BOTTOMPADDING", (0, 0), (-1, -1), 2)]))
    header = Table([[facts_table, qr]], colWidths=[width - qr_size - 4 * mm, qr_size + 4 * mm])
    header.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("ALIGN", (1, 0), (1, 0), "RIGHT")]))
    story += [header, p(f"核验地址：{doc['verify_url']}", small), Spacer(1, 2 * mm)]
    story.append(HRFlowable(width="100%", thickness=1, color=red, spaceBefore=2, spaceAfter=4))

    # 一、基本信息
    story.append(p("一、主体基本信息", h1))
    code = subject["code"] + ("" if subject["code_verified"] else "（存量代码，待核实）")
    basics = [
        ["名称", subject["name"]],
        ["统一社会信用代码", code],
        ["主体类型", subject["kind_display"]],
        ["登记状态", subject["status_display"]],
    ]
    for r in subject["relations"]:
        basics.append([r["role"], f"{r['name']}（{r['code']}）"])
    if subject["former_names"]:
        basics.append(["曾用名", "；".join(n["name"] for n in subject["former_names"])])
    basic_table = Table([[p(k, small), p(v)] for k, v in basics], colWidths=[32 * mm, width - 32 * mm])
    basic_table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, line), ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    story.append(basic_table)

    # 二、公示信息
    story.append(p("二、行政许可、行政处罚等公示信息", h1))
    if not doc["records"]:
        story.append(none("无公示中的行政许可、行政处罚等信用信息。"))
    for group in doc["records"]:
        shown = len(group["items"])
        more = f"，列出最近 {shown} 条" if group["count"] > shown else ""
        rows = [
            [
                i["decision_number"],
                _date(i["decision_date"]),
                i["type"],
                i["content"],
                i["authority"],
                i["status_display"],
            ]
            for i in group["items"]
        ]
        story.append(p(f"{group['category_name']}（共 {group['count']} 条{more}）", h2))
        story.append(
            table(
                ["文书号", "决定日期", "类别", "内容", "决定机关", "状态"], rows, [0.22, 0.12, 0.08, 0.30, 0.18, 0.10]
            )
        )

    # 三、红黑名单
    story.append(p("三、红黑名单", h1))
    if not doc["list_entries"]:
        story.append(none("未列入红名单或黑名单（失信联合惩戒对象名单）。"))
    for e in doc["list_entries"]:
        kind = "红名单" if e["kind"] == "red" else "黑名单"
        period = f"{_date(e['starts_on'])} 至 {_date(e['ends_on']) or '移出为止'}"
        rows = [
            ["名单", f"{e['list_type_name']}（{kind}）" + ("（异议处理中，措施暂停）" if e["under_objection"] else "")],
            ["认定部门", e["initiator"]],
            ["认定文书号", e["document_number"]],
            ["认定依据", e["basis"]],
            ["有效期", period],
        ]
        if e["measures"]:
            names = "；".join(
                m["name"] + ("（强制）" if m["force"] == "mandatory" else "（建议）") for m in e["measures"]
            )
            rows.append(["联合奖惩措施", names])
        entry_table = Table([[p(k, small), p(v)] for k, v in rows], colWidths=[28 * mm, width - 28 * mm])
        entry_table.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.5, line),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LINEBEFORE", (0, 0), (0, -1), 3, red if e["kind"] == "red" else colors.black),
                ]
            )
        )
        story += [entry_table, Spacer(1, 3 * mm)]

    # 四、异议、修复、承诺
    numerals = iter("四五六七八九")
    story.append(p(f"{next(numerals)}、异议处理中的信息", h1))
    if doc["objections_pending"]:
        rows = [[o["about"], _time(o["filed_at"]), _date(o["due_on"])] for o in doc["objections_pending"]]
        story.append(table(["异议对象", "提出时间", "核查期限"], rows, [0.4, 0.3, 0.3]))
    else:
        story.append(none("无。"))
    story.append(p(f"{next(numerals)}、信用修复公示", h1))
    if doc["repair_notes"]:
        rows = [[_time(n["published_at"])[:10], n["text"]] for n in doc["repair_notes"]]
        story.append(table(["公示日期", "修复说明"], rows, [0.18, 0.82]))
    else:
        story.append(none("无。"))
    if doc["commitments"]:
        story.append(p(f"{next(numerals)}、信用承诺", h1))
        for c in doc["commitments"]:
            story.append(p(c.get("text") or c.get("content") or json.dumps(c, ensure_ascii=False)))
    if doc["credit_grade"] or doc["industry_measures"]:
        story.append(p(f"{next(numerals)}、信用评价与行业惩戒", h1))
        grade = doc["credit_grade"]
        if grade:
            story.append(p(f"公共信用综合评价：{grade['grade_name'] or grade['grade']}（{grade['score']} 分）"))
            if grade["explanation"]:
                story.append(p(grade["explanation"], small))
        if doc["industry_measures"]:
            rows = [
                [
                    m["association"],
                    m["kind"],
                    m["document_number"],
                    m["reason"],
                    f"{_date(m['starts_on'])} 至 {_date(m['ends_on'])}",
                ]
                for m in doc["industry_measures"]
            ]
            story.append(table(["行业组织", "惩戒", "文书号", "事由", "期限"], rows, [0.2, 0.12, 0.2, 0.28, 0.2]))

    story.append(p("说明", h1))
    for i, statement in enumerate(doc["statements"], 1):
        story.append(p(f"{i}. {statement}", small))

    def decorate(canvas, document):
        canvas.saveState()
        canvas.setFont(font, 8)
        canvas.setFillColor(grey)
        canvas.drawString(18 * mm, 10 * mm, f"{doc['issuer']} · 报告编号 {doc['number']}")
        canvas.drawRightString(A4[0] - 18 * mm, 10 * mm, f"第 {document.page} 页")
        canvas.restoreState()

    buffer = io.BytesIO()
    template = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=18 * mm,
        title=f"{doc['title']}：{subject['name']}",
        author=doc["issuer"],
        subject=doc["number"],
        creator="Xinyong",
        initialFontName=font,
    )
    template.build(story, onFirstPage=decorate, onLaterPages=decorate)
    return buffer.getvalue()
