"""Read a page's ids and labels the way a browser and a screen reader pair them."""
from __future__ import annotations

from collections import Counter
from html.parser import HTMLParser


class _Ids(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids: list[str] = []
        self.label_targets: list[str] = []
        self.fields: dict[str, str] = {}  # id -> name of every input, select and textarea

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if attributes.get("id"):
            self.ids.append(attributes["id"])
            if tag in ("input", "select", "textarea"):
                self.fields[attributes["id"]] = attributes.get("name") or ""
        if tag == "label" and attributes.get("for"):
            self.label_targets.append(attributes["for"])


def read_ids(html: str) -> _Ids:
    """Return the ids, the label targets and the form fields of a page."""
    parser = _Ids()
    parser.feed(html)
    return parser


def duplicate_ids(html: str) -> list[str]:
    """Return the ids that more than one element of the page has."""
    return sorted(i for i, count in Counter(read_ids(html).ids).items() if count > 1)
