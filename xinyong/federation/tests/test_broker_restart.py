"""The broker itself goes down (killed, as in a crash) and comes back on the same store: what was
published before is still delivered, what was consumed is not delivered as new, and what the district
produced meanwhile goes once the broker is back. A private nats-server per test, so the shared one is
never disturbed."""

import datetime as dt
import os
import selectors
import socket
import subprocess
import time

import pytest

from xinyong.audit.services import Actor
from xinyong.core import clock
from xinyong.federation import services
from xinyong.federation.broker import BrokerUnavailable
from xinyong.federation.models import InboundMessage, OutboxMessage
from xinyong.records.models import Record
from xinyong.records.services import ingest_record
from xinyong.testing.federation import simple

pytestmark = pytest.mark.slow  # starts and restarts a NATS server

NATS_SERVER = "/usr/sbin/nats-server"
READY_WITHIN_SECONDS = 20
REGION = "restart"


class NatsServer:
    """nats-server with JetStream on a free local port, its store in a directory that outlives it."""

    def __init__(self, store):
        self.store = store
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.process = None

    @property
    def url(self) -> str:
        return f"nats://127.0.0.1:{self.port}"

    def start(self) -> None:
        command = [NATS_SERVER, "-js", "-a", "127.0.0.1", "-p", str(self.port), "-sd", str(self.store)]
        self.process = subprocess.Popen(command, stderr=subprocess.PIPE, bufsize=0)
        self._wait_until_ready()

    def _wait_until_ready(self) -> None:
        """Read the server's log as it is written until it says it is ready (JetStream recovered)."""
        deadline = time.monotonic() + READY_WITHIN_SECONDS
        log = b""
        with selectors.DefaultSelector() as selector:
            selector.register(self.process.stderr, selectors.EVENT_READ)
            while b"Server is ready" not in log:
                if not selector.select(max(0.0, deadline - time.monotonic())):
                    raise AssertionError(f"nats-server not ready in {READY_WITHIN_SECONDS} s:\n{log.decode()}")
                chunk = os.read(self.process.stderr.fileno(), 65536)
                if not chunk:
                    raise AssertionError(f"nats-server exited:\n{log.decode()}")
                log += chunk

    def kill(self) -> None:
        self.process.kill()
        self.process.wait(timeout=10)
        self.process.stderr.close()


@pytest.fixture
def nats_server(tmp_path, settings):
    server = NatsServer(tmp_path / "jetstream")
    server.start()
    settings.XINYONG_NATS_URL = server.url
    yield server
    if server.process.poll() is None:
        server.kill()


def deliver(court, first: int, count: int) -> None:
    actor = Actor.of(court)
    for n in range(first, first + count):
        fields = simple("court_enforcement", n)
        ingest_record(actor=actor, provider=court.department, category_code="court_enforcement", fields=fields)


def received() -> list[str]:
    return sorted(Record.objects.filter(channel="federation").values_list("decision_number", flat=True))


def consume_until(expected: int, durable: str) -> tuple[int, int, int]:
    """Consume until `expected` messages were applied: a broker just back may answer its first fetch
    late (each pull waits up to 0.5 s on it), so one empty pull does not mean the stream is empty."""
    applied = duplicates = redelivered = 0
    deadline = time.monotonic() + READY_WITHIN_SECONDS
    while applied < expected and time.monotonic() < deadline:
        got = services.consume(source=REGION, durable=durable)
        applied, duplicates, redelivered = (
            applied + got.applied,
            duplicates + got.duplicates,
            redelivered + got.redelivered,
        )
    return applied, duplicates, redelivered


def test_exchange_survives_a_broker_restart_without_loss_or_duplicates(court, nats_server):
    durable = f"{REGION}-in"
    with clock.frozen_at(dt.date(2025, 6, 2)):
        deliver(court, 1, 4)
        assert services.publish(region=REGION).sent == 4
        assert services.consume(source=REGION, durable=durable, max_messages=1).applied == 1

        nats_server.kill()
        deliver(court, 5, 2)  # produced while the broker is down
        with pytest.raises(BrokerUnavailable):
            services.publish(region=REGION)
        assert OutboxMessage.objects.filter(sent_at__isnull=True).count() == 2  # kept for later, not lost

        nats_server.start()  # same port, same store
        # One message already in the stream is sent again (its ack was lost with the broker, say):
        # the stream's duplicate window came back with the store and drops it.
        OutboxMessage.objects.filter(pk=OutboxMessage.objects.order_by("id").values("pk")[:1]).update(sent_at=None)
        resent = services.publish(region=REGION)
        assert (resent.sent, resent.duplicates) == (3, 1)

        # The three left before the restart and the two made during it; a message whose ack the broker
        # lost would come again and be recognised by the inbox, never applied twice.
        applied, duplicates, redelivered = consume_until(5, durable)
        assert applied == 5 and duplicates == redelivered
        assert services.consume(source=REGION, durable=durable).applied == 0

    numbers = [simple("court_enforcement", n)["decision_number"] for n in range(1, 7)]
    assert received() == sorted(numbers)
    assert InboundMessage.objects.filter(outcome="applied").count() == 6
