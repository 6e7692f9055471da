"""Files that come with an order, a supplement or a reply: checked before anything is
written, stored against the event that brought them."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from pathlib import PurePath

from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from civicdesk.orders.errors import InvalidInput
from civicdesk.orders.models import Attachment, OrderEvent, WorkOrder
from civicdesk.org.models import User

MAX_BYTES = 10 * 1024 * 1024
MAX_FILES = 9
# Extension → the content types a browser or phone may send for it.
ALLOWED = {
    ".jpg": {"image/jpeg"},
    ".jpeg": {"image/jpeg"},
    ".png": {"image/png"},
    ".gif": {"image/gif"},
    ".webp": {"image/webp"},
    ".heic": {"image/heic", "image/heif"},
    ".pdf": {"application/pdf"},
    ".doc": {"application/msword"},
    ".docx": {"application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
    ".xls": {"application/vnd.ms-excel"},
    ".xlsx": {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
    ".mp3": {"audio/mpeg"},
    ".wav": {"audio/wav", "audio/x-wav"},
}
# Magic numbers of the formats where a renamed file would be dangerous to open.
_SIGNATURES = {
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".gif": (b"GIF87a", b"GIF89a"),
    ".pdf": (b"%PDF-",),
}


def validate(files: Iterable[UploadedFile]) -> list[UploadedFile]:
    checked = list(files)
    if len(checked) > MAX_FILES:
        message = _("最多上传 %(n)s 个附件。") % {"n": MAX_FILES}
        raise InvalidInput(message, fields={"attachments": message})
    for upload in checked:
        name = upload.name or ""
        suffix = PurePath(name).suffix.lower()
        if suffix not in ALLOWED:
            message = _("不支持的附件类型：%(name)s（可上传图片、PDF、Word、Excel、录音）。") % {"name": name}
            raise InvalidInput(message, fields={"attachments": message})
        if upload.size is None or upload.size > MAX_BYTES:
            message = _("附件 %(name)s 超过 10 MB。") % {"name": name}
            raise InvalidInput(message, fields={"attachments": message})
        content_type = (upload.content_type or "").split(";")[0].strip().lower()
        if content_type and content_type != "application/octet-stream" and content_type not in ALLOWED[suffix]:
            message = _("附件 %(name)s 的内容与文件类型不符。") % {"name": name}
            raise InvalidInput(message, fields={"attachments": message})
        signatures = _SIGNATURES.get(suffix)
        if signatures:
            head = upload.read(16)
            upload.seek(0)
            if not any(head.startswith(sig) for sig in signatures):
                message = _("附件 %(name)s 的内容与文件类型不符。") % {"name": name}
                raise InvalidInput(message, fields={"attachments": message})
    return checked


def store(order: WorkOrder, event: OrderEvent, files: list[UploadedFile], actor: User | None) -> list[Attachment]:
    stored: list[Attachment] = []
    for upload in files:
        suffix = PurePath(upload.name or "").suffix.lower()
        attachment = Attachment(
            order=order,
            event=event,
            original_name=(upload.name or "")[:255],
            content_type=next(iter(ALLOWED[suffix])),
            size=upload.size or 0,
            uploaded_by=actor,
            uploaded_at=event.at,
        )
        # A generated name: the original may hold the caller's name or odd characters; the
        # random part keeps it unguessable should the media folder ever be exposed (files
        # are served only by orders.views.detail.attachment, which checks the reader).
        name = f"{event.seq:03d}-{len(stored) + 1}-{secrets.token_urlsafe(12)}{suffix}"
        attachment.file.save(name, upload, save=False)
        attachment.save()
        stored.append(attachment)
    return stored
