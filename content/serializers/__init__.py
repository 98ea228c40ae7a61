"""Shapes of the content management API. No rules here: services hold them."""
