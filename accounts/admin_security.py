"""Sign-in security in the admin: django-axes' lockout records and the JWT blacklist
(django-otp's device admins are removed).

Both apps register plain Django ModelAdmins; they are registered again as subclasses
that add unfold's ModelAdmin (the way unfold's docs re-register third-party admins), so
their pages are drawn in the admin's theme and sit in the sidebar's Settings. The apps'
admin modules run first (their apps come before accounts in INSTALLED_APPS).
"""

from __future__ import annotations

from django.contrib import admin
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from unfold.admin import ModelAdmin

from core.admin_forms import NoRelatedPopupsMixin

_PLACES = {
    "axes.AccessAttempt": ("lock_clock", 90),
    "axes.AccessLog": ("login", 91),
    "axes.AccessFailureLog": ("block", 92),
    "token_blacklist.OutstandingToken": ("token", 95),
    "token_blacklist.BlacklistedToken": ("do_not_disturb_on", 96),
}


def themed_admin_class(base: type[admin.ModelAdmin], icon: str, order: int) -> type:
    """`base` with unfold's ModelAdmin behind it, placed in the sidebar's Settings."""
    attrs = {"nav_section": "settings", "nav_icon": icon, "nav_order": order}
    bases = (NoRelatedPopupsMixin, base, ModelAdmin)
    return type(base.__name__, bases, {"__module__": __name__, **attrs})


def retheme(site: admin.AdminSite = admin.site) -> None:
    """Re-register each of these models' admins (those registered) as a themed subclass."""
    for model, model_admin in list(site._registry.items()):
        place = _PLACES.get(model._meta.label)
        if place is None or isinstance(model_admin, ModelAdmin):
            continue
        site.unregister(model)
        site.register(model, themed_admin_class(type(model_admin), *place))


retheme()

# django-otp's device admins show a device's secret key and QR code to any superuser; a
# user's factors are managed on their own Security page (accounts/mfa) instead.
for _device in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(_device):
        admin.site.unregister(_device)
