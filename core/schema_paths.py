"""Routes that serve many resources, described in the OpenAPI schema one resource at a time.

A route like content's `entries/<api_id>/` serves every content type defined as data; in
the schema it would be one operation with an untyped body. An app registers an expander
for the view class behind such a route (`register_expander`), and the preprocessing hook
`expand_endpoints` (SPECTACULAR_SETTINGS["PREPROCESSING_HOOKS"]) replaces each of the
view's endpoints by what the expander returns: typically one per resource, its path
parameter fixed (`fixed_parameter`) and served by a view class made for that resource, so
a generated client gets a typed model per resource.
"""

from __future__ import annotations

import re
from collections.abc import Callable

# (path, path_regex, method, callback), as drf-spectacular enumerates the URLconf.
Endpoint = tuple[str, str, str, Callable]
Expander = Callable[[Endpoint], list[Endpoint]]

_expanders: dict[type, Expander] = {}


def register_expander(view_class: type, expander: Expander) -> None:
    """Describe the endpoints served by `view_class` as `expander(endpoint)` does (an empty
    list leaves the endpoint out). Registering again for a class replaces its expander."""
    _expanders[view_class] = expander


def expand_endpoints(endpoints: list[Endpoint]) -> list[Endpoint]:
    """drf-spectacular's preprocessing hook: each endpoint, or what its expander makes of it."""
    expanded: list[Endpoint] = []
    for endpoint in endpoints:
        expander = _expanders.get(getattr(endpoint[3], "cls", None))
        expanded.extend(expander(endpoint) if expander else [endpoint])
    return expanded


def fixed_parameter(endpoint: Endpoint, name: str, value: str, view_class: type) -> Endpoint:
    """`endpoint` with its path parameter `name` replaced by `value`, served by `view_class`
    (built with the same actions and arguments as the original view)."""
    path, path_regex, method, callback = endpoint
    path = path.replace(f"{{{name}}}", value)
    path_regex = re.sub(rf"\(\?P<{name}>[^)]*\)", re.escape(value), path_regex)
    initkwargs = getattr(callback, "initkwargs", {})
    actions = getattr(callback, "actions", None)
    if actions is None:
        view = view_class.as_view(**initkwargs)
    else:
        view = view_class.as_view(actions, **initkwargs)
    return path, path_regex, method, view
