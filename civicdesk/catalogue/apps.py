from django.apps import AppConfig


class CatalogueConfig(AppConfig):
    name = "civicdesk.catalogue"
    label = "catalogue"
    verbose_name = "分类与派单目录"
