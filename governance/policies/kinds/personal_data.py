"""Personal data: email addresses, phone numbers, card numbers (Luhn) and IBANs (mod 97).

Numbers are only reported when their shape and checksum say so, so prices, years,
dates, IP addresses and decimals do not trip the rule. Messages mask what they found,
so the check result does not copy the personal data somewhere else.
"""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError

from governance.policies.kinds.base import Violation, field_texts, params_dict, string_list

DETECTORS = ("email", "phone", "card", "iban")

EMAIL_RE = re.compile(
    r"(?<![\w.%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b"
)
CARD_RE = re.compile(r"(?<![\d-])\d(?:[ -]?\d){12,18}(?![\d-])")
PHONE_RE = re.compile(
    r"(?<![\w.+-])(?:\+\d{1,3}[\s.-]?)?(?:\(\d{2,5}\)[\s.-]?|\d{2,5}[\s.-])"
    r"\d{2,4}(?:[\s.-]\d{2,4}){1,3}(?![\w-]|\.\d)"
)
DATE_RE = re.compile(r"\d{4}[-./]\d{1,2}[-./]\d{1,2}|\d{1,2}[-./]\d{1,2}[-./]\d{2,4}")
IPV4_RE = re.compile(r"\d{1,3}(?:\.\d{1,3}){3}")
IBAN_START_RE = re.compile(r"(?<![A-Za-z0-9])[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]){11,32}")
# Lengths of common countries' IBANs; others are tried at every valid length.
IBAN_LENGTHS = {
    "AT": 20, "BE": 16, "CH": 21, "CZ": 24, "DE": 22, "DK": 18, "ES": 24, "FI": 18,
    "FR": 27, "GB": 22, "GR": 27, "IE": 22, "IT": 27, "LU": 20, "NL": 18, "NO": 15,
    "PL": 28, "PT": 25, "SE": 24,
}  # fmt: skip


def luhn_valid(digits: str) -> bool:
    """The Luhn checksum every payment card number carries."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def iban_valid(iban: str) -> bool:
    """ISO 13616: move the first four characters to the end, letters to numbers, mod 97 == 1."""
    iban = iban.replace(" ", "").upper()
    if not re.fullmatch(r"[A-Z]{2}\d{2}[A-Z0-9]{11,30}", iban):
        return False
    expected = IBAN_LENGTHS.get(iban[:2])
    if expected is not None and len(iban) != expected:
        return False
    rearranged = iban[4:] + iban[:4]
    return int("".join(str(int(c, 36)) for c in rearranged)) % 97 == 1


def _find_ibans(text: str) -> list[str]:
    found = []
    for match in IBAN_START_RE.finditer(text):
        compact = match.group().replace(" ", "")
        expected = IBAN_LENGTHS.get(compact[:2])
        lengths = [expected] if expected else range(min(len(compact), 34), 14, -1)
        for length in lengths:
            if len(compact) >= length and iban_valid(compact[:length]):
                found.append(compact[:length])
                break
    return found


def _find_cards(text: str) -> list[tuple[str, tuple[int, int]]]:
    found = []
    for match in CARD_RE.finditer(text):
        digits = re.sub(r"\D", "", match.group())
        if len(set(digits)) > 1 and luhn_valid(digits):
            found.append((digits, match.span()))
    return found


def _find_phones(text: str) -> list[str]:
    found = []
    for match in PHONE_RE.finditer(text):
        candidate = match.group().strip()
        digits = re.sub(r"\D", "", candidate)
        if not 8 <= len(digits) <= 15:
            continue
        if DATE_RE.fullmatch(candidate) or IPV4_RE.fullmatch(candidate):
            continue
        found.append(candidate)
    return found


def _mask(value: str) -> str:
    if "@" in value:
        local, _, domain = value.partition("@")
        return f"{local[:1]}…@{domain}"
    return f"…{value.replace(' ', '')[-4:]}"


def personal_data_params(params: Any) -> dict:
    params = params_dict(params, {"detect", "allow"})
    detect = string_list(params, "detect") if "detect" in params else list(DETECTORS)
    unknown = sorted(set(detect) - set(DETECTORS))
    if unknown or not detect:
        raise ValidationError({"params": [f"`detect` must list some of: {', '.join(DETECTORS)}."]})
    return {"detect": detect, "allow": [a.lower() for a in string_list(params, "allow")]}


def find_personal_data(
    text: str, detect: tuple[str, ...] | list[str] = DETECTORS
) -> list[tuple[str, str]]:
    """(kind, value) for each piece of personal data in `text`."""
    found: list[tuple[str, str]] = []
    if "email" in detect:
        found += [("email", m.group()) for m in EMAIL_RE.finditer(text)]
    if "iban" in detect:
        found += [("iban", iban) for iban in _find_ibans(text)]
    cards = _find_cards(text)
    if "card" in detect:
        found += [("card", digits) for digits, _ in cards]
    if "phone" in detect:
        # A card number is not also a phone number.
        rest = text
        for _, (start, end) in cards:
            rest = rest[:start] + " " * (end - start) + rest[end:]
        found += [("phone", phone) for phone in _find_phones(rest)]
    return found


LABELS = {
    "email": "an email address",
    "phone": "a phone number",
    "card": "a payment card number",
    "iban": "a bank account number (IBAN)",
}


def personal_data(snapshot: dict, params: dict) -> list[Violation]:
    """No email address, phone number, card number or IBAN in the published text."""
    allow = set(params.get("allow") or [])
    violations = []
    for field, text in field_texts(snapshot):
        for kind, value in find_personal_data(text, params.get("detect") or DETECTORS):
            if value.lower() in allow or value.lower().rpartition("@")[2] in allow:
                continue
            violations.append(
                Violation(field, "personal_data", f"Contains {LABELS[kind]} ({_mask(value)}).")
            )
    return violations
