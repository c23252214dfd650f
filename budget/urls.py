from django.urls import path

from budget import views, views_payees, views_scheme, views_spending, views_subsidy, views_totals

app_name = "budget"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("export.csv", views.export_csv, name="export"),
    path("historiek/export/", views.history_export, name="history_export"),
    path("rekeningnummers/", views_payees.payee_list, name="payees"),
    path("uitgaven/", views_spending.spending, name="spending"),
    path("uitgaven/nieuw/", views_spending.spending_new, name="spending_new"),
    path("werkelijk/", views_spending.actual, name="actual"),
    path("werkelijk/export/", views_spending.actual_export, name="actual_export"),
]

urlpatterns += [
    path("subsidies/", views_subsidy.tranche_list, name="subsidy_tranches"),
    path("subsidies/schijven/<int:pk>/", views_subsidy.tranche_detail, name="subsidy_tranche"),
    path("subsidies/schijven/<int:pk>/berekenen/", views_subsidy.run_start, name="subsidy_run_start"),
    path("subsidies/schijven/<int:pk>/voortgang/", views_subsidy.run_progress, name="subsidy_run_progress"),
    path("subsidies/schijven/<int:pk>/goedkeuren/", views_subsidy.run_approve_view, name="subsidy_run_approve"),
    path("subsidies/schijven/<int:pk>/betaalbestand/<str:fmt>/", views_subsidy.payment_download, name="subsidy_payment"),
    path("subsidies/schijven/<int:pk>/betaald/", views_subsidy.tranche_paid, name="subsidy_tranche_paid"),
    path("subsidies/correcties/<int:pk>/antwoord/", views_subsidy.correction_answer, name="subsidy_correction_answer"),
    path("subsidies/afrekeningen/", views_subsidy.statement_list, name="subsidy_statements"),
    path("subsidies/afrekeningen/<int:pk>/", views_subsidy.statement_detail, name="subsidy_statement"),
    path("subsidies/regeling/", views_scheme.scheme_page, name="subsidy_scheme"),
    path("subsidies/totalen/", views_totals.totals_page, name="subsidy_totals"),
    path("subsidies/totalen/export/", views_totals.totals_export, name="subsidy_totals_export"),
]
