"""Sample contexts `docgen check` renders every template with.

Two variants per kind of agreement, a signed one with every optional field filled in
and a bare draft, and a first and a second letter, so that both sides of the usual
`{% if %}`s are exercised.
"""

from __future__ import annotations

from datetime import date

from docgen.config import Config
from docgen.context import Context, JSONObject
from docgen.documents.adendum import adendum_context
from docgen.documents.agreement import build_context
from docgen.documents.letter import letter_context
from docgen.documents.reminder import reminder_context
from docgen.domain.deliverable_state import deliverable_states
from docgen.domain.letters import Planned
from docgen.models import Agreement
from docgen.records import LetterRecord

SAMPLE_CONFIG = {
    "office": {
        "name": "Ombudsman Republik Indonesia Perwakilan Provinsi Contoh",
        "short": "Ombudsman RI Contoh",
        "unit_code": "PW00",
        "city": "Kota Contoh",
        "address": "Jalan Contoh Nomor 1, Kota Contoh",
        "postcode": "10000",
        "phone": "(0000) 123",
        "website": "www.example.org",
        "email": "contoh@example.org",
        "logo": "logo.png",
        "head": {"name": "Nama Kepala", "title": "Kepala Perwakilan", "nip": "197001012000031001"},
    },
    "letters": {"contact": {"name": "Penghubung", "phone": "0800", "email": "a@example.org"}},
}

_PARTIES = [
    {
        "role": "first",
        "org": "Ombudsman Republik Indonesia Perwakilan Provinsi Contoh",
        "kind": "ombudsman",
        "address": "Jl. Contoh No. 1",
        "signatory": {"name": "Nama Satu", "title": "Kepala Perwakilan", "nip": "197001012000031001"},
        "contact": {"name": "Penghubung Satu", "phone": "0800", "email": "satu@example.org"},
    },
    {
        "role": "second",
        "org": "Pemerintah Kabupaten Contoh",
        "kind": "pemda",
        "address": "Jalan Dua, Kota",
        "unit": "Bagian Organisasi Sekretariat Daerah Kabupaten Contoh",
        "mandate": "Surat Kuasa Bupati Contoh Nomor 1 Tahun 2022",
        "signatory": {
            "name": "Nama Dua",
            "title": "Kepala Bagian Organisasi",
            "rank": "Pembina (IV/a)",
            "nip": "197002022000032002",
        },
        "superior": "Gubernur Contoh",
        "contact": {"name": "Penghubung Dua", "phone": "0811", "email": "dua@example.org"},
    },
]

_MOU = {
    "id": "contoh-mou",
    "kind": "mou",
    "title": "Kesepakatan Bersama tentang Contoh",
    "place": "Kota Contoh",
    "signed_on": "2022-01-10",
    "duration_months": 60,
    "numbers": {"first": "01/ORI-MOU/I/2022", "second": "100/01/2022"},
    "parties": _PARTIES,
    "legal_basis": ["Undang-Undang Nomor 37 Tahun 2008"],
    "purpose": "Maksud.",
    "scope": ["Satu.", "Dua."],
    "work_items": [
        {
            "id": "W1",
            "title": "Kegiatan",
            "responsible": "both",
            "deliverables": [
                {"id": "W1-D1", "title": "Keluaran", "due": "2022-03-31", "evidence": "notulen"}
            ],
        }
    ],
}

_RENJA = {
    **_MOU,
    "id": "contoh-renja",
    "kind": "renja",
    "title": "Rencana Kerja Contoh Tahun 2022",
    "parent": "contoh-mou",
    "duration_months": None,
    "ends_on": "2022-12-31",
    "work_items": [
        {
            "id": "W1",
            "title": "Kegiatan satu",
            "responsible": "both",
            "deliverables": [
                {"id": "W1-D1", "title": "Keluaran satu", "due": "2022-03-31", "evidence": "notulen"},
                {"id": "W1-D2", "title": "Keluaran dua", "due": "2022-06-30"},
            ],
        },
        {"id": "W2", "title": "Kegiatan dua", "responsible": "second", "deliverables": []},
    ],
}


def _bare(data: JSONObject) -> JSONObject:
    """A draft with only the required fields."""
    keep = {"id", "kind", "title", "parent"} | ({"work_items"} if data["kind"] != "mou" else set())
    parties = [
        {
            "role": p["role"],
            "org": p["org"],
            "kind": p["kind"],
            "signatory": {"name": p["signatory"]["name"], "title": p["signatory"]["title"]},
        }
        for p in data["parties"]
    ]
    return {**{k: v for k, v in data.items() if k in keep and v is not None}, "parties": parties}


