from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


def _catalogue_changed(sender: Any, **kwargs: Any) -> None:
    # Imported here, not at the top: models cannot be imported before the registry is ready.
    from civicdesk.org.models import bump_list

    bump_list("catalogue")


class CatalogueConfig(AppConfig):
    name = "civicdesk.catalogue"
    label = "catalogue"
    verbose_name = "分类与派单目录"

    def ready(self) -> None:
        # Imported here, not at the top: models cannot be imported before the registry is ready.
        from civicdesk.catalogue.models import Area, Category, Topic, forget_trees, rules_pointing_at
        from civicdesk.org.in_use import register_unit_in_use

        for model in (Area, Category):
            post_save.connect(forget_trees, sender=model, dispatch_uid=f"forget_trees_saved_{model.__name__}")
            post_delete.connect(forget_trees, sender=model, dispatch_uid=f"forget_trees_deleted_{model.__name__}")
        # The pickers' kept HTML (org.models.ListVersion) follows every change of their options.
        for listed in (Area, Category, Topic):
            name = listed.__name__
            post_save.connect(_catalogue_changed, sender=listed, dispatch_uid=f"list_version_saved_{name}")
            post_delete.connect(_catalogue_changed, sender=listed, dispatch_uid=f"list_version_deleted_{name}")
        # A unit the catalogue still dispatches to stays active.
        register_unit_in_use("catalogue.dispatch_rules", rules_pointing_at)
