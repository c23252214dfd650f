from django.urls import path

from crt import views

app_name = "crt"
urlpatterns = [
    path("", views.index, name="index"),
    path("dossiers/", views.dossier_list, name="dossier_list"),
    path("dossiers/zoeken/", views.dossier_search, name="dossier_search"),
    path("personen/registreren/", views.person_register, name="person_register"),
    path("dossiers/<int:pk>/", views.dossier_detail, name="dossier_detail"),
    path("dossiers/<int:pk>/identiteit/", views.dossier_reveal, name="dossier_reveal"),
    path("dossiers/<int:pk>/status/", views.dossier_status, name="dossier_status"),
    path("dossiers/<int:pk>/doorverwijzingen/", views.referral_create, name="referral_create"),
    path("dossiers/<int:pk>/rijksregister/", views.dossier_register_check, name="dossier_register_check"),
    path("dossiers/<int:pk>/gegevens/", views.person_update, name="person_update"),
    path("dossiers/<int:pk>/signaal/", views.dossier_flag_clear, name="dossier_flag_clear"),
    path("doorverwijzingen/<int:pk>/uitkomst/", views.referral_outcome, name="referral_outcome"),
    path("rapportage/", views.reports, name="reports"),
    path("rapportage/<slug:dimension>.csv", views.report_export, name="report_export"),
]
