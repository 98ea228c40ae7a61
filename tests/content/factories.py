"""Factories for content. They write through the services, so every item has revisions."""

from __future__ import annotations

import io
from datetime import timedelta

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from content import services
from content.models import Article, Category, Page, Tag
from content.services import taxonomy


def png_bytes(width: int = 8, height: int = 6, color: str = "red") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), color).save(out, format="PNG")
    return out.getvalue()


def pdf_bytes(pages: int = 1) -> bytes:
    """A real, minimal PDF (blank pages), as pypdf writes it."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=200, height=200)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def image_upload(name: str = "pic.png", **kwargs) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes(**kwargs), content_type="image/png")


_colors = iter(range(1, 10**9))


def make_image(*, actor=None, title: str = "Picture", width: int = 8, height: int = 6):
    """A real PNG MediaAsset with unique bytes."""
    n = next(_colors)
    color = (n % 256, (n // 256) % 256, (n // 65536) % 256)
    asset, _ = services.media_upload(
        actor=actor,
        file=SimpleUploadedFile("pic.png", png_bytes(width, height, color)),
        data={"title": title, "alt_text": "An example"},
    )
    return asset


class _EntryFactory(factory.Factory):
    """Create through entry_create; traits move the item along its lifecycle as the system."""

    title = factory.Sequence(lambda n: f"Item {n}")
    body = factory.LazyFunction(lambda: [{"type": "paragraph", "value": {"text": "Hello"}}])
    owner = None
    published = False
    in_review = False
    approved = False
    scheduled = False
    trashed = False
    archived = False

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        flags = {
            name: kwargs.pop(name)
            for name in ("published", "in_review", "approved", "scheduled", "trashed", "archived")
        }
        owner = kwargs.pop("owner")
        entry = services.entry_create(model=model_class, actor=None, data=kwargs)
        if owner is not None:
            model_class.objects.filter(pk=entry.pk).update(owner=owner)
        if flags["in_review"] or flags["approved"]:
            services.entry_submit(entry=entry, actor=None)
        if flags["approved"]:
            services.entry_approve(entry=entry, actor=None)
        if flags["published"]:
            services.entry_publish(entry=entry, actor=None)
        if flags["scheduled"]:
            services.entry_schedule(
                entry=entry, actor=None, publish_at=timezone.now() + timedelta(hours=1)
            )
        if flags["archived"]:
            services.entry_archive(entry=entry, actor=None)
        if flags["trashed"]:
            services.entry_trash(entry=entry, actor=None)
        return model_class.objects.get(pk=entry.pk)


class ArticleFactory(_EntryFactory):
    class Meta:
        model = Article

    title = factory.Sequence(lambda n: f"Article {n}")


class PageFactory(_EntryFactory):
    class Meta:
        model = Page

    title = factory.Sequence(lambda n: f"Page {n}")


def make_category(name: str = "News", **data) -> Category:
    return taxonomy.taxonomy_create(model=Category, actor=None, data={"name": name, **data})


def make_tag(name: str = "python", **data) -> Tag:
    return taxonomy.taxonomy_create(model=Tag, actor=None, data={"name": name, **data})
