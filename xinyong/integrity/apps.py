from django.apps import AppConfig


class IntegrityConfig(AppConfig):
    name = "xinyong.integrity"
    label = "integrity"
    verbose_name = "政务诚信与信用服务市场"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from xinyong.checks.services.extensions import ANSWER_REQUIREMENTS, Extension
        from xinyong.notices.services import ENTRY_NOTICES
        from xinyong.supervision.services.commitments import BREACH_NOTICES

        from .models import ReportRequirement
        from .public_sector import entry_notices, notify
        from .services import forget_requirements, requirement_concerns, third_party_report_requirement

        requirement = Extension(concerns=requirement_concerns, answer=third_party_report_requirement)
        if requirement not in ANSWER_REQUIREMENTS:
            ANSWER_REQUIREMENTS.append(requirement)
        if entry_notices not in ENTRY_NOTICES:
            ENTRY_NOTICES.append(entry_notices)
        if notify not in BREACH_NOTICES:
            BREACH_NOTICES.append(notify)
        post_save.connect(forget_requirements, sender=ReportRequirement, dispatch_uid="integrity-req-save")
        post_delete.connect(forget_requirements, sender=ReportRequirement, dispatch_uid="integrity-req-delete")
