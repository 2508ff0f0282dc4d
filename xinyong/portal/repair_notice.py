"""The credit repair notice (信用修复告知书) as a PDF the deciding department prints and delivers together with
its penalty decision (两书同达, 002 §15). The text is `rights.services.repair_notice`'s, the same the API answers;
this module only lays it out, with the credit report's embedded Chinese font (`reports`)."""

import io

from .reports import chinese_font

TITLE = "信用修复告知书"
HOW_TO_APPLY = "　　可通过信用门户“我的信用”或到本机关窗口提交修复申请；修复成功的，停止公示并发布修复说明。"
RECEIPT = "送达回证：本告知书与行政处罚决定书同时送达。　　受送达人签收：＿＿＿＿＿＿　日期：＿＿＿＿＿＿"


def render(notice: dict, *, issuer: str, issued_on: str) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_CENTER, TA_RIGHT
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    font = chinese_font()
    base = ParagraphStyle("base", fontName=font, fontSize=11, leading=19, wordWrap="CJK")
    title = ParagraphStyle("title", parent=base, fontSize=20, leading=30, alignment=TA_CENTER)
    number = ParagraphStyle("number", parent=base, alignment=TA_CENTER, textColor=colors.HexColor("#555555"))
    right = ParagraphStyle("right", parent=base, alignment=TA_RIGHT)
    cell = ParagraphStyle("cell", parent=base, fontSize=10, leading=15)

    def p(text, style=base) -> Paragraph:
        return Paragraph(str(text or "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"), style)

    subject = notice["subject"]
    width = A4[0] - 50 * mm
    story: list = [p(TITLE, title), p(f"（对应行政处罚决定书 {notice['decision_number'] or '—'}）", number)]
    story += [Spacer(1, 8 * mm), p(f"{subject['name']}（统一社会信用代码或身份证号：{subject['code']}）：")]
    story += [Spacer(1, 2 * mm), p("　　" + notice["text"])]
    if notice["published"]:
        facts = [
            ["失信程度", notice["severity"]],
            ["最早可申请修复之日", notice["earliest_repair_on"].isoformat() if notice["earliest_repair_on"] else "—"],
            ["公示截止日期", notice["publication_ends_on"].isoformat() if notice["publication_ends_on"] else "—"],
        ]
        story += [Spacer(1, 4 * mm), _table([[p(k, cell), p(v, cell)] for k, v in facts], [0.32, 0.68], width)]
        story += [Spacer(1, 4 * mm), p("申请信用修复应当满足以下条件：")]
        rows = [
            [p(str(i), cell), p(c["name"], cell), p(c["description"], cell)]
            for i, c in enumerate(notice["conditions"], 1)
        ]
        story.append(_table([[p("序号", cell), p("条件", cell), p("说明", cell)], *rows], [0.1, 0.3, 0.6], width))
        story += [
            Spacer(1, 3 * mm),
            p("　　可通过信用门户“我的信用”或到本机关窗口提交修复申请；修复成功的，停止公示并发布修复说明。"),
        ]
    story += [Spacer(1, 14 * mm), p(issuer, right), p(issued_on, right)]
    story += [
        Spacer(1, 10 * mm),
        p("送达回证：本告知书与行政处罚决定书同时送达。　　受送达人签收：＿＿＿＿＿＿　日期：＿＿＿＿＿＿"),
    ]

    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=25 * mm,
        rightMargin=25 * mm,
        topMargin=22 * mm,
        bottomMargin=20 * mm,
        title=f"{TITLE}：{subject['name']}",
        author=issuer,
        creator="Xinyong",
        initialFontName=font,
    )
    document.build(story)
    return buffer.getvalue()


def _table(rows: list, widths: list[float], width: float):
    from reportlab.lib import colors
    from reportlab.platypus import Table, TableStyle

    table = Table(rows, colWidths=[w * width for w in widths])
    table.setStyle(
        TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#999999")), ("VALIGN", (0, 0), (-1, -1), "TOP")])
    )
    return table
