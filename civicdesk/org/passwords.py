"""Password validators in the interface's languages. Django's own minimum-length message has no
Chinese translation in this Django version, so a person would read it in English."""

from __future__ import annotations

from django.contrib.auth import password_validation
from django.utils.translation import gettext as _


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    def get_error_message(self) -> str:
        return _("密码太短，至少需要 %(n)s 个字符。") % {"n": self.min_length}

    def get_help_text(self) -> str:
        return _("密码至少需要 %(n)s 个字符。") % {"n": self.min_length}
