from django.contrib import admin

from civicdesk.catalogue.models import Area, Category, DispatchRule, ReplyPhrase, Topic


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "parent", "active"]
    list_filter = ["level", "active"]
    search_fields = ["name", "code", "keywords"]
    autocomplete_fields = ["parent"]


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "parent", "active"]
    list_filter = ["kind"]
    search_fields = ["name", "code", "aliases"]
    autocomplete_fields = ["parent"]


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["name"]
    filter_horizontal = ["categories"]


@admin.register(DispatchRule)
class DispatchRuleAdmin(admin.ModelAdmin):
    list_display = ["category", "area", "unit", "active"]
    list_filter = ["active"]
    search_fields = ["category__name", "unit__name", "area__name"]
    autocomplete_fields = ["category", "area", "unit"]


@admin.register(ReplyPhrase)
class ReplyPhraseAdmin(admin.ModelAdmin):
    list_display = ["phrase", "kind", "active", "note"]
    list_filter = ["kind", "active"]
    list_editable = ["active"]
    search_fields = ["phrase"]
