"""The public credit evaluation (公共信用综合评价, 002 §6) as a pure function of the scoring model
(data: `ScoreIndicator`, `GradeLevel`, parameter `grade_base_score`) and a subject's items.

score = base + Σ indicators, clamped to 0…100. An indicator adds `points` for every item it matches
inside its window, up to `cap` in absolute value; when the cap is reached the most recent items count
first and the older ones are shown with 0 applied. Every grade carries the list of items that moved it
and by how much, so it explains itself.
"""

import datetime as dt
import functools
import hashlib
import json
from dataclasses import astuple, dataclass, field
from decimal import Decimal

from xinyong.core.dates import add_months

MIN_SCORE, MAX_SCORE = Decimal(0), Decimal(100)
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    source: str  # "record" | "list_entry"
    category: str  # category code (records)
    match_field: str
    match_values: tuple[str, ...]
    list_kind: str  # red | black (list entries)
    points: Decimal
    cap: Decimal | None
    window_months: int | None

    def matches(self, item: "Item", today: dt.date) -> bool:
        if item.source != self.source:
            return False
        if self.source == "record":
            if item.category != self.category:
                return False
            if self.match_field and str(item.fields.get(self.match_field) or "") not in self.match_values:
                return False
        elif item.list_kind != self.list_kind:
            return False
        return self.window_months is None or item.on >= _window_start(today, self.window_months)

    def leaves_on(self, item: "Item") -> dt.date | None:
        """The first day the item no longer counts for this rule (window end or publication end)."""
        ends = []
        if self.window_months is not None:
            ends.append(add_months(item.on, self.window_months) + dt.timedelta(days=1))
        if item.until is not None:
            ends.append(item.until + dt.timedelta(days=1))
        return min(ends) if ends else None


@functools.lru_cache(maxsize=256)
def _window_start(today: dt.date, months: int) -> dt.date:
    # The same few (day, window) pairs for every subject of a run: computed once, not per item.
    return add_months(today, -months)


@dataclass(frozen=True)
class Level:
    code: str
    name: str
    min_score: Decimal


@dataclass(frozen=True)
class Model:
    base: Decimal
    rules: tuple[Rule, ...]
    levels: tuple[Level, ...]  # highest threshold first

    @functools.cached_property
    def digest(self) -> str:  # read for every subject of a run; the model is immutable
        payload = json.dumps(
            {
                "base": str(self.base),
                "rules": [[str(v) if isinstance(v, Decimal) else v for v in astuple(r)] for r in self.rules],
                "levels": [[lv.code, str(lv.min_score)] for lv in self.levels],
            },
            ensure_ascii=False,
            sort_keys=True,
        )
        return hashlib.sha256(payload.encode()).hexdigest()

    def level_for(self, score: Decimal) -> Level:
        for level in self.levels:
            if score >= level.min_score:
                return level
        return self.levels[-1]


@dataclass(frozen=True)
class Item:
    """A record or list entry of the subject, reduced to what the rules read."""

    source: str
    id: int
    on: dt.date  # decision date (records) or start (entries)
    label: str  # decision number or document number
    category: str = ""
    category_name: str = ""
    fields: dict = field(default_factory=dict)
    list_kind: str = ""
    until: dt.date | None = None  # publication end (records) or end of the period (entries)
    public: bool = True


@dataclass
class Result:
    score: Decimal
    level: Level
    contributions: list[dict]
    expires_on: dt.date | None

    def summary(self, base: Decimal) -> str:
        """The explanation anyone may read: public items by name, non-public ones (government-shared,
        authorised-query) only counted, so the grade never discloses them."""
        moved = [c for c in self.contributions if Decimal(c["applied"])]
        parts = [f"基础分{_fmt(base)}"]
        parts += [f"{c['indicator_name']} {c['label']} {_signed(Decimal(c['applied']))}" for c in moved if c["public"]]
        hidden = [Decimal(c["applied"]) for c in moved if not c["public"]]
        if hidden:
            parts.append(f"非公开信息{len(hidden)}条 {_signed(sum(hidden, Decimal(0)))}")
        capped = len(self.contributions) - len(moved)
        if capped:
            parts.append(f"另有{capped}条因达到指标累计上限不再计分")
        return "；".join(parts) + f"。得分{_fmt(self.score)}，{self.level.code}级（{self.level.name}）"


def _fmt(value: Decimal) -> str:
    return f"{value.normalize():f}" if value == value.to_integral() else f"{value:f}"


def _signed(value: Decimal) -> str:
    return ("+" if value > 0 else "") + _fmt(value)


def evaluate(model: Model, items: list[Item], today: dt.date) -> Result:
    total = model.base
    contributions: list[dict] = []
    expiries: list[dt.date] = []
    for rule in model.rules:
        matched = sorted((i for i in items if rule.matches(i, today)), key=lambda i: (i.on, i.id), reverse=True)
        room = rule.cap
        for item in matched:
            applied = rule.points
            if room is not None:
                applied = max(-room, min(room, applied))
                room -= abs(applied)
            total += applied
            ends = rule.leaves_on(item)
            if ends is not None:
                expiries.append(ends)
            contributions.append(
                {
                    "indicator": rule.code,
                    "indicator_name": rule.name,
                    "source": item.source,
                    "id": item.id,
                    "category": item.category,
                    "category_name": item.category_name,
                    "list_kind": item.list_kind,
                    "label": item.label,
                    "date": item.on.isoformat(),
                    "points": str(rule.points),
                    "applied": str(applied),
                    "public": item.public,
                }
            )
    score = min(MAX_SCORE, max(MIN_SCORE, total)).quantize(CENT)
    return Result(
        score=score, level=model.level_for(score), contributions=contributions, expires_on=min(expiries, default=None)
    )
