"""Demo data of smart dispatch: aliases for 青岚市's areas, a first model version trained
from the demo's closed orders, and auto-dispatch switched on for two clear-cut categories
with a high threshold. Idempotent: a second run adds nothing."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils import timezone

from civicdesk.catalogue.models import Area, Category
from civicdesk.routing import training
from civicdesk.routing.models import AutoDispatchSetting, ModelVersion, VersionStatus

# Names people use for the areas besides the official ones (the towns' short names come
# with the city itself). Only names that cannot be read as something else.
ALIASES: dict[str, str] = {
    "a-cg": "老城区 城关街道办",
    "a-ng": "南港区 南港街道办",
    "a-sd": "石岛镇区 石岛管区",
    "a-dw": "大王庄镇政府",
    "a-cg-1": "文化路",
    "a-xh-3": "荷花池",
    "a-ty-2": "李家庄",
    "a-ty-3": "前王家",
    "a-lq-2": "泉水头",
    "a-bs-3": "孙家疃",
    "a-lh-3": "张家店",
}
THRESHOLD = 0.95
# Used when the trained version has too few held-back orders to pick categories by figures.
FALLBACK_LEAVES = ("公积金提取", "停电")


def _add_aliases() -> int:
    changed = 0
    for code, words in ALIASES.items():
        area = Area.objects.filter(code=code).first()
        if area is None:
            continue
        present = set((area.aliases or "").split())
        missing = [w for w in words.split() if w not in present]
        if missing:
            area.aliases = " ".join([*(area.aliases or "").split(), *missing])[:255]
            area.save(update_fields=["aliases"])
            changed += 1
    return changed


def _clear_cut(version: ModelVersion, count: int = 2) -> list[Category]:
    """Leaf categories whose unit the model got right on every held-back order (at least 8)."""
    rows = [
        (int(key), figures)
        for key, figures in version.per_category().items()
        if figures.get("n", 0) >= 8 and figures.get("unit_accuracy_given_category", 0) >= 0.999
    ]
    rows.sort(key=lambda kv: (-kv[1]["n"], kv[0]))
    leaves = Category.objects.filter(pk__in=[k for k, _f in rows], children__isnull=True)
    by_id = {c.pk: c for c in leaves}
    chosen = [by_id[k] for k, _f in rows if k in by_id][:count]
    if len(chosen) < count:
        chosen += [c for c in Category.objects.filter(name__in=FALLBACK_LEAVES) if c not in chosen]
    return chosen[:count]


def seed(city: Any, now: datetime) -> list[str]:
    lines = []
    changed = _add_aliases()
    if changed:
        lines.append(f"智能派单：{changed} 个区域补充了别名")
    version = ModelVersion.objects.filter(status=VersionStatus.READY).order_by("-number").first()
    if version is None and ModelVersion.objects.filter(trigger="demo").exists():
        return lines  # the demo tried once already (too few closed orders)
    if version is None:
        version = training.train_version(training.new_version(trigger="demo").pk)
        if version.status != VersionStatus.READY:
            lines.append(f"智能派单：模型训练未完成（{version.decision}）")
            return lines
        lines.append(
            f"智能派单：训练模型 v{version.number}（{version.train_size} 件训练、{version.holdout_size} 件留出，"
            f"分类准确率 {version.category_accuracy or 0:.1%}，单位准确率 {version.unit_accuracy or 0:.1%}，"
            f"已知分类时 {version.unit_accuracy_given_category or 0:.1%}，{version.seconds or 0:.0f} 秒）"
        )
        if not version.active:
            lines.append(f"智能派单：v{version.number} {version.decision}")
    if not AutoDispatchSetting.objects.exists():
        for category in _clear_cut(version):
            AutoDispatchSetting.objects.create(
                category=category, enabled=True, threshold=THRESHOLD, updated_at=timezone.now()
            )
            lines.append(f"智能派单：“{category.full_name()}”开启自动派单（阈值 {THRESHOLD}）")
    return lines
