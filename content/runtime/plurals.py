"""A runtime type's plural name when its Administrator gives none ("Ferry" → "Ferries").

English rules for the last word only; an irregular plural ("Person" → "People") is given
on the type (TypeDefinition.name_plural). Pure: the migration that filled the existing
types' plurals imports it.
"""

from __future__ import annotations

VOWELS = frozenset("aeiou")
SIBILANT_ENDINGS = ("s", "x", "z", "ch", "sh")


def english_plural(name: str) -> str:
    """`name` with its last word made plural: -y after a consonant → -ies, a sibilant → -es,
    anything else → -s ("FAQ" → "FAQs"; an all-caps "CITY" → "CITIES")."""
    name = name.strip()
    if not name or not name[-1].isalpha():
        return name
    lower = name.lower()
    if lower.endswith("y") and len(lower) > 1 and lower[-2] not in VOWELS:
        return name[:-1] + _cased("ies", name)
    if lower.endswith(SIBILANT_ENDINGS):
        return name + _cased("es", name)
    return name + "s"


def _cased(suffix: str, name: str) -> str:
    # An all-caps word (more than one letter) takes an all-caps suffix.
    word = name.split()[-1]
    return suffix.upper() if len(word) > 1 and word.isupper() else suffix
