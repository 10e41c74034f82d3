"""Every kind of event the code records has words in the audit log (labels.AUDIT_ACTION_LABELS).

The kinds are read from the code itself: each `audit.record(...)`'s first argument, followed
back through the parameters it comes from (create_person's `action`, privacy's `_delete`),
so a kind added later without a label fails here.
"""
from __future__ import annotations

import ast
from pathlib import Path

import guidematch
from guidematch.labels import AUDIT_ACTION_LABELS, AUDIT_OBJECT_LABELS
from guidematch.models import Model

PACKAGE = Path(guidematch.__file__).parent
PERSON_KINDS = ("guide", "refugee")  # what f"{kind}_created" becomes


def _trees() -> dict[Path, ast.Module]:
    return {path: ast.parse(path.read_text(encoding="utf-8")) for path in PACKAGE.rglob("*.py")}


def _calls(trees, name: str, module: Path | None = None):
    """Yield every call of a function or method called `name` (a private one: in `module`)."""
    for path, tree in trees.items():
        if name.startswith("_") and module is not None and path != module:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                func = node.func
                called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                if called == name:
                    yield node


def _argument(call: ast.Call, function: ast.FunctionDef, parameter: str):
    """Return what `call` passes for `parameter` of `function` (None when left to its default)."""
    for keyword in call.keywords:
        if keyword.arg == parameter:
            return keyword.value
    positional = [a.arg for a in function.args.posonlyargs + function.args.args]
    if parameter in positional and positional.index(parameter) < len(call.args):
        return call.args[positional.index(parameter)]
    return None


def _kinds(trees, node, where: tuple[Path, ast.FunctionDef] | None) -> set[str]:
    """Return the strings an expression can be, following a parameter back to the callers."""
    if isinstance(node, ast.Constant):
        return {node.value} if isinstance(node.value, str) and node.value else set()
    if isinstance(node, ast.IfExp):
        return _kinds(trees, node.body, where) | _kinds(trees, node.orelse, where)
    if isinstance(node, ast.BoolOp):
        return set().union(*(_kinds(trees, value, where) for value in node.values))
    if isinstance(node, ast.JoinedStr):
        template = "".join(part.value if isinstance(part, ast.Constant) else "{}" for part in node.values)
        return {template.format(*[kind] * template.count("{}")) for kind in PERSON_KINDS}
    if isinstance(node, ast.Name) and where is not None:
        module, function = where
        found = set()
        for call in _calls(trees, function.name, module):
            value = _argument(call, function, node.id)
            if value is not None:
                found |= _kinds(trees, value, _enclosing(trees, call))
        return found
    raise AssertionError(f"cannot tell which kind of event line {node.lineno} records: "
                         f"{ast.unparse(node)}")


_FUNCTIONS: dict[int, tuple[Path, ast.FunctionDef]] = {}


def _enclosing(trees, target: ast.AST) -> tuple[Path, ast.FunctionDef] | None:
    """Return the module and the innermost function a node is written in."""
    if not _FUNCTIONS:
        for path, tree in trees.items():
            for node in ast.walk(tree):  # outside in: an inner function overwrites its outer one
                if isinstance(node, ast.FunctionDef):
                    _FUNCTIONS.update({id(child): (path, node) for child in ast.walk(node)})
    return _FUNCTIONS.get(id(target))


def recorded_kinds() -> set[str]:
    trees = _trees()
    _FUNCTIONS.clear()  # ids of another parse's nodes mean nothing
    kinds = set()
    for call in _calls(trees, "record"):
        if isinstance(call.func, ast.Attribute) and getattr(call.func.value, "id", "") == "audit":
            kinds |= _kinds(trees, call.args[0], _enclosing(trees, call))
    return kinds


def test_the_code_records_the_kinds_this_test_finds():
    kinds = recorded_kinds()
    # the direct ones, those made from a person's kind, and those passed through a parameter
    assert {"login", "guide_approved", "pairing.status"} <= kinds
    assert {"guide_created", "refugee_updated"} <= kinds
    assert {"guide_signed_up", "refugee_referred", "person_purged", "person_erased"} <= kinds


def test_every_kind_of_event_recorded_has_words():
    assert sorted(recorded_kinds() - AUDIT_ACTION_LABELS.keys()) == []


def test_every_kind_of_record_an_event_is_about_has_words():
    # AuditEvent.object_type is the model's name in lower case; the audit log names it.
    models = {mapper.class_.__name__.lower() for mapper in Model.registry.mappers}
    about = {"guide", "refugee", "pairing", "meetinglog", "pause", "evaluation", "groupmeeting",
             "matchexclusion", "user", "branch", "outboxmessage"}
    assert about <= models
    assert sorted(about - AUDIT_OBJECT_LABELS.keys()) == []
