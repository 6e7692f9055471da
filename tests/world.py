"""A small fictional city shared by the tests: one hub, a few departments, a town with a
village, and one person per role. Named personas keep tests readable (`w.handler_a`)."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.hashers import make_password

from civicdesk.catalogue.models import Area, AreaKind, Category, DispatchRule, RequestType, Topic
from civicdesk.orders import actions
from civicdesk.orders.models import WorkOrder
from civicdesk.org.models import Membership, OrgUnit, Role, UnitKind, User


@dataclass
class World:
    hub: OrgUnit
    dept_a: OrgUnit
    dept_b: OrgUnit
    dept_c: OrgUnit
    town: OrgUnit
    village: OrgUnit
    operator: User
    dispatcher: User
    handler_a: User
    head_a: User
    handler_b: User
    handler_c: User
    town_handler: User
    town_head: User
    village_handler: User
    callback_agent: User
    supervisor: User
    leader: User
    admin: User
    outsider: User
    cat_roads: Category
    cat_potholes: Category
    cat_noise: Category
    area_town: Area
    area_village: Area
    topic_epidemic: Topic

    def new_order(self, **overrides: object) -> WorkOrder:
        fields: dict[str, object] = {
            "actor": self.operator,
            "channel": "phone",
            "request_type": RequestType.COMPLAINT,
            "title": "崖头街道人民路路面坑洼",
            "content": "人民路与成山大道交叉口南侧路面有多处坑洼，雨天积水，行人车辆通行困难，请尽快修复。",
            "citizen_name": "王先生",
            "citizen_phone": "13800001234",
            "category": self.cat_potholes,
            "area": self.area_town,
        }
        fields.update(overrides)
        return actions.create_order(**fields)  # type: ignore[arg-type]

    def dispatched(self, **overrides: object) -> WorkOrder:
        order = self.new_order(**overrides)
        return actions.dispatch(order, actor=self.dispatcher, lead_unit=self.dept_a)

    def signed(self, **overrides: object) -> WorkOrder:
        return actions.sign_for(self.dispatched(**overrides), actor=self.handler_a)

    def replied(self, **overrides: object) -> WorkOrder:
        return actions.reply(
            self.signed(**overrides),
            actor=self.handler_a,
            result="solved",
            text="已安排养护队于当日修复路面坑洼并清理积水。",
        )

    def awaiting_callback(self, **overrides: object) -> WorkOrder:
        return actions.accept_reply(self.replied(**overrides), actor=self.dispatcher)

    # More states, each reached through the real actions a user would take.

    def pending(self, **overrides: object) -> WorkOrder:
        return actions.send_to_hub(self.new_order(**overrides), actor=self.operator)

    def answered(self, **overrides: object) -> WorkOrder:
        return actions.answer_immediately(
            self.new_order(**overrides), actor=self.operator, answer="已按知识库告知来电人办理流程。"
        )

    def return_requested(self, **overrides: object) -> WorkOrder:
        return actions.request_return(
            self.signed(**overrides), actor=self.handler_a, reason="该路段属街道管养，不属本单位职责。"
        )

    def extension_requested(self, days: float = 5, **overrides: object) -> WorkOrder:
        return actions.request_extension(
            self.signed(**overrides), actor=self.handler_a, days=days, reason="需协调施工单位，工期较长。"
        )

    def suspension_requested(self, **overrides: object) -> WorkOrder:
        return actions.request_suspension(
            self.signed(**overrides), actor=self.handler_a, reason="等待法院判决后方可处理。"
        )

    def suspended(self, **overrides: object) -> WorkOrder:
        return actions.approve_suspension(self.suspension_requested(**overrides), actor=self.dispatcher)

    def rework(self, **overrides: object) -> WorkOrder:
        return actions.record_callback(
            self.awaiting_callback(**overrides),
            actor=self.callback_agent,
            solved="unsolved",
            satisfaction="unsatisfied",
            rework=True,
            comment="路面仍有坑洼。",
        )

    def closed(self, **overrides: object) -> WorkOrder:
        return actions.record_callback(
            self.awaiting_callback(**overrides), actor=self.callback_agent, solved="solved", satisfaction="satisfied"
        )

    def merged(self, **overrides: object) -> WorkOrder:
        return actions.merge(self.new_order(**overrides), actor=self.dispatcher, into=self.dispatched())

    def voided(self, **overrides: object) -> WorkOrder:
        return actions.void(self.new_order(**overrides), actor=self.dispatcher, reason="骚扰电话")

    def transferred(self, **overrides: object) -> WorkOrder:
        return actions.transfer_out(
            self.new_order(**overrides), actor=self.operator, route="110", told_caller="已告知来电人拨打110报警。"
        )

    def bounced(self, **overrides: object) -> WorkOrder:
        """Sent to dept_a, then dept_b, then back to dept_a: one A→B→A bounce."""
        order = self.dispatched(**overrides)
        order = actions.redispatch(order, actor=self.dispatcher, lead_unit=self.dept_b, reason="属市场监管职责")
        return actions.redispatch(order, actor=self.dispatcher, lead_unit=self.dept_a, reason="仍属住建职责")

    def consulting(self, **overrides: object) -> WorkOrder:
        """A bounced order whose units (dept_a, dept_b) are convened to a consultation."""
        return actions.convene_consultation(
            self.bounced(**overrides),
            actor=self.dispatcher,
            units=[self.dept_a, self.dept_b],
            reason="两单位均认为不属本单位职责，召集会商。",
        )

    def refused(self, **overrides: object) -> WorkOrder:
        """dept_a asked to return it and the dispatcher refused."""
        return actions.refuse_return(self.return_requested(**overrides), actor=self.dispatcher, reason="属本单位职责。")

    def objection_review(self, **overrides: object) -> WorkOrder:
        """dept_a objects to the refusal of its return (退单异议)."""
        return actions.object_to_refusal(
            self.refused(**overrides), actor=self.handler_a, reason="该路段移交街道管养，有移交文件为证。"
        )

    def instructed(self, **overrides: object) -> WorkOrder:
        """A leader's instruction on an order dept_a has signed for."""
        return actions.instruct(self.signed(**overrides), actor=self.leader, text="请住建局三日内修复，确保雨季安全。")

    def noticed(self, **overrides: object) -> WorkOrder:
        """A formal supervision notice (督办单) on an order dept_a has signed for."""
        return actions.issue_notice(
            self.signed(**overrides), actor=self.supervisor, text="坑洼已致两人摔伤，请立即修复并书面说明。"
        )

    def withdrawn(self, **overrides: object) -> WorkOrder:
        return actions.withdraw(self.signed(**overrides), actor=self.operator, reason="问题已自行解决。")

    def joint(self, *assisting: OrgUnit, **overrides: object) -> WorkOrder:
        """Dispatched to dept_a as lead with assisting units (dept_b by default)."""
        return actions.dispatch(
            self.new_order(**overrides),
            actor=self.dispatcher,
            lead_unit=self.dept_a,
            assisting_units=assisting or (self.dept_b,),
        )

    def in_state(self, state: str, **overrides: object) -> WorkOrder:
        """An order in `state`, reached through real moves."""
        builders = {
            "received": self.new_order,
            "answered": self.answered,
            "pending_dispatch": self.pending,
            "dispatched": self.dispatched,
            "signed": self.signed,
            "return_requested": self.return_requested,
            "extension_requested": self.extension_requested,
            "suspension_requested": self.suspension_requested,
            "suspended": self.suspended,
            "replied": self.replied,
            "awaiting_callback": self.awaiting_callback,
            "rework": self.rework,
            "closed": self.closed,
            "merged": self.merged,
            "void": self.voided,
            "transferred": self.transferred,
            "withdrawn": self.withdrawn,
            "consulting": self.consulting,
            "objection_review": self.objection_review,
        }
        order = builders[str(state)](**overrides)
        assert order.state == state, (order.state, state)
        return order

    def person(self, username: str, name: str, *grants: tuple[OrgUnit, str]) -> User:
        """One more persona, for a test that needs someone the shared world lacks."""
        return _user(username, name, *grants)


