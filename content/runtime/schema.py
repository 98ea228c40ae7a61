"""The OpenAPI schema of routes that serve every runtime type through an `{api_id}`
parameter (`entries/<api_id>/`; the delivery API's the same way): one set of paths per
type, so each type has its own typed components (`Concert`, `ConcertCreateRequest`, ...).

To describe another such route, call `per_runtime_type(ViewClass, view_for)` where the
route is registered, with `view_for(entry_type)` returning a subclass of the view set to
that type (its serializers; content.views.runtime_entries.typed_viewset is the example).
A type's field values are typed by content.serializers.runtime.typed_value_field.

The schema is kept per state of the registry (core.schema_views.schema_depends_on, set
in content.runtime.apps), so a type defined or changed shows on the next request.
"""

from __future__ import annotations

from collections.abc import Callable

from content.types import EntryType, entry_types
from core.schema_paths import Endpoint, fixed_parameter, register_expander


def runtime_types() -> list[EntryType]:
    """The runtime types as registered now, by api_id."""
    return sorted((t for t in entry_types() if t.runtime), key=lambda t: t.api_name)


def per_runtime_type(
    view_class: type, view_for: Callable[[EntryType], type], parameter: str = "api_id"
) -> None:
    """Describe `view_class`'s routes once per runtime type: `{parameter}` in their paths
    becomes the type's api_id and `view_for(entry_type)` (a subclass of `view_class` set to
    that type, with its serializers) is what the schema inspects. With no runtime type,
    the routes are left out of the schema."""

    def expand(endpoint: Endpoint) -> list[Endpoint]:
        return [
            fixed_parameter(endpoint, parameter, registration.api_name, view_for(registration))
            for registration in runtime_types()
        ]

    register_expander(view_class, expand)
