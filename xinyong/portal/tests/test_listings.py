"""Portal listings (R23): double publicity by department and date, red and black lists, repair notes,
typical cases; bounded pagination; only public-class data; protection (rate limits, headers, errors)."""

import datetime as dt
import re

import pytest
from django.test import Client

from xinyong.accounts.models import Department, User
from xinyong.audit.services import Actor
from xinyong.core import clock
from xinyong.demo.data import demo_uscc
from xinyong.lists.services import publish_clean_record_list
from xinyong.portal import views
from xinyong.portal.models import TypicalCase
from xinyong.records.services import ingest_record
from xinyong.testing import factories


def penalties(n: int, start: int = 100, department: str = "SCJG", day: dt.date = dt.date(2025, 6, 2)) -> None:
    user = User.objects.get(username=department.lower())
    actor = Actor.of(user)
    for serial in range(start, start + n):
        ingest_record(
            actor=actor,
            provider=user.department,
            category_code="admin_penalty",
            fields=factories.penalty(serial, CF_JDRQ=day.isoformat(), CF_YZCD="一般"),
        )


def test_penalty_publicity_lists_decisions_filterable_by_department_and_date(client, loaded):
    penalties(2, start=100, day=dt.date(2025, 4, 7))
    html = client.get("/publicity/penalty").content.decode()
    assert "行政处罚公示" in html and "九江测试商贸有限公司100" in html
    assert "柴市监罚〔2025〕1号" in html  # demo decision
    assert "张三" not in html  # the legal representative's name is not a public column
    assert 'href="/subjects/' + demo_uscc(1) + '"' in html

    by_date = client.get("/publicity/penalty", {"from": "2025-04-01", "to": "2025-04-30"}).content.decode()
    assert "九江测试商贸有限公司100" in by_date and "柴市监罚〔2025〕1号" not in by_date
    assert "共 2 条" in by_date

    assert "共 0 条" in client.get("/publicity/penalty", {"department": "SW"}).content.decode()
    assert "九江测试商贸有限公司100" in client.get("/publicity/penalty", {"department": "SCJG"}).content.decode()

    bad = client.get("/publicity/penalty", {"from": "2025-13-01"}).content.decode()
    assert "格式不正确" in bad

    licensing = client.get("/publicity/licensing").content.decode()
    assert "行政许可公示" in licensing and "食品经营许可" in licensing and "九江测试商贸" not in licensing


def test_pagination_is_bounded_and_nofollow(client, loaded):
    penalties(25)
    first = client.get("/publicity/penalty").content.decode()
    assert re.search(r'<a rel="next nofollow" href="\?page=2">', first)
    second = client.get("/publicity/penalty", {"page": 2})
    html = second.content.decode()
    assert second.status_code == 200 and 'rel="prev nofollow"' in html and "第 2 / 2 页" in html
    assert '<meta name="robots" content="noindex, nofollow">' in html
    too_deep = client.get("/publicity/penalty", {"page": views.MAX_PAGE + 1})
    assert too_deep.status_code == 404 and "页码超出范围" in too_deep.content.decode()
    assert client.get("/search", {"q": "九江", "page": 10_000}).status_code == 404
    assert client.get("/publicity/penalty", {"page": "abc"}).status_code == 200


def test_red_and_black_lists(client, loaded):
    black = client.get("/lists/black").content.decode()
    assert "九江浔阳建筑工程有限公司" in black and "失信被执行人" in black
    assert "（2026）赣0404执88号" in black and "2025-05-31 至 2027-05-30" in black
    red = client.get("/lists/red").content.decode()
    assert "柴桑区诚信农业发展有限公司" in red and "九江浔阳建筑工程有限公司" not in red
    assert "共 0 条" in client.get("/lists/black", {"type": "no_such_type"}).content.decode()


def test_subject_page_shows_entries_with_measures_objections_repairs(client, loaded):
    html = client.get(f"/subjects/{demo_uscc(6)}").content.decode()
    assert "失信被执行人" in html and "认定依据" in html and "2025-05-31 至 2027-05-30" in html
    assert "限制失信被执行人参与招标投标" in html and "强制" in html
    assert "异议处理中" in html and "信用修复" in html
    assert "刘**" in html and "刘大伟" not in html


def test_only_public_class_records_reach_the_portal(client, loaded):
    user = User.objects.get(username="scjg")
    stored = ingest_record(
        actor=Actor.of(user),
        provider=user.department,
        category_code="interview",  # 约谈记录: government-only
        fields={
            "subject_name": "九江柴桑示范建材有限公司",
            "subject_code": demo_uscc(1),
            "decision_number": "柴市监约〔2025〕9号",
            "decision_date": "2025-06-01",
            "content": "约谈内容不公开",
            "authority": "柴桑区市场监督管理局",
        },
    )
    assert stored.record.pk
    html = client.get(f"/subjects/{demo_uscc(1)}").content.decode()
    assert "柴市监罚〔2025〕1号" in html and "柴市监约〔2025〕9号" not in html and "约谈记录" not in html
    report = client.get(f"/api/v1/reports/{demo_uscc(1)}", {"format": "json"}).content.decode()
    assert "柴市监约〔2025〕9号" not in report


def test_repair_notes_page(client, loaded):
    html = client.get("/repairs").content.decode()
    assert "信用修复公示" in html and "暂无信用修复公示" in html


