"""The render context of an agreement draft: plain data built from the models. Pure.

Templates get the whole agreement, its parent, the office config and ready-made phrases
(the opening sentence, the term, numbered lists with their punctuation), so that a
template stays readable text and a user can edit it in Word without writing logic.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from docgen.config import Config
from docgen.context import Context
from docgen.documents.layout import name_lines
from docgen.domain.legal import Regulation, cite
from docgen.indonesian import DOTS, kalimat_pembuka, tanggal, terbilang
from docgen.models import Agreement, Party

DOC_NAMES = {"mou": "Kesepakatan Bersama", "renja": "Rencana Kerja", "pks": "Perjanjian Kerja Sama"}
RESPONSIBLE = {"first": "PIHAK PERTAMA", "second": "PIHAK KEDUA", "both": "PARA PIHAK"}

RECITALS = {
    "ombudsman": "adalah lembaga negara yang mempunyai kewenangan mengawasi penyelenggaraan "
    "pelayanan publik, baik yang diselenggarakan oleh penyelenggara negara dan pemerintahan "
    "maupun oleh badan usaha dan perseorangan yang diberi tugas menyelenggarakan pelayanan "
    "publik tertentu",
    "perwakilan": "adalah perwakilan Ombudsman Republik Indonesia yang mempunyai kewenangan "
    "mengawasi penyelenggaraan pelayanan publik di wilayah kerjanya",
    "pemda": "adalah penyelenggara pemerintahan daerah yang berkewajiban menyelenggarakan "
    "pelayanan publik yang berkualitas sesuai dengan asas-asas umum pemerintahan yang baik",
    "university": "adalah perguruan tinggi yang menyelenggarakan pendidikan, penelitian, dan "
    "pengabdian kepada masyarakat",
    "agency": "adalah instansi penyelenggara pelayanan publik yang berkewajiban memberikan "
    "pelayanan yang berkualitas kepada masyarakat",
    "other": "mempunyai kepedulian terhadap peningkatan kualitas penyelenggaraan pelayanan publik",
}


def office_context(config: Config) -> Context:
    """`office` (with `head`), `letters` and `certificates` of docgen.toml, as plain dicts.

    `office` also holds the kop ready to print: `letterhead` (its lines, from `[office]
    letterhead` or the name), `kop_address` (address and postcode) and `kop_contact`
    ("Telepon ...; Laman ...; Surel ...")."""
    office = config.office
    data = office.model_dump()
    data["letterhead"] = office.letterhead_lines
    data["kop_address"] = " ".join(x for x in (office.address or "", office.postcode) if x)
    data["kop_contact"] = "; ".join(
        f"{label} {value}"
        for label, value in (("Telepon", office.phone), ("Laman", office.website), ("Surel", office.email))
        if value
    )
    return {
        "office": data,
        "letters": config.letters.model_dump(),
        "certificates": config.certificates.model_dump(),
    }


def letter_label(index: int) -> str:
    """a, b, ... z, aa, ab ...: the labels of a lettered list."""
    label = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        label = chr(ord("a") + rest) + label
    return label


def enumerate_items(
    texts: list[str], *, lettered: bool = True, last_and: bool = True
) -> list[dict[str, str]]:
    """Items of a legal list: "a." labels, each ending with ";", "; dan" before the last, "."."""
    items = []
    for i, text in enumerate(texts):
        body = text.strip().rstrip(".;,")
        if i == len(texts) - 1:
            end = "."
        elif i == len(texts) - 2 and last_and:
            end = "; dan"
        else:
            end = ";"
        label = f"{letter_label(i)}." if lettered else f"{i + 1}."
        items.append({"label": label, "text": body + end})
    return items


def split_title(a: Agreement) -> tuple[str, str]:
    """(document name, subject) of a title: "Kesepakatan Bersama tentang X" -> both parts.

    A title without "tentang" that starts with the kind's name ("Rencana Kerja Perbaikan
    ...") gives the rest as the subject; otherwise the whole title is the subject. The
    subject never starts with "tentang" itself, whatever the title's case, so a citation
    "... tentang <subject>" never says "tentang tentang".
    """
    default = DOC_NAMES[a.kind]
    title = " ".join(a.title.split())
    folded = title.casefold()
    at = folded.find(" tentang ")
    if at > 0 and title[at + len(" tentang ") :].strip():
        head, subject = title[:at].strip(), title[at + len(" tentang ") :].strip()
    elif folded.startswith(default.casefold() + " "):
        head, subject = default, title[len(default) :].strip()
    else:
        head, subject = default, title
    while subject.casefold().startswith("tentang "):
        subject = subject[len("tentang ") :].strip()
    if head.casefold() == default.casefold():
        head = default
    return head, subject or title


def numbers_phrase(a: Agreement) -> str:
    """ "Nomor X dan Nomor Y": each party's number, a dotted blank where it is unknown."""
    return " dan ".join(f"Nomor {n or DOTS}" for n in (a.numbers.first, a.numbers.second))


