"""`flask --app guidematch match solve|scores`: the matching on CSV files, stateless.

Bad input of any kind ends with one line on stderr that names the file, line,
column and value, a non-zero exit, and no output file: results are written
to a temporary file next to the output and renamed into place at the end.
"""
from __future__ import annotations

import atexit
import csv
import gc
import json
import os
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import IO

import click

from guidematch.ages import certainly_adult, latest_adult_birth_year
from guidematch.matching import (
    Forbidden, MatchInputError, ProfileSet, Reason, check_min_score, render_reasons, score_matrix,
    solve,
)
from guidematch.matching.wording import catalog
from guidematch.profile import ProfileRecord
from guidematch import spreadsheets
from guidematch.profile_csv import N_, CsvError, iter_pairs, matchable, read_profiles_file
from guidematch.services import clock
from guidematch.vocabulary import ADULT_AGE, PERSON_LOCALES


def _as_a_batch() -> None:
    # A run builds tens of thousands of records and drops them all at its end. The cyclic
    # collector walked them again and again while they were read, and once more as Python
    # exited, and found no cycle to free: 0.2 s and 0.1 s of the national file's 1.5 s.
    # Reference counting still frees what is dropped. The collector is back on when the
    # command ends (the tests run it in their process), and what is left at exit is frozen,
    # so the exit does not walk it (the memory goes back with the process).
    if gc.isenabled():
        gc.disable()
        click.get_current_context().call_on_close(gc.enable)
    atexit.unregister(gc.freeze)  # once, however many runs a process makes
    atexit.register(gc.freeze)


# A plain click group, not an AppGroup: the commands need no app (they read and write files),
# and pyproject.toml names the group a "flask.commands" plugin, so `flask --app guidematch
# match ...` runs it without making the web app (blueprints, migrations, extensions): at the
# national shape, making the app took more than half of the run.
match_cli = click.Group("match", help="Propose guide-refugee pairs, or list pair scores, from CSV.",
                        callback=_as_a_batch)

PAIR_COLUMNS = {"guide_id": "1 (guide_id)", "refugee_id": "2 (refugee_id)"}
PAIRS_HEADER = ["guide_id", "guide_name", "refugee_id", "refugee_name", "score", "reasons"]


class InputError(click.ClickException):
    """Bad input: shown as one line on stderr, exit status 1."""


@dataclass
class PairsFile:
    path: str
    lines: list[int]
    pairs: list[tuple[str, str]]


def _fail(error: CsvError | str) -> InputError:
    return InputError(str(error))


def _read_profiles(guides_path: str, refugees_path: str,
                   today: date) -> tuple[list[ProfileRecord], list[ProfileRecord]]:
    # A header with no rows is valid here: no guide (or nobody waiting) is a real week.
    guides = read_profiles_file(guides_path, "guide", allow_no_rows=True)
    refugees = read_profiles_file(refugees_path, "refugee", allow_no_rows=True)
    # The same age rule as the people service's (a file may leave a guide's year out).
    for r in guides:
        if r.birth_year is not None and not certainly_adult(r.birth_year, today):
            raise CsvError(guides_path, r.line, "birth_year", str(r.birth_year),
                           N_("a guide must be at least %(age)s years old: born in %(year)s or "
                              "earlier"), age=ADULT_AGE, year=latest_adult_birth_year(today))
    # A file may leave out the branch only when no row in either file names one.
    named = [(path, r) for path, rows in ((guides_path, guides), (refugees_path, refugees))
             for r in rows if r.branch]
    if named:
        for path, rows in ((guides_path, guides), (refugees_path, refugees)):
            for r in rows:
                if not r.branch:
                    raise CsvError(path, r.line, "branch", "", N_(
                        "branch is empty here, but %(other_file)s line %(other_line)s names one; "
                        "give every row a branch, or none"),
                        other_file=named[0][0], other_line=named[0][1].line)
    return guides, refugees


def _read_pairs(path: str | None) -> PairsFile | None:
    if path is None:
        return None
    lines, pairs = [], []
    try:
        with open(path, newline="", encoding="utf-8-sig") as stream:
            for line, guide_id, refugee_id in iter_pairs(stream, path):
                lines.append(line)
                pairs.append((guide_id, refugee_id))
    except UnicodeDecodeError as exc:
        raise CsvError(path, 0, "", "", N_("is not UTF-8 text (%(problem)s)"),
                       problem=exc.reason) from None
    except OSError as exc:
        raise CsvError(path, 0, "", "", N_("cannot be read (%(problem)s)"),
                       problem=exc.strerror) from None
    except csv.Error as exc:
        raise CsvError(path, 0, "", "", N_("is not readable as CSV (%(problem)s)"),
                       problem=str(exc)) from None
    return PairsFile(path, lines, pairs)


