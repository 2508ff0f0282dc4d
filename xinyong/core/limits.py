"""Rate limits on the public surface (architecture §7): ninja throttles for the API endpoints and a
small cache-based limiter for portal views. Both count per client address in Django's cache (locmem by
default, so per process: with N server processes the effective limit is N × the rate). Rates are
settings (`XINYONG_RATE_*`), read on every request so an operator or a test can change them."""

import functools
import time

from django.conf import settings
from django.core.cache import cache
from django.shortcuts import render
from ninja.throttling import AnonRateThrottle

from xinyong.core.crypto import lookup_hash


def client_ip(request) -> str:
    return request.META.get("REMOTE_ADDR") or "unknown"


def ip_hash(request) -> str:
    """A keyed hash of the client address: enough to count and to link abuse, never the address."""
    return lookup_hash("ip:" + client_ip(request))


class SettingRateThrottle(AnonRateThrottle):
    """ninja's anonymous throttle, one cache scope per endpoint family, the rate taken from a setting."""

    def __init__(self, scope: str, setting: str):
        self.scope = scope
        self.setting = setting
        super().__init__(rate=self._configured())

    def _configured(self) -> str:
        return getattr(settings, self.setting)

    def allow_request(self, request) -> bool:
        rate = self._configured()
        if rate != self.rate:
            self.rate = rate
            self.num_requests, self.duration = self.parse_rate(rate)
        return super().allow_request(request)


def search_throttle() -> SettingRateThrottle:
    return SettingRateThrottle("xy_search", "XINYONG_RATE_SEARCH")


def report_throttle() -> SettingRateThrottle:
    return SettingRateThrottle("xy_reports", "XINYONG_RATE_REPORTS")


def verify_throttle() -> SettingRateThrottle:
    return SettingRateThrottle("xy_verify", "XINYONG_RATE_VERIFY")


def submit_throttle() -> SettingRateThrottle:
    return SettingRateThrottle("xy_submit", "XINYONG_RATE_SUBMIT")


_PERIODS = {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "hour": 3600, "d": 86400, "day": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    """'60/min' → (60, 60)."""
    count, _, period = rate.partition("/")
    return int(count), _PERIODS[period.strip()]


def hit(scope: str, request) -> int | None:
    """Count one request; None when allowed, else the seconds until the window ends (fixed window)."""
    limit, period = parse_rate(getattr(settings, f"XINYONG_RATE_{scope.upper()}"))
    window = int(time.time() // period)
    key = f"xy-rl:{scope}:{ip_hash(request)}:{window}"
    cache.add(key, 0, timeout=period + 1)
    try:
        count = cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.set(key, 1, timeout=period + 1)
        count = 1
    if count > limit:
        return period - int(time.time() % period)
    return None


def rate_limited(scope: str):
    """Portal view decorator: a friendly Chinese 429 page past the rate in `XINYONG_RATE_<SCOPE>`."""

    def decorator(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            wait = hit(scope, request)
            if wait is not None:
                response = render(request, "portal/too_many.html", {"wait": wait}, status=429)
                response["Retry-After"] = str(wait)
                return response
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
