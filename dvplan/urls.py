from django.urls import include, path

urlpatterns = [
    path("", include("reports.urls")),
]

handler500 = "reports.views.server_error"
