"""The Indonesian words reports use for statuses (DOMAIN.md, "Monitoring reports").

The office knows a deliverable only through what it was told: without any report it is
"belum ada laporan" (not "belum dimulai"); dates owed are "batas waktu", never the finance
term "jatuh tempo".
"""

from __future__ import annotations

STATUS_LABELS = {"draft": "Draf", "pending": "Belum berlaku", "active": "Berlaku",
                 "expiring": "Segera berakhir", "expired": "Berakhir", "terminated": "Diakhiri"}
DELIVERABLE_LABELS = {"not_started": "belum ada laporan", "in_progress": "sedang berjalan",
                      "done": "selesai", "blocked": "terkendala", "dropped": "dibatalkan"}
