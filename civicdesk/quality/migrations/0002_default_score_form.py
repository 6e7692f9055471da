"""The default scoring form for every hub without its own (GB/T 33358's points of a good call:
greeting, listening, an accurate record, the right dispatch or answer, courtesy), and the
default sampling rule (5 % per operator and week, every complaint and unsatisfied callback).
Both are edited in the admin."""

from typing import Any

from django.db import migrations

ITEMS = [
    ("问候语规范", 15, "开头报工号、问候，结尾致谢", [("未使用标准开头语", 5), ("未报工号", 5), ("未使用结束语", 5)]),
    ("耐心倾听", 20, "不打断来电人，复述确认诉求", [("打断来电人", 8), ("未复述确认诉求", 6), ("长时间静音无解释", 6)]),
    (
        "记录准确",
        25,
        "时间、地点、诉求、联系方式记录完整准确",
        [("诉求记录不完整", 10), ("地址记录错误", 8), ("分类选择错误", 7)],
    ),
    (
        "派单或答复正确",
        25,
        "能即时答复的即时答复，派单单位正确",
        [("可即时答复却派单", 10), ("派单单位错误", 10), ("答复口径错误", 10)],
    ),
    ("礼貌用语", 15, "语气平和，使用文明用语", [("语气生硬", 8), ("使用不文明用语", 15), ("推诿来电人", 10)]),
]


def create(apps: Any, schema_editor: Any) -> None:
    db = schema_editor.connection.alias
    ScoreForm = apps.get_model("quality", "ScoreForm")
    ScoreItem = apps.get_model("quality", "ScoreItem")
    DeductionReason = apps.get_model("quality", "DeductionReason")
    SamplingRule = apps.get_model("quality", "SamplingRule")
    if ScoreForm.objects.using(db).exists():
        return
    form = ScoreForm.objects.using(db).create(name="热线来电质检评分表", active=True)
    for position, (name, points, guidance, reasons) in enumerate(ITEMS):
        item = ScoreItem.objects.using(db).create(
            form=form, position=position, name=name, points=points, guidance=guidance
        )
        for text, deduct in reasons:
            DeductionReason.objects.using(db).create(item=item, text=text, points=deduct)
    SamplingRule.objects.using(db).get_or_create(hub=None, defaults={"percent": 5, "minimum": 1})


class Migration(migrations.Migration):
    dependencies = [("quality", "0001_quality_inspection")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
