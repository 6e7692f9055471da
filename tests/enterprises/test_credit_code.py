"""GB 32100-2015 unified social credit codes: check characters, reasons, normalisation."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from civicdesk.lib import creditcode
from civicdesk.lib.creditcode import ALPHABET, VALUES, WEIGHTS, Reason
from tests.enterprises.helpers import REAL_CODES, code

# ---------------------------------------------------------------- the standard's numbers


def test_alphabet_and_weights_are_those_of_the_standard() -> None:
    assert ALPHABET == "0123456789ABCDEFGHJKLMNPQRTUWXY"
    assert len(ALPHABET) == 31
    assert not set("IOZSV") & set(ALPHABET)
    assert WEIGHTS == (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def test_the_worked_example_of_the_standard() -> None:
    # GB 32100-2015: for 91350100M000100Y4? the weighted sum is 1640, 1640 mod 31 = 28,
    # 31 − 28 = 3, so 91350100M000100Y4Z is wrong and 91350100M000100Y43 right. (Z is not
    # even in the alphabet, so that is the first thing wrong with it.)
    first17 = "91350100M000100Y4"
    assert sum(VALUES[c] * w for c, w in zip(first17, WEIGHTS, strict=True)) == 1640
    assert creditcode.check_character(first17) == "3"
    assert creditcode.validate("91350100M000100Y4Z").reason is Reason.CHARACTER
    verdict = creditcode.validate("91350100M000100Y4A")
    assert verdict.reason is Reason.CHECK_DIGIT
    assert "应为“3”" in verdict.message
    assert creditcode.is_valid("91350100M000100Y43")


def test_a_remainder_of_zero_gives_check_character_zero() -> None:
    # Σ ≡ 0 (mod 31) → 31 − 0 = 31, written 0: find such a prefix and check.
    for n in range(10_000):
        first17 = f"91371082{n:08d}"
        first17 += creditcode.org_check_character(first17[8:16])
        if sum(VALUES[c] * w for c, w in zip(first17, WEIGHTS, strict=True)) % 31 == 0:
            assert creditcode.check_character(first17) == "0"
            return
    pytest.fail("no prefix with Σ ≡ 0 (mod 31) found")


def test_organisation_code_check_of_gb_11714() -> None:
    # Weights 3 7 9 10 5 8 4 2, C9 = 11 − Σ mod 11, 10 → X, 11 → 0.
    assert creditcode.org_check_character("19220382") == "1"  # Huawei 19220382-1
    assert creditcode.org_check_character("71526726") == "X"  # Tencent 71526726-X
    assert creditcode.org_check_character("10000134") == "2"  # Bank of China 10000134-2
    assert creditcode.org_check_character("M000100Y") == "4"  # the standard's example
    # Σ ≡ 0 (mod 11) → 11 → written 0.
    assert creditcode.org_check_character("00000000") == "0"


# ---------------------------------------------------------------- real codes


@pytest.mark.parametrize("real", REAL_CODES)
def test_published_codes_are_valid(real: str) -> None:
    verdict = creditcode.validate(real)
    assert verdict.ok, verdict.message
    assert verdict.code == real


@pytest.mark.parametrize("real", REAL_CODES)
def test_every_single_character_change_of_a_published_code_is_rejected(real: str) -> None:
    for position in range(18):
        for char in ALPHABET:
            if char == real[position]:
                continue
            changed = real[:position] + char + real[position + 1 :]
            verdict = creditcode.validate(changed)
            assert not verdict.ok, f"{changed} (position {position + 1} → {char}) was accepted"


def test_a_code_that_is_often_quoted_but_fails_the_organisation_check() -> None:
    # 91110000100006410D circulates as an example; its organisation code 10000641-0 has the
    # check character 8 under GB 11714, so it is not a valid code.
    verdict = creditcode.validate("91110000100006410D")
    assert verdict.reason is Reason.ORG_CHECK
    assert "应为“8”" in verdict.message


# ---------------------------------------------------------------- reasons


@pytest.mark.parametrize(
    ("raw", "reason", "words"),
    [
        ("", Reason.EMPTY, "为空"),
        ("   ", Reason.EMPTY, "为空"),
        ("91440300192203821", Reason.LENGTH, "实为17位"),
        ("9144030019220382166", Reason.LENGTH, "实为19位"),
        ("91440300192203821I", Reason.CHARACTER, "第18位字符“I”"),
        ("9144O3001922038216", Reason.CHARACTER, "不使用I、O、Z、S、V"),
        ("914403001922038S16", Reason.CHARACTER, "第16位"),
        ("91440300192203821#", Reason.CHARACTER, "“#”"),
        ("9144A3001922038216", Reason.DIVISION, "行政区划码"),
        ("914403001922038316", Reason.ORG_CHECK, "组织机构代码"),
        ("914403001922038217", Reason.CHECK_DIGIT, "第18位应为“6”，实为“7”"),
    ],
)
def test_each_failure_has_its_reason(raw: str, reason: Reason, words: str) -> None:
    verdict = creditcode.validate(raw)
    assert not verdict.ok
    assert verdict.reason is reason
    assert words in verdict.message


def test_clean_raises_with_the_verdict() -> None:
    with pytest.raises(creditcode.CreditCodeError) as caught:
        creditcode.clean("914403001922038217")
    assert caught.value.reason is Reason.CHECK_DIGIT
    assert "校验位" in str(caught.value)
    assert creditcode.clean(" 9144 0300 1922 0382 16 ") == "914403001922038216"


# ---------------------------------------------------------------- normalisation


@pytest.mark.parametrize(
    "raw",
    [
        "9144030071526726xg",  # lower case
        " 9144030071526726XG\t",  # surrounding blanks
        "914403 0071526726 XG",  # inner spaces
        "９１４４０３００７１５２６７２６ＸＧ",  # full-width digits and letters
        "９１４４０３００７１５２６７２６ｘｇ",  # full-width lower case
        "9144030071526726XG\u3000",  # ideographic space
    ],
)
def test_input_is_normalised(raw: str) -> None:
    verdict = creditcode.validate(raw)
    assert verdict.ok, verdict.message
    assert verdict.code == "9144030071526726XG"


def test_describe_names_the_parts() -> None:
    assert creditcode.describe("914403001922038216") == {
        "authority": "工商",
        "kind": "企业",
        "division": "440300",
        "organisation_code": "19220382-1",
    }


# ---------------------------------------------------------------- property


_body = st.text(alphabet=ALPHABET, min_size=8, max_size=8)
_division = st.text(alphabet="0123456789", min_size=6, max_size=6)
valid_codes = st.builds(creditcode.build, st.sampled_from(ALPHABET), st.sampled_from(ALPHABET), _division, _body)


@given(valid_codes)
def test_built_codes_are_valid(built: str) -> None:
    assert creditcode.validate(built).ok


@given(valid_codes, st.integers(min_value=0, max_value=17), st.sampled_from(ALPHABET))
def test_changing_any_one_character_to_another_legal_one_is_rejected(built: str, position: int, char: str) -> None:
    if built[position] == char:
        char = ALPHABET[(VALUES[char] + 1) % 31]
    changed = built[:position] + char + built[position + 1 :]
    verdict = creditcode.validate(changed)
    assert not verdict.ok
    assert verdict.reason in {Reason.DIVISION, Reason.ORG_CHECK, Reason.CHECK_DIGIT}


def test_the_made_up_codes_of_the_tests_are_valid_and_distinct() -> None:
    codes = {code(n) for n in range(50)}
    assert len(codes) == 50
    assert all(creditcode.is_valid(c) for c in codes)
