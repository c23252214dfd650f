from django.urls import path

from crt.views import dossiers, persons, reports, start

app_name = "crt"
urlpatterns = [
    path("", start.index, name="index"),
    path("dossiers/", dossiers.dossier_list, name="dossier_list"),
    path("dossiers/zoeken/", dossiers.dossier_search, name="dossier_search"),
    path("personen/registreren/", persons.person_register, name="person_register"),
    path("dossiers/<int:pk>/", dossiers.dossier_detail, name="dossier_detail"),
    path("dossiers/<int:pk>/identiteit/", dossiers.dossier_reveal, name="dossier_reveal"),
    path("dossiers/<int:pk>/status/", dossiers.dossier_status, name="dossier_status"),
    path("dossiers/<int:pk>/doorverwijzingen/", dossiers.referral_create, name="referral_create"),
    path("dossiers/<int:pk>/rijksregister/", dossiers.dossier_register_check, name="dossier_register_check"),
    path("dossiers/<int:pk>/gegevens/", persons.person_update, name="person_update"),
    path("dossiers/<int:pk>/signaal/", dossiers.dossier_flag_clear, name="dossier_flag_clear"),
    path("doorverwijzingen/<int:pk>/uitkomst/", dossiers.referral_outcome, name="referral_outcome"),
    path("rapportage/", reports.reports, name="reports"),
    path("rapportage/<slug:dimension>/export/", reports.report_export, name="report_export"),
]
