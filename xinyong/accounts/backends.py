"""Password login with throttling (R29, issue 9): after too many failures, further attempts are refused
for a while — even with the right password — so passwords cannot be guessed.

Failures are counted three ways, so that throttling cannot be turned against the people it protects:
- one user name from one address (`MAX_FAILURES`): the usual lock — only that address is locked out, so
  anyone can no longer lock an administrator out by typing wrong passwords under the name;
- any user names from one address (`MAX_ADDRESS_FAILURES`): one machine trying many names (spraying);
- one user name from any address (`MAX_USER_FAILURES`, much higher): guessing spread over many machines.
"""

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission
from django.core.cache import cache
from django.core.exceptions import PermissionDenied

from xinyong.core.limits import client_ip

MAX_FAILURES = 5
MAX_ADDRESS_FAILURES = 20
MAX_USER_FAILURES = 50
LOCK_SECONDS = 15 * 60
LOCKED_MESSAGE = "登录失败次数过多，请15分钟后再试"


def _counters(username: str, request) -> list[tuple[str, int]]:
    """(cache key, limit) of every count a failure of this login adds to."""
    name = (username or "").strip().lower()
    address = client_ip(request) if request is not None else "unknown"
    return [
        (f"login-failures:{name}@{address}", MAX_FAILURES),
        (f"login-failures:@{address}", MAX_ADDRESS_FAILURES),
        (f"login-failures:{name}", MAX_USER_FAILURES),
    ]


def is_locked(username: str, request=None) -> bool:
    return any(cache.get(key, 0) >= limit for key, limit in _counters(username, request))


class ThrottledModelBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is not None and is_locked(username, request):
            # PermissionDenied stops Django from trying other backends and counts as a failure.
            raise PermissionDenied(LOCKED_MESSAGE)
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is not None:
            # This name from this address is cleared; the wider counts keep what others tried.
            cache.delete(_counters(username, request)[0][0])
        return user

    # A user's roles grant their permissions (`Role.permissions`) the way groups do: ModelBackend's
    # `_get_permissions` caches them per user, as it does a group's.
    def get_group_permissions(self, user_obj, obj=None):
        return {*super().get_group_permissions(user_obj, obj), *self._get_permissions(user_obj, obj, "role")}

    def _get_role_permissions(self, user_obj):
        return Permission.objects.filter(roles__users=user_obj)


def count_failure(sender, credentials, request=None, **kwargs):
    """Receiver of `user_login_failed` (connected in `AccountsConfig.ready()`)."""
    for key, _ in _counters(credentials.get("username", ""), request):
        cache.add(key, 0, LOCK_SECONDS)
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, LOCK_SECONDS)
