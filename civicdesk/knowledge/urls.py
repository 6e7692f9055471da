from django.urls import path

from civicdesk.knowledge import views

app_name = "knowledge"
urlpatterns = [
    path("", views.article_list, name="list"),
    path("search/", views.search_page, name="search"),
    path("review/", views.review_queue, name="review_queue"),
    path("new/", views.article_new, name="new"),
    path("<int:pk>/", views.article_detail, name="detail"),
    path("<int:pk>/edit/", views.article_edit, name="edit"),
    path("<int:pk>/act/<str:move>/", views.article_move, name="move"),
    path("export.xlsx", views.export_view, name="export"),
    path("import/", views.import_view, name="import"),
    path("dictionary/", views.dictionary_view, name="dictionary"),
    path("intake-answers/", views.intake_answers, name="intake_answers"),
    path("order/<str:number>/panel/", views.order_panel, name="order_panel"),
    path("order/<str:number>/to-article/", views.from_reply, name="from_reply"),
]
