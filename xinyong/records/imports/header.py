"""An import file's header mapped onto the category's schema: which column feeds which field."""

from dataclasses import dataclass
from typing import NamedTuple

from xinyong.catalog.schema import CompiledSchema


class MappedColumn(NamedTuple):
    index: int  # the column's place in the file's rows
    field: str  # the schema field it feeds


@dataclass
class Columns:
    """Which file column feeds which field, and what was left out."""

    fields: list[MappedColumn]  # in file order
    titles: dict[str, str]  # field name → the title the file uses for it
    unknown: list[str]
    width: int

    def values_of(self, cells: list[str]) -> dict[str, str]:
        """A row's non-empty cells by field name."""
        count = len(cells)
        return {name: cells[index] for index, name in self.fields if index < count and cells[index]}

    def unknown_note(self) -> str:
        if not self.unknown:
            return ""
        return "以下列不属于该类别，已忽略：" + "、".join(self.unknown)


class HeaderProblem(Exception):
    def __init__(self, message: str, details: list[dict]):
        super().__init__(message)
        self.message = message
        self.details = details


def map_header(schema: CompiledSchema, header: list[str]) -> Columns:
    """Exchange names (CF_WSH), Chinese titles (行政处罚决定书文号) and aliases are all accepted;
    unknown titles are ignored (and listed); a required field without a column stops the job."""
    fields: list[MappedColumn] = []
    titles: dict[str, str] = {}
    unknown: list[str] = []
    problems: list[dict] = []
    for index, title in enumerate(header):
        if not title:
            continue
        name = schema.field_for_title(title)
        if name is None:
            unknown.append(title)
        elif name in titles:
            problems.append(
                {"column": title, "message": f"列“{title}”与列“{titles[name]}”对应同一字段 {name}，请删去其一"}
            )
        else:
            titles[name] = title
            fields.append(MappedColumn(index, name))
    for spec in schema.fields:
        if spec.required and spec.name not in titles:
            problems.append({"column": spec.name, "message": f"缺少必填列：{spec.name}（{spec.label}）"})
    if problems:
        raise HeaderProblem("表头有误：" + "；".join(p["message"] for p in problems), problems)
    return Columns(fields=fields, titles=titles, unknown=unknown, width=len(header))
