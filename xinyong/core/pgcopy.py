"""PostgreSQL COPY in its text format, for the bulk writers (imports, check rows).

Formatting a line here costs a fraction of psycopg's `write_row`, which runs a dumper per value: for
tens of thousands of rows a second that difference is most of the time spent in Python.
"""

import re

from django.core.serializers.json import DjangoJSONEncoder

NULL = r"\N"
_SPECIAL = re.compile(r"[\\\t\n\r]")
_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
_JSON = DjangoJSONEncoder(ensure_ascii=False)


def copy_value(value: object, is_json: bool = False) -> str:
    """One value in COPY's text format (what psycopg's write_row would send): NULL as \\N, booleans as
    t/f, backslash and line breaks escaped; `is_json`: serialise `value` as JSON first."""
    if value is None:
        return NULL
    if is_json:
        text = _JSON.encode(value)
    elif isinstance(value, bool):
        return "t" if value else "f"
    else:
        text = value if type(value) is str else str(value)  # dates and datetimes: ISO 8601
    return text.translate(_ESCAPES) if _SPECIAL.search(text) else text


def copy_line(values: tuple) -> str:
    return "\t".join(map(copy_value, values)) + "\n"


def copy_sql(connection, model, columns: tuple[str, ...]) -> str:
    """COPY … FROM STDIN for these attribute names of `model`."""
    names = {f.attname: f.column for f in model._meta.concrete_fields}
    quoted = ", ".join(connection.ops.quote_name(names[name]) for name in columns)
    return f"COPY {connection.ops.quote_name(model._meta.db_table)} ({quoted}) FROM STDIN"
