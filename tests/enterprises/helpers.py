"""Shared helpers of the enterprise register tests: valid codes and workbooks built here."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook

from civicdesk.enterprises.excel import COLUMNS
from civicdesk.lib import creditcode

RONGCHENG = "371082"  # 荣成市, GB/T 2260

# Published codes, each also checked here by both check characters (see test_credit_code).
HUAWEI = "914403001922038216"  # 华为技术有限公司 (Wikipedia infobox)
BANK_OF_CHINA = "911000001000013428"  # 中国银行股份有限公司 (serialNumber of the www.boc.cn EV certificate)
TENCENT = "9144030071526726XG"  # 腾讯科技（深圳）有限公司
AVIC_HEAVY = "91520000214434146R"  # 中航重机股份有限公司
STANDARD_EXAMPLE = "91350100M000100Y43"  # GB 32100-2015 worked example (91350100M000100Y4Z → 3)
REAL_CODES = (HUAWEI, BANK_OF_CHINA, TENCENT, AVIC_HEAVY, STANDARD_EXAMPLE)


def code(n: int, authority: str = "9", kind: str = "1", division: str = RONGCHENG) -> str:
    """The n-th made-up but valid code of Rongcheng (both check characters computed)."""
    return creditcode.build(authority, kind, division, f"MA{n:06d}")


def corrupt_check(valid: str) -> str:
    """The same code with a wrong 18th character (and everything else intact)."""
    wrong = next(char for char in creditcode.ALPHABET if char != valid[17])
    return valid[:17] + wrong


def write_xlsx(
    path: Path, rows: Sequence[Sequence[object]], header: Sequence[str] = COLUMNS, *, title_rows: int = 0
) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for _ in range(title_rows):
        sheet.append(["荣成市涉企服务企业名录"])
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    workbook.save(path)
    return path
