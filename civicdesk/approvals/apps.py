from django.apps import AppConfig


class ApprovalsConfig(AppConfig):
    name = "civicdesk.approvals"
    label = "approvals"
    verbose_name = "并联审批"
