from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "xinyong.accounts"
    label = "accounts"
    verbose_name = "部门与用户"

    def ready(self):
        from . import backends  # noqa: F401  (counts failed logins)
