"""A small synchronous face over NATS JetStream (nats-py is asyncio-only).

The wrapper owns its event loop, so the database work between broker calls stays ordinary sync
Django code on the caller's thread and connection (and inside its transactions).
"""

import asyncio
import re

import nats
from django.conf import settings
from nats.errors import NoServersError
from nats.errors import TimeoutError as NatsTimeout
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy, StreamConfig
from nats.js.errors import NotFoundError

from xinyong.core.errors import DomainError

DEFAULT_URL = "nats://127.0.0.1:4222"
# JetStream drops a second message with the same Nats-Msg-Id within this window; past it the
# receiver's own inbox still makes the message harmless.
DEDUP_WINDOW_SECONDS = 24 * 3600


class BrokerUnavailable(DomainError):
    pass


def nats_url() -> str:
    return settings.XINYONG_NATS_URL or DEFAULT_URL


def own_region() -> str:
    return settings.XINYONG_REGION


def check_region(region: str) -> str:
    if not re.fullmatch(r"[A-Za-z0-9_-]{1,24}", region or ""):
        raise DomainError(f"平台编码“{region}”无效：只允许字母、数字、-、_，最长24位", code="invalid_region")
    return region


def stream_name(region: str) -> str:
    return f"XINYONG_{check_region(region)}"


def subject_of(region: str, kind: str) -> str:
    return f"xinyong.{check_region(region)}.{kind}s"


class Broker:
    def __init__(self, url: str | None = None, *, timeout: float = 2.0):
        self.url = url or nats_url()
        self.timeout = timeout
        self.loop = asyncio.new_event_loop()
        self.nc = None
        self.js = None

    def _run(self, coro):
        return self.loop.run_until_complete(coro)

    def __enter__(self) -> "Broker":
        errors = []

        async def note(error):  # the client's own report of a failed attempt (else logged as a traceback)
            errors.append(error)

        try:
            # One attempt, then give up: with max_reconnect_attempts=0 nats-py retries a refused
            # connection for ever, and `xinyong federation publish` hung while the broker was down.
            self.nc = self._run(
                nats.connect(
                    self.url,
                    connect_timeout=self.timeout,
                    allow_reconnect=False,
                    max_reconnect_attempts=1,
                    reconnect_time_wait=0.1,
                    error_cb=note,
                )
            )
        except (TimeoutError, NoServersError, OSError, NatsTimeout) as error:
            self.loop.close()
            cause = errors[-1] if errors else error
            raise BrokerUnavailable(f"无法连接消息服务 {self.url}：{cause}", code="broker_unavailable") from error
        self.js = self.nc.jetstream(timeout=self.timeout)
        return self

    def __exit__(self, *exc) -> None:
        try:
            if self.nc is not None and not self.nc.is_closed:
                self._run(self.nc.close())
        finally:
            self.loop.close()

    def ensure_stream(self, region: str) -> str:
        name = stream_name(region)
        try:
            self._run(self.js.stream_info(name))
        except NotFoundError:
            self._run(
                self.js.add_stream(
                    StreamConfig(name=name, subjects=[f"xinyong.{region}.>"], duplicate_window=DEDUP_WINDOW_SECONDS)
                )
            )
        return name

    def publish(self, subject: str, data: bytes, *, msg_id: str, stream: str) -> bool:
        """Publish and wait for the stream's ack; True when the stream already had this msg_id."""
        ack = self._run(self.js.publish(subject, data, headers={"Nats-Msg-Id": msg_id}, stream=stream))
        return bool(ack.duplicate)

    def pull(self, region: str, durable: str, *, ack_wait: float = 30.0):
        stream = self.ensure_stream(region)
        config = ConsumerConfig(
            durable_name=durable,
            ack_policy=AckPolicy.EXPLICIT,
            deliver_policy=DeliverPolicy.ALL,
            ack_wait=ack_wait,
            max_ack_pending=1000,
        )
        return self._run(self.js.pull_subscribe(f"xinyong.{region}.>", durable=durable, stream=stream, config=config))

    def fetch(self, subscription, batch: int, timeout: float) -> list:
        try:
            return self._run(subscription.fetch(batch=batch, timeout=timeout))
        except (TimeoutError, NatsTimeout):
            return []

    def ack(self, message) -> None:
        self._run(message.ack_sync(timeout=self.timeout))

    def term(self, message) -> None:
        self._run(message.term())
