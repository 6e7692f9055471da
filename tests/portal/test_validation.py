"""Bad input gets a clear message next to the field, keeps everything typed, and markup is
stripped from what is stored (not escaped and stored)."""

from __future__ import annotations

from django.test import Client

from civicdesk.orders.models import WorkOrder
from civicdesk.portal.forms import CONTENT_MAX
from tests.portal.helpers import submit, text
from tests.world import World


def test_html_is_stripped_from_every_text(w: World) -> None:
    response = submit(
        Client(),
        w,
        content="<p>路灯<b>不亮</b>了</p><script>alert('x')</script>",
        address="<i>人民路</i>88号",
        citizen_name="<a href='http://evil'>王</a>女士",
    )
    assert response.status_code == 302
    order = WorkOrder.objects.get()
    assert order.content == "路灯不亮了"
    assert order.address == "人民路88号"
    assert order.citizen_name == "王女士"
    assert "<" not in order.title and "&lt;" not in order.content


def test_entities_that_spell_a_tag_are_stripped_too(w: World) -> None:
    submit(Client(), w, content="&lt;script&gt;alert(1)&lt;/script&gt;小区门口垃圾无人清运")
    assert WorkOrder.objects.get().content == "小区门口垃圾无人清运"


def test_a_text_that_is_only_markup_counts_as_empty(w: World) -> None:
    response = submit(Client(), w, content="<b></b>  <br>")
    assert response.status_code == 400
    assert "请填写具体情况。" in text(response)
    assert not WorkOrder.objects.exists()


def test_too_long_content_says_how_long_and_keeps_it(w: World) -> None:
    long_text = "路" * (CONTENT_MAX + 15)
    response = submit(Client(), w, content=long_text)
    html = text(response)
    assert response.status_code == 400
    assert f"不能超过 {CONTENT_MAX} 个字（现有 {CONTENT_MAX + 15} 个）" in html
    assert long_text in html  # nothing typed is lost
    assert "崖头街道人民路88号" in html
    assert not WorkOrder.objects.exists()


def test_a_bad_phone_is_refused_next_to_the_field(w: World) -> None:
    response = submit(Client(), w, citizen_phone="12345")
    html = text(response)
    assert response.status_code == 400
    assert "请填写正确的手机号码" in html
    assert "路灯不亮已经一周" in html


def test_place_is_needed(w: World) -> None:
    response = submit(Client(), w, address="", area="")
    assert response.status_code == 400
    assert "请填写发生地点，或选择所在镇街。" in text(response)


def test_only_pictures_may_be_attached(w: World) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    exe = SimpleUploadedFile("photo.exe", b"MZ" + b"0" * 32, content_type="application/octet-stream")
    response = submit(Client(), w, photos=exe)
    assert response.status_code == 400
    assert "photo.exe 不是照片" in text(response)
    assert not WorkOrder.objects.exists()


def test_a_renamed_file_is_refused_by_the_attachment_rules(w: World) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("lamp.jpg", b"not really a jpeg", content_type="image/jpeg")
    response = submit(Client(), w, photos=fake)
    assert response.status_code == 400
    assert "lamp.jpg 的内容与文件类型不符" in text(response)
    assert "路灯不亮已经一周" in text(response)
