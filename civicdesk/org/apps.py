from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "civicdesk.org"
    label = "org"
    verbose_name = "组织机构"

    def ready(self) -> None:
        # Each process's copy of the unit tree (org.tree) and the board's unit pickers kept
        # under its token (lib.listversion) follow every change of a unit. Imported here: the
        # tree module reads the models, which are ready only now.
        from civicdesk.org import tree

        tree.connect()