def _read_weights(path: str | None) -> tuple[dict[str, object] | None, str]:
    if path is None:
        return None, ""
    try:
        with open(path, encoding="utf-8-sig") as stream:
            text = stream.read()
    except (OSError, UnicodeDecodeError) as exc:
        raise CsvError(path, 0, "", "", N_("cannot be read (%(problem)s)"),
                       problem=str(exc)) from None

    def no_duplicates(items: list[tuple[str, object]]) -> dict[str, object]:
        keys = [k for k, _ in items]
        for key in keys:
            if keys.count(key) > 1:
                raise CsvError(path, _line_of(text, key), key, "", N_("weight given twice"))
        return dict(items)
    try:
        weights = json.loads(text, object_pairs_hook=no_duplicates)
    except json.JSONDecodeError as exc:
        snippet = text.splitlines()[exc.lineno - 1] if text.strip() else ""
        raise CsvError(path, exc.lineno, f"{exc.colno}", snippet.strip(),
                       N_("is not valid JSON (%(problem)s)"), problem=exc.msg) from None
    if not isinstance(weights, dict):
        raise CsvError(path, 1, "", text.strip()[:40],
                       N_('must be a JSON object such as {"interests": 3}'))
    return weights, text


def _line_of(text: str, key: str) -> int:
    match = re.search(r'"' + re.escape(key) + r'"\s*:', text)
    return text.count("\n", 0, match.start()) + 1 if match else 1


def _today(value: str | None) -> date:
    if not value:
        return clock.today()
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise _fail(f"--today: must be a date YYYY-MM-DD (value: {value!r})") from None


def _min_score(value: str) -> float:
    try:
        return check_min_score(value)
    except MatchInputError as exc:
        raise _fail(f"--min-score: {exc.message} (value: {value!r})") from None


@dataclass
class Inputs:
    """Everything a command read, checked cell by cell, and where each part came from."""

    guides: list[ProfileRecord]
    refugees: list[ProfileRecord]
    locked: PairsFile | None
    excluded: PairsFile | None
    weights: dict[str, object] | None
    weights_path: str | None
    weights_text: str
    today: date
    min_score: float

    def located(self, error: MatchInputError) -> InputError:
        """A matching input error as one line that points into the right file."""
        pairs_file = {"locked": self.locked, "excluded": self.excluded}.get(error.source)
        if pairs_file is not None:
            column = PAIR_COLUMNS.get(error.field, "1-2 (guide_id, refugee_id)")
            return _fail(CsvError(pairs_file.path, pairs_file.lines[error.index], column,
                                  error.value, error.message))
        if error.source == "weights" and self.weights_path:
            line = _line_of(self.weights_text, error.field) if error.field else 1
            return _fail(CsvError(self.weights_path, line, error.field, error.value, error.message))
        return _fail(error.message)


def _load(guides: str, refugees: str, locked: str | None, excluded: str | None,
          weights: str | None, today: str | None, min_score: str) -> Inputs:
    day, minimum = _today(today), _min_score(min_score)
    try:
        guide_rows, refugee_rows = _read_profiles(guides, refugees, day)
        weight_values, weights_text = _read_weights(weights)
        return Inputs(guide_rows, refugee_rows, _read_pairs(locked), _read_pairs(excluded),
                      weight_values, weights, weights_text, day, minimum)
    except CsvError as exc:
        raise _fail(exc) from None


def _write_atomically(path: str, write: Callable[[IO[str]], None]) -> None:
    """Write through a temporary file in the same folder, renamed into place when complete."""
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise _fail(f"{path}: the folder {folder} does not exist")
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{os.path.basename(path)}.",
                                         suffix=".tmp")
    try:
        with os.fdopen(handle, "w", newline="", encoding="utf-8") as stream:
            write(stream)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)  # as an ordinary new file would be
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise


def _keep_matchable(given: Inputs) -> None:
    """Leave out the rows whose status says they cannot be matched now, except locked ones."""
    locked = set(given.locked.pairs) if given.locked else set()
    all_guides, all_refugees = {r.id for r in given.guides}, {r.id for r in given.refugees}
    given.guides = [r for r in given.guides if matchable(r) or r.id in {g for g, _ in locked}]
    given.refugees = [r for r in given.refugees if matchable(r) or r.id in {x for _, x in locked}]
    gone_g = all_guides - {r.id for r in given.guides}
    gone_r = all_refugees - {r.id for r in given.refugees}
    if given.excluded:  # an exclusion of someone left out holds anyway: they are not proposed
        kept = [(line, pair) for line, pair in zip(given.excluded.lines, given.excluded.pairs)
                if pair[0] not in gone_g and pair[1] not in gone_r]
        given.excluded.lines = [line for line, _ in kept]
        given.excluded.pairs = [pair for _, pair in kept]


