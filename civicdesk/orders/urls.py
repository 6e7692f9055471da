from django.urls import path

from civicdesk.orders.views import board, callbacks, detail, joint, lists, merge, supervision, unit

app_name = "orders"
urlpatterns = [
    path("inbox/", unit.inbox, name="inbox"),
    path("inbox/<str:number>/do/<str:action>/", unit.inline_move, name="inbox_inline"),
    path("inbox/<str:number>/<str:action>/", unit.move_form, name="inbox_move"),
    path("dispatch/", board.dispatch_board, name="dispatch_board"),
    path("dispatch/bulk/", board.bulk_dispatch, name="hub_bulk_dispatch"),
    path("dispatch/review/<str:number>/<str:action>/", board.review, name="hub_review"),
    path("callbacks/", callbacks.callbacks, name="callbacks"),
    path("callbacks/<str:number>/", callbacks.callback, name="callback"),
    path("supervision/", supervision.supervision, name="supervision"),
    path("supervision/<str:number>/escalate/", supervision.escalate, name="hub_escalate"),
    path("search/", lists.search, name="search"),
    path("<str:number>/", detail.detail, name="detail"),
    path("<str:number>/act/<str:action>/", detail.act, name="act"),
    path("<str:number>/joint/", joint.joint, name="joint"),
    path("<str:number>/reveal/", detail.reveal_contact, name="reveal"),
    path("<str:number>/attachments/<int:pk>/", detail.attachment, name="attachment"),
    path("<str:number>/attachments/<int:pk>/thumbnail/", detail.attachment_thumbnail, name="attachment_thumbnail"),
    path("<str:number>/merge/", merge.merge, name="merge"),
]
