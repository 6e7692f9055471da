"""Each order in the callback queue comes with a script to read: greeting, number, what
the citizen asked, what the unit replied, and the two questions."""

from __future__ import annotations

import time_machine

from tests.console_units.conftest import at
from tests.console_units.helpers import client_for, order_numbers, text
from tests.world import World


def test_it_reads_the_order_and_the_units_reply_in_the_script(w: World) -> None:
    order = w.awaiting_callback()

    html = text(client_for(w.callback_agent).get(f"/orders/callbacks/{order.number}/"))

    script = html[html.index('id="callback-script"') : html.index("记录回访结果")]
    assert "您好！这里是荣成市社会治理服务中心 12345 政务服务便民热线，我是回访员小赵。请问是王先生吗？" in script
    assert f"工单号 {order.number}" in script
    assert "您反映的是：崖头街道人民路路面坑洼。" in script
    assert "市住房和城乡建设局 的答复是：已安排养护队于当日修复路面坑洼并清理积水。" in script
    assert "请问您反映的问题解决了吗？" in script
    assert "您对这次办理结果满意吗？" in script
    for answer in ("已解决", "部分解决", "未解决", "满意", "基本满意", "不满意", "未评价", "群众意见"):
        assert answer in html
    assert 'name="record_callback-rework"' in html
    assert f'action="/orders/{order.number}/act/close_without_callback/"' in html


def test_it_lists_the_queue_by_callback_deadline(w: World) -> None:
    with time_machine.travel(at(2026, 3, 3, 9, 0), tick=False):
        later = w.awaiting_callback()
    with time_machine.travel(at(2026, 3, 2, 9, 0), tick=False):
        sooner = w.awaiting_callback()

    with time_machine.travel(at(2026, 3, 3, 10, 0), tick=False):
        html = text(client_for(w.callback_agent).get("/orders/callbacks/"))

    assert order_numbers(html) == [sooner.number, later.number]
    assert "已超期 1 个工作小时" in html  # one working day from Mon 09:00 ended Tue 09:00
    assert "剩余 6.5 个工作小时" in html
