from django.contrib.auth import views as auth_views
from django.urls import path

from accounts import views
from core.access import Deny, access_required, signed_in

# Every signed-in user changes their own password (core.access: anonymous → the login page).
signed_in_only = access_required(signed_in, deny_with=Deny.FORBIDDEN)

app_name = "accounts"
urlpatterns = [
    path("aanmelden/", views.LoginView.as_view(), name="login"),
    path("afmelden/", auth_views.LogoutView.as_view(), name="logout"),
    path("tweestapsverificatie/", views.otp, name="otp"),
    path("tweestapsverificatie/inschrijven/<uidb64>/<token>/", views.otp_enrol_link, name="otp_enrol_link"),
    path("wachtwoord-vergeten/", views.PasswordResetView.as_view(), name="password_reset"),
    path("wachtwoord-vergeten/verzonden/", views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path("wachtwoord-herstellen/<uidb64>/<token>/", views.PasswordResetConfirmView.as_view(),
         name="password_reset_confirm"),
    path("wachtwoord-herstellen/klaar/", views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("wachtwoord-wijzigen/", signed_in_only(views.PasswordChangeView.as_view()), name="password_change"),
    path("wachtwoord-wijzigen/klaar/", signed_in_only(views.PasswordChangeDoneView.as_view()), name="password_change_done"),
]
