from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangeConfig(AppConfig):
    name = "civicdesk.exchange"
    verbose_name = _("历史工单导入导出")
