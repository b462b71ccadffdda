"""The context of the monitoring report (laporan), from the monitor report data. Pure.

A laporan is a naskah dinas (DOMAIN.md, "Monitoring reports"): pendahuluan, isi and
penutup, signed by whoever prepared it (`[reports] prepared_by`) for the office head.
It names agreements by their title and number, never by file id, and says in sentences
what the tables show, with numbers in words: "Kerja sama yang dipantau sebanyak 2 (dua)
dan seluruhnya masih berlaku." An item without any report is "belum ada laporan".
The renderer (render/report_pdf.py) only lays this context out.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from docgen.config import Config
from docgen.context import Context
from docgen.documents.agreement import numbers_phrase, office_context, reference, split_title
from docgen.documents.layout import name_lines
from docgen.domain.deliverable_state import DELIVERABLE_LABELS
from docgen.domain.monitor import (
    AgreementRow,
    ExpiringRow,
    LapsedRow,
    OverdueRow,
    Report,
    Summary,
    overdue_by_party,
)
from docgen.domain.status import STATUS_LABELS
from docgen.indonesian import DOTS, angka, bilangan, tanggal
from docgen.models import Agreement

SIGNATURE_CM = 8.0  # the signature's column: half the text width (16 cm)
_STATUS_PHRASES = (  # (statuses, how a sentence says them), in the order sentences list them
    (("active", "expiring"), "masih berlaku"),
    (("pending",), "belum berlaku"),
    (("draft",), "masih berupa draf"),
    (("expired",), "telah berakhir"),
    (("terminated",), "telah diakhiri"),
)


def percent_text(value: float | None) -> str:
    return "-" if value is None else f"{angka(value, 1)}%"


def _series(parts: list[str]) -> str:
    """ "a", "a dan b", "a, b, dan c" (the serial comma of EYD V)."""
    if len(parts) < 3:
        return " dan ".join(parts)
    return ", ".join(parts[:-1]) + ", dan " + parts[-1]


def agreements_sentence(by_status: Mapping[str, int], count: int) -> str:
    if count == 0:
        return "Belum ada kerja sama yang dipantau."
    groups = [(sum(by_status.get(s, 0) for s in statuses), phrase) for statuses, phrase in _STATUS_PHRASES]
    groups = [(n, phrase) for n, phrase in groups if n]
    if len(groups) == 1:
        n, phrase = groups[0]
        whole = "seluruhnya " if count > 1 else ""
        return f"Kerja sama yang dipantau sebanyak {bilangan(count)} dan {whole}{phrase}."
    return (
        f"Kerja sama yang dipantau sebanyak {bilangan(count)}, yaitu "
        f"{_series([f'{bilangan(n)} {phrase}' for n, phrase in groups])}."
    )


def deliverables_sentence(s: Summary | AgreementRow) -> str:
    total, done = s["total"], s["done"]
    if total == 0:
        return "Kerja sama tersebut belum memuat keluaran yang dipantau."
    if done == 0:
        head = f"Dari {bilangan(total)} keluaran belum ada yang dilaporkan selesai ({percent_text(0.0)})"
    elif done == total:
        head = f"Dari {bilangan(total)} keluaran seluruhnya telah dilaporkan selesai ({percent_text(100.0)})"
    else:
        head = (
            f"Dari {bilangan(total)} keluaran, {bilangan(done)} telah dilaporkan selesai "
            f"({percent_text(s['percent'])})"
        )
    late = (
        f"{bilangan(s['overdue'])} keluaran telah melewati batas waktu"
        if s["overdue"]
        else "tidak ada keluaran yang melewati batas waktu"
    )
    soon = (
        f" dan {bilangan(s['due_soon'])} keluaran mencapai batas waktunya dalam {bilangan(30)} hari ke depan"
        if s["due_soon"]
        else ""
    )
    return f"{head}; {late}{soon}."


def lapsed_sentence(lapsed: list[LapsedRow]) -> str:
    """Open items of agreements that ended long ago: no longer counted late, to be closed."""
    if not lapsed:
        return ""
    agreements = len({r["agreement"] for r in lapsed})
    return (
        f"Selain itu, {bilangan(len(lapsed))} keluaran pada {bilangan(agreements)} kerja sama yang "
        "telah berakhir belum ada laporan penyelesaiannya; keluaran tersebut tidak lagi dihitung "
        "melewati batas waktu dan perlu ditutup (dilaporkan selesai atau dibatalkan)."
    )


def expiring_sentence(expiring: list[ExpiringRow]) -> str:
    if not expiring:
        return f"Tidak ada kerja sama yang berakhir dalam {bilangan(90)} hari ke depan."
    return (
        f"Sebanyak {bilangan(len(expiring))} kerja sama berakhir dalam {bilangan(90)} hari "
        "ke depan sehingga perlu diputuskan perpanjangan atau pengakhirannya."
    )


def overdue_advice(overdue: list[OverdueRow], agreements: Mapping[str, Agreement], office_name: str) -> str:
    """What the overdue items call for, by who owes them: the evidence of the partner's
    own items is asked for; the joint ones (the office owes them too) are coordinated;
    the office's own are carried out. Asking "the party responsible" for all of them
    would have the office ask itself."""
    counts = {"partner": 0, "joint": 0, "own": 0}
    for row in overdue:
        if row["responsible"] == "both":
            counts["joint"] += 1
            continue
        a = agreements.get(row["agreement"])
        party = None if a is None else (a.first if row["responsible"] == "first" else a.second)
        counts["own" if party is not None and party.kind == "ombudsman" else "partner"] += 1
    total = sum(counts.values())
    head = f"Terhadap {bilangan(total)} keluaran yang telah melewati batas waktu, "
    if counts["partner"] == total:
        return head + "bukti pelaksanaannya perlu diminta dari pihak penanggung jawab."
    parts = []
    if counts["partner"]:
        parts.append(
            f"bukti pelaksanaan {bilangan(counts['partner'])} keluaran yang menjadi "
            "tanggung jawab mitra kerja sama perlu diminta"
        )
    if counts["joint"]:
        parts.append(
            f"{bilangan(counts['joint'])} keluaran yang menjadi tanggung jawab bersama "
            "perlu dikoordinasikan pelaksanaannya dengan mitra kerja sama"
        )
    if counts["own"]:
        parts.append(
            f"{bilangan(counts['own'])} keluaran yang menjadi tanggung jawab "
            f"{office_name} perlu segera diselesaikan"
        )
    return head + _series(parts) + "."


def _agreement_name(a: Agreement | None, title: str, office: str = "") -> dict[str, str]:
    """Title, "Nomor ... dan Nomor ..., tanggal ..." (dotted blanks where unknown), and in
    the national view the office whose agreement it is."""
    if a is None:  # not expected: the report is built from the same agreements
        return {"title": title, "numbers": "", "label": title, "office": office}
    name, _ = split_title(a)
    signed = tanggal(a.signed_on) if a.signed_on else DOTS
    numbers = f"{numbers_phrase(a)}, tanggal {signed}"
    return {"title": a.title, "numbers": numbers, "label": name, "office": office}


def conclusions(s: Summary, report: Report) -> list[str]:
    """Kesimpulan: what the figures say, in sentences."""
    found = []
    total, done = s["total"], s["done"]
    if total and done < total:
        found.append(
            f"Keluaran yang dilaporkan selesai sebanyak {bilangan(done)} dari {bilangan(total)} "
            f"({percent_text(s['percent'])})."
        )
    elif total:
        found.append(f"Seluruh {bilangan(total)} keluaran telah dilaporkan selesai.")
    if s["overdue"]:
        found.append(
            f"Sebanyak {bilangan(s['overdue'])} keluaran telah melewati batas waktu tanpa bukti "
            "pelaksanaan yang kami terima."
        )
    if report["expiring"]:
        found.append(
            f"Sebanyak {bilangan(len(report['expiring']))} kerja sama akan berakhir dalam "
            f"{bilangan(90)} hari ke depan."
        )
    if report.get("lapsed"):
        found.append(
            f"Sebanyak {bilangan(len(report['lapsed']))} keluaran pada kerja sama yang telah berakhir "
            "belum ditutup."
        )
    return found or ["Pelaksanaan kerja sama berjalan sesuai dengan batas waktu yang disepakati."]


def suggestions(
    s: Summary, report: Report, agreements: Mapping[str, Agreement], office_name: str
) -> list[str]:
    """Saran: what the figures call for."""
    found = []
    if s["overdue"]:
        found.append(overdue_advice(report["overdue"], agreements, office_name))
    if s["due_soon"]:
        found.append(
            f"Mitra kerja sama perlu diingatkan atas {bilangan(s['due_soon'])} keluaran yang mencapai "
            f"batas waktunya dalam {bilangan(30)} hari ke depan."
        )
    if report["expiring"]:
        found.append(
            "Perlu diputuskan perpanjangan atau pengakhiran kerja sama yang akan berakhir, "
            "berdasarkan hasil evaluasi pelaksanaannya."
        )
    if report.get("lapsed"):
        found.append(
            "Keluaran pada kerja sama yang telah berakhir perlu ditutup (dilaporkan selesai atau "
            "dibatalkan) agar tidak lagi tercatat sebagai kewajiban."
        )
    return found or ["Pemantauan dilanjutkan secara berkala sesuai dengan batas waktu setiap keluaran."]


def report_context(
    report: Report,
    agreements: Mapping[str, Agreement],
    config: Config,
) -> Context:
    """Everything the laporan prints, as plain data (`report` is domain.monitor's)."""
    as_of = date.fromisoformat(report["as_of"])
    office = config.office
    head = office.head
    preparer = config.signatory(config.reports.prepared_by or None)
    by_preparer = bool(config.reports.prepared_by)
    s = report["summary"]
    rows = []
    for no, r in enumerate(report["agreements"], 1):
        names = _agreement_name(agreements.get(r["id"]), r["title"], r.get("office_name", ""))
        rows.append(
            {
                "no": no,
                **names,
                "status": STATUS_LABELS.get(r["status"], r["status"]),
                "done": r["done"],
                "total": r["total"],
                "percent": percent_text(r["percent"]),
                "done_text": (
                    f"{r['done']} dari {r['total']} ({percent_text(r['percent'])})"
                    if r["total"]
                    else "tanpa keluaran"
                ),
                "overdue": r["overdue"],
                "due_soon": r["due_soon"],
                "next_due": tanggal(r["next_due"]) if r["next_due"] else "-",
                "ends_on": tanggal(r["ends_on"]) if r["ends_on"] else "-",
                "percent_value": r["percent"],
                "chart_label": f"{no}. {names['title']}"
                + (f" ({names['office']})" if names["office"] else ""),
            }
        )
    number_of = {r["id"]: row["no"] for r, row in zip(report["agreements"], rows, strict=True)}
    expiring = [
        {
            "no": i,
            **_agreement_name(agreements.get(e["id"]), e["title"]),
            "ends_on": tanggal(e["ends_on"]),
            "days_left": e["days_left"],
        }
        for i, e in enumerate(report["expiring"], 1)
    ]
    groups = []
    for org, items in overdue_by_party(report):
        by_agreement: dict[str, list[OverdueRow]] = {}
        for item in items:
            by_agreement.setdefault(item["agreement"], []).append(item)
        for agreement_id, its in by_agreement.items():
            names = _agreement_name(agreements.get(agreement_id), its[0]["agreement_title"])
            groups.append(
                {
                    "party": org,
                    "agreement": names["title"],
                    "agreement_no": number_of.get(agreement_id),
                    "count": bilangan(len(its)),
                    "items": [
                        {
                            "no": i,
                            "work_item": r["work_item_title"],
                            "deliverable": r["title"],
                            "due": tanggal(r["due"]),
                            "days": r["days_overdue"],
                            "note": DELIVERABLE_LABELS.get(r["status"], r["status"])
                            + ("; tanggung jawab bersama" if r["responsible"] == "both" else ""),
                        }
                        for i, r in enumerate(its, 1)
                    ],
                }
            )
    office_name = office.name
    national = any(r.get("office_name") for r in report["agreements"])
    # Addressed to the head only when someone else signs it: the head does not report to
    # himself.
    to_head = f" kepada {head.title}" if by_preparer else ""
    whose = "kantor-kantor perwakilan Ombudsman Republik Indonesia" if national else office_name
    subject = "Kantor-kantor perwakilan Ombudsman Republik Indonesia" if national else office_name
    general = (
        f"{subject} melaksanakan kerja sama dengan pemerintah daerah, "
        "perguruan tinggi, dan instansi penyelenggara pelayanan publik berdasarkan kesepakatan "
        "bersama, rencana kerja, dan perjanjian kerja sama yang memuat kegiatan, keluaran, batas "
        "waktu, dan penanggung jawab pelaksanaannya. Pelaksanaan kerja sama tersebut dipantau dan "
        "dievaluasi secara berkala berdasarkan laporan dan bukti pelaksanaan yang diterima."
    )
    purpose = (
        f"Laporan ini disusun untuk menyampaikan{to_head} keadaan pelaksanaan kerja sama "
        f"{whose} sampai dengan tanggal {tanggal(as_of)}, sebagai bahan pertimbangan tindak lanjut."
    )
    scope = (
        f"Laporan ini meliputi {bilangan(s['agreements'])} kerja sama yang dipantau, dengan capaian "
        "keluaran setiap kerja sama, keluaran yang telah melewati batas waktu menurut penanggung "
        f"jawabnya, dan kerja sama yang berakhir dalam {bilangan(90)} hari ke depan."
    )
    if by_preparer:
        closing = (
            f"Demikian laporan ini kami sampaikan kepada {head.title} sebagai bahan "
            "pertimbangan tindak lanjut pelaksanaan kerja sama."
        )
    else:
        closing = "Demikian laporan ini disusun sebagai bahan tindak lanjut pelaksanaan kerja sama."
    return {
        **office_context(config),
        "as_of": as_of.isoformat(),
        "as_of_text": tanggal(as_of),
        "title": "LAPORAN",
        "subject": "PEMANTAUAN PELAKSANAAN KERJA SAMA",
        "period": f"KEADAAN PER {tanggal(as_of).upper()}",
        "basis": [
            (reference(a) if (a := agreements.get(r["id"])) is not None else r["title"])
            + (f" ({r['office_name']})" if r.get("office_name") else "")
            for r in report["agreements"]
        ],
        "general": general,
        "purpose": purpose,
        "scope": scope,
        "conclusions": conclusions(s, report),
        "suggestions": suggestions(s, report, agreements, office_name),
        "summary": [
            agreements_sentence(s["by_status"], s["agreements"]),
            deliverables_sentence(s),
            expiring_sentence(report["expiring"]),
            *([lapsed_sentence(report.get("lapsed", []))] if report.get("lapsed") else []),
        ],
        "lapsed": [
            {
                "no": i,
                "agreement": _agreement_name(agreements.get(r["agreement"]), r["agreement_title"])["title"],
                "deliverable": r["title"],
                "due": tanggal(r["due"]),
                "ended_on": tanggal(r["ended_on"]) if r.get("ended_on") else "-",
                "status": DELIVERABLE_LABELS.get(r["status"], r["status"]),
            }
            for i, r in enumerate(report.get("lapsed", []), 1)
        ],
        "agreements": rows,
        "expiring": expiring,
        "overdue_groups": groups,
        "closing": closing,
        "place_date": f"{office.city}, {tanggal(as_of)}",
        "signatory": {
            "title": preparer.title,
            "title_lines": name_lines(preparer.title + ",", SIGNATURE_CM, 11, bold=False),
            "name": config.documents.signer_name(preparer.name),
            "nip": preparer.nip or "",
        },
        "prepared_by": by_preparer,
        "head": {"title": head.title, "name": head.name},
    }
