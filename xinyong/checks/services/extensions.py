"""How other slices add to a check's answer without this app importing them (architecture §2): they
register an `Extension` from their `AppConfig.ready()`."""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from ..directory import SubjectView


@dataclass(frozen=True)
class Extension:
    """Something another slice adds to answers (supervision: grade and industry measures; integrity: the
    third-party report a tender requires). `concerns(matter)` says cheaply, without a query, whether it
    can add anything in that matter, so a batch asks once instead of once per code; `answer(subject,
    matter, today)` returns what it adds."""

    concerns: Callable[[str], bool]
    answer: Callable[[SubjectView | None, str, dt.date], list[dict]]


# Measures other slices add (dicts shaped like the engine's), and conditions a business matter sets
# beyond measures ({"code", "name", "met", "message"}; an answer carries "requirements" only when a
# matter has any). Both registered from AppConfig.ready().
ANSWER_EXTENSIONS: list[Extension] = []
ANSWER_REQUIREMENTS: list[Extension] = []
