from django.apps import AppConfig


class EnterprisesConfig(AppConfig):
    name = "civicdesk.enterprises"
    label = "enterprises"
    verbose_name = "企业服务"
