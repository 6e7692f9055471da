"""One form per move a person makes on the order page; the action each calls is the one
the API calls too (civicdesk.orders.moves.PERFORM)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django import forms
from django.db.models import QuerySet
from django.forms.models import ModelChoiceIterator
from django.utils.translation import gettext_lazy as _

from civicdesk.lib.picker import PickerSelect, PickerSelectMultiple
from civicdesk.lib.textlimits import CountedLimits
from civicdesk.orders.actions.instruction import current_instruction
from civicdesk.orders.actions.notices import current_notice
from civicdesk.orders.models import OrderEvent, ReplyResult, Satisfaction, TransferRoute, WorkOrder
from civicdesk.orders.moves import PERFORM
from civicdesk.org.models import OrgUnit, dispatch_targets
from civicdesk.org.tree import unit_tree

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    # The stubs make the field generic; at run time it is not subscriptable.
    ModelChoiceField = forms.ModelChoiceField[Any]
    ModelMultipleChoiceField = forms.ModelMultipleChoiceField[Any]
else:
    ModelChoiceField = forms.ModelChoiceField
    ModelMultipleChoiceField = forms.ModelMultipleChoiceField

_TEXT = forms.Textarea(attrs={"rows": 3, "class": "form-control"})
_INPUT = {"class": "form-control"}


class UnitList:
    """Units a page's forms offer (org.models.dispatch_targets, the lower hubs, the lead unit's
    sub-units) and the tree their pickers draw paths from (lib.picker), all from one read of
    the unit table however many fields draw them: the order page's dispatch form draws the
    hub's units twice, and its other moves' forms again."""

    def __init__(self, select: Callable[[list[OrgUnit]], list[OrgUnit]], source: UnitList | None = None) -> None:
        self._select = select
        self._source = source
        self._all: list[OrgUnit] | None = None
        self._token = ""
        self._rows: list[OrgUnit] | None = None

    @classmethod
    def every(cls) -> UnitList:
        """Every unit: the read the others share (see also)."""
        return cls(lambda units: units)

    def also(self, select: Callable[[list[OrgUnit]], list[OrgUnit]]) -> UnitList:
        """Other units, from the same read."""
        return UnitList(select, self._source or self)

    def targets(self, hubs: list[OrgUnit], *, lead: bool = True) -> UnitList:
        """org.models.dispatch_targets(hubs, lead=lead), from the same read."""
        return self.also(lambda units: _dispatch_targets(units, hubs, lead))

    def _everything(self) -> list[OrgUnit]:
        root = self._source or self
        if root._all is None:
            tree = unit_tree()  # the process's copy: no query
            root._all, root._token = list(tree.units), tree.token
        return root._all

    def token(self) -> str:
        """The token of the copy of the tree these units come from (org.tree): what their
        pickers' kept HTML is labelled with, read before the rows, as the copy was."""
        self._everything()
        return (self._source or self)._token

    def rows(self) -> list[OrgUnit]:
        if self._rows is None:
            self._rows = self._select(self._everything())
        return self._rows

    def queryset(self) -> QuerySet[OrgUnit]:
        """The same units as a queryset, for checking what a sent form chose."""
        return OrgUnit.objects.filter(pk__in=[unit.pk for unit in self.rows()]).order_by("path")

    def tree(self) -> dict[Any, tuple[str, Any]]:
        """pk → (name, parent pk) of every unit, as lib.picker reads it."""
        return {unit.pk: (unit.name, unit.parent_id) for unit in self._everything()}


def _dispatch_targets(units: list[OrgUnit], hubs: list[OrgUnit], lead: bool) -> list[OrgUnit]:
    """org.models.dispatch_targets over `units` (every unit, by path), in memory."""
    own = {hub.pk: hub.path for hub in hubs}
    if not own:
        return []
    within = [u for u in units if any(u.path.startswith(path) for path in own.values())]
    hub_at = {u.path: u.pk for u in within if u.is_hub}
    wanted = []
    for u in within:
        if not u.active or u.pk in own or (u.is_hub and not lead):
            continue
        # The nearest hub above the unit decides who dispatches to it.
        nearest = max((path for path in hub_at if u.path.startswith(path) and path != u.path), key=len)
        if hub_at[nearest] in own:
            wanted.append(u)
    return wanted


