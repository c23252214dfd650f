app_name = "hvt"
urlpatterns: list = []
