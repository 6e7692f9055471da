from django.apps import AppConfig


class StatisticsConfig(AppConfig):
    name = "civicdesk.statistics"
    label = "statistics"
    verbose_name = "统计"
