"""The demo's content policies, so governance shows from the first `make run`.

Created through `policy_create`, the service the admin and the API use (validated and
audited like theirs), before the demo content: every demo submit and publish is then
checked against them, as an editor's would be, and stores its results for the admin's
policy panel. The two blocking ones pass on all demo content (or seeding would be
refused); the readability warning fires on one demo article written in legalese
(content.seeding.demo), which is still published, since warnings never block.
"""

from __future__ import annotations

from typing import Any

from accounts.roles import EDITOR, REVIEWER
from content.models import Article
from governance.models import ContentPolicy
from governance.policies.configuration import policy_create
from governance.policies.list_filter import PARAMETER

DEMO_POLICIES: tuple[dict[str, Any], ...] = (
    {
        "name": "Plain words: no filler phrases",
        "kind": "banned_terms",
        # "click here" fails screen-reader users, who list links out of context.
        "params": {"terms": ["click here", "synergy", "world-class"]},
        "severity": "block",
    },
    {
        "name": "Alt text on every image",
        "kind": "image_alt_text",
        "params": {},
        "severity": "block",
    },
    {
        "name": "Readable prose",
        "kind": "readability",
        # The demo's generated text is dense (Flesch reading ease 5-30), so the bar sits at
        # 0, "very hard to read"; a newsroom would aim for 50-60.
        "params": {"min_score": 0, "min_words": 60},
        "severity": "warn",
    },
)


def demo_policies_create(*, actor: Any) -> list[ContentPolicy]:
    """Create the demo policies that do not exist yet (by name); returns those created."""
    existing = set(ContentPolicy.objects.values_list("name", flat=True))
    return [
        policy_create(actor=actor, data=dict(data))
        for data in DEMO_POLICIES
        if data["name"] not in existing
    ]


# A shared saved view on the articles list (content.seeding.saved_views makes it): the
# items whose latest revision fails a policy, warnings included (the demo's blocking
# policies pass on all its content; its readability warning fires on one article).
POLICY_VIOLATIONS_VIEW: dict[str, Any] = {
    "name": "Policy violations",
    "model": Article,
    "query": f"{PARAMETER}=any",
    "columns": [],
    "roles": (EDITOR, REVIEWER),
}
