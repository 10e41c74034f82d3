"""Every message a person reads goes through gettext and has its Norwegian translation.

The source is read, not run: a `DomainError` raised with a plain or f-string
message fails here even when no test reaches the line that raises it.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

import guidematch

PACKAGE = Path(guidematch.__file__).parent
SOURCES = sorted(PACKAGE.rglob("*.py"))
NB_CATALOG = PACKAGE / "translations" / "nb" / "LC_MESSAGES" / "messages.po"
# The names `pybabel extract` finds (its defaults plus the -k of `make messages`).
GETTEXT = {"_", "_l", "gettext", "lazy_gettext", "ngettext"}
# WTForms validators and the position of their `message` argument.
VALIDATORS = {"DataRequired": 0, "InputRequired": 0, "Email": 0, "FileRequired": 0, "Length": 2,
              "NumberRange": 2, "Regexp": 2, "EqualTo": 1, "AnyOf": 1, "NoneOf": 1,
              "FileAllowed": 1, "ValidationError": 0}


def _name(func: ast.expr) -> str:
    return func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")


def _is_gettext(node: ast.expr | None) -> bool:
    return isinstance(node, ast.Call) and _name(node.func) in GETTEXT


def _msgids(call: ast.Call) -> list[str]:
    """Return the msgids of a gettext call (two for ngettext); [] when they are not literals."""
    count = 2 if _name(call.func) == "ngettext" else 1
    args = call.args[:count]
    literal = all(isinstance(a, ast.Constant) and isinstance(a.value, str) for a in args)
    if len(args) < count or not literal:
        return []
    return [a.value for a in args]


def _message_argument(call: ast.Call, position: int) -> ast.expr | None:
    for keyword in call.keywords:
        if keyword.arg == "message":
            return keyword.value
    return call.args[position] if len(call.args) > position else None


def _bindings(nodes) -> dict[str, list[ast.expr]]:
    """Return the values assigned to each plain name among these statements."""
    bound: dict[str, list[ast.expr]] = {}
    for node in nodes:
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    bound.setdefault(target.id, []).append(node.value)
    return bound


def _domain_errors() -> list[tuple[str, ast.Call, ast.expr | None, dict]]:
    """Return (where, call, message, the names bound beside it) for each DomainError(...)."""
    found = []
    for path in SOURCES:
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        module_names = _bindings(tree.body)
        # Outer scopes first: a call seen again from its own function keeps that function's names.
        functions = [n for n in ast.walk(tree)
                     if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]
        for function in [tree, *functions]:
            bindings = module_names if function is tree else {
                **module_names, **_bindings(ast.walk(function))}
            for node in ast.walk(function):
                if isinstance(node, ast.Call) and _name(node.func) == "DomainError":
                    where = f"{path.relative_to(PACKAGE.parent)}:{node.lineno}"
                    found.append((where, node, _message_argument(node, 0), bindings))
    unique = {where: rest for where, *rest in found}
    return [(where, *rest) for where, rest in sorted(unique.items())]


def _translatable(message: ast.expr | None, bindings: dict[str, list[ast.expr]]) -> ast.Call | None:
    """Return the gettext call that makes the message, or None when it is not one."""
    if _is_gettext(message):
        return message
    if isinstance(message, ast.Name) and bindings.get(message.id):
        values = bindings[message.id]
        if all(_is_gettext(value) for value in values):
            return values[0]
    return None


DOMAIN_ERRORS = _domain_errors()


def test_the_scan_finds_the_domain_errors():
    assert len(DOMAIN_ERRORS) > 50
    assert any(where.startswith("guidematch/services/accounts.py") for where, *_ in DOMAIN_ERRORS)


@pytest.mark.parametrize("where, call, message, bindings", DOMAIN_ERRORS,
                         ids=[where for where, *_ in DOMAIN_ERRORS])
def test_every_domain_error_message_is_translatable(where, call, message, bindings):
    made_by = _translatable(message, bindings)
    assert made_by is not None, (
        f"{where}: DomainError needs its message from _(), _l() or ngettext() "
        f"(a name bound to one will do), not {ast.unparse(message) if message else 'nothing'}")
    assert _msgids(made_by), f"{where}: the msgid must be a string literal so that pybabel finds it"


def _nb_translations() -> dict[str, bool]:
    with NB_CATALOG.open("rb") as file:
        catalog = read_po(file)
    translated = {}
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple | list) else [message.string]
        ids = message.id if isinstance(message.id, tuple | list) else [message.id]
        for msgid in ids:
            translated[msgid] = not message.fuzzy and all(strings)
    return translated


def test_every_domain_error_message_has_a_norwegian_translation():
    translated = _nb_translations()
    missing = sorted({f"{where}: {msgid!r}" for where, call, message, bindings in DOMAIN_ERRORS
                      if (made_by := _translatable(message, bindings)) is not None
                      for msgid in _msgids(made_by) if not translated.get(msgid)})
    assert not missing, "no nb msgstr in messages.po for:\n" + "\n".join(missing)


def _messages_passed_to(positions: dict[str, int]) -> list[tuple[str, ast.expr]]:
    """Return (where, the message) for every call of these names that is given a message."""
    found = []
    for path in SOURCES:
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and _name(node.func) in positions:
                message = _message_argument(node, positions[_name(node.func)])
                if message is not None:
                    found.append((f"{path.relative_to(PACKAGE.parent)}:{node.lineno}", message))
    return found


def _plain(messages: list[tuple[str, ast.expr]]) -> list[str]:
    """Return the messages written as literals, f-strings or formatted strings."""
    return [f"{where}: {ast.unparse(message)}" for where, message in messages if _is_plain(message)]


def _is_plain(node: ast.expr) -> bool:
    if isinstance(node, ast.Constant | ast.JoinedStr):
        return True
    if isinstance(node, ast.BinOp):  # "..." % values, "..." + name
        return _is_plain(node.left) or _is_plain(node.right)
    if isinstance(node, ast.Call):  # "...".format(...), str("...")
        inner = node.func.value if isinstance(node.func, ast.Attribute) else None
        return (inner is not None and _is_plain(inner)) or (
            _name(node.func) == "str" and any(_is_plain(a) for a in node.args))
    return False


def test_form_error_messages_are_never_plain_strings():
    plain = _plain(_messages_passed_to(VALIDATORS))
    assert not plain, "wrap these form messages in _l():\n" + "\n".join(plain)


def test_flashed_messages_are_never_plain_strings():
    plain = _plain(_messages_passed_to({"flash": 0}))
    assert not plain, "wrap these flashed messages in _():\n" + "\n".join(plain)


def test_wtforms_own_messages_are_norwegian_on_a_norwegian_page(client, coordinator):
    page = client.post("/login", data={"email": "", "password": ""}).get_data(as_text=True)
    assert '<html lang="nb"' in page
    assert page.count("Dette feltet er påkrevd.") == 2 and "This field is required." not in page


def test_a_domain_error_reaches_a_norwegian_page_in_norwegian(client, auth, branch):
    from guidematch.vocabulary import Role
    from tests import factories

    factories.make_user(email="admin@example.org", role=Role.ADMIN)
    auth.login("admin@example.org")
    page = client.post("/admin", data={"slug": branch.slug, "name": "Igjen"}).get_data(as_text=True)
    assert "Det finnes allerede en lokalforening med dette kortnavnet." in page
