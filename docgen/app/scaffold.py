"""Create things for the user to fill in: a new workspace, a new agreement file."""

from __future__ import annotations

import json
import os
import shutil
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from docgen.agreements import Catalog
from docgen.config import CLOSING, CONFIG_FILE
from docgen.errors import InputError, WorkspaceError
from docgen.fsutil import atomic_write_bytes
from docgen.i18n import _
from docgen.models import is_valid_id
from docgen.workspace import Workspace

if TYPE_CHECKING:
    from docgen.workplan_xlsx import PlannedWork

# ".docgen" without a slash: ignored whether a folder or a link (a link is refused, never committed).
# The verification page's log holds visitors' addresses: never shared with the workspace.
GITIGNORE_LINES = ("outputs/", ".docgen", "tracker-verifications.jsonl")

CONFIG_TEMPLATE = """\
# docgen workspace configuration. Fill in every TODO, then run `docgen check`.

[office]
name = "TODO Ombudsman Republik Indonesia Perwakilan Provinsi ..."
short = "TODO Ombudsman RI Perwakilan ..."
unit_code = "TODO"          # used in numbers, e.g. PW24
city = "TODO"               # place on letters and certificates
address = "TODO"            # written out as on letters: "Jalan ... Nomor ..., Kupang"
# letterhead = ["OMBUDSMAN REPUBLIK INDONESIA", "PERWAKILAN PROVINSI ..."]  # default: from name
postcode = ""               # postcode, phone, website, email: printed in the letterhead
phone = ""
website = ""
email = ""
logo = ""                   # an image in templates/ (letterhead and reports)

[office.head]               # default signatory of letters and certificates
name = "TODO"
title = "TODO Kepala Perwakilan Ombudsman Republik Indonesia Provinsi ..."
nip = ""

# [signatories.ketua]       # other signatories, chosen with --signatory ketua
# name = "..."
# title = "Ketua Ombudsman Republik Indonesia"
# heading = ["OMBUDSMAN REPUBLIK INDONESIA"]   # the head of a certificate they sign

[letters]
reply_days = 14             # reply deadline in follow-up letters
sifat = "Biasa"
contact = {{ name = "", phone = "", email = "" }}   # office liaison named in letters
closing = "{closing}"
grace_days = 30             # agreements ended longer ago get no more letters

[reports]
prepared_by = ""            # a [signatories] key: who signs the monitoring report

[certificates]
event = "Penilaian Kepatuhan Standar Pelayanan Publik"
verify_url = ""             # e.g. "https://example.go.id/cek?n={{number}}&c={{checksum}}"
signatory = ""              # a [signatories] key; default: [office.head]

[numbering]                 # fields: seq, year, month, month_roman, day, unit_code
letter = "B/{{seq:03d}}/{{unit_code}}/KM.01/{{month_roman}}/{{year}}"
certificate = "{{seq:04d}}/PHG/{{unit_code}}/{{month_roman}}/{{year}}"   # also {{assessment_year}}
agreement = "{{seq:02d}}/KB/{{unit_code}}/{{month_roman}}/{{year}}"
reset = "yearly"            # sequences restart at 1 each calendar year
"""


def default_templates() -> list[Path]:
    """The template set shipped inside the package (copied by `init`)."""
    folder = resources.files("docgen") / "templates"
    return sorted(Path(str(p)) for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))


def init_workspace(target: Path) -> list[Path]:
    """Create a workspace in `target`; refuse if it already is one. Returns what was created."""
    try:
        return _init(target)
    except OSError as exc:
        where = exc.filename or target
        raise WorkspaceError(
            _("{path}: cannot create the workspace: {reason}").format(
                path=os.fsdecode(where), reason=exc.strerror or exc
            )
        ) from exc


def _init(target: Path) -> list[Path]:
    if (target / CONFIG_FILE).exists():
        raise WorkspaceError(
            _("{target}: already a docgen workspace ({config_file} exists); nothing was changed").format(
                target=target, config_file=CONFIG_FILE
            )
        )
    if target.exists() and not target.is_dir():
        raise WorkspaceError(_("{target}: exists and is not a folder").format(target=target))
    created: list[Path] = []
    for sub in ("agreements", "templates", "outputs"):
        folder = target / sub
        if not folder.exists():
            folder.mkdir(parents=True)
            created.append(folder)
    for source in default_templates():
        dest = target / "templates" / source.name
        if not dest.exists():
            shutil.copyfile(source, dest)
            created.append(dest)
    gitignore = target / ".gitignore"
    existing = gitignore.read_text(encoding="utf-8").splitlines() if gitignore.exists() else []
    missing = [line for line in GITIGNORE_LINES if line not in existing]
    if missing:
        atomic_write_bytes(gitignore, "\n".join([*existing, *missing, ""]).encode())
        created.append(gitignore)
    # docgen.toml last: until it exists, a failed init can simply be run again.
    atomic_write_bytes(target / CONFIG_FILE, CONFIG_TEMPLATE.format(closing=CLOSING).encode())
    created.append(target / CONFIG_FILE)
    return created


def _q(text: str | None) -> str:
    """A YAML scalar: JSON strings are valid YAML and keep any character safe."""
    return json.dumps(text or "", ensure_ascii=False)


