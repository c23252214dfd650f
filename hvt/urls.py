from django.urls import path

from hvt import views

app_name = "hvt"
urlpatterns = [
    path("", views.index, name="index"),
    path("plaatsen/", views.place_list, name="place_list"),
    path("plaatsen/export.csv", views.place_export, name="place_export"),
    path("plaatsen/keuze/", views.place_choices, name="place_choices"),
    path("plaatsen/nieuw/", views.place_create, name="place_create"),
    path("plaatsen/<int:pk>/", views.place_detail, name="place_detail"),
    path("plaatsen/<int:pk>/wijzigen/", views.place_edit, name="place_edit"),
    path("plaatsen/<int:pk>/kwaliteitscontrole/", views.place_quality_check, name="place_quality_check"),
    path("plaatsen/<int:pk>/afsluiten/", views.place_close, name="place_close"),
    path("plaatsen/<int:pk>/bevestigen/", views.place_confirm, name="place_confirm"),
    path("plaatsen/<int:pk>/toewijzen/", views.allocation_create, name="allocation_create"),
    path("toewijzingen/<int:pk>/beeindigen/", views.allocation_end, name="allocation_end"),
    path("toewijzingen/<int:pk>/verhuizen/", views.allocation_move, name="allocation_move"),
    path("aanbod/", views.offer_list, name="offer_list"),
    path("aanbod/nieuw/", views.offer_create, name="offer_create"),
    path("validatie/", views.offer_queue, name="offer_queue"),
    path("validatie/<int:pk>/", views.offer_decide, name="offer_decide"),
    path("evolutie/", views.capacity_evolution, name="capacity_evolution"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/export/", views.dashboard_export, name="dashboard_export"),
    path("dashboard/kaart.geojson", views.dashboard_map, name="dashboard_map"),
    path("dashboard/evolutie/export/", views.dashboard_evolution_export, name="dashboard_evolution_export"),
    path("datakwaliteit/", views.data_quality, name="data_quality"),
    path("datakwaliteit/export/", views.data_quality_export, name="data_quality_export"),
    path("doelstellingen/", views.target_list, name="target_list"),
    path("gemeenten/", views.municipality_list, name="municipality_list"),
    path("gemeenten/<str:refnis>/", views.municipality_detail, name="municipality_detail"),
]
