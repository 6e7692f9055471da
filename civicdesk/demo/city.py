"""The fictional county-level city of 青岚市 (Qinglan): its hub, towns, departments,
areas, categories, dispatch catalogue and staff accounts. Every name is invented."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

from django.contrib.auth.hashers import make_password
from django.db import transaction

from civicdesk.catalogue.models import Area, AreaKind, Category, DispatchRule, Topic
from civicdesk.org.models import Membership, OrgUnit, Role, UnitKind, User
from civicdesk.worktime.models import Stage, TimeLimitPolicy

CITY = "青岚市"
HUB_CODE = "ql-hub"
DEMO_PASSWORD = "qinglan2026"

TOWNS: list[tuple[str, str, list[str]]] = [
    ("cg", "城关街道", ["文化路社区", "府前社区", "南关社区", "新华社区"]),
    ("ds", "东山街道", ["东山社区", "海景社区", "望岳社区"]),
    ("xh", "西湖街道", ["西湖社区", "柳岸社区", "荷花池社区"]),
    ("ng", "南港街道", ["南港社区", "渔港社区", "船厂社区"]),
    ("bl", "北岭街道", ["北岭社区", "松林社区", "石桥社区"]),
    ("sd", "石岛镇", ["石岛村", "马家村", "东岭村", "海头村"]),
    ("ty", "桃园镇", ["桃园村", "李家庄村", "前王家村"]),
    ("qx", "清溪镇", ["清溪村", "上溪村", "下溪村"]),
    ("lq", "龙泉镇", ["龙泉村", "泉水头村", "姜家村"]),
    ("bs", "白沙镇", ["白沙村", "沙窝村", "孙家疃村"]),
    ("qs", "青山镇", ["青山村", "后山村", "刘家村"]),
    ("lh", "柳河镇", ["柳河村", "河西村", "张家店村"]),
    ("wh", "望海镇", ["望海村", "港头村", "于家村"]),
    ("hq", "红旗镇", ["红旗村", "新立村", "曲家村"]),
    ("dw", "大王庄镇", ["大王庄村", "小王庄村", "邹家村"]),
    ("sg", "三官镇", ["三官村", "庙后村", "毕家村"]),
    ("hk", "河口镇", ["河口村", "滩头村", "鲍家村"]),
]

DEPARTMENTS: list[tuple[str, str]] = [
    ("fg", "市发展和改革局"),
    ("jy", "市教育和体育局"),
    ("kj", "市科学技术局"),
    ("gx", "市工业和信息化局"),
    ("ga", "市公安局"),
    ("mz", "市民政局"),
    ("sf", "市司法局"),
    ("cz", "市财政局"),
    ("rs", "市人力资源和社会保障局"),
    ("zr", "市自然资源和规划局"),
    ("hb", "市生态环境分局"),
    ("zj", "市住房和城乡建设局"),
    ("jt", "市交通运输局"),
    ("sw", "市水务局"),
    ("ny", "市农业农村局"),
    ("hy", "市海洋发展局"),
    ("sm", "市商务局"),
    ("wl", "市文化和旅游局"),
    ("wj", "市卫生健康局"),
    ("tj", "市退役军人事务局"),
    ("yj", "市应急管理局"),
    ("sj", "市市场监督管理局"),
    ("yb", "市医疗保障局"),
    ("cg", "市城市管理局"),
    ("sp", "市行政审批服务局"),
    ("xf", "市信访局"),
    ("zf", "市综合行政执法局"),
    ("gjj", "市住房公积金管理中心"),
    ("bdc", "市不动产登记中心"),
    ("sb", "市社会保险事业中心"),
    ("swj", "市税务局"),
    ("xfj", "市消防救援大队"),
    ("jj", "市公安局交通警察大队"),
    ("cl", "市残疾人联合会"),
    ("fl", "市妇女联合会"),
    ("zgh", "市总工会"),
    ("gd", "国网青岚市供电公司"),
    ("zls", "市自来水公司"),
    ("rq", "市燃气公司"),
    ("rd", "市热电公司"),
    ("gj", "市公共交通公司"),
    ("yz", "市邮政分公司"),
    ("ly", "市林业发展中心"),
    ("dx", "市大数据中心"),
]

# level-1 → level-2 → (leaves, unit code or "town" for the town of the area, keywords)
CATEGORIES: dict[str, dict[str, tuple[list[str], str, str]]] = {
    "城乡建设": {
        "市政道路": (["路面破损", "井盖缺失", "人行道损坏", "道路施工扰民"], "zj", "道路 坑洼 井盖 路面"),
        "物业管理": (["物业服务质量", "物业收费", "电梯故障", "小区公共设施"], "zj", "物业 小区 电梯"),
        "房屋建筑": (["房屋质量", "违法建设", "危房排查"], "zf", "违建 房屋 裂缝"),
        "老旧小区改造": (["改造进度", "改造质量"], "zj", "老旧小区 改造"),
    },
    "城市管理": {
        "市容环境": (["占道经营", "乱堆乱放", "户外广告", "流动摊贩"], "cg", "占道 摊贩 广告"),
        "环境卫生": (["垃圾清运", "公厕管理", "道路保洁"], "cg", "垃圾 保洁 公厕"),
        "园林绿化": (["绿化养护", "树木修剪", "公园设施"], "cg", "绿化 树木 公园"),
        "路灯照明": (["路灯不亮", "路灯新增"], "cg", "路灯"),
    },
    "公用事业": {
        "供水": (["停水", "水压不足", "水质问题", "水费"], "zls", "停水 水压 水质 自来水"),
        "供电": (["停电", "电压不稳", "电费", "线路隐患"], "gd", "停电 电压 电线"),
        "燃气": (["燃气停供", "燃气安全", "燃气开户"], "rq", "燃气 天然气 煤气"),
        "供暖": (["暖气不热", "供暖收费", "供暖报修"], "rd", "暖气 供暖 温度"),
    },
    "交通运输": {
        "公交出行": (["公交线路", "公交服务", "站点设置"], "gj", "公交 站点 班次"),
        "出租车网约车": (["拒载绕路", "乱收费"], "jt", "出租车 网约车"),
        "交通秩序": (["违章停车", "信号灯故障", "交通拥堵"], "jj", "停车 信号灯 拥堵"),
        "道路运输": (["客运班线", "农村公路"], "jt", "客运 公路"),
    },
    "生态环境": {
        "大气污染": (["工业废气", "餐饮油烟", "焚烧秸秆"], "hb", "废气 油烟 焚烧 异味"),
        "噪声污染": (["施工噪声", "社会生活噪声", "工业噪声"], "hb", "噪音 噪声 扰民"),
        "水污染": (["河道污染", "污水排放"], "hb", "污水 河道 排放"),
        "固体废物": (["建筑垃圾倾倒", "危险废物"], "hb", "倾倒 废物"),
    },
    "市场监管": {
        "食品安全": (["餐饮卫生", "过期食品", "食品经营许可"], "sj", "食品 过期 餐馆"),
        "消费维权": (["商品质量", "预付卡退费", "价格欺诈", "虚假宣传"], "sj", "退款 质量 价格 预付卡"),
        "特种设备": (["电梯安全", "锅炉压力容器"], "sj", "特种设备"),
        "药品医疗器械": (["药店经营", "医疗器械质量"], "sj", "药店 药品"),
    },
    "劳动和社会保障": {
        "劳动关系": (["拖欠工资", "劳动合同", "工伤认定"], "rs", "工资 欠薪 合同 工伤"),
        "社会保险": (["养老保险", "失业保险", "社保转移"], "sb", "社保 养老 失业"),
        "就业创业": (["就业补贴", "职业培训", "创业担保贷款"], "rs", "就业 培训 补贴"),
        "医疗保障": (["医保报销", "医保参保", "异地就医"], "yb", "医保 报销 参保"),
    },
    "教育体育": {
        "学校管理": (["招生入学", "校园安全", "教育收费"], "jy", "学校 入学 学生"),
        "校外培训": (["培训机构退费", "违规培训"], "jy", "培训机构"),
        "体育设施": (["健身器材", "体育场馆"], "jy", "健身 场馆"),
    },
    "卫生健康": {
        "医疗服务": (["医院服务", "医疗纠纷", "预约挂号"], "wj", "医院 医生 挂号"),
        "疫情防控": (["核酸检测", "隔离管控", "疫苗接种", "防疫物资"], "wj", "疫情 核酸 隔离 疫苗 防控"),
        "公共卫生": (["病媒消杀", "职业健康"], "wj", "消杀 卫生"),
    },
    "农业农村": {
        "农业生产": (["农资质量", "农机补贴", "动物防疫"], "ny", "农资 种子 化肥 农机"),
        "农村管理": (["村务公开", "宅基地", "土地承包"], "town", "村委 宅基地 承包"),
        "海洋渔业": (["渔船管理", "海域使用", "水产养殖"], "hy", "渔船 海域 养殖"),
        "农产品销售": (["滞销求助", "农产品价格"], "sm", "滞销 销售 收购"),
    },
    "民政与社会事务": {
        "社会救助": (["低保申请", "临时救助", "特困供养"], "mz", "低保 救助 困难"),
        "养老服务": (["养老机构", "高龄补贴", "居家养老"], "mz", "养老 老人 补贴"),
        "婚姻殡葬": (["婚姻登记", "殡葬服务"], "mz", "婚姻 殡葬"),
        "残疾人服务": (["残疾证办理", "残疾人补贴"], "cl", "残疾"),
    },
    "政务服务": {
        "行政审批": (["办事效率", "办事材料", "网上办事"], "sp", "审批 办事 材料"),
        "不动产登记": (["不动产证办理", "抵押登记"], "bdc", "房产证 不动产"),
        "公积金": (["公积金提取", "公积金贷款"], "gjj", "公积金"),
        "税务": (["发票开具", "个税申报"], "swj", "发票 个税 纳税"),
        "户籍证件": (["户口迁移", "身份证办理", "居住证"], "ga", "户口 身份证 居住证"),
    },
    "社区治理": {
        "邻里纠纷": (["邻里矛盾", "噪音扰邻", "漏水纠纷"], "town", "邻居 纠纷 楼上"),
        "社区服务": (["社区设施", "便民服务"], "town", "社区"),
        "安全隐患": (["消防通道堵塞", "飞线充电", "高空抛物"], "xfj", "消防 充电 安全"),
    },
}

# Categories (with everything under them) that propose a topic at intake.
TOPIC_CATEGORIES = {"epidemic": ["疫情防控"], "elderly": ["养老服务"]}

TOPICS = [
    ("epidemic", "涉疫", "与疫情防控相关的诉求"),
    ("enterprise", "涉企", "企业提出或与企业经营相关的诉求"),
    ("elderly", "为老服务", "老年人提出或与养老相关的诉求"),
    ("heating", "供暖季", "供暖季期间与供暖相关的诉求"),
]

# Category-specific limits the center decided on (DESIGN §5: outages within 24 hours).
OUTAGE_LEAVES = ["停水", "停电", "燃气停供", "暖气不热"]


@dataclass
class City:
    hub: OrgUnit
    towns: dict[str, OrgUnit]
    villages: dict[str, list[OrgUnit]]
    departments: dict[str, OrgUnit]
    town_areas: dict[str, Area]
    village_areas: dict[str, list[Area]]
    leaves: list[Category]
    topics: dict[str, Topic]
    staff: dict[str, list[User]] = field(default_factory=dict)
    # The prefecture center above the city's (DESIGN §1–§2): it hands orders down to the
    # city's hub and dispatches a few matters to its own bureaus directly.
    prefecture: OrgUnit | None = None
    prefecture_bureaus: dict[str, OrgUnit] = field(default_factory=dict)

    def handlers_of(self, unit: OrgUnit) -> list[User]:
        return self.staff.get(f"unit:{unit.code}", [])

    # The apps' own demo seeds (civicdesk.demo.extras) get the city and make their accounts
    # through it, so they need not import this module.
    password: str = DEMO_PASSWORD

    def add_user(self, username: str, name: str, phone: str, grants: list[tuple[OrgUnit, str]]) -> User:
        """A demo account with the demo password and these (unit, role) memberships."""
        return _user(username, name, phone, grants)


def _unit(code: str, name: str, kind: str, parent: OrgUnit | None, is_hub: bool = False) -> OrgUnit:
    unit, _ = OrgUnit.objects.get_or_create(
        code=code, defaults={"name": name, "kind": kind, "parent": parent, "is_hub": is_hub}
    )
    return unit


def _user(username: str, name: str, phone: str, grants: list[tuple[OrgUnit, str]], **extra: bool) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        # Hashing is deliberately slow; the demo's ~200 accounts share one hash of one password.
        user = User.objects.create(
            username=username, password=_demo_password_hash(), display_name=name, phone=phone, **extra
        )
    for unit, role in grants:
        Membership.objects.get_or_create(user=user, unit=unit, role=role)
    return user


@cache
def _demo_password_hash() -> str:
    return make_password(DEMO_PASSWORD)


@transaction.atomic
def build_city() -> City:
    prefecture = _unit("dz-12345", "东州市12345政务服务便民热线", UnitKind.CENTER, None, is_hub=True)
    city = _unit("ql", "青岚市人民政府", UnitKind.OTHER, prefecture)
    hub = _unit(HUB_CODE, "青岚市社会治理服务中心", UnitKind.CENTER, city, is_hub=True)
    area_city, _ = Area.objects.get_or_create(code="a-ql", defaults={"name": CITY, "kind": AreaKind.CITY})
    towns: dict[str, OrgUnit] = {}
    villages: dict[str, list[OrgUnit]] = {}
    town_areas: dict[str, Area] = {}
    village_areas: dict[str, list[Area]] = {}
    for code, name, village_names in TOWNS:
        kind = UnitKind.TOWN
        town = _unit(f"ql-{code}", f"{name}{'办事处' if name.endswith('街道') else '人民政府'}", kind, hub)
        towns[code] = town
        area, _ = Area.objects.get_or_create(
            code=f"a-{code}",
            defaults={
                "name": name,
                "kind": AreaKind.TOWN,
                "parent": area_city,
                "aliases": name.removesuffix("街道").removesuffix("镇"),
            },
        )
        town_areas[code] = area
        villages[code] = []
        village_areas[code] = []
        for i, village_name in enumerate(village_names, start=1):
            is_village = village_name.endswith("村")
            vkind = UnitKind.VILLAGE
            villages[code].append(
                _unit(
                    f"ql-{code}-{i}",
                    f"{name}{village_name}{'村委会' if is_village else '居委会'}".replace("村村委会", "村村委会"),
                    vkind,
                    town,
                )
            )
            varea, _ = Area.objects.get_or_create(
                code=f"a-{code}-{i}",
                defaults={
                    "name": village_name,
                    "kind": AreaKind.VILLAGE if is_village else AreaKind.COMMUNITY,
                    "parent": area,
                },
            )
            village_areas[code].append(varea)
    departments = {code: _unit(f"ql-d-{code}", name, UnitKind.DEPARTMENT, hub) for code, name in DEPARTMENTS}

    leaves: list[Category] = []
    for i, (level1, children) in enumerate(CATEGORIES.items(), start=1):
        top, _ = Category.objects.get_or_create(code=f"{i:02d}", defaults={"name": level1})
        for j, (level2, (leaf_names, unit_code, keywords)) in enumerate(children.items(), start=1):
            mid, _ = Category.objects.get_or_create(
                code=f"{i:02d}{j:02d}", defaults={"name": level2, "parent": top, "keywords": keywords}
            )
            if unit_code == "town":
                for town_code, town in towns.items():
                    DispatchRule.objects.get_or_create(
                        category=mid, area=town_areas[town_code], defaults={"unit": town}
                    )
            else:
                DispatchRule.objects.get_or_create(category=mid, area=None, defaults={"unit": departments[unit_code]})
            for k, leaf_name in enumerate(leaf_names, start=1):
                leaf, _ = Category.objects.get_or_create(
                    code=f"{i:02d}{j:02d}{k:02d}", defaults={"name": leaf_name, "parent": mid}
                )
                leaves.append(leaf)
    # What no rule covers goes to the town of the area, else to the hub's general office.
    general = _unit("ql-d-office", "市政府办公室（兜底）", UnitKind.DEPARTMENT, hub)
    departments["office"] = general
    if not DispatchRule.objects.filter(category__isnull=True, area__isnull=True).exists():
        DispatchRule.objects.create(category=None, area=None, unit=general, note="目录未覆盖事项")
    for leaf in leaves:
        if leaf.name in OUTAGE_LEAVES:
            TimeLimitPolicy.objects.get_or_create(
                stage=Stage.HANDLE,
                request_type="",
                urgency="",
                category=leaf,
                defaults={"amount": 24, "unit": "calendar_hours"},
            )
    topics = {}
    for code, name, description in TOPICS:
        topics[code], _ = Topic.objects.get_or_create(code=code, defaults={"name": name, "description": description})
        named = TOPIC_CATEGORIES.get(code, [])
        if named and not topics[code].categories.exists():
            topics[code].categories.set(Category.objects.filter(name__in=named, children__isnull=False).distinct())

    result = City(
        hub=hub,
        towns=towns,
        villages=villages,
        departments=departments,
        town_areas=town_areas,
        village_areas=village_areas,
        leaves=leaves,
        topics=topics,
        prefecture=prefecture,
        prefecture_bureaus={
            code: _unit(f"dz-d-{code}", name, UnitKind.DEPARTMENT, prefecture) for code, name in PREFECTURE_BUREAUS
        },
    )
    _staff(result, prefecture)
    return result


ROLE_ACCOUNTS = [
    ("admin", "系统管理员", Role.ADMIN),
    ("operator1", "话务员 李晓梅", Role.OPERATOR),
    ("operator2", "话务员 王丽", Role.OPERATOR),
    ("operator3", "话务员 赵静", Role.OPERATOR),
    ("dispatcher1", "派单员 张建国", Role.DISPATCHER),
    ("dispatcher2", "派单员 刘芳", Role.DISPATCHER),
    ("callback1", "回访员 陈晨", Role.CALLBACK_AGENT),
    ("callback2", "回访员 孙悦", Role.CALLBACK_AGENT),
    ("supervisor1", "督办员 周强", Role.SUPERVISOR),
    ("leader1", "中心主任 吴海涛", Role.LEADER),
    ("liaison1", "驻企员 郑凯", Role.LIAISON),
    # Quality inspectors (质检): two, so that one decides the appeals of the other's scores.
    ("inspector1", "质检员 周敏", Role.INSPECTOR),
    ("inspector2", "质检员 郑洁", Role.INSPECTOR),
]


# The prefecture center's own staff; their staff keys are "prefecture:<role>".
PREFECTURE_ACCOUNTS = [
    ("p-operator1", "东州话务员 韩雪", Role.OPERATOR),
    ("p-dispatcher1", "东州派单员 马骏", Role.DISPATCHER),
    ("p-callback1", "东州回访员 林琳", Role.CALLBACK_AGENT),
    ("p-supervisor1", "东州督办员 何伟", Role.SUPERVISOR),
    ("p-leader1", "东州中心主任 蒋振华", Role.LEADER),
]
# Bureaus of the prefecture it dispatches to directly (handlers: ph-<code>).
PREFECTURE_BUREAUS: list[tuple[str, str]] = [
    ("jt", "东州市交通运输局"),
    ("sj", "东州市市场监督管理局"),
    ("gjj", "东州市住房公积金管理中心"),
]


def _staff(city: City, prefecture: OrgUnit) -> None:
    for i, (username, name, role) in enumerate(PREFECTURE_ACCOUNTS):
        user = _user(username, name, f"1391000{i:04d}", [(prefecture, role)])
        city.staff.setdefault(f"prefecture:{role}", []).append(user)
    for code, unit in city.prefecture_bureaus.items():
        city.staff[f"unit:{unit.code}"] = [_user(f"ph-{code}", f"{unit.name}承办人", "", [(unit, Role.HANDLER)])]
    for i, (username, name, role) in enumerate(ROLE_ACCOUNTS):
        extra = {"is_staff": True, "is_superuser": True} if role == Role.ADMIN else {}
        user = _user(username, name, f"1390000{i:04d}", [(city.hub, role)], **extra)
        city.staff.setdefault(role, []).append(user)
    for code, unit in [*city.departments.items(), *city.towns.items()]:
        handler = _user(
            f"h-{code}" if unit.kind == UnitKind.DEPARTMENT else f"t-{code}",
            f"{unit.name}承办人",
            "",
            [(unit, Role.HANDLER)],
        )
        head = _user(
            f"head-{code}" if unit.kind == UnitKind.DEPARTMENT else f"thead-{code}",
            f"{unit.name}负责人",
            "",
            [(unit, Role.UNIT_HEAD)],
        )
        city.staff[f"unit:{unit.code}"] = [handler]
        city.staff[f"head:{unit.code}"] = [head]
    for town_code, units in city.villages.items():
        for i, village in enumerate(units, start=1):
            city.staff[f"unit:{village.code}"] = [
                _user(f"v-{town_code}-{i}", f"{village.name}承办人", "", [(village, Role.HANDLER)])
            ]
