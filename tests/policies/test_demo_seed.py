"""The demo's policy library: a dozen measures of 青岚市, companies of the demo register that
match them (some with conditions to confirm), pushed once — added once."""

from __future__ import annotations

import pytest
from django.utils import timezone

from civicdesk.demo.city import build_city
from civicdesk.enterprises import demo_seed as enterprise_seed
from civicdesk.enterprises.models import Enterprise
from civicdesk.policies.demo_seed import seed
from civicdesk.policies.matching import matches_for
from civicdesk.policies.models import Policy, PolicyPush

pytestmark = pytest.mark.django_db


def test_it_seeds_a_dozen_measures_that_match_demo_companies_once() -> None:
    city = build_city()
    now = timezone.now()
    enterprise_seed.seed(city, now)

    seed(city, now)
    pushes = PolicyPush.objects.count()
    seed(city, now)

    assert Policy.objects.count() == 12 and PolicyPush.objects.count() == pushes > 0
    found = matches_for(Enterprise.objects.all())
    seafood = Enterprise.objects.get(name="青岚海洋食品有限公司")
    titles = {m.policy.title for m in found[seafood.pk]}
    assert "工业企业技术改造设备投资奖补" in titles and "住宿餐饮消费券补贴" not in titles
    assert sum(1 for rows in found.values() if rows) >= 10
    assert any(m.unknown for rows in found.values() for m in rows)
