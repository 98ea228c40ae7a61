"""The kinds of field a runtime type may have, and what each one means.

Each kind says which options it takes (and checks them when a type is defined), turns a
value from any interface into what `Entry.data` stores (or says why it can't), and gives
the text policies read. Stored forms are plain JSON that sorts as its values do: dates and
date-times as ISO 8601 (date-times in UTC, to the second), decimals as strings (no float
rounding), media as an id, references as {"type", "id"}.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator

from content.blocks import body_clean, plain_text
from content.models import FieldKind, MediaKind

# Options every kind may take beyond its own.
TEXT_OPTIONS = {"min_length", "max_length", "pattern"}
NUMBER_OPTIONS = {"min_value", "max_value"}
ITEMS_OPTIONS = {"min_items", "max_items"}
OWN_OPTIONS: dict[str, set[str]] = {
    FieldKind.TEXT: TEXT_OPTIONS,
    FieldKind.LONG_TEXT: TEXT_OPTIONS,
    FieldKind.RICH_TEXT: set(),
    FieldKind.INTEGER: NUMBER_OPTIONS,
    FieldKind.DECIMAL: NUMBER_OPTIONS | {"decimal_places"},
    FieldKind.BOOLEAN: set(),
    FieldKind.DATE: set(),
    FieldKind.DATETIME: set(),
    FieldKind.EMAIL: set(),
    FieldKind.URL: set(),
    FieldKind.CHOICE: {"choices"},
    FieldKind.CHOICES: {"choices"} | ITEMS_OPTIONS,
    FieldKind.MEDIA: {"media_kinds"},
    FieldKind.REFERENCE: {"types", "many"} | ITEMS_OPTIONS,
}
TEXT_KINDS = (FieldKind.TEXT, FieldKind.LONG_TEXT, FieldKind.RICH_TEXT)
# What a filter compares values of each kind as (content.runtime.filters); None: no filter.
FILTER_AS: dict[str, str | None] = {
    FieldKind.TEXT: "text",
    FieldKind.LONG_TEXT: None,
    FieldKind.RICH_TEXT: None,
    FieldKind.INTEGER: "number",
    FieldKind.DECIMAL: "number",
    FieldKind.BOOLEAN: "boolean",
    FieldKind.DATE: "date",
    FieldKind.DATETIME: "datetime",
    FieldKind.EMAIL: "text",
    FieldKind.URL: "text",
    FieldKind.CHOICE: "text",
    FieldKind.CHOICES: "text",
    FieldKind.MEDIA: "number",
    FieldKind.REFERENCE: "number",
}
DEFAULT_MAX_LENGTH = {FieldKind.TEXT: 255, FieldKind.LONG_TEXT: 10_000}
DEFAULT_DECIMAL_PLACES = 2


class Invalid(Exception):
    """A value a field does not take; the message says why, for its field."""


def _int_option(options: dict, name: str, problems: list[str], minimum: int = 0) -> None:
    value = options.get(name)
    if value is not None and (type(value) is not int or value < minimum):
        problems.append(f"{name} must be a whole number of at least {minimum}.")


def _number_option(options: dict, name: str, problems: list[str]) -> None:
    value = options.get(name)
    if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)):
        problems.append(f"{name} must be a number.")


def _range_ok(options: dict, low: str, high: str, problems: list[str]) -> None:
    lo, hi = options.get(low), options.get(high)
    if isinstance(lo, int | float) and isinstance(hi, int | float) and lo > hi:
        problems.append(f"{low} is greater than {high}.")


def options_problems(kind: str, options: Any, type_exists) -> list[str]:
    """What is wrong with a field's options (empty when nothing is). `type_exists(name)`
    answers whether a reference may point at a type of that API name."""
    if not isinstance(kind, str) or kind not in OWN_OPTIONS:
        return [f"Unknown field type {kind!r}; choose one of: {', '.join(FieldKind.values)}."]
    if not isinstance(options, dict):
        return ["Options must be an object."]
    problems = [
        f"{kind} fields take no option {name!r}."
        for name in options
        if name not in OWN_OPTIONS[kind]
    ]
    for name in ("min_length", "max_length", "min_items", "max_items"):
        _int_option(options, name, problems)
    _int_option(options, "decimal_places", problems)
    for name in ("min_value", "max_value"):
        _number_option(options, name, problems)
    _range_ok(options, "min_length", "max_length", problems)
    _range_ok(options, "min_value", "max_value", problems)
    _range_ok(options, "min_items", "max_items", problems)
    pattern = options.get("pattern")
    if pattern is not None:
        try:
            re.compile(pattern)
        except (re.error, TypeError) as error:
            problems.append(f"The pattern does not compile: {error}.")
    if kind in (FieldKind.CHOICE, FieldKind.CHOICES):
        choices = options.get("choices")
        if (
            not isinstance(choices, list)
            or not choices
            or not all(isinstance(c, str) and c for c in choices)
        ):
            problems.append("choices must be a non-empty list of non-empty strings.")
        elif len(set(choices)) != len(choices):
            problems.append("choices must not repeat.")
    if kind == FieldKind.MEDIA:
        kinds = options.get("media_kinds", [])
        if not isinstance(kinds, list) or any(k not in MediaKind.values for k in kinds):
            problems.append(f"media_kinds must be a list of: {', '.join(MediaKind.values)}.")
    if kind == FieldKind.REFERENCE:
        types = options.get("types")
        if not isinstance(types, list) or not types or not all(isinstance(t, str) for t in types):
            problems.append("types must be a non-empty list of type API ids.")
        else:
            problems += [f"No type is called {t!r}." for t in types if not type_exists(t)]
        if not isinstance(options.get("many", False), bool):
            problems.append("many must be true or false.")
    return problems


def _text(field, value: Any, kind: str) -> str:
    if not isinstance(value, str):
        raise Invalid("Must be a string.")
    value = value.strip()
    options = field.options
    limit = options.get("max_length", DEFAULT_MAX_LENGTH.get(kind))
    if limit is not None and len(value) > limit:
        raise Invalid(f"At most {limit} characters.")
    if len(value) < options.get("min_length", 0):
        raise Invalid(f"At least {options['min_length']} characters.")
    pattern = options.get("pattern")
    if pattern and value and not re.fullmatch(pattern, value):
        raise Invalid(f"Must match the pattern {pattern}.")
    return value


def _bounded(field, value):
    low, high = field.options.get("min_value"), field.options.get("max_value")
    if low is not None and value < Decimal(str(low)):
        raise Invalid(f"Must be at least {low}.")
    if high is not None and value > Decimal(str(high)):
        raise Invalid(f"Must be at most {high}.")
    return value


def _integer(field, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise Invalid("Must be a whole number.")
    return _bounded(field, value)


def _decimal(field, value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        raise Invalid("Must be a number.")
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise Invalid("Must be a number.") from None
    if not number.is_finite():
        raise Invalid("Must be a number.")
    places = field.options.get("decimal_places", DEFAULT_DECIMAL_PLACES)
    if -number.as_tuple().exponent > places:
        raise Invalid(f"At most {places} decimal places.")
    return str(_bounded(field, number).quantize(Decimal(1).scaleb(-places)))


def _date(field, value: Any) -> str:
    if isinstance(value, datetime) or not isinstance(value, str | date):
        raise Invalid("Must be an ISO 8601 date.")
    try:
        return (value if isinstance(value, date) else date.fromisoformat(value)).isoformat()
    except ValueError:
        raise Invalid("Must be an ISO 8601 date.") from None


def _datetime(field, value: Any) -> str:
    try:
        moment = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    except (TypeError, ValueError):
        raise Invalid("Must be an ISO 8601 date-time.") from None
    if moment.tzinfo is None:
        raise Invalid("Must include a time zone (Z or +hh:mm).")
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def _validated(validator, message: str):
    def clean(field, value: Any) -> str:
        value = _text(field, value, FieldKind.TEXT)
        if value:
            try:
                validator(value)
            except ValidationError:
                raise Invalid(message) from None
        return value

    return clean


def _choice(field, value: Any) -> str:
    if value not in field.options["choices"]:
        raise Invalid(f"Choose one of: {', '.join(field.options['choices'])}.")
    return value


def _items(field, values: list) -> list:
    low, high = field.options.get("min_items"), field.options.get("max_items")
    if low is not None and len(values) < low:
        raise Invalid(f"At least {low} items.")
    if high is not None and len(values) > high:
        raise Invalid(f"At most {high} items.")
    return values


def _choices(field, value: Any) -> list[str]:
    if not isinstance(value, list):
        raise Invalid("Must be a list.")
    wrong = [v for v in value if v not in field.options["choices"]]
    if wrong:
        raise Invalid(f"Not allowed: {', '.join(map(str, wrong))}.")
    return _items(field, list(dict.fromkeys(value)))


def _boolean(field, value: Any) -> bool:
    if not isinstance(value, bool):
        raise Invalid("Must be true or false.")
    return value


def _rich_text(field, value: Any) -> list:
    try:
        return body_clean(value)
    except ValidationError as error:
        raise Invalid(" ".join(error.message_dict.get("body", error.messages))) from None


CLEANERS = {
    FieldKind.TEXT: lambda f, v: _text(f, v, FieldKind.TEXT),
    FieldKind.LONG_TEXT: lambda f, v: _text(f, v, FieldKind.LONG_TEXT),
    FieldKind.RICH_TEXT: _rich_text,
    FieldKind.INTEGER: _integer,
    FieldKind.DECIMAL: _decimal,
    FieldKind.BOOLEAN: _boolean,
    FieldKind.DATE: _date,
    FieldKind.DATETIME: _datetime,
    FieldKind.EMAIL: _validated(EmailValidator(), "Must be an email address."),
    FieldKind.URL: _validated(URLValidator(schemes=["http", "https"]), "Must be an http(s) URL."),
    FieldKind.CHOICE: _choice,
    FieldKind.CHOICES: _choices,
}


def is_empty(value: Any) -> bool:
    return value is None or value == "" or value == []


def clean_value(field, value: Any) -> Any:
    """The stored form of `value` for `field`, shape and options checked (Invalid if not).
    Media and references are checked to exist by content.runtime.values, in one query."""
    if is_empty(value):
        return None
    cleaner = CLEANERS.get(field.kind)
    return cleaner(field, value) if cleaner else value


def text_of(field, value: Any) -> str:
    """The plain text a text-bearing field holds (what the text policies read)."""
    if value is None:
        return ""
    if field.kind == FieldKind.RICH_TEXT:
        return "\n".join(
            plain_text(str(part))
            for block in value
            for part in (block.get("value") or {}).values()
            if isinstance(part, str)
        )
    return str(value)