# Hashing a password costs a noticeable fraction of a second by design; the personas'
# passwords never change, so each is hashed once per test process and reused.
_PASSWORD_HASHES: dict[str, str] = {}


def _user(username: str, name: str, *grants: tuple[OrgUnit, str]) -> User:
    password = _PASSWORD_HASHES.get(username)
    if password is None:
        password = _PASSWORD_HASHES[username] = make_password("pw-" + username)
    user = User.objects.create(username=username, password=password, display_name=name)
    for unit, role in grants:
        Membership.objects.create(user=user, unit=unit, role=role)
    return user


def build_world() -> World:
    city = OrgUnit.objects.create(name="荣成市", code="rc", kind=UnitKind.OTHER)
    hub = OrgUnit.objects.create(
        name="荣成市社会治理服务中心", code="rc-hub", kind=UnitKind.CENTER, parent=city, is_hub=True
    )
    dept_a = OrgUnit.objects.create(name="市住房和城乡建设局", code="rc-zj", kind=UnitKind.DEPARTMENT, parent=hub)
    dept_b = OrgUnit.objects.create(name="市市场监督管理局", code="rc-sj", kind=UnitKind.DEPARTMENT, parent=hub)
    dept_c = OrgUnit.objects.create(name="市生态环境分局", code="rc-hb", kind=UnitKind.DEPARTMENT, parent=hub)
    town = OrgUnit.objects.create(name="崖头街道办事处", code="rc-yt", kind=UnitKind.TOWN, parent=hub)
    village = OrgUnit.objects.create(name="崖头街道北山社区", code="rc-yt-bs", kind=UnitKind.VILLAGE, parent=town)

    area_city = Area.objects.create(name="荣成市", code="a-rc", kind=AreaKind.CITY)
    area_town = Area.objects.create(name="崖头街道", code="a-yt", kind=AreaKind.TOWN, parent=area_city)
    area_village = Area.objects.create(name="北山社区", code="a-yt-bs", kind=AreaKind.COMMUNITY, parent=area_town)
    cat_city = Category.objects.create(name="城乡建设", code="c-cj")
    cat_roads = Category.objects.create(name="市政道路", code="c-cj-dl", parent=cat_city)
    cat_potholes = Category.objects.create(name="路面破损", code="c-cj-dl-ph", parent=cat_roads)
    cat_env = Category.objects.create(name="生态环境", code="c-hj")
    cat_noise = Category.objects.create(name="噪声污染", code="c-hj-zs", parent=cat_env)
    DispatchRule.objects.create(category=cat_roads, unit=dept_a)
    DispatchRule.objects.create(category=cat_roads, area=area_village, unit=village)
    DispatchRule.objects.create(category=cat_env, unit=dept_c)
    DispatchRule.objects.create(category=None, area=None, unit=town)
    topic = Topic.objects.create(code="epidemic", name="涉疫")

    return World(
        hub=hub,
        dept_a=dept_a,
        dept_b=dept_b,
        dept_c=dept_c,
        town=town,
        village=village,
        operator=_user("operator", "话务员小李", (hub, Role.OPERATOR)),
        dispatcher=_user("dispatcher", "派单员老张", (hub, Role.DISPATCHER)),
        handler_a=_user("handler_a", "住建承办人", (dept_a, Role.HANDLER)),
        head_a=_user("head_a", "住建负责人", (dept_a, Role.UNIT_HEAD)),
        handler_b=_user("handler_b", "市监承办人", (dept_b, Role.HANDLER)),
        handler_c=_user("handler_c", "环保承办人", (dept_c, Role.HANDLER)),
        town_handler=_user("town_handler", "街道承办人", (town, Role.HANDLER)),
        town_head=_user("town_head", "街道负责人", (town, Role.UNIT_HEAD)),
        village_handler=_user("village_handler", "社区承办人", (village, Role.HANDLER)),
        callback_agent=_user("callback", "回访员小赵", (hub, Role.CALLBACK_AGENT)),
        supervisor=_user("supervisor", "督办员", (hub, Role.SUPERVISOR)),
        leader=_user("leader", "中心主任", (hub, Role.LEADER)),
        admin=_user("admin", "管理员", (hub, Role.ADMIN)),
        outsider=_user("outsider", "无关人员"),
        cat_roads=cat_roads,
        cat_potholes=cat_potholes,
        cat_noise=cat_noise,
        area_town=area_town,
        area_village=area_village,
        topic_epidemic=topic,
    )
