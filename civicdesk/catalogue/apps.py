from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save

from civicdesk.lib.listversion import follow


class CatalogueConfig(AppConfig):
    name = "civicdesk.catalogue"
    label = "catalogue"
    verbose_name = "分类与派单目录"

    def ready(self) -> None:
        # Imported here, not at the top: models cannot be imported before the registry is ready.
        from civicdesk.catalogue.models import CATALOGUE, Area, Category, Topic, forget_trees, rules_pointing_at
        from civicdesk.org.in_use import register_unit_in_use

        for model in (Area, Category):
            post_save.connect(forget_trees, sender=model, dispatch_uid=f"forget_trees_saved_{model.__name__}")
            post_delete.connect(forget_trees, sender=model, dispatch_uid=f"forget_trees_deleted_{model.__name__}")
        # The pickers' kept HTML (lib.listversion) follows every change of their options.
        follow(CATALOGUE, Area, Category, Topic)
        # A unit the catalogue still dispatches to stays active.
        register_unit_in_use("catalogue.dispatch_rules", rules_pointing_at)
