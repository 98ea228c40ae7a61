"""Management API views for content."""
