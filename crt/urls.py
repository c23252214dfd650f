from django.urls import path

from crt import views

app_name = "crt"
urlpatterns = [
    path("", views.index, name="index"),
]
