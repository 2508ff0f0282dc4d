"""`field__among=[values]`: membership in a long list of values, sent as one JSON parameter.

`field__in` compiles one placeholder per value (~10 µs each in Django's compiler) and psycopg adapts them
one by one; the 10,000 codes (or subject ids) of a batch check cost ~100 ms that way. A JSON array is
serialised at once and unpacked by the database (PostgreSQL `jsonb_array_elements_text`, SQLite
`json_each`).
"""

import json

from django.db import models


def json_array(values) -> str:
    """Values as one JSON array parameter (also for raw SQL that unpacks it itself)."""
    return json.dumps(list(values), ensure_ascii=False)


def json_values(parameter: str = "%s") -> str:
    """PostgreSQL: the values of a `json_array` parameter, as rows of text."""
    return f"jsonb_array_elements_text({parameter}::jsonb)"


class ValuesLookup(models.Lookup):
    """A lookup whose right-hand side is many values in one parameter."""

    def _sides(self, compiler, connection) -> tuple[str, str, list]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return lhs, rhs, [*lhs_params, *rhs_params]


class Among(ValuesLookup):
    lookup_name = "among"
    prepare_rhs = False  # the values go to json.dumps as they are, not through CharField's to_python

    def get_db_prep_lookup(self, value, connection):
        return "%s", [json_array(value)]

    def as_sql(self, compiler, connection):
        lhs, rhs, params = self._sides(compiler, connection)
        return f"{lhs} IN (SELECT value FROM json_each({rhs}))", params

    def as_postgresql(self, compiler, connection):
        lhs, rhs, params = self._sides(compiler, connection)
        values = json_values(rhs)
        if isinstance(self.lhs.output_field, models.IntegerField):
            values += "::bigint"  # the array's values come out as text
        return f"{lhs} IN (SELECT {values})", params


models.CharField.register_lookup(Among)
models.IntegerField.register_lookup(Among)  # ids: through a foreign key as `subject__pk__among`
