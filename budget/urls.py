from django.urls import path

from budget import views, views_payees

app_name = "budget"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("export.csv", views.export_csv, name="export"),
    path("rekeningnummers/", views_payees.payee_list, name="payees"),
]