class _ListedChoices(ModelChoiceIterator):
    """A unit field's choices from its UnitList when it has one (Django's iterator asks the
    database on every drawing)."""

    def _listed(self) -> list[OrgUnit] | None:
        listed: UnitList | None = getattr(self.field, "listed", None)
        return listed.rows() if listed is not None else None

    def __iter__(self) -> Iterator[Any]:
        listed: UnitList | None = getattr(self.field, "listed", None)
        if listed is None:
            yield from super().__iter__()
            return
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        # Read after the empty choice: Select.use_required_attribute looks at the first choice
        # only, and a picker drawn from the cache (lib.picker) needs no units at all.
        for obj in listed.rows():
            yield self.choice(obj)

    def __len__(self) -> int:
        rows = self._listed()
        if rows is None:
            return super().__len__()
        return len(rows) + (1 if self.field.empty_label is not None else 0)

    def __bool__(self) -> bool:
        rows = self._listed()
        return super().__bool__() if rows is None else bool(rows) or self.field.empty_label is not None

    def picker_tree(self) -> dict[Any, tuple[str, Any]] | None:
        """The tree for a picker's paths, shared by the page's unit fields (None: read it)."""
        listed: UnitList | None = getattr(self.field, "listed", None)
        return listed.tree() if listed is not None else None


class UnitChoiceField(ModelChoiceField):
    widget = PickerSelect
    iterator = _ListedChoices

    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class UnitsChoiceField(ModelMultipleChoiceField):
    iterator = _ListedChoices


def _units_under_hub(order: WorkOrder) -> Any:
    return OrgUnit.objects.filter(path__startswith=order.hub.path, active=True).exclude(pk=order.hub_id)


