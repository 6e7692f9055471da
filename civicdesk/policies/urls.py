from django.urls import path

from civicdesk.policies import views

app_name = "policies"
urlpatterns = [
    path("", views.library, name="library"),
    path("new/", views.edit, name="new"),
    path("import/", views.import_view, name="import"),
    path("mine/", views.mine, name="mine"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("<int:pk>/cite/", views.cite, name="cite"),
    path("company/<int:pk>/", views.company, name="company"),
    path("order/<str:number>/panel/", views.order_panel, name="order_panel"),
    path("article/<int:pk>/panel/", views.article_panel, name="article_panel"),
]
