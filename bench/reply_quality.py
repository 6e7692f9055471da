"""How well do the reply checks (civicdesk.text.replycheck) agree with people's judgement?

Run:  .venv/bin/python bench/reply_quality.py [--data ../shared/data/tipdm2020_c_smart_gov]

On 附件4 of the Teddy Cup 2020 C problem (2,816 real message–reply pairs of a provincial
问政 platform), every reply goes through the product's checks with the message (主题 + 详情)
as the request. 附件4 has no 办理结果 field, so the contradiction check (which compares the
marked result with the text) has nothing to compare and is not measured here; timeliness is
measured against a deadline of 15 calendar days after the message (the Guangdong rule for
complaints, 15 working days, is longer; the platform gives none), and is a date comparison
that needs no labels.

Three sets of labels, none made by the organiser:
- 可解释性 (0/1) on all 2,816 rows by the team Syucryingstar (weak labels, look rule-assisted);
- 完整性指标 and 可解释性指标 on 100 rows by the team Rollbear-bot;
- bench/data/reply_quality_labels_50.csv: 50 replies read and labelled for this benchmark
  (25 drawn at random from the shortest quarter of replies, 25 from the rest, seed 2026):
  relevance_bad (does not address the matter raised), incomplete (no account of what was
  done and its outcome, or no answer to the question), tone_bad (pushes the caller away).

For each check, "flagged" is the prediction of a problem; precision and recall are those of
the problem class (label 0 of 完整性/可解释性, label 1 of the 50).
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import openpyxl  # noqa: E402

from civicdesk.text.replycheck import ReplyQuality, check_reply  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "tipdm2020_c_smart_gov"
MINE = ROOT / "bench" / "data" / "reply_quality_labels_50.csv"
DEADLINE_DAYS = 15


def _clean(value: object) -> str:
    text = "" if value is None else str(value)  # a 0 label is a value, not a blank
    return re.sub(r"\s+", " ", text.replace("_x000D_", " ")).strip()


def _moment(value: object) -> datetime | None:
    text = _clean(value)
    for fmt in ("%Y/%m/%d %H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y-%m-%d"):
        try:
            # The platform's local times, compared only with each other.
            return datetime.strptime(text, fmt)  # noqa: DTZ007
        except ValueError:
            continue
    return None


def _rows(path: Path) -> list[dict[str, str]]:
    sheet = openpyxl.load_workbook(path, read_only=True).active
    assert sheet is not None
    rows = sheet.iter_rows(values_only=True)
    header = [_clean(h) for h in next(rows)]
    out = []
    for row in rows:
        if row and row[0] is not None:
            out.append({h: row[i] for i, h in enumerate(header) if h})  # type: ignore[misc]
    return out


def _check(row: dict[str, object]) -> ReplyQuality:
    asked, replied = _moment(row["留言时间"]), _moment(row["答复时间"])
    due = asked + timedelta(days=DEADLINE_DAYS) if asked else None
    return check_reply(
        request=f"{_clean(row['留言主题'])} {_clean(row['留言详情'])}",
        reply=_clean(row["答复意见"]),
        result="",
        replied_at=replied,
        due_at=due,
    )


def _score(flags: Sequence[bool], truth: Sequence[bool]) -> str:
    tp = sum(f and t for f, t in zip(flags, truth, strict=True))
    fp = sum(f and not t for f, t in zip(flags, truth, strict=True))
    fn = sum(t and not f for f, t in zip(flags, truth, strict=True))
    tn = len(flags) - tp - fp - fn
    precision = tp / (tp + fp) if tp + fp else float("nan")
    recall = tp / (tp + fn) if tp + fn else float("nan")
    n = len(flags)
    accuracy = (tp + tn) / n if n else float("nan")
    # Cohen's kappa: agreement beyond what the two base rates give by chance.
    expected = ((tp + fp) * (tp + fn) + (fn + tn) * (fp + tn)) / (n * n) if n else 0
    kappa = (accuracy - expected) / (1 - expected) if expected < 1 else float("nan")
    return (
        f"precision {precision:.2f}  recall {recall:.2f}  agreement {accuracy:.2f}  kappa {kappa:+.2f}"
        f"  (tp {tp}, fp {fp}, fn {fn}, tn {tn}; problems {tp + fn}/{n})"
    )


# How each check (or combination) predicts a problem.
PREDICTORS: dict[str, Callable[[ReplyQuality], bool]] = {
    "relevance": lambda q: q.failed("relevance"),
    "completeness (flagged: done or result missing)": lambda q: q.failed("completeness"),
    "completeness (any of the four parts missing)": lambda q: len(q.parts) < 4,
    "completeness (basis missing)": lambda q: "basis" not in q.parts,
    "tone": lambda q: q.failed("tone"),
    "any check but timeliness": lambda q: any(f.check != "timeliness" for f in q.findings),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    args = parser.parse_args()
    weak_path = args.data / "附件4_可解释性标注_Syucryingstar.xlsx"
    hundred_path = args.data / "附件4_完整性可解释性标注100_Rollbear-bot.xlsx"
    if not weak_path.exists():
        sys.exit(f"{weak_path} is missing: the benchmark needs the Teddy Cup 2020 C data (see its SOURCE.md)")

    weak = _rows(weak_path)
    checked = {_clean(r["留言编号"]): _check(r) for r in weak}
    print(f"附件4 pairs checked: {len(checked)}")
    counts = {
        c: sum(q.failed(c) for q in checked.values()) for c in ("relevance", "completeness", "tone", "timeliness")
    }
    flagged = sum(q.flagged for q in checked.values())
    print(f"flagged by any check: {flagged} ({flagged / len(checked):.1%}); by check: {counts}")

    print("\n== 可解释性 weak labels (Syucryingstar, 2,816 rows; problem = 0) ==")
    truth = [_clean(r["可解释性"]) == "0" for r in weak]
    for name, predict in PREDICTORS.items():
        print(f"  {name:40s} {_score([predict(checked[_clean(r['留言编号'])]) for r in weak], truth)}")

    # Only 100 rows carry labels (0 is a label, not a blank).
    hundred = [r for r in _rows(hundred_path) if _clean(r.get("完整性指标")) in ("0", "1")]
    print(f"\n== 100-row set (Rollbear-bot, {len(hundred)} labelled rows; problem = 0) ==")
    for column in ("完整性指标", "可解释性指标"):
        truth = [_clean(r[column]) == "0" for r in hundred]
        print(f"  {column}")
        for name, predict in PREDICTORS.items():
            print(f"    {name:38s} {_score([predict(checked[_clean(r['留言编号'])]) for r in hundred], truth)}")

    with MINE.open(encoding="utf-8") as handle:
        mine = list(csv.DictReader(handle))
    print(f"\n== 50 replies labelled for this benchmark ({MINE.relative_to(ROOT)}; problem = 1) ==")
    cases = [
        ("relevance", "relevance_bad", PREDICTORS["relevance"]),
        ("completeness (flagged)", "incomplete", PREDICTORS["completeness (flagged: done or result missing)"]),
        (
            "completeness (any of the four missing)",
            "incomplete",
            PREDICTORS["completeness (any of the four parts missing)"],
        ),
        ("tone", "tone_bad", PREDICTORS["tone"]),
    ]
    for name, column, predict in cases:
        truth = [r[column] == "1" for r in mine]
        print(f"  {name:40s} {_score([predict(checked[r['留言编号']]) for r in mine], truth)}")
    late = sum(q.failed("timeliness") for q in checked.values())
    print(f"\ntimeliness: {late} of {len(checked)} replies came more than {DEADLINE_DAYS} days after the message")


if __name__ == "__main__":
    main()
