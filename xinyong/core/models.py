"""The working-day calendar (工作日历) as data.

Weekends are off, statutory holidays are off and make-up working days (调休上班) are on. The State
Council notice for next year arrives each November and the credit office enters it in the admin, so
the calendar lives in the database; `xinyong.core.calendar` answers the questions deadlines ask.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models


class CalendarYearManager(models.Manager):
    def get_by_natural_key(self, year):
        return self.get(year=year)


class CalendarYear(models.Model):
    """One year of the calendar. A row means the year's data is complete and deadlines may use it;
    a year without a row makes every working-day calculation touching it fail instead of guessing.
    """

    year = models.PositiveSmallIntegerField(
        "年份", unique=True, validators=[MinValueValidator(2000), MaxValueValidator(9999)]
    )
    notice = models.CharField("通知文号", max_length=100, blank=True, help_text="如：国办发明电〔2024〕12号")
    published_on = models.DateField("通知发布日期", null=True, blank=True)
    note = models.TextField("备注", blank=True)

    objects = CalendarYearManager()

    class Meta:
        verbose_name = verbose_name_plural = "工作日历年度"
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.year}年"

    def natural_key(self):
        return (self.year,)


class CalendarDayManager(models.Manager):
    def get_by_natural_key(self, date):
        return self.get(date=date)


class CalendarDay(models.Model):
    """A day that differs from the plain weekday/weekend rule of its year."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", "法定节假日/休息日"
        WORKDAY = "workday", "调休上班"

    calendar_year = models.ForeignKey(CalendarYear, on_delete=models.CASCADE, related_name="days", verbose_name="年度")
    date = models.DateField("日期", unique=True)
    kind = models.CharField("类型", max_length=16, choices=Kind.choices)
    name = models.CharField("节日名称", max_length=50, blank=True, help_text="如：春节")

    objects = CalendarDayManager()

    class Meta:
        verbose_name = verbose_name_plural = "节假日与调休"
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date.isoformat()} {self.get_kind_display()} {self.name}".rstrip()

    def natural_key(self):
        return (self.date,)

    # Django's serialiser reads the order of natural-key dumps off this attribute of the method.
    natural_key.dependencies = ["core.calendaryear"]  # type: ignore[attr-defined]

    def clean(self):
        super().clean()
        if not isinstance(self.date, dt.date):
            return  # the field's own validation reports a missing or malformed date
        errors = {}
        year = self._year_number()
        if year is not None and self.date.year != year:
            errors["date"] = f"日期 {self.date.isoformat()} 不在 {year} 年内"
        if self.kind == self.Kind.WORKDAY and self.date.weekday() < 5:
            errors.setdefault("kind", "调休上班日必须是星期六或星期日，工作日本来就上班")
        if errors:
            raise ValidationError(errors)

    def _year_number(self) -> int | None:
        # In an admin inline for a year being added, the parent is set but not saved yet.
        try:
            parent = self.calendar_year
        except CalendarYear.DoesNotExist:
            return None
        return parent.year if parent is not None else None


class Parameter(models.Model):
    """A rule figure the credit office sets for its place (periods, ratios, deadlines): data, not code.
    Defaults are seeded by migrations; `xinyong.core.parameters.value(code)` reads them."""

    code = models.SlugField("参数编码", max_length=64, unique=True)
    name = models.CharField("名称", max_length=100)
    value = models.DecimalField("取值", max_digits=12, decimal_places=4)
    unit = models.CharField("单位", max_length=20, blank=True)
    description = models.TextField("说明", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "规则参数"
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name}：{self.value.normalize()}{self.unit}"
