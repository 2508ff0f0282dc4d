from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "xinyong.accounts"
    label = "accounts"
    verbose_name = "部门与用户"

    def ready(self):
        from django.contrib.auth.signals import user_login_failed
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from .backends import count_failure
        from .models import ApiToken, Department, User
        from .services import forget_tokens

        user_login_failed.connect(count_failure, dispatch_uid="accounts-count-failed-login")
        for model in (ApiToken, Department, User):
            post_save.connect(forget_tokens, sender=model, dispatch_uid=f"tokens-{model.__name__}-save")
            post_delete.connect(forget_tokens, sender=model, dispatch_uid=f"tokens-{model.__name__}-delete")
        m2m_changed.connect(forget_tokens, sender=User.roles.through, dispatch_uid="tokens-user-roles")
