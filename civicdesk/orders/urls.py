from django.urls import path

from civicdesk.orders.views import detail, lists

app_name = "orders"
urlpatterns = [
    path("inbox/", lists.inbox, name="inbox"),
    path("dispatch/", lists.dispatch_board, name="dispatch_board"),
    path("callbacks/", lists.callbacks, name="callbacks"),
    path("supervision/", lists.supervision, name="supervision"),
    path("search/", lists.search, name="search"),
    path("<str:number>/", detail.detail, name="detail"),
    path("<str:number>/act/<str:action>/", detail.act, name="act"),
    path("<str:number>/reveal/", detail.reveal_contact, name="reveal"),
]
