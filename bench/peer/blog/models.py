"""An ArticlePage equivalent to Folio's article, as the Wagtail tutorial would write it:
an intro, a date, a category, tags and a StreamField body, all exposed to the API."""

from django.db import models
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import TaggedItemBase
from wagtail import blocks
from wagtail.api import APIField
from wagtail.fields import StreamField
from wagtail.models import Page


class BlogCategory(models.Model):
    name = models.CharField(max_length=100)
    slug = models.SlugField(unique=True)

    def __str__(self):
        return self.name


class ArticlePageTag(TaggedItemBase):
    content_object = ParentalKey(
        "blog.ArticlePage", related_name="tagged_items", on_delete=models.CASCADE
    )


class ArticlePage(Page):
    intro = models.CharField(max_length=250)
    date = models.DateField("Post date")
    category = models.ForeignKey(
        BlogCategory, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    tags = ClusterTaggableManager(through=ArticlePageTag, blank=True)
    body = StreamField(
        [
            ("heading", blocks.CharBlock()),
            ("paragraph", blocks.RichTextBlock()),
            ("quote", blocks.BlockQuoteBlock()),
        ]
    )

    api_fields = [
        APIField("intro"),
        APIField("date"),
        APIField("category"),
        APIField("tags"),
        APIField("body"),
    ]