def sample_config(config: Config | None = None) -> Config:
    return config or Config.model_validate(SAMPLE_CONFIG)


def agreement_samples(kind: str = "renja", config: Config | None = None) -> list[Context]:
    """Contexts of a full and a bare sample agreement of `kind` ("mou" or "renja"/"pks")."""
    config = sample_config(config)
    parent = Agreement.model_validate(_MOU)
    if kind == "mou":
        return [
            build_context(Agreement.model_validate(_MOU), None, config),
            build_context(Agreement.model_validate(_bare(_MOU)), None, config),
        ]
    return [
        build_context(Agreement.model_validate(_RENJA), parent, config),
        build_context(Agreement.model_validate(_bare(_RENJA)), parent, config),
    ]


def letter_samples(config: Config | None = None) -> list[Context]:
    """A first and a second follow-up letter; one with the office's logo, one without
    (and a bare party: no unit, address or superior), so both sides of each `if` render."""
    cfg = sample_config(config)
    office = cfg.office
    other = cfg.model_copy(
        update={
            "office": office.model_copy(
                update={
                    "logo": "" if office.logo else "logo.png",
                    "letterhead": [],
                    "postcode": "",
                    "phone": "",
                    "website": "",
                    "email": "",
                }
            )
        }
    )
    agreement = Agreement.model_validate(_RENJA)
    bare = Agreement.model_validate({**_RENJA, "parties": [_PARTIES[0], {**_bare(_RENJA)["parties"][1]}]})
    states = deliverable_states(agreement, [], date(2030, 1, 1))
    first = Planned(agreement, agreement.second, states, [], None)
    earlier = [
        LetterRecord(
            number="B/001/PW00/KM.01/I/2030",
            on="2029-12-01",
            seq=1,
            year=2029,
            agreement=agreement.id,
            party="second",
            file="outputs/letters/2029/001-renja-second.docx",
            items=[s.deliverable.id for s in states],
        )
    ]
    second = Planned(agreement, agreement.second, states, earlier, None)
    bare_states = deliverable_states(bare, [], date(2030, 1, 1))
    third = Planned(bare, bare.second, bare_states, earlier, None)
    return [
        letter_context(cfg, first, "B/002/PW00/KM.01/I/2030", date(2030, 1, 1)),
        letter_context(other, second, "B/002/PW00/KM.01/I/2030", date(2030, 1, 1)),
        letter_context(cfg, third, "B/003/PW00/KM.01/I/2030", date(2030, 1, 1)),
    ]


def reminder_samples(config: Config | None = None) -> list[Context]:
    """A reminder of two items due soon."""
    cfg = sample_config(config)
    agreement = Agreement.model_validate(_RENJA)
    states = deliverable_states(agreement, [], date(2022, 3, 20))
    planned = Planned(agreement, agreement.second, states[:2], [], None, kind="reminder")
    return [reminder_context(cfg, planned, "B/003/PW00/KM.01/III/2022", date(2022, 3, 20))]


def adendum_samples(config: Config | None = None) -> list[Context]:
    """A signed adendum changing the term and the work items, and a bare draft one."""
    cfg = sample_config(config)
    parent = Agreement.model_validate(_MOU)
    amended = Agreement.model_validate(
        {
            **_RENJA,
            "amendments": [
                {
                    "number": "05/KB/PW00/XII/2022",
                    "number_second": "120/2022",
                    "on": "2022-12-15",
                    "title": "Perpanjangan jangka waktu dan tambahan keluaran",
                    "ends_on": "2023-06-30",
                    "work_items": [
                        {
                            "id": "W1",
                            "deliverables": [{"id": "W1-D3", "title": "Keluaran tiga", "due": "2023-03-31"}],
                        }
                    ],
                },
                {"title": "Perubahan kedua"},
            ],
        }
    )
    return [adendum_context(amended, 0, parent, cfg), adendum_context(amended, 1, parent, cfg)]


# Template name (file stem) -> its sample contexts; any other .docx is an agreement template.
SAMPLES = {
    "surat-tindak-lanjut": letter_samples,
    "surat-pemberitahuan": reminder_samples,
    "adendum": adendum_samples,
    "mou": lambda c: agreement_samples("mou", c),
}


def template_samples(name: str, config: Config | None) -> list[Context]:
    """The contexts `docgen check` renders the template `name` with."""
    factory = SAMPLES.get(name)
    return factory(config) if factory else agreement_samples("renja", config)
