from django.contrib.auth import views as auth_views
from django.urls import path

from civicdesk.console import views

app_name = "console"
urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.LoginView.as_view(), name="login"),
    # Back to the console's sign-in page, not Django admin's "logged out" page.
    path("logout/", auth_views.LogoutView.as_view(next_page="console:login"), name="logout"),
    path("manage/", views.manage, name="manage"),
    path("password/", views.PasswordChangeView.as_view(), name="password"),
]