def test_typical_cases_only_published(client, loaded):
    hidden = TypicalCase.objects.create(
        title="未发布的案例", summary="草稿", category="black", date=dt.date(2025, 6, 1), published=False
    )
    html = client.get("/cases").content.decode()
    assert "柴桑区诚信农业发展有限公司连续三年纳税信用A级" in html and "未发布的案例" not in html
    red_only = client.get("/cases", {"category": "red"}).content.decode()
    assert "纳税信用A级" in red_only and "失信被执行人名单" not in red_only
    shown = TypicalCase.objects.filter(published=True).first()
    assert shown.title in client.get(f"/cases/{shown.pk}").content.decode()
    assert client.get(f"/cases/{hidden.pk}").status_code == 404
    assert "最新典型案例" in client.get("/").content.decode()


def test_typical_cases_are_edited_in_the_admin(loaded):
    admin = Client()
    admin.force_login(User.objects.get(username="admin"))
    assert admin.get("/admin/portal/typicalcase/").status_code == 200
    assert admin.get("/admin/portal/typicalcase/add/").status_code == 200


def test_suggestions_endpoint(api, loaded):
    items = api.get("/suggestions", q="九江").json()["items"]
    assert {"code": demo_uscc(6), "name": "九江浔阳建筑工程有限公司"} in items and len(items) <= 8
    assert api.get("/suggestions", q="九").json() == {"items": []}
    assert api.get("/suggestions").json() == {"items": []}


def test_portal_search_and_suggestions_are_rate_limited(client, api, loaded, settings):
    settings.XINYONG_RATE_SEARCH = "2/min"
    assert client.get("/search", {"q": "九江"}).status_code == 200
    assert client.get("/search", {"q": "九江"}).status_code == 200
    limited = client.get("/search", {"q": "九江"})
    assert limited.status_code == 429 and "访问过于频繁" in limited.content.decode()
    assert int(limited["Retry-After"]) > 0
    assert api.get("/suggestions", q="九江").status_code == 200
    assert api.get("/suggestions", q="九江").status_code == 200
    assert api.get("/suggestions", q="九江").status_code == 429


def test_security_headers_on_pages(client, db):
    response = client.get("/")
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
    assert response["X-Frame-Options"] == "DENY" and response["Referrer-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]
    html = response.content.decode()
    assert "<script>" not in html and "style=" not in html  # nothing inline for the CSP to block
    assert 'class="skip" href="#main"' in html


def test_head_requests_are_answered(client, db):
    assert client.head("/").status_code == 200


def test_not_found_and_server_error_pages_are_chinese_without_traces(db, monkeypatch, settings):
    assert settings.DEBUG is False
    browser = Client(raise_request_exception=False)
    missing = browser.get("/no/such/page")
    assert missing.status_code == 404 and "页面不存在" in missing.content.decode()
    api_missing = browser.get("/api/v1/no/such/endpoint")
    assert api_missing.status_code == 404 and api_missing.json()["error"]["code"] == "not_found"

    def explode(*args, **kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(views.selectors, "latest_cases", explode)
    failed = browser.get("/")
    html = failed.content.decode()
    assert failed.status_code == 500 and "服务暂时不可用" in html
    assert "Traceback" not in html and "secret internals" not in html and "RuntimeError" not in html


@pytest.mark.parametrize(
    "path", ["/", "/search?q=九江", "/publicity/penalty", "/lists/black", "/cases", "/report-dishonesty"]
)
def test_pages_have_one_h1_labels_and_lang(client, loaded, path):
    html = client.get(path).content.decode()
    assert html.count("<h1") == 1 and '<html lang="zh-CN">' in html
    for field_id in re.findall(r'<(?:input|select|textarea)[^>]*\bid="([^"]+)"', html):
        if 'type="hidden"' in html.split(f'id="{field_id}"')[0].rsplit("<", 1)[-1]:
            continue
        assert f'for="{field_id}"' in html, f"{path}: #{field_id} has no label"


def test_department_filter_lists_departments(client, loaded):
    html = client.get("/publicity/licensing").content.decode()
    assert all(d.name in html for d in Department.objects.filter(is_active=True))


def test_pending_objection_shows_on_page_and_report(client, api, loaded):
    from xinyong.accounts import services as accounts
    from xinyong.audit.services import SYSTEM
    from xinyong.lists.models import ListEntry

    entry = ListEntry.objects.get(subject__uscc=demo_uscc(6), derived_from__isnull=True)
    _, token = accounts.create_token(actor=SYSTEM, user=User.objects.get(username="qiye"))
    response = api.post("/objections", {"list_entry": entry.pk, "reason": "已全部履行判决，请核查"}, token=token)
    assert response.status_code == 201, response.content
    html = client.get(f"/subjects/{demo_uscc(6)}").content.decode()
    assert "名单认定异议" in html and "异议处理中，措施暂停" in html
    body = api.get(f"/reports/{demo_uscc(6)}", format="json").json()
    assert body["objections_pending"][0]["about"] == "名单认定"
    assert body["list_entries"][0]["under_objection"] is True


def test_favicon(client, db):
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"] == "/static/site/favicon.svg"


def test_monthly_list_of_subjects_with_no_bad_record(client, loaded):
    assert "尚未公布" in client.get("/lists/clean").content.decode()
    publish_clean_record_list(today=clock.today())
    html = client.get("/lists/clean").content.decode()
    assert "无不良信用记录主体名单" in html and "九江庐山湖物流有限公司" in html and "共 2 个主体" in html
    assert "九江浔阳建筑工程有限公司" not in html  # a court defaulter
    assert 'aria-current="page">无不良信用记录主体' in html
    assert client.get("/lists/clean", {"month": "1999-01"}).status_code == 404
    assert client.get("/lists/clean", {"month": "July"}).status_code == 422