class ActionForm(CountedLimits, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(
        self,
        *args: Any,
        order: WorkOrder,
        events: list[OrderEvent] | None = None,
        unit_list: UnitList | None = None,
        **kwargs: Any,
    ) -> None:
        """`events` (the order's, by seq) and `unit_list` (the units under the order's hub): what
        the order page has read already, for the forms of all its moves."""
        super().__init__(*args, **kwargs)
        self.order = order
        self.events = events
        self.unit_list = unit_list
        for name, field in self.fields.items():
            if name != "version" and not isinstance(
                field.widget, (forms.CheckboxInput, forms.HiddenInput, forms.RadioSelect, forms.CheckboxSelectMultiple)
            ):
                field.widget.attrs.setdefault(
                    "class", "form-select" if isinstance(field.widget, forms.Select) else "form-control"
                )

    def params(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        return data

    def offers(self, name: str, pk: int) -> bool:
        """Whether the unit field `name` offers the unit `pk`."""
        field = self.fields.get(name)
        if not isinstance(field, forms.ModelChoiceField):
            return False
        listed: UnitList | None = getattr(field, "listed", None)
        if listed is not None:
            return any(unit.pk == pk for unit in listed.rows())
        return field.queryset is not None and field.queryset.filter(pk=pk).exists()

    def _targets(self, name: str, *, lead: bool = True) -> None:
        """Field `name` offers org.models.dispatch_targets([the order's hub], lead=lead), drawn
        from the page's UnitList when it gave one."""
        hub = self.order.hub
        if self.unit_list is None:
            self._offer(name, dispatch_targets([hub], lead=lead), None)
            return
        listed = self.unit_list.targets([hub], lead=lead)
        self._offer(name, listed.queryset(), listed)

    def _lower_hubs(self, name: str) -> None:
        """Field `name` offers the active hubs under the order's hub."""
        hub = self.order.hub
        queryset = _units_under_hub(self.order).filter(is_hub=True)
        listed = None
        if self.unit_list is not None:
            listed = self.unit_list.also(
                lambda units: [
                    u for u in units if u.active and u.is_hub and u.path.startswith(hub.path) and u.pk != hub.pk
                ]
            )
        self._offer(name, queryset, listed)

    def _offer(self, name: str, queryset: QuerySet[OrgUnit], listed: UnitList | None) -> None:
        """Field `name` offers `queryset` (what a sent form is checked against), drawn from
        `listed`, the same units read once for the page, when there is one."""
        field = self.fields[name]
        field.queryset = queryset  # type: ignore[attr-defined]
        field.listed = listed  # type: ignore[attr-defined]


class NoteForm(ActionForm):
    note = forms.CharField(label=_("意见"), required=False, max_length=2000, widget=_TEXT)


class ReasonForm(ActionForm):
    reason = forms.CharField(label=_("理由"), max_length=2000, widget=_TEXT)


class DispatchForm(ActionForm):
    lead_unit = UnitChoiceField(label=_("主办单位"), queryset=OrgUnit.objects.none())
    assisting_units = UnitsChoiceField(
        label=_("协办单位"),
        queryset=OrgUnit.objects.none(),
        required=False,
        widget=PickerSelectMultiple(attrs={"size": 4}),
    )
    note = forms.CharField(label=_("派单意见"), required=False, max_length=2000, widget=_TEXT)
    # Each assisting unit's deadline for its part (并联办理); empty: the 协办时限 policy.
    part_days = forms.DecimalField(
        label=_("协办时限（工作日，不填按时限规则）"),
        required=False,
        min_value=0.5,
        max_value=60,
        decimal_places=1,
    )

    def __init__(self, *args: Any, order: WorkOrder, **kwargs: Any) -> None:
        super().__init__(*args, order=order, **kwargs)
        # Not the units under a lower hub: the order reaches them through that hub (下转).
        self._targets("lead_unit")
        self._targets("assisting_units", lead=False)


class RedispatchForm(DispatchForm):
    reason = forms.CharField(label=_("改派原因"), max_length=2000, widget=_TEXT)

    def __init__(self, *args: Any, order: WorkOrder, **kwargs: Any) -> None:
        super().__init__(*args, order=order, **kwargs)
        del self.fields["note"]


class HandDownForm(ActionForm):
    lower_hub = UnitChoiceField(label=_("下级中心"), queryset=OrgUnit.objects.none())
    note = forms.CharField(label=_("下转意见"), required=False, max_length=2000, widget=_TEXT)

    def __init__(self, *args: Any, order: WorkOrder, **kwargs: Any) -> None:
        super().__init__(*args, order=order, **kwargs)
        self._lower_hubs("lower_hub")


class SubDispatchForm(ActionForm):
    sub_unit = UnitChoiceField(label=_("下派单位"), queryset=OrgUnit.objects.none())
    note = forms.CharField(label=_("意见"), required=False, max_length=2000, widget=_TEXT)

    def __init__(self, *args: Any, order: WorkOrder, **kwargs: Any) -> None:
        super().__init__(*args, order=order, **kwargs)
        lead = order.lead_unit
        if lead is None:
            self._offer("sub_unit", OrgUnit.objects.none(), None)
            return
        self._offer(
            "sub_unit",
            OrgUnit.objects.filter(path__startswith=lead.path, active=True).exclude(pk=lead.pk),
            self.unit_list.also(
                lambda units: [u for u in units if u.active and u.path.startswith(lead.path) and u.pk != lead.pk]
            )
            if self.unit_list is not None
            else None,
        )


class ReturnForm(ActionForm):
    reason = forms.CharField(label=_("退单理由"), max_length=2000, widget=_TEXT)
    legal_basis = forms.CharField(label=_("依据（职责清单、法规条款）"), required=False, max_length=500)


class ApproveReturnForm(ActionForm):
    new_lead_unit = UnitChoiceField(
        label=_("改派至（可不选，退回待派单）"), queryset=OrgUnit.objects.none(), required=False
    )
    note = forms.CharField(label=_("意见"), required=False, max_length=2000, widget=_TEXT)

    def __init__(self, *args: Any, order: WorkOrder, **kwargs: Any) -> None:
        super().__init__(*args, order=order, **kwargs)
        # A lower hub is reached by handing down once the return is approved (approve_return).
        self._targets("new_lead_unit", lead=False)


class ObjectionForm(ActionForm):
    reason = forms.CharField(
        label=_("异议理由（为何不属本单位职责，依据的职责清单、法规条款）"), max_length=2000, widget=_TEXT
    )


class ExtensionForm(ActionForm):
    days = forms.DecimalField(label=_("延期工作日"), min_value=0.5, max_value=30, decimal_places=1)
    reason = forms.CharField(label=_("延期理由"), max_length=2000, widget=_TEXT)


class ApproveExtensionForm(ActionForm):
    days = forms.DecimalField(
        label=_("批准工作日（空则按申请）"), min_value=0.5, max_value=30, decimal_places=1, required=False
    )
    note = forms.CharField(label=_("意见"), required=False, max_length=2000, widget=_TEXT)


class PartForm(ActionForm):
    text = forms.CharField(label=_("协办意见"), max_length=5000, widget=_TEXT)


class ReplyForm(ActionForm):
    result = forms.ChoiceField(label=_("办理结果"), choices=ReplyResult.choices)
    text = forms.CharField(label=_("答复内容"), max_length=5000, widget=forms.Textarea(attrs={"rows": 5}))
    attachments = forms.FileField(
        label=_("附件"), required=False, widget=forms.ClearableFileInput(attrs={"allow_multiple_selected": True})
    )

    def __init__(self, *args: Any, order: WorkOrder, **kwargs: Any) -> None:
        super().__init__(*args, order=order, **kwargs)
        instruction = current_instruction(order, self.events) if order.instruction_open else None
        if instruction is not None:
            # The reply must answer the leader's instruction: shown here, and required.
            self.fields["instruction_response"] = forms.CharField(
                label=_("领导批示落实情况"),
                max_length=5000,
                widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
                help_text=_("领导批示：%(text)s") % {"text": instruction.note},
            )

    def params(self) -> dict[str, Any]:
        data = super().params()
        data["attachments"] = self.files.getlist(self.add_prefix("attachments")) if self.files else []
        return data


class CallbackForm(ActionForm):
    solved = forms.ChoiceField(label=_("解决情况"), choices=ReplyResult.choices, widget=forms.RadioSelect)
    satisfaction = forms.ChoiceField(label=_("满意度"), choices=Satisfaction.choices, widget=forms.RadioSelect)
    comment = forms.CharField(label=_("群众意见"), required=False, max_length=2000, widget=_TEXT)
    rework = forms.BooleanField(label=_("因承办单位原因不满意，退回重办"), required=False)


class MergeForm(ActionForm):
    into = forms.CharField(label=_("并入工单号"), max_length=20)
    note = forms.CharField(label=_("说明"), required=False, max_length=2000, widget=_TEXT)

    def clean_into(self) -> WorkOrder:
        number = self.cleaned_data["into"].strip()
        parent = WorkOrder.objects.filter(number=number, hub=self.order.hub).first()
        if parent is None:
            raise forms.ValidationError(_("找不到工单 %(number)s。"), params={"number": number})
        return parent


class TransferForm(ActionForm):
    route = forms.ChoiceField(label=_("转出途径"), choices=TransferRoute.choices)
    told_caller = forms.CharField(label=_("已告知来电人"), max_length=2000, widget=_TEXT)


class AnswerForm(ActionForm):
    answer = forms.CharField(label=_("答复内容"), max_length=5000, widget=_TEXT)


class TextForm(ActionForm):
    text = forms.CharField(label=_("补充内容"), max_length=5000, widget=_TEXT)


class ConveneForm(ActionForm):
    """The hub convenes the units concerned; those the order went between are ticked."""

    units = UnitsChoiceField(
        label=_("参加会商的单位"),
        queryset=OrgUnit.objects.none(),
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    days = forms.DecimalField(
        label=_("意见时限（工作日，不填为 2 个工作日）"),
        required=False,
        min_value=0.5,
        max_value=10,
        decimal_places=1,
    )
    reason = forms.CharField(label=_("会商事由"), max_length=2000, widget=_TEXT)

    def __init__(self, *args: Any, order: WorkOrder, **kwargs: Any) -> None:
        super().__init__(*args, order=order, **kwargs)
        self._targets("units", lead=False)
        if not self.is_bound:
            # The units it bounced between, and whoever holds a part now.
            concerned = set(order.assignments.values_list("unit_id", flat=True))
            self.initial["units"] = sorted(concerned)


class ViewForm(ActionForm):
    text = forms.CharField(label=_("会商意见（是否属本单位职责、依据、建议的承办方式）"), max_length=5000, widget=_TEXT)


class DecideConsultationForm(DispatchForm):
    decision = forms.CharField(label=_("会商决定"), max_length=5000, widget=_TEXT)

    def __init__(self, *args: Any, order: WorkOrder, **kwargs: Any) -> None:
        super().__init__(*args, order=order, **kwargs)
        del self.fields["note"]


class WithdrawForm(ActionForm):
    """The operator records a caller's withdrawal on the phone."""

    reason = forms.CharField(label=_("撤销原因（来电人所述）"), max_length=500, widget=_TEXT)

    def params(self) -> dict[str, Any]:
        return {**super().params(), "via": "phone"}


class InstructForm(ActionForm):
    text = forms.CharField(label=_("批示内容"), max_length=2000, widget=_TEXT)
    days = forms.DecimalField(
        label=_("签收时限（工作日，不填为 1 个工作日）"), required=False, min_value=0.5, max_value=10, decimal_places=1
    )


class NoticeForm(ActionForm):
    text = forms.CharField(label=_("督办事项（须整改、落实的内容）"), max_length=2000, widget=_TEXT)
    days = forms.DecimalField(
        label=_("书面答复时限（工作日，不填为 3 个工作日）"),
        required=False,
        min_value=0.5,
        max_value=30,
        decimal_places=1,
    )


class NoticeAnswerForm(ActionForm):
    text = forms.CharField(label=_("书面答复"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args: Any, order: WorkOrder, **kwargs: Any) -> None:
        super().__init__(*args, order=order, **kwargs)
        notice = current_notice(order, self.events) if order.notice_open else None
        if notice is not None:
            # What the answer must address, shown with the field.
            self.fields["text"].help_text = _("%(number)s：%(text)s") % {
                "number": order.notice_number,
                "text": notice.note,
            }


class SuperviseForm(ActionForm):
    note = forms.CharField(label=_("督办意见"), max_length=2000, widget=_TEXT)


class AcceptReplyForm(NoteForm):
    """审核通过. A reply the checks flagged is accepted anyway only with a reason (kept in the event)."""

    override_reason = forms.CharField(
        label=_("质量提示仍予通过的理由"),
        required=False,
        max_length=500,
        help_text=_("答复有质量提示（不文明、推诿或自相矛盾）时必填，记入流转记录。"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class UrgeForm(ActionForm):
    """The caller rang again to chase the order (来电催办), recorded by the operator."""

    note = forms.CharField(
        label=_("来电人催办内容"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": _("例如：来电人称问题仍未处理，要求尽快解决")}),
    )

    def params(self) -> dict[str, Any]:
        # On the order page a 催办 is always a call that came in: the portal and the API say their own.
        return {**super().params(), "via": "phone"}


@dataclass(frozen=True)
class ActionSpec:
    form: type[ActionForm]
    perform: Callable[..., WorkOrder]
    button: StrOrPromise
    style: str = "primary"


def _spec(form: type[ActionForm], action: str, button: StrOrPromise, style: str = "primary") -> ActionSpec:
    # The action comes from the one table the API uses too (civicdesk.orders.moves).
    return ActionSpec(form, PERFORM[action], button, style)


ACTION_FORMS: dict[str, ActionSpec] = {
    "answer": _spec(AnswerForm, "answer", _("即时办结")),
    "send_to_hub": _spec(NoteForm, "send_to_hub", _("提交派单")),
    "dispatch": _spec(DispatchForm, "dispatch", _("派单")),
    "redispatch": _spec(RedispatchForm, "redispatch", _("改派"), "warning"),
    "hand_down": _spec(HandDownForm, "hand_down", _("下转下级中心"), "secondary"),
    "sign": _spec(ActionForm, "sign", _("签收")),
    "sign_part": _spec(ActionForm, "sign_part", _("协办签收")),
    "sub_dispatch": _spec(SubDispatchForm, "sub_dispatch", _("下派")),
    "request_return": _spec(ReturnForm, "request_return", _("申请退单"), "warning"),
    "return_to_upper": _spec(ReasonForm, "return_to_upper", _("退回上级中心"), "warning"),
    "approve_return": _spec(ApproveReturnForm, "approve_return", _("同意退单")),
    "refuse_return": _spec(ReasonForm, "refuse_return", _("驳回退单"), "danger"),
    "object_to_refusal": _spec(ObjectionForm, "object_to_refusal", _("提出退单异议"), "warning"),
    "uphold_objection": _spec(ApproveReturnForm, "uphold_objection", _("异议成立，同意退单")),
    "reject_objection": _spec(ReasonForm, "reject_objection", _("异议不成立，驳回"), "danger"),
    "request_extension": _spec(ExtensionForm, "request_extension", _("申请延期"), "warning"),
    "approve_extension": _spec(ApproveExtensionForm, "approve_extension", _("同意延期")),
    "refuse_extension": _spec(ReasonForm, "refuse_extension", _("驳回延期"), "danger"),
    "request_suspension": _spec(ReasonForm, "request_suspension", _("申请挂起"), "warning"),
    "approve_suspension": _spec(NoteForm, "approve_suspension", _("同意挂起")),
    "refuse_suspension": _spec(ReasonForm, "refuse_suspension", _("驳回挂起"), "danger"),
    "resume": _spec(NoteForm, "resume", _("恢复办理")),
    "give_part": _spec(PartForm, "give_part", _("提交协办意见")),
    "request_material": _spec(ReasonForm, "request_material", _("要求补正"), "warning"),
    "supply_material": _spec(NoteForm, "supply_material", _("补正材料已到位")),
    "reply": _spec(ReplyForm, "reply", _("答复")),
    "accept_reply": _spec(AcceptReplyForm, "accept_reply", _("审核通过")),
    "send_back_reply": _spec(ReasonForm, "send_back_reply", _("审核退回"), "danger"),
    "record_callback": _spec(CallbackForm, "record_callback", _("保存回访")),
    "close_without_callback": _spec(ReasonForm, "close_without_callback", _("免回访办结"), "secondary"),
    "merge": _spec(MergeForm, "merge", _("并单"), "secondary"),
    "mark_difficult": _spec(ReasonForm, "mark_difficult", _("标记疑难件"), "secondary"),
    "convene_consultation": _spec(ConveneForm, "convene_consultation", _("发起会商"), "warning"),
    "give_view": _spec(ViewForm, "give_view", _("提交会商意见")),
    "decide_consultation": _spec(DecideConsultationForm, "decide_consultation", _("作出会商决定")),
    "void": _spec(ReasonForm, "void", _("作废"), "danger"),
    "withdraw": _spec(WithdrawForm, "withdraw", _("撤销诉求"), "danger"),
    "transfer_out": _spec(TransferForm, "transfer_out", _("转出"), "secondary"),
    "supervise": _spec(SuperviseForm, "supervise", _("督办"), "warning"),
    "instruct": _spec(InstructForm, "instruct", _("批示"), "warning"),
    "acknowledge_instruction": _spec(ActionForm, "acknowledge_instruction", _("签收批示")),
    "issue_notice": _spec(NoticeForm, "issue_notice", _("下发督办单"), "danger"),
    "answer_notice": _spec(NoticeAnswerForm, "answer_notice", _("提交书面答复")),
    "supplement": _spec(TextForm, "supplement", _("补充信息"), "secondary"),
    "urge": _spec(UrgeForm, "urge", _("记录催办"), "warning"),
}
