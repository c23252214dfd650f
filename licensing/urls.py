from django.urls import path

from licensing import views

app_name = "licensing"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("deactivaties/", views.activity, name="activity"),
    path("export/<slug:table>/", views.export, name="export"),
    path("toewijzen/", views.assign, name="assign"),
    path("gebruikers/<int:pk>/heractiveren/", views.reactivate, name="reactivate"),
]
