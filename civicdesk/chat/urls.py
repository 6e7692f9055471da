from django.urls import path

from civicdesk.chat import desk, stats, views

app_name = "chat"
urlpatterns = [
    # The citizen's side (no account).
    path("", views.home, name="home"),
    path("messages", views.messages, name="messages"),
    path("send", views.send, name="send"),
    path("leave", views.leave, name="leave"),
    # The operators' desk.
    path("desk/", desk.desk, name="desk"),
    path("desk/queue", desk.queue, name="queue"),
    path("desk/figures", desk.figures_page, name="figures"),
    # The chats behind a number of the statistics dashboard's online desk section.
    path("stats/chats", stats.drill_page, name="drill"),
    path("desk/<int:pk>/", desk.conversation, name="conversation"),
    path("desk/<int:pk>/messages", desk.desk_messages, name="desk_messages"),
    path("desk/<int:pk>/take", desk.take, name="take"),
    path("desk/<int:pk>/say", desk.say, name="say"),
    path("desk/<int:pk>/end", desk.end, name="end"),
]
