from django.apps import AppConfig


class DevServerConfig(AppConfig):
    name = "core.devserver"
    label = "folio_devserver"
    verbose_name = "Development server"
