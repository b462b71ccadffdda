"""Read agreements/*.yaml into models, with precise problems and cross-file checks."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from docgen.catalog_cache import DiskCache, open_cache
from docgen.domain.amendments import as_amended
from docgen.domain.status import agreement_status, days_left
from docgen.domain.wording import in_sentence
from docgen.errors import AgreementError, DocgenError, NotFoundError
from docgen.i18n import N_, _, language
from docgen.models import PLACEHOLDER, Agreement, is_valid_id
from docgen.safepath import read_regular, source_problem
from docgen.usertext import bad_text
from docgen.validation import Problem, dotted, problems_from
from docgen.workspace import Workspace

Loc = tuple[int | str, ...]
MAX_FILE_BYTES = 4 << 20  # a work plan of a thousand deliverables is about 200 kB


# libyaml's parser when PyYAML was built with it (about 10x faster), else the pure-Python one.
_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _TextDatesLoader(_BaseLoader):  # type: ignore[misc, valid-type]
    """SafeLoader that leaves dates as text, so docgen validates them (2022-02-30 is a field error)."""


_TextDatesLoader.yaml_implicit_resolvers = {
    first: [
        (tag, rx)
        for tag, rx in resolvers
        if tag not in ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:bool")
    ]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
# Booleans as YAML 1.2 has them: `on:` (an amendment's date) and `no`/`yes` stay text.
_TextDatesLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


@dataclass
class ParsedFile:
    data: Any
    lines: dict[Loc, int]
    problems: list[Problem]


# PyYAML's own words for what it could not read, as a person fixes them (others as they are)
_YAML_PROBLEMS = [
    (re.compile(pattern), msgid)
    for pattern, msgid in (
        (r"(?:did not find expected|expected the) node content.*", N_("a value is missing or misplaced")),
        (r"found character '\\t' that cannot start any token", N_("a tab: indent with spaces")),
        (
            r"found character that cannot start any token",
            N_("a character that cannot start a value (a tab: indent with spaces; else quote the value)"),
        ),
        (
            r"found character (?P<char>.+) that cannot start any token",
            N_("{char} cannot start a value (quote it)"),
        ),
        (r"mapping values are not allowed (?:here|in this context)", N_("a ':' where no field can start")),
        (r"could not find expected ':'", N_("a field without ':'")),
        (
            r"expected <block end>, but found .*|did not find expected key",
            N_("the indentation does not line up"),
        ),
        (r"did not find expected '-' indicator", N_("the indentation of a list does not line up")),
        (r"found unexpected end of stream", N_("the file ends inside a quoted text or brackets")),
        (r"found undefined alias(?: (?P<name>.+))?", N_("an alias (*name) with no anchor (&name)")),
        (r"found unknown escape character.*", N_("an unknown escape in double quotes (use single quotes)")),
        (
            r"(?:expected|did not find expected) ',' or '(?P<close>[\]}])'.*",
            N_("brackets not closed by '{close}'"),
        ),
    )
]


def yaml_problem(problem: str) -> str:
    """What PyYAML found wrong, in the interface language."""
    for pattern, msgid in _YAML_PROBLEMS:
        match = pattern.fullmatch(problem)
        if match:
            return _(msgid).format(**{k: v for k, v in match.groupdict().items() if v})
    return problem


def read_source(path: Path) -> bytes:
    """The bytes of an agreement file: a regular file of reasonable size (OSError if not)."""
    return read_regular(path, MAX_FILE_BYTES)


def parse_yaml(path: Path, label: str, raw: bytes | None = None) -> ParsedFile:
    """Parse one YAML file; problems instead of exceptions; a map from field path to line."""
    if raw is None:
        try:
            raw = read_source(path)
        except OSError as exc:
            return ParsedFile(
                None, {}, [Problem(label, "", _("cannot read: {reason}").format(reason=exc.strerror or exc))]
            )
    try:
        if b"\x00" in raw:
            raise UnicodeDecodeError("utf-8", raw, 0, 1, "NUL byte")
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return ParsedFile(None, {}, [Problem(label, "", _("not a UTF-8 text file (binary?)"))])
    if not text.strip():
        return ParsedFile(None, {}, [Problem(label, "", _("the file is empty"))])
    alias = _first_alias(text) if ("&" in text or "*" in text) else None
    if alias is not None:
        return ParsedFile(
            None,
            {},
            [
                Problem(
                    label,
                    "",
                    _(
                        "YAML anchors and aliases (&name, *name) are not allowed in agreement "
                        "files; write the value out"
                    ),
                    alias,
                )
            ],
        )
    loader = _TextDatesLoader(text)
    try:
        # One parse: the node tree gives the line numbers, then the data is built from it.
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        what = yaml_problem(getattr(exc, "problem", None) or str(exc).splitlines()[0])
        return ParsedFile(None, {}, [Problem(label, "", _("invalid YAML: {what}").format(what=what), line)])
    except (RecursionError, MemoryError):
        return ParsedFile(None, {}, [Problem(label, "", _("invalid YAML: nested too deeply"))])
    finally:
        loader.dispose()
    lines: dict[Loc, int] = {}
    problems: list[Problem] = []
    _map_lines(node, (), lines, problems, label)
    if not isinstance(data, dict):
        problems.append(Problem(label, "", _("expected a mapping of fields (id: ..., kind: ...)"), 1))
        return ParsedFile(None, lines, problems)
    return ParsedFile(data, lines, problems)


def _first_alias(text: str) -> int | None:
    """The line of the first anchor or alias: aliases let a few hundred bytes expand to
    gigabytes (a "billion laughs" file), and agreement files never need them."""
    try:
        for event in yaml.parse(text, Loader=_BaseLoader):
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
                mark = event.start_mark
                return mark.line + 1 if mark is not None else 1
    except yaml.YAMLError:
        return None  # reported by the parse proper, with its line
    return None


def _map_lines(
    node: yaml.Node | None, loc: Loc, lines: dict[Loc, int], problems: list[Problem], label: str
) -> None:
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = key_node.value
            lines[(*loc, key)] = key_node.start_mark.line + 1
            if key in seen:
                problems.append(
                    Problem(label, dotted((*loc, key)), _("field given twice"), key_node.start_mark.line + 1)
                )
            seen.add(key)
            _map_lines(value_node, (*loc, key), lines, problems, label)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            lines[(*loc, i)] = item.start_mark.line + 1
            _map_lines(item, (*loc, i), lines, problems, label)


def _line_of(lines: dict[Loc, int]):
    def line_of(loc: Loc) -> int | None:
        # The nearest enclosing field that has a line (a missing field has none of its own).
        for end in range(len(loc), 0, -1):
            if loc[:end] in lines:
                return lines[loc[:end]]
        return None

    return line_of


def _placeholders(data: Any, loc: Loc = (), markers: tuple[str, ...] = (PLACEHOLDER,)) -> Iterator[Loc]:
    if isinstance(data, str) and any(m in data for m in markers):
        yield loc
    elif isinstance(data, dict):
        for key, value in data.items():
            yield from _placeholders(value, (*loc, key), markers)
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from _placeholders(value, (*loc, i), markers)


@dataclass
class Catalog:
    """Every agreement file of a workspace: the valid models and the problems of the others."""

    agreements: dict[str, Agreement] = field(default_factory=dict)
    files: dict[str, Path] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)  # files holding an id another file holds

    def get(self, agreement_id: str) -> Agreement:
        if agreement_id in self.agreements:
            return self.agreements[agreement_id]
        if agreement_id in self.files:
            mine = [str(p) for p in self.problems_of(agreement_id)]
            raise AgreementError(
                _("{agreement_id}: agreements/{name} has errors (run `docgen check`)").format(
                    agreement_id=agreement_id, name=self.files[agreement_id].name
                ),
                problems=mine or None,
            )
        raise NotFoundError(
            _("{agreement_id}: no such agreement (no agreements/{agreement_id}.yaml)").format(
                agreement_id=agreement_id
            )
        )

    def children(self, agreement_id: str) -> list[Agreement]:
        return [a for a in self.agreements.values() if a.parent == agreement_id]

    def problems_of(self, agreement_id: str) -> list[Problem]:
        path = self.files.get(agreement_id)
        label = f"agreements/{path.name}" if path is not None else None
        return [p for p in self.problems if p.file == label]

    def skipped(self) -> list[str]:
        """The files that hold errors (their agreements are left out)."""
        return sorted(
            [f"agreements/{path.name}" for aid, path in self.files.items() if aid not in self.agreements]
            + self.extra
        )


def load_catalog(ws: Workspace, as_of: date | None = None, only: Iterable[str] | None = None) -> Catalog:
    """Load every agreements/*.yaml. A broken file never hides the others.

    With `only`, every file is listed but only those ids and their parents are parsed:
    a command about one agreement need not read two hundred.
    """
    catalog = Catalog()
    wanted = None if only is None else set(only)
    # A command about one agreement parses its two files faster than it reads the cache.
    disk = open_cache(ws.root) if wanted is None else None
    folder = ws.agreements_dir
    paths = sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")]) if folder.is_dir() else []
    twice: set[str] = set()
    for path in paths:
        label = f"agreements/{path.name}"
        stem = path.stem
        if stem in catalog.files:
            first = catalog.files[stem].name
            catalog.problems.append(
                Problem(
                    label,
                    "",
                    _("another file already holds id {stem!r} (agreements/{first}); keep one of them").format(
                        stem=stem, first=first
                    ),
                )
            )
            if stem not in twice:
                catalog.problems.append(
                    Problem(
                        f"agreements/{first}",
                        "",
                        _("agreements/{name} holds the same id {stem!r}; keep one of them").format(
                            name=path.name, stem=stem
                        ),
                    )
                )
            catalog.extra.append(label)
            twice.add(stem)
            continue
        catalog.files[stem] = path
        outside = source_problem(ws.root, path)
        if outside is not None:
            catalog.problems.append(Problem(label, "", outside))
        elif wanted is None or stem in wanted:
            _add(catalog, path, disk)
    if wanted is not None:
        for parent in {a.parent for a in catalog.agreements.values() if a.parent} - wanted:
            if parent in catalog.files:
                _add(catalog, catalog.files[parent], disk)
    if disk is not None:
        disk.save({p.name for p in paths})
    for stem in twice:  # which of the two is meant? neither, until one is removed
        catalog.agreements.pop(stem, None)
    _cross_check(catalog)
    catalog.problems.extend(_register_problems(catalog, ws))
    catalog.warnings.extend(_warnings(catalog, as_of or date.today(), _office_with_address(ws)))
    return catalog


def _register_problems(catalog: Catalog, ws: Workspace) -> list[Problem]:
    """`register:` names a `[registers.NAME]`, and only on the first party (whose office
    gives the agreement its number)."""
    from docgen.i18n import _

    try:
        registers = ws.config.registers
    except DocgenError:
        return []  # `check` reports the config itself
    found = []
    for agreement_id, agreement in sorted(catalog.agreements.items()):
        label = f"agreements/{catalog.files[agreement_id].name}"
        for index, party in enumerate(agreement.parties):
            name = party.register_name
            if name is None:
                continue
            if index != 0:
                found.append(
                    Problem(
                        label,
                        f"parties.{index}.register",
                        _("only the first party's number comes from a register"),
                    )
                )
            elif name not in registers:
                known = ", ".join(sorted(registers)) or "-"
                found.append(
                    Problem(
                        label,
                        f"parties.{index}.register",
                        _("no [registers.{name}] in docgen.toml (known: {known})").format(
                            name=name, known=known
                        ),
                    )
                )
    return found


def _office_with_address(ws: Workspace) -> str | None:
    """The office's name when docgen.toml gives its address (drafts use it for the office)."""
    try:
        office = ws.config.office
    except DocgenError:
        return None  # `check` reports the config itself
    return office.name if office.address else None


def _add(catalog: Catalog, path: Path, disk: DiskCache | None = None) -> None:
    found: list[Problem] = []
    agreement = _load_cached(path, f"agreements/{path.name}", found, disk)
    catalog.problems.extend(p for p in found if not p.warning)
    catalog.warnings.extend(p for p in found if p.warning)
    if agreement is not None:
        catalog.agreements[agreement.id] = agreement


# Per file: content digest -> what loading it gave. A long-running `watch` reparses only
# the files that changed (by content: mtimes are coarse on network drives); models and
# problems are immutable, so sharing them is safe.
_CACHE: dict[Path, tuple[bytes, Agreement | None, list[Problem]]] = {}


def _load_cached(
    path: Path, label: str, problems: list[Problem], disk: DiskCache | None = None
) -> Agreement | None:
    try:
        raw = read_source(path)
    except OSError as exc:
        problems.append(Problem(label, "", _("cannot read: {reason}").format(reason=exc.strerror or exc)))
        return None
    # the problems are text in the interface language: one entry per language
    key = hashlib.blake2b(raw, digest_size=16, person=language().encode()).digest()
    cached = _CACHE.get(path)
    if cached is None or cached[0] != key:
        # Across runs, .docgen/cache/ keeps what each file gave (see catalog_cache.py).
        cached = disk.get(path, key) if disk is not None else None
        if cached is None:
            found: list[Problem] = []
            cached = (key, _load_one(path, label, found, raw), found)
            if disk is not None:
                disk.put(path, cached)
        _CACHE[path] = cached
    problems.extend(cached[2])
    return cached[1]


def validate_file(path: Path, label: str, stem: str) -> tuple[Agreement | None, list[Problem]]:
    """The agreement a file holds (read as `agreements/<stem>.yaml` would be) and its errors:
    for a file docgen is about to put in place of that one."""
    problems: list[Problem] = []
    agreement = _load_one(path, label, problems, stem=stem)
    return agreement, [p for p in problems if not p.warning]


def _load_one(
    path: Path, label: str, problems: list[Problem], raw: bytes | None = None, stem: str | None = None
) -> Agreement | None:
    stem = stem or path.stem
    parsed = parse_yaml(path, label, raw)
    problems.extend(parsed.problems)
    if parsed.data is None:
        return None
    line_of = _line_of(parsed.lines)
    found: list[Problem] = []
    for loc, message in bad_text(parsed.data):
        found.append(Problem(label, dotted(loc), message, line_of(loc)))
    for loc in _placeholders(parsed.data):
        found.append(Problem(label, dotted(loc), _("placeholder still to be filled in"), line_of(loc)))
    file_id = parsed.data.get("id")
    if isinstance(file_id, str) and file_id != stem:
        found.append(
            Problem(
                label,
                "id",
                _("id {file_id!r} differs from the file name (expected {stem!r})").format(
                    file_id=file_id, stem=stem
                ),
                line_of(("id",)),
            )
        )
    if not is_valid_id(stem):
        found.append(
            Problem(
                label,
                "",
                _(
                    "the file name is not a valid agreement id (lowercase letters, digits "
                    "and '-', starting with a letter or digit, not a Windows device name "
                    "such as con or nul)"
                ),
            )
        )
    agreement = None
    try:
        agreement = Agreement.model_validate(parsed.data)
    except ValidationError as exc:
        found.extend(problems_from(exc, label, line_of))
    problems.extend(found)
    if found or parsed.problems or agreement is None:
        return None
    if agreement.signed_on is not None:
        # Once per parse (the result is cached): a signed file still holding "..." blanks.
        problems.extend(
            Problem(
                label,
                dotted(loc),
                _("'...' still to be filled in, in a signed agreement"),
                line_of(loc),
                warning=True,
            )
            for loc in _placeholders(parsed.data, markers=("...", "\u2026"))
        )
    return agreement


def _cross_check(catalog: Catalog) -> None:
    for agreement_id, agreement in list(catalog.agreements.items()):
        if agreement.parent is None:
            continue
        label = f"agreements/{catalog.files[agreement_id].name}"
        parent = catalog.agreements.get(agreement.parent)
        if agreement.parent not in catalog.files:
            message = f"no agreement {agreement.parent!r} (agreements/{agreement.parent}.yaml)"
        elif parent is not None and parent.kind != "mou":
            message = f"{agreement.parent!r} is a {parent.kind}, not an MoU"
        else:
            continue
        catalog.problems.append(Problem(label, "parent", message))
        del catalog.agreements[agreement_id]
    for agreement_id, agreement in list(catalog.agreements.items()):
        if agreement.renews is not None and agreement.renews not in catalog.files:
            catalog.problems.append(
                Problem(
                    f"agreements/{catalog.files[agreement_id].name}",
                    "renews",
                    _("no agreement {renews!r} (agreements/{renews}.yaml)").format(renews=agreement.renews),
                )
            )
            del catalog.agreements[agreement_id]


AGREEMENT_NAMES = (
    "kesepakatan bersama",
    "nota kesepahaman",
    "perjanjian kerja sama",
    "rencana kerja",
    "memorandum of understanding",
)


def _warnings(catalog: Catalog, as_of: date, office: str | None = None) -> Iterator[Problem]:
    for agreement_id, original in catalog.agreements.items():
        label = f"agreements/{catalog.files[agreement_id].name}"
        a = as_amended(original, as_of)
        end = a.end_date
        for i, wi in enumerate(a.work_items):
            for j, d in enumerate(wi.deliverables):
                loc = f"work_items.{i}.deliverables.{j}.due"
                if a.signed_on and d.due < a.signed_on:
                    yield Problem(
                        label,
                        loc,
                        _("{id} is due ({due}) before the agreement is signed ({signed_on})").format(
                            id=d.id, due=d.due, signed_on=a.signed_on
                        ),
                        warning=True,
                    )
                if end and d.due > end:
                    yield Problem(
                        label,
                        loc,
                        _("{id} is due ({due}) after the term ends ({end})").format(
                            id=d.id, due=d.due, end=end
                        ),
                        warning=True,
                    )
        if a.signed_on is not None:
            for index, party in enumerate(a.parties):
                if not party.address and party.org != office:
                    yield Problem(
                        label,
                        f"parties.{index}.address",
                        _(
                            "{role_name} ({org}) has no address: the signed agreement shows a "
                            'dotted blank after "berkedudukan di"'
                        ).format(role_name=party.role_name, org=party.org),
                        warning=True,
                    )
        for index, basis in enumerate(a.legal_basis):
            if basis.casefold().startswith(AGREEMENT_NAMES):
                yield Problem(
                    label,
                    f"legal_basis.{index}",
                    _(
                        "an agreement is not a peraturan perundang-undangan: cite the MoU "
                        "through `parent` (the recitals cite it), not under the legal basis"
                    ),
                    warning=True,
                )
        yield from _scope_warning(a, label)
        if agreement_status(a, as_of) == "expiring":
            yield Problem(
                label,
                "ends_on" if a.ends_on else "duration_months",
                _("the agreement expires on {end} ({days_left} days left)").format(
                    end=end, days_left=days_left(a, as_of)
                ),
                warning=True,
            )
        yield from _lifecycle_warnings(catalog, original, label)


def _scope_warning(a: Agreement, label: str) -> Iterator[Problem]:
    """Items of a running list start in lower case (DOMAIN.md, drafting words): Pasal 2
    lists `scope`, else the work items' titles, as "a. ...;". docgen prints them as typed,
    so it says which to retype. An item opening with an acronym or a name is right as is."""
    texts = list(a.scope) or [wi.title for wi in a.work_items]
    capitals = [i for i, text in enumerate(texts) if in_sentence(text) != text]
    if not capitals:
        return
    first = texts[capitals[0]]
    example = first if len(first) <= 40 else first[:39].rstrip() + "…"
    if a.scope:
        yield Problem(
            label,
            f"scope.{capitals[0]}",
            _(
                "{n} item(s) of the Ruang Lingkup list start with a capital letter "
                "({example!r}): items of a running list start in lower case"
            ).format(n=len(capitals), example=example),
            warning=True,
        )
    else:
        yield Problem(
            label,
            "scope",
            _(
                "the Ruang Lingkup list is made of the work items' titles, {n} of which"
                " start with a capital letter ({example!r}): items of a running list "
                "start in lower case; write `scope:` with the items as they should read"
            ).format(n=len(capitals), example=example),
            warning=True,
        )


def _lifecycle_warnings(catalog: Catalog, a: Agreement, label: str) -> Iterator[Problem]:
    """A work plan signed before its MoU or running past it; `...` left in a signed file."""
    parent = catalog.agreements.get(a.parent) if a.parent else None
    if parent is not None and a.signed_on is not None:
        if parent.signed_on is None:
            yield Problem(
                label,
                "signed_on",
                _("signed ({signed_on}) while its MoU {id} is still a draft (no signed_on)").format(
                    signed_on=a.signed_on, id=parent.id
                ),
                warning=True,
            )
        elif a.signed_on < parent.signed_on:
            yield Problem(
                label,
                "signed_on",
                _("signed ({signed_on}) before its MoU {id} ({signed_on2})").format(
                    signed_on=a.signed_on, id=parent.id, signed_on2=parent.signed_on
                ),
                warning=True,
            )
        end = as_amended(a, date.max).end_date
        parent_end = as_amended(parent, date.max).end_date
        if parent_end is not None and (end is None or end > parent_end):
            yield Problem(
                label,
                "ends_on" if a.ends_on or not a.duration_months else "duration_months",
                _("runs {value}, past the term of its MoU {id} (until {parent_end})").format(
                    value="open-ended" if end is None else f"until {end}", id=parent.id, parent_end=parent_end
                ),
                warning=True,
            )
