"""Seed demo data: one user per role and a demo administrator. Safe to run again."""

from __future__ import annotations

import secrets

from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.models import User
from accounts.roles import ROLE_NAMES
from accounts.services import user_create

DEMO_DOMAIN = "folio.local"


class Command(BaseCommand):
    help = "Create demo users in every role. Prints the login once, when first created."

    @transaction.atomic
    def handle(self, *args, **options) -> None:
        admin_email = f"admin@{DEMO_DOMAIN}"
        if User.objects.filter(email=admin_email).exists():
            self.stdout.write(
                f"Demo users already exist; log in as {admin_email} with the password printed "
                "on the first run (reset it with `manage.py changepassword`)."
            )
            return
        password = f"folio-{secrets.token_urlsafe(9)}"
        user_create(
            actor=None,
            email=admin_email,
            password=password,
            full_name="Ada Admin",
            roles=[ROLE_NAMES[0]],
        )
        names = {
            "Editor": "Eddie Editor",
            "Author": "Aria Author",
            "Reviewer": "Rhea Reviewer",
            "Viewer": "Vic Viewer",
        }
        for role, full_name in names.items():
            user_create(
                actor=None,
                email=f"{role.lower()}@{DEMO_DOMAIN}",
                password=password,
                full_name=full_name,
                roles=[role],
            )
        self.stdout.write(self.style.SUCCESS("\nDemo login (shown once, save it):"))
        self.stdout.write(f"  email:    {admin_email}\n  password: {password}")
        emails = ", ".join(f"{r.lower()}@{DEMO_DOMAIN}" for r in names)
        self.stdout.write(f"  The same password works for {emails}.\n")
