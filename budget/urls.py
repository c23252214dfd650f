from django.urls import path

from budget import views

app_name = "budget"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("export.csv", views.export_csv, name="export"),
]
