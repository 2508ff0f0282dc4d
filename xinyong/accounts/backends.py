"""Password login with throttling (R29, issue 9): after too many failures for one user name, further
attempts are refused for a while — even with the right password — so passwords cannot be guessed."""

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.signals import user_login_failed
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.dispatch import receiver

MAX_FAILURES = 5
LOCK_SECONDS = 15 * 60


def _key(username: str) -> str:
    return f"login-failures:{(username or '').strip().lower()}"


def is_locked(username: str) -> bool:
    return cache.get(_key(username), 0) >= MAX_FAILURES


class ThrottledModelBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is not None and is_locked(username):
            # PermissionDenied stops Django from trying other backends and counts as a failure.
            raise PermissionDenied("登录失败次数过多，请15分钟后再试")
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is not None:
            cache.delete(_key(username))
        return user


@receiver(user_login_failed)
def _count_failure(sender, credentials, request=None, **kwargs):
    key = _key(credentials.get("username", ""))
    cache.add(key, 0, LOCK_SECONDS)
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, LOCK_SECONDS)
