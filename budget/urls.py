from django.urls import path

from budget import views, views_payees, views_spending

app_name = "budget"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("export.csv", views.export_csv, name="export"),
    path("rekeningnummers/", views_payees.payee_list, name="payees"),
    path("uitgaven/", views_spending.spending, name="spending"),
    path("uitgaven/nieuw/", views_spending.spending_new, name="spending_new"),
    path("werkelijk/", views_spending.actual, name="actual"),
    path("werkelijk/export/", views_spending.actual_export, name="actual_export"),
]
