import contextlib
import os
import socket
import uuid

import pytest
from nats.js.errors import NotFoundError

from xinyong.federation.broker import Broker, nats_url, stream_name


def _nats_reachable() -> bool:
    host, _, port = nats_url().rpartition("//")[2].partition(":")
    try:
        with socket.create_connection((host or "127.0.0.1", int(port or 4222)), timeout=1):
            return True
    except OSError:
        return False


@pytest.fixture(autouse=True)
def _needs_nats():
    if not _nats_reachable():
        if os.environ.get("CI") == "true":
            pytest.fail(f"NATS JetStream 不可达（{nats_url()}）：CI 下不得跳过")
        pytest.skip(f"NATS JetStream not reachable at {nats_url()}; start nats-server -js to run federation tests")


@pytest.fixture
def region():
    """A platform code, hence stream and consumer names, unique to this test; the stream is removed after."""
    code = f"t{uuid.uuid4().hex[:12]}"
    yield code
    # The test may never have created it.
    with Broker() as broker, contextlib.suppress(NotFoundError):
        broker._run(broker.js.delete_stream(stream_name(code)))


@pytest.fixture
def court(make_user):
    user, _ = make_user("initiator", "provider", department="FY", department_name="区人民法院")
    return user
