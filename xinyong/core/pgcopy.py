"""PostgreSQL COPY in its text format, for the bulk writers (imports, check rows).

Formatting a line here costs a fraction of psycopg's `write_row`, which runs a dumper per value: for
tens of thousands of rows a second that difference is most of the time spent in Python.
"""

import re

from django.core.serializers.json import DjangoJSONEncoder

NULL = r"\N"
_SPECIAL = re.compile(r"[\\\t\n\r]")
_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
_LINE_BREAK = re.compile(r"[\n\r]")
_JSON = DjangoJSONEncoder(ensure_ascii=False)


def encode_json(value: object) -> str:
    """JSON as a JSONField stores it (dates, decimals…), not yet escaped for COPY."""
    return _JSON.encode(value)


def _plain(value: object) -> str:
    """A non-null value as COPY text, before escaping: booleans as t/f, dates and datetimes ISO 8601."""
    if isinstance(value, bool):
        return "t" if value else "f"
    return value if type(value) is str else str(value)


def _escape(text: str) -> str:
    return text.translate(_ESCAPES) if _SPECIAL.search(text) else text


def copy_value(value: object, is_json: bool = False) -> str:
    """One value in COPY's text format: NULL as \\N, backslash and line breaks escaped; `is_json`:
    serialised as JSON first."""
    if value is None:
        return NULL
    return _escape(encode_json(value) if is_json else _plain(value))


def copy_line(cells: list | tuple) -> str:
    """Values as one line of COPY text (without the line break). Values rarely hold a tab, line
    break or backslash, so the line is joined first and only escaped value by value when counting
    those characters shows that one does (rows are formatted by the hundred thousand)."""
    texts = [NULL if c is None else c if type(c) is str else _plain(c) for c in cells]
    line = "\t".join(texts)
    if line.count("\t") == len(texts) - 1 and line.count("\\") == texts.count(NULL) and not _LINE_BREAK.search(line):
        return line
    return "\t".join(copy_value(c) for c in cells)


def copy_statement(connection, table: str, columns) -> str:
    """COPY … FROM STDIN into these columns of a table."""
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    return f"COPY {connection.ops.quote_name(table)} ({quoted}) FROM STDIN"


def copy_sql(connection, model, columns: tuple[str, ...]) -> str:
    """COPY … FROM STDIN for these attribute names of `model`."""
    names = {f.attname: f.column for f in model._meta.concrete_fields}
    return copy_statement(connection, model._meta.db_table, [names[name] for name in columns])
