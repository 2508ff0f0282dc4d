from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "xinyong.supervision"
    label = "supervision"
    verbose_name = "信用监管"

    def ready(self):
        from xinyong.checks.services.extensions import ANSWER_EXTENSIONS, Extension
        from xinyong.subjects.selectors import PROFILE_SCHEMAS, PROFILE_SECTIONS

        from . import extensions, jobs, signals  # noqa: F401  (jobs registers the daily jobs)
        from .schemas import PublicCommitmentOut, PublicEvaluationOut, PublicIndustryMeasureOut
        from .selectors import commitments_section, grade_section, industry_section

        for section in (commitments_section, grade_section, industry_section):
            if section not in PROFILE_SECTIONS:
                PROFILE_SECTIONS.append(section)
        PROFILE_SCHEMAS.update(
            commitments=list[PublicCommitmentOut],
            credit_grade=PublicEvaluationOut | None,
            industry_measures=list[PublicIndustryMeasureOut],
        )
        for extension in (
            Extension(concerns=extensions.grades_concern, answer=extensions.grade_measures),
            Extension(concerns=extensions.industry_measures_concern, answer=extensions.industry_measures),
        ):
            if extension not in ANSWER_EXTENSIONS:
                ANSWER_EXTENSIONS.append(extension)
        signals.connect()
        extensions.connect()