def new_agreement(
    ws: Workspace,
    catalog: Catalog,
    agreement_id: str,
    kind: str,
    parent_id: str | None,
    work_items: list[PlannedWork] | None = None,
    source: str | None = None,
) -> Path:
    """Scaffold agreements/<id>.yaml with TODO placeholders that `check` flags; with
    `work_items` (title, responsible, deliverables: title, due, evidence) those instead of a
    placeholder work item, `source` naming where they come from."""
    if not is_valid_id(agreement_id):
        raise InputError(
            _(
                "{agreement_id!r}: not a valid id (lowercase letters, digits and '-', "
                "starting with a letter or digit, at most 80 characters)"
            ).format(agreement_id=agreement_id)
        )
    if kind not in ("mou", "renja", "pks"):
        raise InputError(_("--kind: {kind!r} is not one of mou, renja, pks").format(kind=kind))
    if agreement_id in catalog.files:
        raise InputError(
            _("{agreement_id}: agreements/{name} already exists; nothing was changed").format(
                agreement_id=agreement_id, name=catalog.files[agreement_id].name
            )
        )
    parent = None
    if kind == "mou" and parent_id:
        raise InputError(_("--parent: an MoU implements no other agreement"))
    if kind != "mou":
        if not parent_id:
            raise InputError(_("--parent: a {kind} needs the id of the MoU it implements").format(kind=kind))
        parent = catalog.get(parent_id)
        if parent.kind != "mou":
            raise InputError(
                _("--parent: {parent_id!r} is a {kind}, not an MoU").format(
                    parent_id=parent_id, kind=parent.kind
                )
            )
    office = ws.config.office
    second_org = parent.second.org if parent else "TODO nama instansi PIHAK KEDUA"
    second_kind = parent.second.kind if parent else "pemda"
    title = (
        "TODO judul Kesepakatan Bersama"
        if kind == "mou"
        else f"TODO judul {'Rencana Kerja' if kind == 'renja' else 'Perjanjian Kerja Sama'}"
    )
    lines = [
        f"# {kind.upper()} draft scaffolded by docgen: fill in every TODO, then run `docgen check`.",
        *([f"# Work items imported from {source}."] if source else []),
        f"id: {agreement_id}",
        f"kind: {kind}",
        f"title: {_q(title)}",
    ]
    if parent:
        lines.append(f"parent: {parent.id}")
    lines += [
        f"place: {_q(office.city)}",
        "# signed_on: YYYY-MM-DD        # leave out while this is a draft",
        "duration_months: 60" if kind == "mou" else "duration_months: 12",
        "# numbers: {first: ..., second: ...}   # each party's number of this agreement",
        "parties:",
        "  - role: first",
        f"    org: {_q(office.name)}",
        "    kind: ombudsman",
        f"    address: {_q(office.address)}",
        "    signatory:",
        f"      name: {_q(office.head.name)}",
        f"      title: {_q(office.head.title)}",
        "  - role: second",
        f"    org: {_q(second_org)}          # the legal party, never a unit of it",
        f"    kind: {second_kind}",
        "    # unit: the working unit that carries the work and receives letters (e.g. a Biro)",
        '    # mandate: the authority the signatory acts under (e.g. "Surat Kuasa Gubernur ... '
        'Nomor ... tanggal ...")',
        '    address: "TODO alamat PIHAK KEDUA (Jalan ... Nomor ..., kota)"',
        "    signatory:",
        '      name: "TODO nama penandatangan PIHAK KEDUA"',
        '      title: "TODO jabatan penandatangan PIHAK KEDUA"',
        "      # rank: pangkat/golongan of a civil servant, e.g. Pembina Utama Muda (IV/c)",
        '      # nip: "19..."',
        "    # superior: jabatan atasan (copied on an escalated follow-up letter)",
        "    # contact: {name: ..., phone: ..., email: ...}   # liaison officer",
        "legal_basis:",
        "  - Undang-Undang Nomor 37 Tahun 2008 tentang Ombudsman Republik Indonesia",
        "  - Undang-Undang Nomor 25 Tahun 2009 tentang Pelayanan Publik",
        'purpose: "TODO maksud dan tujuan"',
        "scope:",
        '  - "TODO ruang lingkup"',
    ]
    if work_items:
        lines += ["work_items:", *_work_item_lines(work_items)]
    elif kind != "mou":
        lines += [
            "work_items:",
            "  - id: W1",
            '    title: "TODO kegiatan"',
            "    responsible: second          # first, second or both",
            "    deliverables:",
            "      - id: W1-D1",
            '        title: "TODO keluaran"',
            '        due: "TODO YYYY-MM-DD"',
            '        evidence: "TODO bukti (mis. notulen rapat)"',
        ]
    path = ws.inside(ws.agreements_dir / f"{agreement_id}.yaml")
    try:
        atomic_write_bytes(path, ("\n".join(lines) + "\n").encode("utf-8"))
    except OSError as exc:
        raise InputError(
            _("{rel}: cannot write: {reason}").format(rel=ws.rel(path), reason=exc.strerror or exc)
        ) from exc
    return path


def _work_item_lines(work_items: list[PlannedWork]) -> list[str]:
    lines = []
    for i, wi in enumerate(work_items, 1):
        lines += [
            f"  - id: W{i}",
            f"    title: {_q(wi['title'])}",
            f"    responsible: {wi['responsible']}",
            "    deliverables:" if wi["deliverables"] else "    deliverables: []",
        ]
        for j, d in enumerate(wi["deliverables"], 1):
            evidence = f", evidence: {_q(d['evidence'])}" if d.get("evidence") else ""
            lines.append(
                f"      - {{id: W{i}-D{j}, title: {_q(d['title'])}, due: {d['due'].isoformat()}{evidence}}}"
            )
    return lines
