import contextlib
import datetime as dt
import os
import socket
import uuid

import pytest
from nats.js.errors import NotFoundError

from xinyong.audit.services import Actor
from xinyong.federation.broker import Broker, nats_url, stream_name
from xinyong.lists.services import EntryInput, create_entry
from xinyong.subjects.services import SubjectRef, ensure_subjects, person_key


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


def court_entry(court, code: str, document_number: str, *, person_name: str = ""):
    """The court lists an organisation — or, with `person_name`, a person (`code`: the ID number) —
    created first if new, as a defaulter, in this district."""
    actor = Actor.of(court)
    if person_name:
        ref = SubjectRef(key=person_key(code), kind="natural_person", name=person_name, person_id=code)
    else:
        ref = SubjectRef(key=code, kind="legal_person", name="九江失信建材有限公司", code=code)
    ensure_subjects(actor=actor, refs=[ref], reason="test")
    return create_entry(
        actor=actor,
        user=court,
        data=EntryInput(
            list_type="black_court_defaulter",
            subject=code,
            document_number=document_number,
            basis="《最高人民法院关于公布失信被执行人名单信息的若干规定》",
            decided_on=dt.date(2025, 5, 20),
        ),
    )
