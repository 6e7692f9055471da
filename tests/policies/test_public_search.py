"""The portal's search of the measures, without an account: by industry, size and keyword,
each measure's plain summary (what you get, who qualifies) before its full text; a withdrawn
measure is not listed."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from civicdesk.policies.actions import withdraw_policy
from tests.console.helpers import text
from tests.policies.conftest import measure
from tests.world import World

pytestmark = pytest.mark.django_db


@pytest.fixture
def library(w: World) -> None:
    measure(w, "RC-A", title="制造业技术改造奖补", industries=["C"], benefit="按设备投资额8%奖补。")
    measure(w, "RC-B", title="小微企业吸纳就业补贴", sizes=["micro", "small"])
    measure(w, "RC-C", title="住宿餐饮消费券", industries=["H"], sizes=["medium", "large"])
    gone = measure(w, "RC-D", title="已废止的旧补贴")
    withdraw_policy(gone, actor=w.dispatcher, reason="已到期")


def _titles(page: str) -> list[str]:
    return re.findall(r'<h2 class="h6"><a href="/portal/policies/[^"]+">([^<]+)</a>', page)


def test_anyone_finds_measures_by_industry_size_and_keyword(library: None) -> None:
    client = Client()

    assert sorted(_titles(text(client.get("/portal/policies/")))) == sorted(
        ["制造业技术改造奖补", "小微企业吸纳就业补贴", "住宿餐饮消费券"]
    )
    # A measure that names no industry applies to every industry.
    assert sorted(_titles(text(client.get("/portal/policies/?industry=C")))) == sorted(
        ["小微企业吸纳就业补贴", "制造业技术改造奖补"]
    )
    assert _titles(text(client.get("/portal/policies/?industry=H&size=small"))) == ["小微企业吸纳就业补贴"]
    assert _titles(text(client.get("/portal/policies/?q=设备投资"))) == ["制造业技术改造奖补"]


def test_a_measure_shows_its_plain_summary_before_the_full_text(w: World, library: None) -> None:
    measure(
        w,
        "RC-A",
        title="制造业技术改造奖补",
        industries=["C"],
        benefit="按设备投资额8%奖补。",
        full_text="第一条 为推动……",
    )

    page = text(Client().get("/portal/policies/RC-A"))

    assert page.index("按设备投资额8%奖补。") < page.index("谁可以申请") < page.index("第一条 为推动")
    assert "制造业" in page  # the condition in words


def test_a_withdrawn_measure_is_not_public(library: None) -> None:
    assert Client().get("/portal/policies/RC-D").status_code == 404
