"""Enterprise.full_clean(): the credit code with its reason, phones, industry, size."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from civicdesk.catalogue.models import Area, AreaKind
from civicdesk.enterprises.models import Enterprise, EnterpriseSize, Industry
from tests.enterprises.helpers import HUAWEI, code, corrupt_check

pytestmark = pytest.mark.django_db


def _errors(enterprise: Enterprise) -> dict[str, list[ValidationError]]:
    with pytest.raises(ValidationError) as caught:
        enterprise.full_clean()
    return caught.value.error_dict


def test_a_valid_enterprise_is_normalised_and_saved() -> None:
    area = Area.objects.create(name="宁津街道", code="371082-ningjin", kind=AreaKind.TOWN)
    enterprise = Enterprise(
        name=" 荣成市海洋食品有限公司 ",
        credit_code=code(1).lower(),
        address="荣成市宁津街道",
        area=area,
        industry=Industry.C,
        size=EnterpriseSize.SMALL,
        contact_name="王海",
        contact_phone="+86 138 0013 8000",
    )
    enterprise.full_clean()
    enterprise.save()
    enterprise.refresh_from_db()
    assert enterprise.name == "荣成市海洋食品有限公司"
    assert enterprise.credit_code == code(1)
    assert enterprise.contact_phone == "13800138000"
    assert enterprise.active is True
    assert enterprise.created_at is not None
    assert enterprise.get_industry_display() == "制造业"
    assert enterprise.get_size_display() == "小型"
    assert list(area.enterprises.all()) == [enterprise]


def test_full_width_code_with_spaces_is_accepted() -> None:
    enterprise = Enterprise(name="华为技术有限公司", credit_code="９１４４ ０３００ １９２２ ０３８２ １６")
    enterprise.full_clean()
    assert enterprise.credit_code == HUAWEI


@pytest.mark.parametrize(
    ("raw", "reason", "words"),
    [
        (corrupt_check(HUAWEI), "check_digit", "校验位错误"),
        (HUAWEI[:16] + "3" + HUAWEI[17], "org_check", "组织机构代码"),
        (HUAWEI[:-1], "length", "应为18位"),
        (HUAWEI[:-1] + "I", "character", "不合法"),
        ("", "empty", "为空"),
    ],
)
def test_a_bad_credit_code_is_refused_with_its_reason(raw: str, reason: str, words: str) -> None:
    errors = _errors(Enterprise(name="某公司", credit_code=raw))
    assert list(errors) == ["credit_code"]
    (error,) = errors["credit_code"]
    assert error.code == reason
    assert words in error.messages[0]


def test_missing_name_is_refused() -> None:
    errors = _errors(Enterprise(name="   ", credit_code=code(2)))
    assert list(errors) == ["name"]


@pytest.mark.parametrize("phone", ["0631-7561234", "06317561234", "7561234", "400-810-8888", "13906310000", ""])
def test_good_phones(phone: str) -> None:
    Enterprise(name="某公司", credit_code=code(3), contact_phone=phone).full_clean()


@pytest.mark.parametrize("phone", ["1390631000", "12345", "abc", "23906310000", "0631-756"])
def test_bad_phones(phone: str) -> None:
    errors = _errors(Enterprise(name="某公司", credit_code=code(3), contact_phone=phone))
    assert list(errors) == ["contact_phone"]
    assert "格式不正确" in errors["contact_phone"][0].messages[0]


def test_unknown_industry_and_size_are_refused() -> None:
    errors = _errors(Enterprise(name="某公司", credit_code=code(4), industry="Z", size="huge"))
    assert set(errors) == {"industry", "size"}


def test_all_twenty_industry_sections_have_chinese_names() -> None:
    assert [value for value, _ in Industry.choices] == list("ABCDEFGHIJKLMNOPQRST")
    assert dict(Industry.choices)["I"] == "信息传输、软件和信息技术服务业"
    assert dict(Industry.choices)["T"] == "国际组织"
    assert [str(label) for _, label in EnterpriseSize.choices] == ["微型", "小型", "中型", "大型"]


def test_the_credit_code_is_unique_also_when_typed_differently() -> None:
    Enterprise.objects.create(name="甲", credit_code=code(5))
    with pytest.raises(IntegrityError):
        Enterprise.objects.create(name="乙", credit_code=f" {code(5).lower()} ")
