"""Demo data for the policy library of 青岚市: a dozen support measures written for the demo
city (each with its plain summary, conditions and text), the register's facts the matching
reads for the demo's companies, and one knowledge article citing a measure. Added once."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from civicdesk.enterprises.models import Enterprise
from civicdesk.knowledge.models import Article
from civicdesk.policies.actions import save_policy
from civicdesk.policies.models import Policy, PolicyCitation, PolicyPush

SOURCE = "青岚市人民政府办公室关于印发《青岚市支持市场主体高质量发展的若干措施》的通知（青政办发〔2026〕3号）"
# (code, title, issuing body, benefit, eligibility, materials, contact, conditions, full text)
MEASURES: list[tuple[str, str, str, str, str, str, str, dict[str, Any], str]] = [
    (
        "QL-2026-01",
        "工业企业技术改造设备投资奖补",
        "市工业和信息化局",
        "按技改项目设备投资额的8%给予奖补，单个项目最高200万元。",
        "在本市登记、上年纳税50万元以上的工业企业，技改项目设备投资500万元以上并已竣工投产。",
        "项目备案证明、设备购置发票及付款凭证、项目竣工验收材料、上年度完税证明。",
        "市工业和信息化局投资科 0631-7651201",
        {"industries": ["C"], "min_annual_tax": Decimal("50")},
        "第一条 为推动工业企业设备更新和技术改造，对……设备投资额500万元以上的技术改造项目，按设备投资额的8%给予奖补。",
    ),
    (
        "QL-2026-02",
        "小微企业吸纳高校毕业生一次性补贴",
        "市人力资源和社会保障局",
        "每吸纳一名毕业两年内的高校毕业生并缴纳社保满3个月，一次性补贴2000元。",
        "本市小微企业（含个体工商户），与毕业生签订1年以上劳动合同。",
        "营业执照、劳动合同、毕业证书、社保缴费明细。",
        "市就业服务中心 0631-7652345",
        {"sizes": ["micro", "small"]},
        "第五条 对吸纳离校2年内未就业高校毕业生的小微企业，按每人2000元给予一次性吸纳就业补贴。",
    ),
    (
        "QL-2026-03",
        "科技型中小企业研发费用后补助",
        "市科学技术局",
        "按上年度研发费用增量的10%给予后补助，最高50万元。",
        "已入库的科技型中小企业，从业人数500人以下，研发费用较上年增长。",
        "科技型中小企业入库编号、研发费用专项审计报告、加计扣除申报表。",
        "市科学技术局 0631-7653310",
        {"industries": ["C", "I", "M"], "sizes": ["micro", "small", "medium"], "max_employees": 500},
        "第八条 对科技型中小企业研发费用较上年增长部分，按10%给予后补助。",
    ),
    (
        "QL-2026-04",
        "新办企业开办“零成本”服务",
        "市行政审批服务局",
        "成立不满1年的企业，免费刻制首套公章、免费邮寄执照，税务Ukey免费领取。",
        "在本市新设立、成立不满1年的各类企业。",
        "营业执照，经办人身份证。",
        "市政务服务中心企业开办专区 0631-12345",
        {"max_age_years": 1},
        "第十一条 对新开办企业实行公章刻制、执照寄递、税务Ukey“零成本”服务。",
    ),
    (
        "QL-2026-05",
        "海洋食品企业市场开拓展会补贴",
        "市商务局",
        "参加市商务局公布的国内外重点展会，按展位费的50%补贴，每家每年最高10万元。",
        "持有食品生产许可证的海洋食品加工企业。",
        "参展合同、展位费发票及付款凭证、参展照片、食品生产许可证。",
        "市商务局外贸科 0631-7654102",
        {"industries": ["C"], "licences": ["food_production"]},
        "第十四条 支持海洋食品企业开拓市场，对参加重点展会的企业按展位费50%给予补贴。",
    ),
    (
        "QL-2026-06",
        "住宿餐饮业消费券补贴",
        "市文化和旅游局",
        "参与全市文旅消费券活动，核销金额由财政按1:1兑付给商户。",
        "持有食品经营许可证和卫生许可证的住宿、餐饮企业。",
        "商户报名表、收款账户、食品经营许可证、卫生许可证。",
        "市文化和旅游局产业科 0631-7655066",
        {"industries": ["H"], "licences": ["food", "health"]},
        "第十七条 开展“乐享青岚”文旅消费季，对参与企业核销的消费券由财政兑付。",
    ),
    (
        "QL-2026-07",
        "中小微企业贷款贴息",
        "市财政局",
        "新增流动资金贷款按贷款市场报价利率的50%贴息，每家每年最高30万元。",
        "在本市纳税的中小微企业，贷款用于生产经营，无不良信用记录。",
        "贷款合同、付息凭证、信用报告、上年度完税证明。",
        "市财政局金融科 0631-7656213",
        {"sizes": ["micro", "small", "medium"], "min_annual_tax": Decimal("5")},
        "第二十条 对中小微企业新增流动资金贷款给予贴息支持。",
    ),
    (
        "QL-2026-08",
        "石岛管理区渔业企业冷链设施补助",
        "市海洋发展局",
        "新建或改造冷库、冷链运输车辆，按投资额的20%补助，最高100万元。",
        "石岛管理区、南港街道的渔业及水产加工企业，成立满2年。",
        "项目立项材料、设备发票、冷库竣工验收报告。",
        "市海洋发展局 0631-7657018",
        {"industries": ["A", "C", "G"], "areas": ["sd", "ng"], "min_age_years": 2},
        "第二十三条 支持渔业冷链物流设施建设，对重点区域企业按投资额20%给予补助。",
    ),
    (
        "QL-2026-09",
        "稳岗返还",
        "市社会保险事业中心",
        "上年未裁员或裁员率不高于5.5%的企业，按上年实际缴纳失业保险费的60%返还，免申即享。",
        "参加失业保险满1年、上年未裁员或裁员率低于规定标准的企业。",
        "无需申请，系统比对后直接返还；如需核对请准备社保缴费明细。",
        "市社会保险事业中心 0631-7658123",
        {"min_age_years": 1, "min_employees": 1},
        "第二十六条 落实失业保险稳岗返还政策，对符合条件的企业实行“免申即享”。",
    ),
    (
        "QL-2026-10",
        "建筑业企业资质升级奖励",
        "市住房和城乡建设局",
        "首次晋升施工总承包一级资质奖励100万元，二级奖励30万元。",
        "持有建筑业企业资质证书、在本市纳税的建筑业企业。",
        "资质证书、资质升级批复文件、上年度完税证明。",
        "市住房和城乡建设局建管科 0631-7659210",
        {"industries": ["E"], "licences": ["construction"]},
        "第二十九条 鼓励建筑业企业做大做强，对资质升级的企业给予一次性奖励。",
    ),
    (
        "QL-2026-11",
        "规模以上工业企业用电奖励",
        "国网青岚市供电公司",
        "新增用电容量报装“三零”服务（零上门、零审批、零投资），并按新增用电量给予每千瓦时0.02元奖励。",
        "从业人数50人以上、上年纳税100万元以上的工业企业。",
        "用电报装申请、营业执照。",
        "国网青岚市供电公司客户服务中心 95598",
        {"industries": ["C", "D"], "min_employees": 50, "min_annual_tax": Decimal("100")},
        "第三十二条 对规模以上工业企业新增用电实行“三零”服务并给予奖励。",
    ),
    (
        "QL-2026-12",
        "农业龙头企业和合作社贷款担保费补助",
        "市农业农村局",
        "通过政策性担保机构获得贷款的，担保费超过1%的部分由财政补助。",
        "农、林、牧、渔业企业和农民专业合作社。",
        "担保合同、担保费缴费凭证、贷款合同。",
        "市农业农村局计财科 0631-7650933",
        {"industries": ["A"]},
        "第三十五条 降低涉农经营主体融资成本，对担保费率超过1%的部分给予补助。",
    ),
]
# The register's facts for some demo companies (by name): founded on, employees, tax (万元).
FACTS: dict[str, tuple[date | None, int | None, Decimal | None]] = {
    "青岚海洋食品有限公司": (date(2012, 4, 18), 320, Decimal("186.5")),
    "青岚新材料科技有限公司": (date(2021, 9, 1), 86, Decimal("42.0")),
    "青岚石岛水产加工有限公司": (date(2015, 6, 8), 210, Decimal("95.3")),
    "东州港湾冷链物流有限公司": (date(2018, 3, 12), 140, None),
    "青岚好客来餐饮管理有限公司": (date(2023, 11, 20), 35, Decimal("6.2")),
    "青岚南港电子商务有限公司": (None, 8, None),
    "青岚智慧云信息技术有限公司": (date(2020, 7, 1), 48, Decimal("12.8")),
    "青岚市建工集团有限公司": (date(2003, 1, 15), 1200, Decimal("860")),
    "青岚大王庄养殖有限公司": (date(2016, 5, 5), 26, Decimal("3.1")),
}


@transaction.atomic
def seed(city: Any, now: datetime) -> list[str]:
    for name, (founded, employees, tax) in FACTS.items():
        Enterprise.objects.filter(name=name, founded_on__isnull=True).update(
            founded_on=founded, employees=employees, annual_tax=tax
        )
    # A newly registered company, so that the "零成本" measure has someone to match.
    Enterprise.objects.filter(name="青岚海景文化传媒有限公司", founded_on__isnull=True).update(
        founded_on=timezone.localdate(now) - timedelta(days=120), employees=5
    )
    made = 0
    for code, title, body, benefit, eligibility, materials, contact, conditions, text in MEASURES:
        if Policy.objects.filter(code=code).exists():
            continue
        conditions = dict(conditions)
        areas = [city.town_areas[t] for t in conditions.pop("areas", []) if t in city.town_areas]
        number = int(code[-2:])
        save_policy(
            actor=None,
            values={
                "code": code,
                "title": title,
                "issuing_body": body,
                "document_number": "青政办发〔2026〕3号",
                "issued_on": date(2026, 1, 20),
                "valid_from": date(2026, 2, 1),
                "valid_to": date(2027, 12, 31) if number % 4 else date(2026, 12, 31),
                "benefit": benefit,
                "eligibility": eligibility,
                "materials": materials,
                "contact": contact,
                "full_text": text,
                "source_document": SOURCE,
                "source_url": "https://www.qinglan.gov.cn/zwgk/zcwj/2026/qzbf3.html",
                **conditions,
            },
            areas=areas or None,
            source="demo",
        )
        made += 1
    cited = 0
    article = Article.objects.filter(title__contains="就业").order_by("pk").first()
    policy = Policy.objects.filter(code="QL-2026-02").first()
    if article is not None and policy is not None:
        cited = int(PolicyCitation.objects.get_or_create(policy=policy, article=article)[1])
    pushed = PolicyPush.objects.filter(policy__code__startswith="QL-2026-").count()
    return [
        f"惠企政策：新增 {made} 项（共 {Policy.objects.count()} 项），推送 {pushed} 次，知识库引用 {cited} 条；"
        "驻企员页 /policies/mine/，公众查询 /portal/policies/"
    ]
