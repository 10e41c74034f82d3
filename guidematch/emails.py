"""The one email address rule: email-validator's syntax check (no DNS), with a fast lane.

The forms check addresses with WTForms' `Email()`, which calls
`email_validator.validate_email(..., check_deliverability=False)`; CSV files and
the matching CLI call `normalise` here, which gives the same answer for every
address. It costs ~150 us an address, 0.76 s of a national matching run, so
plain ASCII addresses of the common shape (dot-atom local part, host names
of letters, digits and hyphens, an alphabetic top-level domain that is not a
special-use name) are accepted by a regular expression in about a microsecond;
everything else (Unicode, quoted local parts, IP literals, odd lengths) goes to
email-validator itself. tests/test_emails.py holds the two lanes equal on
generated addresses, valid and not.
"""
from __future__ import annotations

import re

from email_validator import SPECIAL_USE_DOMAIN_NAMES, EmailNotValidError, validate_email

_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_COMMON = re.compile(rf"({_ATOM}(?:\.{_ATOM})*)@((?:{_LABEL}\.)+([A-Za-z]{{2,63}}))")
_SPECIAL = re.compile(r"(?:^|\.)(?:{})$".format("|".join(map(re.escape, SPECIAL_USE_DOMAIN_NAMES))))
MAX_LOCAL, MAX_ADDRESS = 64, 254


class InvalidEmail(ValueError):
    """Not an email address by the rule."""


def _common(raw: str) -> bool:
    match = _COMMON.fullmatch(raw)
    if match is None or len(raw) > MAX_ADDRESS or len(match.group(1)) > MAX_LOCAL:
        return False
    domain = match.group(2).lower()
    if "--" in domain:  # maybe a punycode label ("xn--"): email-validator decodes and checks it
        return False
    return _SPECIAL.search(domain) is None


def normalise(raw: str) -> str:
    """Return the address in lowercase, or raise InvalidEmail."""
    if _common(raw):
        return raw.lower()
    try:
        return validate_email(raw, check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        raise InvalidEmail(raw) from None