def _common_options(command: Callable) -> Callable:
    options = [
        click.option("--guides", "guides_path", required=True, metavar="G.csv",
                     help="Guides (CSV form)."),
        click.option("--refugees", "refugees_path", required=True, metavar="R.csv",
                     help="Refugees (CSV form)."),
        click.option("--out", "out_path", required=True, metavar="OUT.csv", help="File to write."),
        click.option("--excluded", "excluded_path", metavar="X.csv",
                     help="Pairs never to propose: guide_id,refugee_id."),
        click.option("--min-score", "min_score", default="0", metavar="S",
                     help="Never propose pairs scoring under S (0-100)."),
        click.option("--weights", "weights_path", metavar="W.json",
                     help='Weights of the score parts, e.g. {"waiting": 4}.'),
        click.option("--today", "today", metavar="YYYY-MM-DD",
                     help="Reference day for waiting times and ages "
                          "(default: today in the programme's time zone)."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


@match_cli.command("solve")
@_common_options
@click.option("--locked", "locked_path", metavar="L.csv",
              help="Pairs to keep: guide_id,refugee_id.")
@click.option("--lang", type=click.Choice(PERSON_LOCALES), default="en", show_default=True,
              help="Language of the reasons.")
@click.option("--all-statuses", is_flag=True,
              help="Match everyone in the files; by default rows whose status column says they "
                   "cannot be matched now (a guide not available, a refugee not waiting) are "
                   "left out, unless a locked pair names them.")
def solve_command(guides_path: str, refugees_path: str, out_path: str, excluded_path: str | None,
                  min_score: str, weights_path: str | None, today: str | None,
                  locked_path: str | None, lang: str, all_statuses: bool) -> None:
    """Propose pairs: as many refugees matched as the rules allow, then the best fit."""
    given = _load(guides_path, refugees_path, locked_path, excluded_path, weights_path, today,
                  min_score)
    if not all_statuses:  # an export of the people pages carries each person's status
        _keep_matchable(given)
    names = {(r.kind, r.id): " ".join(filter(None, (r.first_name, r.last_name)))
             for r in (*given.guides, *given.refugees)}
    try:
        result = solve(ProfileSet.from_records(given.guides, "guide"),
                       ProfileSet.from_records(given.refugees, "refugee"),
                       weights=given.weights,  # type: ignore[arg-type]
                       locked=given.locked.pairs if given.locked else (),
                       excluded=given.excluded.pairs if given.excluded else (),
                       min_score=given.min_score, today=given.today)
    except MatchInputError as exc:
        raise given.located(exc) from None

    translations = catalog(lang)  # the reasons' words, from guidematch/translations

    def rows():
        for pair in result.pairs:
            reasons = ((Reason("locked"),) if pair.locked else ()) + pair.reasons
            yield [pair.guide_id, names[("guide", pair.guide_id)], pair.refugee_id,
                   names[("refugee", pair.refugee_id)], f"{pair.score:.1f}",
                   render_reasons(reasons, lang, translations)]

    _write_atomically(out_path, lambda stream: spreadsheets.write_csv(stream, PAIRS_HEADER, rows()))

    waiting = result.unmatched_refugees
    locked = sum(p.locked for p in result.pairs)
    click.echo(f"{len(result.pairs)} pairs ({locked} locked) written to {out_path}; "
               f"{len(waiting)} of {len(given.refugees)} refugees still wait.")
    for key, label in (("no_allowed_guide", "no guide fits the rules"),
                       ("guides_taken", "every fitting guide is taken")):
        ids = [u.refugee_id for u in waiting if u.reason.key == key]
        if ids:
            more = f" and {len(ids) - 20} more" if len(ids) > 20 else ""
            click.echo(f"  {label}: {', '.join(ids[:20])}{more}")


@match_cli.command("scores")
@_common_options
def scores_command(guides_path: str, refugees_path: str, out_path: str, excluded_path: str | None,
                   min_score: str, weights_path: str | None, today: str | None) -> None:
    """Write every guide-refugee pair's score, or why the pair is forbidden."""
    given = _load(guides_path, refugees_path, None, excluded_path, weights_path, today, min_score)
    try:
        table = score_matrix(given.guides, given.refugees, given.weights,  # type: ignore[arg-type]
                             given.today, min_score=given.min_score,
                             excluded=given.excluded.pairs if given.excluded else ())
    except MatchInputError as exc:
        raise given.located(exc) from None
    keys = [code.key for code in Forbidden]

    def rows():
        for g, guide_id in enumerate(table.guide_ids):
            yield from ((guide_id, refugee_id, "" if code else f"{score:.1f}", keys[code])
                        for refugee_id, score, code in zip(table.refugee_ids,
                                                           table.scores[g].tolist(),
                                                           table.forbidden[g].tolist()))

    _write_atomically(out_path, lambda stream: spreadsheets.write_csv(
        stream, ["guide_id", "refugee_id", "score", "forbidden_reason"], rows()))
    allowed = int((table.forbidden == Forbidden.ALLOWED).sum())
    click.echo(f"{table.scores.size} pair scores ({allowed} allowed) written to {out_path}.")
