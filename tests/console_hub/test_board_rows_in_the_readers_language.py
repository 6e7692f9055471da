"""Every pending row of the dispatch board speaks the reader's language, page after page: the
words the rows share are worked out once per page (issue #20), never kept from a page drawn in
another language."""

from __future__ import annotations

from civicdesk.catalogue.models import DispatchRule
from tests.console_hub.helpers import client_for, row, text
from tests.world import World


def test_one_dispatcher_then_another_language_each_page_in_its_own(w: World) -> None:
    DispatchRule.objects.filter(category__isnull=True).delete()  # no fallback owner: one row has no suggestion
    matched = w.pending(category=w.cat_potholes, area=None, request_type="complaint")
    unmatched = w.pending(title="无法归类", content="说不清是哪个部门的事。", category=None, area=None)
    chinese, english = client_for(w.dispatcher), client_for(w.dispatcher)
    english.cookies["django_language"] = "en"

    for _ in range(2):
        zh = text(chinese.get("/orders/dispatch/", HTTP_ACCEPT_LANGUAGE="zh-hans"))
        en = text(english.get("/orders/dispatch/", HTTP_ACCEPT_LANGUAGE="en"))

        zh_row, en_row = row(zh, "pending", matched.number), row(en, "pending", matched.number)
        assert "投诉" in zh_row and "派至此单位" in zh_row and "并单" in zh_row
        assert "Complaint" in en_row and "Dispatch to this unit" in en_row and "Merge" in en_row
        assert "投诉" not in en_row and "派至此单位" not in en_row
        assert "目录无建议" in row(zh, "pending", unmatched.number)
        assert "No catalogue suggestion" in row(en, "pending", unmatched.number)
