from django.apps import AppConfig


class RuntimeConfig(AppConfig):
    name = "civicdesk.runtime"
    label = "runtime"
    verbose_name = "运行"