def parties_phrase(a: Agreement) -> str:
    """ "Ombudsman Republik Indonesia dan Pemerintah Provinsi ...": the legal parties."""
    return f"{a.first.org} dan {a.second.org}"


def reference(a: Agreement) -> str:
    """How another document cites this agreement, the one form everywhere (DOMAIN.md):
    "Rencana Kerja Nomor ... dan Nomor ... tanggal 8 Februari 2022 tentang ...".
    Unknown numbers and dates are dotted blanks, never silently left out."""
    name, subject = split_title(a)
    signed = tanggal(a.signed_on) if a.signed_on else DOTS
    return f"{name} {numbers_phrase(a)} tanggal {signed} tentang {subject}"


def term_phrase(a: Agreement, doc_name: str) -> str:
    """The Jangka Waktu sentence, the duration in words: "5 (lima) tahun"."""
    end = a.end_date
    since = f"{doc_name} ini berlaku"
    if a.duration_months:
        n = a.duration_months
        span = f"{n // 12} ({terbilang(n // 12)}) tahun" if n % 12 == 0 else f"{n} ({terbilang(n)}) bulan"
        text = f"{since} untuk jangka waktu {span} terhitung sejak tanggal ditandatangani oleh PARA PIHAK"
        return text + (f" sampai dengan tanggal {tanggal(end)}." if end else ".")
    if end:
        return f"{since} sejak tanggal ditandatangani oleh PARA PIHAK sampai dengan tanggal {tanggal(end)}."
    return (
        f"{since} sejak tanggal ditandatangani oleh PARA PIHAK sampai dengan diakhiri "
        "berdasarkan kesepakatan PARA PIHAK."
    )


# Column widths (cm) of the default templates: the title block spans the text width, each
# signature column half of it; a signature block's title is bold 12 pt capitals.
TITLE_WIDTH_CM = 15.5
SIGNATURE_COLUMN_CM = 7.75
SIGNATURE_SIZE = 11


def signer_name(name: str, config: Config | None) -> str:
    """The one form of a signer's name in every document ([documents] signer_name_case)."""
    return config.documents.signer_name(name) if config else name.upper()


def _party(p: Party, config: Config | None) -> Context:
    data = p.model_dump()
    # Lines broken between names only ("OMBUDSMAN REPUBLIK INDONESIA" / "PERWAKILAN ...").
    data["org_title"] = "\n".join(name_lines(p.org.upper(), TITLE_WIDTH_CM))
    data["signatory"]["title_block"] = "\n".join(
        name_lines(p.signatory.title.upper() + ",", SIGNATURE_COLUMN_CM, SIGNATURE_SIZE)
    )
    data["signatory"]["name_text"] = signer_name(p.signatory.name, config)
    office = config.office if config else None
    # The office's own address fills in when the party is the office itself.
    if not data["address"] and office is not None and p.org == office.name:
        data["address"] = office.address
    data["address_text"] = data["address"] or DOTS  # a draft shows where it is missing
    data["role_name"] = p.role_name
    kind = "perwakilan" if p.kind == "ombudsman" and "perwakilan" in p.org.casefold() else p.kind
    data["recital"] = f"bahwa {p.role_name} {RECITALS[kind]}"
    return data


