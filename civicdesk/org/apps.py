from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


def _units_changed(sender: Any, **kwargs: Any) -> None:
    # Imported here, not at the top: models cannot be imported before the registry is ready.
    from civicdesk.org.models import bump_list

    bump_list("units")


class OrgConfig(AppConfig):
    name = "civicdesk.org"
    label = "org"
    verbose_name = "组织机构"

    def ready(self) -> None:
        # The pickers' kept HTML (org.models.ListVersion) follows every change of a unit.
        post_save.connect(_units_changed, sender="org.OrgUnit", dispatch_uid="list_version_units_saved")
        post_delete.connect(_units_changed, sender="org.OrgUnit", dispatch_uid="list_version_units_deleted")
        # So does each process's copy of the unit tree (org.tree). Imported here: the tree
        # module reads the models, which are ready only now.
        from civicdesk.org import tree

        tree.connect()
