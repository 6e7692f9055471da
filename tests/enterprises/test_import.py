"""import_enterprises(): good rows saved, bad rows reported with row and reason, idempotent."""

from __future__ import annotations

from pathlib import Path

import pytest

from civicdesk.enterprises.excel import ImportFileError, ImportReport, import_enterprises
from civicdesk.enterprises.models import Enterprise, Industry
from tests.enterprises.helpers import HUAWEI, code, corrupt_check, write_xlsx

pytestmark = pytest.mark.django_db


def _reasons(report: ImportReport) -> dict[int, str]:
    return {rejected.row: rejected.reason for rejected in report.rejected}


def test_good_rows_are_imported(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "good.xlsx",
        [
            ["荣成市海洋食品有限公司", code(1), "荣成市宁津街道", "制造业", "王海", "13800138000"],
            ["荣成市石岛渔港物流有限公司", code(2), "荣成市石岛管理区", "G", "李娜", "0631-7561234"],
            ["华为技术有限公司", HUAWEI, "深圳市龙岗区", "I 信息传输、软件和信息技术服务业", "", ""],
        ],
    )
    report = import_enterprises(path)
    assert (report.created, report.updated, report.unchanged, report.rejected) == (3, 0, 0, [])
    assert report.summary() == "imported 3, rejected 0"
    food = Enterprise.objects.get(credit_code=code(1))
    assert (food.name, food.address, food.industry, food.contact_name, food.contact_phone) == (
        "荣成市海洋食品有限公司",
        "荣成市宁津街道",
        Industry.C,
        "王海",
        "13800138000",
    )
    assert Enterprise.objects.get(credit_code=code(2)).industry == Industry.G
    assert Enterprise.objects.get(credit_code=HUAWEI).industry == Industry.I


def test_bad_rows_are_reported_with_row_number_and_reason(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "mixed.xlsx",
        [
            ["好企业", code(1), "", "", "", ""],  # row 2
            ["校验位错企业", corrupt_check(code(2)), "", "", "", ""],  # row 3
            ["", code(3), "", "", "", ""],  # row 4: no name
            ["重复企业", code(1).lower(), "", "", "", ""],  # row 5: same code as row 2
            ["电话错企业", code(4), "", "", "", "12345"],  # row 6
            ["行业错企业", code(5), "", "外星业", "", ""],  # row 7
            ["短代码企业", code(6)[:10], "", "", "", ""],  # row 8
            ["另一个好企业", code(7), "", "", "", ""],  # row 9
        ],
    )
    report = import_enterprises(path)
    assert report.created == 2
    reasons = _reasons(report)
    assert sorted(reasons) == [3, 4, 5, 6, 7, 8]
    assert "校验位错误" in reasons[3]
    assert "企业名称不能为空" in reasons[4]
    assert "与第2行重复" in reasons[5]
    assert "联系电话" in reasons[6]
    assert "行业" in reasons[7]
    assert "应为18位" in reasons[8]
    assert set(Enterprise.objects.values_list("name", flat=True)) == {"好企业", "另一个好企业"}
    assert report.summary() == "imported 2, rejected 6"


def test_a_second_import_updates_by_credit_code(tmp_path: Path) -> None:
    first = write_xlsx(
        tmp_path / "first.xlsx",
        [
            ["荣成市海洋食品有限公司", code(1), "荣成市宁津街道", "制造业", "王海", "13800138000"],
            ["荣成市石岛渔港物流有限公司", code(2), "荣成市石岛管理区", "G", "李娜", "0631-7561234"],
        ],
    )
    assert import_enterprises(first).created == 2
    created_at = Enterprise.objects.get(credit_code=code(1)).created_at

    again = import_enterprises(first)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2), "the same file changes nothing"

    second = write_xlsx(
        tmp_path / "second.xlsx",
        [
            ["荣成市海洋食品股份有限公司", code(1), "荣成市宁津街道东山路1号", "制造业", "张伟", "13900139000"],
            ["荣成市新能源有限公司", code(3), "", "D", "", ""],
        ],
    )
    report = import_enterprises(second)
    assert (report.created, report.updated, report.unchanged) == (1, 1, 0)
    assert report.summary() == "imported 2, rejected 0"
    assert Enterprise.objects.count() == 3
    food = Enterprise.objects.get(credit_code=code(1))
    assert (food.name, food.address, food.contact_name, food.contact_phone) == (
        "荣成市海洋食品股份有限公司",
        "荣成市宁津街道东山路1号",
        "张伟",
        "13900139000",
    )
    assert food.created_at == created_at


def test_columns_absent_from_the_file_are_left_alone(tmp_path: Path) -> None:
    Enterprise.objects.create(name="旧名", credit_code=code(1), address="旧地址", contact_phone="13800138000")
    path = write_xlsx(tmp_path / "names.xlsx", [["新名", code(1)]], header=["企业名称", "统一社会信用代码"])
    report = import_enterprises(path)
    assert report.updated == 1
    enterprise = Enterprise.objects.get()
    assert (enterprise.name, enterprise.address, enterprise.contact_phone) == ("新名", "旧地址", "13800138000")


def test_header_may_follow_a_title_row_and_columns_come_in_any_order(tmp_path: Path) -> None:
    header = ["联系电话", "统一社会信用代码", "企业名称", "序号"]
    path = write_xlsx(tmp_path / "titled.xlsx", [["13800138000", code(1), "甲公司", 1]], header=header, title_rows=2)
    report = import_enterprises(path)
    assert report.created == 1
    assert Enterprise.objects.get().contact_phone == "13800138000"


def test_blank_rows_are_skipped_and_numbers_read_as_text(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "blank.xlsx",
        [
            ["甲公司", code(1), "", "", "", 13800138000],
            [None, None, None, None, None, None],
            ["乙公司", code(2), "", "", "", ""],
        ],
    )
    report = import_enterprises(path)
    assert (report.created, report.rejected) == (2, [])
    assert Enterprise.objects.get(credit_code=code(1)).contact_phone == "13800138000"


def test_a_code_that_excel_turned_into_a_number_is_explained(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "float.xlsx", [["中国银行股份有限公司", float("911000001000013428")]])
    report = import_enterprises(path)
    (rejected,) = report.rejected
    assert "设为文本" in rejected.reason


def test_an_unreadable_file_imports_nothing(tmp_path: Path) -> None:
    path = tmp_path / "not-excel.xlsx"
    path.write_text("企业名称,统一社会信用代码\n甲公司," + code(1), encoding="utf-8")
    with pytest.raises(ImportFileError, match="无法读取"):
        import_enterprises(path)
    with pytest.raises(ImportFileError, match="不存在"):
        import_enterprises(tmp_path / "missing.xlsx")
    assert not Enterprise.objects.exists()


def test_a_file_without_the_header_imports_nothing(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "noheader.xlsx", [["甲公司", code(1)]], header=["名称", "代码"])
    with pytest.raises(ImportFileError, match="表头"):
        import_enterprises(path)
    assert not Enterprise.objects.exists()


def test_a_binary_file_object_is_accepted(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "stream.xlsx", [["甲公司", code(1)]])
    with path.open("rb") as stream:
        assert import_enterprises(stream).created == 1
