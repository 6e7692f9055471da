import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from civicdesk.orders import actions
from civicdesk.orders.errors import InvalidInput
from civicdesk.orders.models import Attachment, OrderEvent, WorkOrder
from tests.world import World

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_it_keeps_photos_sent_with_a_new_order(w: World, settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path
    photo = SimpleUploadedFile("坑洼.png", PNG, content_type="image/png")
    order = w.new_order(attachments=[photo])
    stored = Attachment.objects.get(order=order)
    assert stored.original_name == "坑洼.png"
    assert stored.event == OrderEvent.objects.get(order=order, action="create")
    assert stored.file.read() == PNG


def test_it_refuses_a_file_that_is_not_what_its_name_says_and_writes_no_order(w: World, settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path
    fake = SimpleUploadedFile("photo.png", b"MZ\x90\x00 not a picture", content_type="image/png")
    with pytest.raises(InvalidInput) as refused:
        w.new_order(attachments=[fake])
    assert "内容与文件类型不符" in refused.value.fields["attachments"]
    assert not WorkOrder.objects.exists()


def test_it_refuses_programs_and_oversized_files(w: World, settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path
    order = w.signed()
    with pytest.raises(InvalidInput, match="不支持的附件类型"):
        actions.reply(
            order,
            actor=w.handler_a,
            result="solved",
            text="已处理",
            attachments=[SimpleUploadedFile("run.exe", b"MZ", content_type="application/octet-stream")],
        )
    big = SimpleUploadedFile("scan.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024), content_type="application/pdf")
    with pytest.raises(InvalidInput, match="超过 10 MB"):
        actions.supplement(order, actor=w.operator, text="补充现场照片", attachments=[big])
    assert not Attachment.objects.exists()
    assert OrderEvent.objects.filter(order=order).count() == 3  # create, dispatch, sign


def test_it_attaches_a_reply_document_to_the_reply_event(w: World, settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path
    order = w.signed()
    doc = SimpleUploadedFile("处理情况.pdf", b"%PDF-1.7 report", content_type="application/pdf")
    actions.reply(order, actor=w.handler_a, result="solved", text="已修复", attachments=[doc])
    assert Attachment.objects.get(order=order).event.action == "reply"
