"""The unit's reply page (and the order page as the unit sees it) puts in front of the
handler everything the case needs: the hub's 派单意见, the citizen's supplements with their
photos, the unit's earlier returns with the reasons and the hub's decisions, and replies the
hub sent back."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from civicdesk.orders import actions
from civicdesk.orders.models import Attachment
from tests.console.helpers import client_for, text
from tests.world import World

pytestmark = pytest.mark.django_db


def _jpeg(name: str) -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 30, 30)).save(out, "JPEG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def _section(html: str, anchor: str) -> str:
    start = html.index(f'id="{anchor}"')
    end = html.find("</section>", start)
    return html[start:end]


@pytest.fixture
def handled(w: World, settings: object, tmp_path: object) -> object:
    settings.MEDIA_ROOT = tmp_path  # type: ignore[attr-defined]
    order = w.new_order(attachments=[_jpeg("路面.jpg")])
    actions.dispatch(order, actor=w.dispatcher, lead_unit=w.dept_b, note="请市场监管局核查。")
    actions.request_return(
        order, actor=w.handler_b, reason="路面维修不属本局职责", legal_basis="《青岚市市政设施管理办法》第十二条"
    )
    actions.approve_return(order, actor=w.dispatcher, note="同意，改派住建局")
    actions.dispatch(order, actor=w.dispatcher, lead_unit=w.dept_a, note="请住建局牵头，三日内修复。")
    actions.sign_for(order, actor=w.handler_a)
    actions.request_return(order, actor=w.handler_a, reason="应由街道办理")
    actions.refuse_return(order, actor=w.dispatcher, reason="道路养护属住建局职责，请继续办理。")
    actions.supplement(order, actor=w.operator, text="来电人补充：坑洼旁有井盖松动。", attachments=[_jpeg("井盖.jpg")])
    actions.reply(order, actor=w.handler_a, result="solved", text="已修复。")
    actions.send_back_reply(order, actor=w.dispatcher, reason="请附修复后照片。")
    return order


def test_the_reply_page_shows_the_whole_case(w: World, handled: object) -> None:
    order = handled
    html = text(client_for(w.handler_a).get(f"/orders/inbox/{order.number}/reply/"))  # type: ignore[attr-defined]

    instructions = _section(html, "case-instructions")
    assert "请市场监管局核查。" in instructions
    assert "请住建局牵头，三日内修复。" in instructions
    supplements = _section(html, "case-supplements")
    assert "来电人补充：坑洼旁有井盖松动。" in supplements
    photo = Attachment.objects.get(original_name="井盖.jpg")
    assert f'src="/orders/{order.number}/attachments/{photo.pk}/thumbnail/"' in supplements  # type: ignore[attr-defined]
    assert f'href="/orders/{order.number}/attachments/{photo.pk}/"' in supplements  # type: ignore[attr-defined]
    returns = _section(html, "case-returns")
    assert "路面维修不属本局职责" in returns and "第十二条" in returns and "同意退单" in returns
    assert "应由街道办理" in returns and "不同意退单，继续办理" in returns and "道路养护属住建局职责" in returns
    assert "请附修复后照片。" in _section(html, "case-sent-back")
    # The photo that came with the order, under its description.
    first = Attachment.objects.get(original_name="路面.jpg")
    assert f"/attachments/{first.pk}/thumbnail/" in html[html.index('id="order-files"') :]


def test_the_order_page_shows_the_same_case_to_the_unit(w: World, handled: object) -> None:
    order = handled
    html = text(client_for(w.handler_a).get(f"/orders/{order.number}/"))  # type: ignore[attr-defined]
    assert "请住建局牵头，三日内修复。" in _section(html, "case-instructions")
    assert "应由街道办理" in _section(html, "case-returns")
    assert "井盖.jpg" in _section(html, "case-supplements")


def test_the_inbox_row_shows_the_orders_photos(w: World, handled: object) -> None:
    order = handled
    html = text(client_for(w.handler_a).get("/orders/inbox/?tab=all"))
    row = html[html.index(f'id="row-{order.number}"') :]  # type: ignore[attr-defined]
    row = row[: row.index("</tr>")]
    for photo in Attachment.objects.filter(order=order):  # type: ignore[misc]
        assert f"/attachments/{photo.pk}/thumbnail/" in row


def test_a_confidential_callers_number_is_masked_in_the_supplement(
    w: World, settings: object, tmp_path: object
) -> None:
    settings.MEDIA_ROOT = tmp_path  # type: ignore[attr-defined]
    order = w.new_order(confidential=True, citizen_phone="13911112222")
    actions.dispatch(order, actor=w.dispatcher, lead_unit=w.dept_a)
    actions.supplement(order, actor=w.operator, text="来电人留言：请打 13911112222 联系。")
    html = text(client_for(w.handler_a).get(f"/orders/{order.number}/"))
    assert "13911112222" not in _section(html, "case-supplements")