def _work_items(a: Agreement) -> list[Context]:
    items = []
    for number, wi in enumerate(a.work_items, 1):
        deliverables = []
        for d in wi.deliverables:
            data = d.model_dump()
            data["due_text"] = tanggal(d.due)
            deliverables.append(data)
        # A work item without deliverables still gets its row in the table.
        rows = deliverables or [{"id": "", "title": "-", "due": None, "due_text": "-", "evidence": None}]
        items.append(
            {
                **wi.model_dump(exclude={"deliverables"}),
                "no": number,
                "responsible_label": RESPONSIBLE[wi.responsible],
                "deliverables": deliverables,
                "rows": rows,
            }
        )
    return items


def build_context(
    a: Agreement,
    parent: Agreement | None,
    config: Config | None,
    legal: Mapping[str, Regulation] | None = None,
) -> Context:
    """The context of one agreement draft; `legal` is the regulation catalogue that
    `legal_basis` keys name (cited as in force on the signing date, or today for a draft)."""
    doc_name, subject = split_title(a)
    first, second = _party(a.first, config), _party(a.second, config)
    recitals = [first["recital"], second["recital"]]
    if parent is not None:
        # Cited by its own parties: the MoU was signed by the Ketua and the Gubernur, not
        # by the Kepala Perwakilan and the Kepala Biro who sign this agreement.
        recitals.append(
            f"bahwa {parties_phrase(parent)} telah menandatangani "
            f"{reference(parent)}, yang perlu ditindaklanjuti dengan {doc_name} "
            "yang memuat kegiatan, keluaran, batas waktu, dan penanggung jawab "
            "pelaksanaannya"
        )
    recitals.append(
        "bahwa untuk mewujudkan penyelenggaraan pelayanan publik yang berkualitas dan "
        "mencegah maladministrasi diperlukan kerja sama dan sinergi antara PARA PIHAK"
    )
    work_items = _work_items(a)
    scope = list(a.scope) or [wi["title"] for wi in work_items]
    purpose = a.purpose or (
        f"{doc_name} ini dimaksudkan sebagai pedoman bagi PARA PIHAK dalam "
        f"pelaksanaan kerja sama tentang {subject}."
    )
    agreement = a.model_dump()
    agreement.update(end_date=a.end_date, template_name=a.template_name)
    context: Context = {
        **(office_context(config) if config else {}),
        "agreement": agreement,
        "parent": None,
        "first": first,
        "second": second,
        "parties": [first, second],
        "doc_name": doc_name,
        "doc_type": doc_name.upper(),
        "subject": subject,
        "numbers": {"first": a.numbers.first or DOTS * 2, "second": a.numbers.second or DOTS * 2},
        "place": a.place or DOTS,
        "signed": a.signed_on is not None,
        "signed_on_text": tanggal(a.signed_on) if a.signed_on else DOTS,
        "ends_on_text": tanggal(a.end_date) if a.end_date else DOTS,
        "opening": kalimat_pembuka(a.signed_on, a.place),
        "term": term_phrase(a, doc_name),
        "purpose": purpose,
        "recitals": enumerate_items(recitals, last_and=False),
        "legal_basis": enumerate_items(
            cite(a.legal_basis, legal or {}, a.signed_on or date.today()), lettered=False, last_and=False
        ),
        "scope": enumerate_items(scope),
        "work_items": work_items,
        "deliverables": [d for wi in work_items for d in wi["deliverables"]],
    }
    if parent is not None:
        p_name, p_subject = split_title(parent)
        context["parent"] = {
            **parent.model_dump(),
            "doc_name": p_name,
            "subject": p_subject,
            "reference": reference(parent),
            "parties_text": parties_phrase(parent),
            "end_date": parent.end_date,
        }
    return context
