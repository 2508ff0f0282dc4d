"""Two platforms on one machine: A (the district, this test database) publishes; B (the city, a
subprocess with its own migrated SQLite database) consumes and its `xinyong check` sees the entry."""

import datetime as dt
import json
import os
import subprocess
import sys

import pytest
from cryptography.fernet import Fernet

from xinyong.audit.services import Actor
from xinyong.core import clock
from xinyong.federation import services
from xinyong.federation.broker import Broker, stream_name, subject_of
from xinyong.lists.models import ListEntry
from xinyong.lists.services import revoke_entry
from xinyong.records.services import ingest_record
from xinyong.rights.services import decide_objection, file_objection
from xinyong.testing.factories import penalty, resident_id, uscc
from xinyong.testing.federation import court_entry

pytestmark = pytest.mark.slow  # a second instance in subprocesses

COMPANY = uscc(801)
PERSON = resident_id(801, "19800101")
TODAY = dt.date(2025, 6, 2)


@pytest.fixture(scope="module")
def city_env(tmp_path_factory):
    env = {
        **os.environ,
        "XINYONG_DATA_DIR": str(tmp_path_factory.mktemp("city")),
        "XINYONG_DATABASE_URL": "",
        "XINYONG_REGION": "city",
        "DJANGO_SETTINGS_MODULE": "xinyong.settings",
    }
    env.pop("XINYONG_TESTING", None)
    migrated = city(env, "migrate", "--noinput")
    assert migrated.returncode == 0, migrated.stderr
    return env


def city(env, *args):
    return subprocess.run(
        [sys.executable, "-m", "xinyong.cli", *args], env=env, capture_output=True, text=True, timeout=120
    )


def check_in_city(env, region, code=COMPANY, matter="government_procurement"):
    made = city(env, "check", code, "--matter", matter, "--department", f"FED-{region}", "--json")
    assert made.returncode == 0, made.stderr
    return json.loads(made.stdout)


def consume_in_city(env, region, durable=""):
    done = city(env, "federation", "consume", "--from", region, "--durable", durable or f"city-from-{region}")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def stream_body(region: str, kind: str) -> dict:
    """The last message of a kind (record, entry) on the district's stream, as anyone reading it sees it."""
    with Broker() as broker:
        raw = broker._run(broker.js.get_last_msg(stream_name(region), subject_of(region, kind)))
    return json.loads(raw.data)


def entry_in_district(court) -> ListEntry:
    return court_entry(court, COMPANY, "（2025）赣0404执9号")


def test_an_entry_made_in_the_district_restricts_in_the_city(db, make_user, region, city_env):
    court, _ = make_user("initiator", "provider", department="FY", department_name="区人民法院")
    with clock.frozen_at(TODAY):
        fields = {
            "subject_name": "九江失信建材有限公司",
            "subject_code": COMPANY,
            "decision_number": "（2025）赣0404执9号",
            "decision_date": "2025-05-20",
            "content": "被执行",
        }
        ingest_record(
            actor=Actor.of(court), provider=court.department, category_code="court_enforcement", fields=fields
        )
        ingest_record(actor=Actor.of(court), provider=court.department, category_code="interview", fields=fields)
        entry = entry_in_district(court)
    assert services.publish(region=region).sent == 2  # the record and the entry; not the interview

    first = consume_in_city(city_env, region)
    assert (first["applied"], first["rejected"]) == (2, 0), first
    answer = check_in_city(city_env, region)
    assert answer["result"] == "restricted", answer
    assert answer["subject"]["code"] == COMPANY

    # Consuming again (nothing new) and resending everything change nothing in the city.
    from xinyong.federation.models import OutboxMessage

    OutboxMessage.objects.update(sent_at=None)
    assert services.publish(region=region).duplicates == 2
    again = consume_in_city(city_env, region)
    assert again["applied"] == 0 and again["duplicates"] == 0, again

    with clock.frozen_at(TODAY):
        revoke_entry(actor=Actor.of(court), user=court, entry_id=entry.pk, reason="已履行义务")
    services.publish(region=region)
    assert consume_in_city(city_env, region)["applied"] == 1
    assert check_in_city(city_env, region)["result"] == "clear"


def test_an_objection_in_the_district_suspends_the_entry_in_the_city(db, make_user, region, city_env):
    court, _ = make_user("initiator", department="FY", department_name="区人民法院")
    office, _ = make_user("credit_office", department="XYB", department_name="区信用办")
    with clock.frozen_at(TODAY):
        entry = entry_in_district(court)
        services.publish(region=region)
        assert consume_in_city(city_env, region)["applied"] == 1
        assert check_in_city(city_env, region)["result"] == "restricted"

        objection = file_objection(
            actor=Actor.of(office), user=office, record_id=None, entry_id=entry.pk, reason="主体已履行义务"
        )
        assert services.publish(region=region).sent == 1
        assert consume_in_city(city_env, region)["applied"] == 1
        suspended = check_in_city(city_env, region)
        assert suspended["result"] != "restricted", suspended
        assert all(m["suspended"] for m in suspended["measures"] if m["kind"] == "punishment")

        # Rejected at the source: the measures resume in the city.
        decide_objection(actor=Actor.of(court), user=court, objection_id=objection.pk, upheld=False, reason="未履行")
        services.publish(region=region)
        assert consume_in_city(city_env, region)["applied"] == 1
        assert check_in_city(city_env, region)["result"] == "restricted"


def test_a_person_crosses_only_sealed_under_the_key_the_link_shares(db, make_user, region, city_env, settings):
    """ID numbers travel masked; with a key both platforms hold, the real number is sealed beside the
    payload, and the city — which keys persons with its own secret — identifies and restricts the person."""
    court, _ = make_user("initiator", department="FY", department_name="区人民法院")
    market, _ = make_user("provider", department="SCJG", department_name="区市场监督管理局")
    settings.XINYONG_FEDERATION_KEY = Fernet.generate_key().decode()
    fine = penalty(
        3, CF_XDR_MC="钱多多", CF_XDR_LB="自然人", CF_XDR_SHXYM="", CF_XDR_ZJHM=PERSON, CF_FRDB="", CF_FR_ZJHM=""
    )
    with clock.frozen_at(TODAY):
        court_entry(court, PERSON, "（2025）赣0404执11号", person_name="钱多多")
        ingest_record(actor=Actor.of(market), provider=market.department, category_code="admin_penalty", fields=fine)
    assert services.publish(region=region).sent == 2  # the entry and the person's penalty
    for kind in ("entry", "record"):
        body = stream_body(region, kind)
        assert PERSON not in json.dumps(body, ensure_ascii=False), kind  # the stream shows no ID number
        assert body["payload"]["subject"]["code"] == PERSON[:4] + "*" * 10 + PERSON[-4:] and body["sealed"]

    without_key = consume_in_city(city_env, region)
    assert without_key["rejected"] == 2, without_key
    assert all("交换密钥" in detail for detail in without_key["details"]), without_key

    # The city gets the key; a refused message is tried again when it comes again (here: a new consumer).
    keyed = {**city_env, "XINYONG_FEDERATION_KEY": settings.XINYONG_FEDERATION_KEY}
    keyed_run = consume_in_city(keyed, region, durable=f"city-keyed-{region}")
    assert (keyed_run["applied"], keyed_run["rejected"]) == (2, 0), keyed_run
    answer = check_in_city(keyed, region, code=PERSON, matter="high_consumption")
    assert answer["result"] == "restricted", answer
    assert answer["subject"] == {"code": PERSON[:4] + "*" * 10 + PERSON[-4:], "name": "钱多多", "known": True}
