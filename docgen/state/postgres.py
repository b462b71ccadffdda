"""The PostgreSQL tracker: one database that many offices (and many machines) share.

Every table carries the issuing office (the workspace's `unit_code`); a session reads
and writes only its own office's rows, except the national view (`all_offices`), which
reads every office's and writes nothing.

Transactions: `read()` is a REPEATABLE READ READ ONLY transaction (one consistent
snapshot); `write()` a READ COMMITTED transaction that first locks its office's row of
`docgen.office_locks` (through `docgen.lock_office`, which only the office's roles and
the owner may call: no other office can hold it), so the writers of one office run one
after the other (number allocation reads the last number and inserts the next: no
duplicate, no gap) while other offices' writers are not held up. The unique constraints of the schema are
the safety net. A killed process or a lost connection rolls its transaction back.
`transaction(body)` runs a body again when the database asks for it (serialization
failure, deadlock).

Passwords come only from libpq (PGPASSWORD, the password file, a service file); no
message ever shows one: the server is named by `label` (user, host, port, database)
and any password text is cut out of the driver's messages.
"""

from __future__ import annotations

import json
import os
import random
import re
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from importlib import resources
from typing import Any, TypeVar
from urllib.parse import unquote

import psycopg
from psycopg import errors as pg_errors
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict
from psycopg.pq import TransactionStatus
from psycopg.types.json import Json

from docgen import __version__
from docgen.context import JSONObject
from docgen.domain.deliverable_state import next_event_id
from docgen.errors import TrackerError
from docgen.i18n import _
from docgen.records import KEYS, KeyRecord, OfficeInfo, VerificationEntry
from docgen.state.base import (
    HISTORY_KEY,
    TABLES,
    Granted,
    Initialised,
    OfficeData,
    Record,
    Session,
    Tracker,
    TrackerInfo,
    is_log_entry,
    valid_agreement_id,
)
from docgen.state.records import checked

T = TypeVar("T")

SCHEMA_NAME = "docgen"
LOCK_NAMESPACE = 0x646F63  # "doc": the first key of docgen's advisory locks
MIGRATION_LOCK = 0  # second key of the lock that serializes schema changes
CONNECT_TIMEOUT = 10  # seconds
ATTEMPTS = 5  # runs of a transaction body when the database asks for a retry
LOCK_TIMEOUT = 60  # seconds a writer waits for its office's lock (as the file tracker)
RETRYABLE = (pg_errors.SerializationFailure, pg_errors.DeadlockDetected)
OFFICE_RIGHTS = 3  # the schema that gives office roles their rights (docgen.grant_office_rights)


def migrations() -> list[tuple[int, str, str]]:
    """(version, name, SQL) of every migration shipped with this docgen, in order."""
    folder = resources.files("docgen.state") / "migrations"
    found = []
    for entry in folder.iterdir():
        match = re.match(r"^(\d{4})_(\w+)\.sql$", entry.name)
        if match:
            found.append((int(match[1]), match[2], entry.read_text(encoding="utf-8")))
    return sorted(found)


SCHEMA = migrations()[-1][0]


# --- naming the server without its password -------------------------------------------------


def _params(url: str, source: str) -> JSONObject:
    try:
        return conninfo_to_dict(url)
    except psycopg.Error as exc:
        # libpq quotes the part it could not parse (a password with "%" or a space, the
        # whole URL after a malformed host): say what is wrong, never what it quoted.
        reason = _QUOTED.sub('"…"', _one_line(str(exc)))
        for secret in _password_texts(url):
            reason = reason.replace(secret, "***")
        raise TrackerError(
            _(
                "{source}: not a PostgreSQL URL ({reason}); expected e.g. postgresql://user@host/database"
            ).format(source=source, reason=reason)
        ) from None


_QUOTED = re.compile(r'"[^"]*"')


def _password_texts(url: str) -> list[str]:
    """What may be the password in a connection string libpq could not parse: the text
    between "user:" and "@" of a URL, or a `password=` value (and their decoded forms)."""
    found = re.findall(r"^\s*[a-z]+://[^/@:]*:(.*)@", url, re.I | re.S)
    found += [m.strip("'") for m in re.findall(r"password\s*=\s*('(?:[^'\\]|\\.)*'|\S+)", url, re.I)]
    found += [unquote(f) for f in found]
    return sorted({f for f in found if f}, key=len, reverse=True)


def server_label(url: str, source: str = "the tracker URL") -> str:
    """postgresql://user@host:port/database: what messages call the server (no password)."""
    p = _params(url, source)
    if p.get("service") and not p.get("host"):
        return f"postgresql service {p['service']}"
    host = str(p.get("host") or os.environ.get("PGHOST") or "localhost")
    if ":" in host and not host.startswith("/"):
        host = f"[{host}]"  # an IPv6 address, as a URL writes it
    socket = ""
    if host.startswith("/"):
        host, socket = "localhost", f" (socket in {p['host'] if p.get('host') else host})"
    port = p.get("port") or os.environ.get("PGPORT") or ""
    user = p.get("user") or os.environ.get("PGUSER") or ""
    dbname = p.get("dbname") or os.environ.get("PGDATABASE") or user
    return (
        f"postgresql://{user + '@' if user else ''}{host}{':' + str(port) if port else ''}/{dbname}{socket}"
    )


def _one_line(text: str) -> str:
    return " ".join(text.split())


class PostgresSession(Session):
    """One transaction's view of one office in a PostgreSQL tracker."""

    shared = True

    def __init__(self, conn: psycopg.Connection[Any] | None, office: str, label: str) -> None:
        self._conn = conn  # None: the database holds no docgen schema yet (reads are empty)
        self.office = office
        self._label = label

    # -- plumbing
    def _all(self, query: sql.Composed | sql.SQL | str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        if self._conn is None:
            return []
        return self._conn.execute(query, params).fetchall()

    def _writable(self) -> psycopg.Connection[Any]:
        if self._conn is None:
            raise TrackerError(_("{label}: read-only session").format(label=self._label))
        return self._conn

    @staticmethod
    def _table(table: str) -> sql.Identifier:
        if table not in TABLES:
            raise TrackerError(_("unknown tracker table {table!r}").format(table=table))
        return sql.Identifier(SCHEMA_NAME, table)

    # -- tables
    def _records(self, query: sql.Composed | str, params: Sequence[Any]) -> list[Record]:
        """The `data` of the rows a FROM ... WHERE clause selects, in recording order,
        fetched as one JSON text: one decode instead of one per record."""
        found = self._all(
            sql.SQL("SELECT coalesce(json_agg(data ORDER BY pos), '[]')::text {}").format(
                sql.SQL(query) if isinstance(query, str) else query
            ),
            params,
        )
        return json.loads(found[0][0]) if found else []

    def _raw_rows(self, table: str) -> list[Record]:
        return self._records(sql.SQL("FROM {} WHERE office = %s").format(self._table(table)), (self.office,))

    def _raw_find(self, table: str, key: str) -> Record | None:
        field = TABLES[table]
        query = sql.SQL("SELECT data FROM {} WHERE office = %s AND {} = %s").format(
            self._table(table), sql.Identifier(field)
        )
        found = self._all(query, (self.office, key))
        return found[0][0] if found else None

    def _raw_last_number(self, kind: str, year: int | None) -> Record | None:
        where = "" if year is None else "AND year = %s"
        found = self._all(
            "SELECT data FROM docgen.numbers WHERE office = %s AND kind = %s AND register IS NULL "
            f"AND seq IS NOT NULL {where} ORDER BY seq DESC LIMIT 1",
            (self.office, kind) if year is None else (self.office, kind, year),
        )
        return found[0][0] if found else None

    def _keys(self, table: str) -> list[str]:
        query = sql.SQL("SELECT {} FROM {} WHERE office = %s").format(
            sql.Identifier(TABLES[table]), self._table(table)
        )
        return [row[0] for row in self._all(query, (self.office,))]

    def _raw_insert(self, table: str, records: Sequence[Mapping[str, Any]]) -> None:
        conn = self._writable()
        field = TABLES[table]
        rows = [dict(r) for r in records]
        if field == "id":
            next_id = next_event_id(self._keys(table))
            for row in rows:
                if not row.get("id"):
                    row["id"] = str(next_id)
                    next_id += 1
        self._insert(conn, table, rows)

    def _insert(self, conn: psycopg.Connection[Any], table: str, records: list[Record]) -> None:
        if not records:
            return
        field = TABLES[table]
        for record in records:
            if not isinstance(record.get(field), str):
                raise TrackerError(
                    _("{label}: {table}: a record without a text {field!r}").format(
                        label=self._label, table=table, field=field
                    )
                )
        if table == "numbers":
            query = sql.SQL(
                "INSERT INTO {} (office, number, kind, year, seq, register, source, data) "
                "VALUES (%s, %s, %s, %s, %s, %s, %s, %s)"
            ).format(self._table(table))
            params: list[tuple[Any, ...]] = [
                (
                    self.office,
                    r["number"],
                    _text(r.get("kind")),
                    _int(r.get("year")),
                    _int(r.get("seq")),
                    _text(r.get("register")),
                    _text(r.get("source")) or "allocated",
                    Json(r),
                )
                for r in records
            ]
        else:
            query = sql.SQL("INSERT INTO {} (office, {}, data) VALUES (%s, %s, %s)").format(
                self._table(table), sql.Identifier(field)
            )
            params = [(self.office, r[field], Json(r)) for r in records]
        try:
            with conn.cursor() as cur:
                cur.executemany(query, params)
        except pg_errors.UniqueViolation as exc:  # the transaction is lost: say which record
            key = exc.diag.message_detail or "a key"
            raise TrackerError(
                _("{label}: {table}: {one_line}: already recorded").format(
                    label=self._label, table=table, one_line=_one_line(key)
                )
            ) from None

    def _raw_update(self, table: str, key: str, changes: Mapping[str, object]) -> Record:
        conn = self._writable()
        field = TABLES[table]
        query = sql.SQL("SELECT data FROM {} WHERE office = %s AND {} = %s FOR UPDATE").format(
            self._table(table), sql.Identifier(field)
        )
        found = conn.execute(query, (self.office, key)).fetchone()
        if found is None:
            raise TrackerError(
                _("{label}: {table}: no record {key!r}").format(label=self._label, table=table, key=key)
            )
        record = {**found[0], **changes}
        conn.execute(
            sql.SQL("UPDATE {} SET data = %s WHERE office = %s AND {} = %s").format(
                self._table(table), sql.Identifier(field)
            ),
            (Json(record), self.office, key),
        )
        return record

    def _raw_put(self, table: str, records: Sequence[Mapping[str, Any]]) -> None:
        conn = self._writable()
        field = TABLES[table]
        rows = [dict(r) for r in records]
        # Replaced in place, moved to the end (office roles may update a record, never delete one).
        present = set(self._keys(table))
        replace: sql.SQL | sql.Composed = sql.SQL(
            "UPDATE {} SET data = %s, pos = DEFAULT WHERE office = %s AND {} = %s"
        ).format(self._table(table), sql.Identifier(field))
        if table == "numbers":
            replace = sql.SQL(
                "UPDATE docgen.numbers SET data = %s, kind = %s, year = %s, seq = %s, pos = DEFAULT "
                "WHERE office = %s AND number = %s"
            )
        for record in rows:
            key = record.get(field)
            if key not in present:
                continue
            extra = (_text(record.get("kind")), _int(record.get("year")), _int(record.get("seq")))
            conn.execute(replace, (Json(record), *(extra if table == "numbers" else ()), self.office, key))
        self._insert(conn, table, [r for r in rows if r.get(field) not in present])

    def _raw_delete(self, table: str, key: str) -> None:
        self._writable().execute(
            sql.SQL("DELETE FROM {} WHERE office = %s AND {} = %s").format(
                self._table(table), sql.Identifier(TABLES[table])
            ),
            (self.office, key),
        )

    # -- history
    def history_ids(self) -> list[str]:
        rows = self._all("SELECT DISTINCT agreement FROM docgen.history WHERE office = %s", (self.office,))
        return sorted(row[0] for row in rows)

    def _raw_history(self, agreement_id: str) -> list[Record]:
        if not valid_agreement_id(agreement_id):
            raise TrackerError(
                _("{agreement_id!r}: not a valid agreement id").format(agreement_id=agreement_id)
            )
        return self._records(
            "FROM docgen.history WHERE office = %s AND agreement = %s", (self.office, agreement_id)
        )

    def _raw_histories(self, ids: Iterable[str] | None = None) -> dict[str, list[Record]]:
        query = (
            "SELECT agreement, json_agg(data ORDER BY pos)::text FROM docgen.history "
            "WHERE office = %s {} GROUP BY agreement"
        )
        if ids is None:
            rows = self._all(query.format(""), (self.office,))
            wanted: list[str] | None = None
        else:
            wanted = list(dict.fromkeys(ids))
            rows = self._all(query.format("AND agreement = ANY(%s)"), (self.office, wanted))
        found = {agreement_id: json.loads(text) for agreement_id, text in rows}
        order = sorted(found) if wanted is None else [i for i in wanted if i in found]
        return {aid: found[aid] for aid in order}

    def _raw_append(self, agreement_id: str, events: Sequence[Mapping[str, Any]]) -> None:
        conn = self._writable()
        if not valid_agreement_id(agreement_id):
            raise TrackerError(
                _("{agreement_id!r}: not a valid agreement id").format(agreement_id=agreement_id)
            )
        taken = [
            row[0]
            for row in conn.execute(
                "SELECT id FROM docgen.history WHERE office = %s AND agreement = %s",
                (self.office, agreement_id),
            ).fetchall()
        ]
        seen = set(taken)
        next_id = next_event_id(taken)
        docs = []
        for event in events:
            event = dict(event)
            if not event.get(HISTORY_KEY):
                event[HISTORY_KEY] = str(next_id)
                next_id += 1
            if event[HISTORY_KEY] in seen:
                raise TrackerError(
                    _("{label}: {agreement_id}: event {value!r} is already recorded").format(
                        label=self._label, agreement_id=agreement_id, value=event[HISTORY_KEY]
                    )
                )
            seen.add(event[HISTORY_KEY])
            docs.append((self.office, agreement_id, str(event[HISTORY_KEY]), Json(event)))
        if docs:
            with conn.cursor() as cur:
                cur.executemany(
                    "INSERT INTO docgen.history (office, agreement, id, data) VALUES (%s, %s, %s, %s)", docs
                )

    def public_keys(self) -> list[KeyRecord]:
        return checked(self._label, KEYS, self._records("FROM docgen.certificate_keys", ()))

    # -- the national view
    def publish(self, agreements: Sequence[Record], office_info: OfficeInfo | None = None) -> None:
        conn = self._writable()
        if office_info is not None:
            conn.execute(
                "INSERT INTO docgen.offices (office, info) VALUES (%s, %s) "
                "ON CONFLICT (office) DO UPDATE SET info = excluded.info, "
                "published_at = now()",
                (self.office, Json(office_info)),
            )
        if agreements:
            with conn.cursor() as cur:
                cur.executemany(
                    "INSERT INTO docgen.agreements (office, id, data) VALUES (%s, %s, %s) "
                    "ON CONFLICT (office, id) DO UPDATE SET data = excluded.data, "
                    "published_at = now()",
                    [(self.office, a["id"], Json(a)) for a in agreements],
                )

    def unpublish(self, keep: Sequence[str]) -> list[str]:
        conn = self._writable()
        rows = conn.execute("SELECT docgen.unpublish(%s, %s)", (self.office, list(keep))).fetchall()
        return sorted(row[0] for row in rows)

    def all_offices(self) -> dict[str, OfficeData]:
        """Every office's published agreements as JSON text (`agreements_json`, for pydantic's
        own parser), with the histories of those agreements and the terminations."""
        offices: dict[str, OfficeData] = {}

        def entry(office: str) -> OfficeData:
            return offices.setdefault(
                office, {"info": {}, "agreements_json": [], "histories": {}, "terminations": []}
            )

        for office, info in self._all("SELECT office, info FROM docgen.offices"):
            entry(office)["info"] = info
        for office, text in self._all("SELECT office, data::text FROM docgen.agreements ORDER BY office, id"):
            entry(office)["agreements_json"].append(text)
        # One JSON text per agreement's history: tens of thousands of events decode in a
        # few hundred calls instead of one call each.
        for office, agreement_id, text in self._all(
            "SELECT h.office, h.agreement, json_agg(h.data ORDER BY h.pos)::text "
            "FROM docgen.history h JOIN docgen.agreements a "
            "ON a.office = h.office AND a.id = h.agreement GROUP BY h.office, h.agreement"
        ):
            entry(office)["histories"][agreement_id] = json.loads(text)
        for office, data in self._all("SELECT office, data FROM docgen.terminations ORDER BY pos"):
            entry(office)["terminations"].append(data)
        return {office: offices[office] for office in sorted(offices)}


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


# Connections a finished transaction left idle, per URL, for the next one in this
# process; at most a few, each checked before use. A forked child (render/fork.py) never
# uses them: it ends with os._exit, and a process that is not their owner drops them.
_IDLE: dict[str, list[tuple[int, psycopg.Connection[Any]]]] = {}
_IDLE_LOCK = threading.Lock()
IDLE_MAX = 4  # connections kept per URL
IDLE_URLS = 4  # URLs whose connections are kept


def _take_idle(url: str) -> psycopg.Connection[Any] | None:
    with _IDLE_LOCK:
        idle = _IDLE.get(url, [])
        while idle:
            pid, conn = idle.pop()
            if (
                pid == os.getpid()
                and not conn.closed
                and conn.info.transaction_status == TransactionStatus.IDLE
            ):
                return conn
    return None


def _give_back(url: str, conn: psycopg.Connection[Any]) -> bool:
    """Keep `conn` for the next transaction; False when it cannot be kept (close it)."""
    if conn.closed or conn.info.transaction_status != TransactionStatus.IDLE:
        return False
    with _IDLE_LOCK:
        idle = _IDLE.pop(url, [])
        _IDLE[url] = idle  # the most recently used URL last
        if len(idle) >= IDLE_MAX:
            return False
        idle.append((os.getpid(), conn))
        while len(_IDLE) > IDLE_URLS:  # a process that met many databases keeps the last few
            for _pid, old in _IDLE.pop(next(iter(_IDLE))):
                if _pid == os.getpid():
                    old.close()
    return True


class PostgresTracker(Tracker):
    backend = "postgresql"
    shared = True

    def __init__(self, url: str, office: str, *, source: str = "the tracker URL") -> None:
        self.url = url
        self.office = office
        self._locked = False  # the office's lock is held: a lock timeout is someone else's
        self.label = server_label(url, source)
        self._secrets = _secrets(url, source)

    # -- connections and errors
    def _connect(self) -> psycopg.Connection[Any]:
        try:
            return psycopg.connect(
                self.url, autocommit=True, connect_timeout=CONNECT_TIMEOUT, application_name="docgen"
            )
        except psycopg.Error as exc:
            raise TrackerError(
                _("{label}: cannot connect to the tracker database: {reason}").format(
                    label=self.label, reason=self._reason(exc)
                )
            ) from None

    def _reason(self, exc: BaseException) -> str:
        diag = getattr(exc, "diag", None)
        text = diag.message_primary if diag is not None and diag.message_primary else str(exc)
        text = _one_line(text) or type(exc).__name__
        for secret in self._secrets:
            text = text.replace(secret, "***")
        return text

    def _error(self, exc: psycopg.Error) -> TrackerError:
        reason = self._reason(exc)
        if isinstance(exc, RETRYABLE):
            return TrackerError(
                _(
                    "{label}: the database kept reporting conflicts with other writers "
                    "({reason}) after {attempts} attempts; nothing was recorded, try again"
                ).format(label=self.label, reason=reason, attempts=ATTEMPTS)
            )
        if isinstance(exc, pg_errors.LockNotAvailable) and not self._locked:
            return TrackerError(
                _(
                    "{label}: another docgen of office {office} has held the tracker for "
                    "{lock_timeout} s; try again"
                ).format(label=self.label, office=self.office, lock_timeout=LOCK_TIMEOUT)
            )
        if isinstance(exc, pg_errors.LockNotAvailable):  # a table lock, not an office's
            holders = self._lock_holders()
            return TrackerError(
                _(
                    "{label}: a table of the tracker was locked for {seconds} s by another "
                    "connection{holders} (not a docgen of office {office}); nothing was recorded: "
                    "ask the database's administrator"
                ).format(
                    label=self.label,
                    seconds=LOCK_TIMEOUT,
                    holders=_(" (role {roles})").format(roles=", ".join(holders)) if holders else "",
                    office=self.office,
                )
            )
        if isinstance(exc, pg_errors.InsufficientPrivilege):
            return TrackerError(
                _(
                    "{label}: permission denied ({reason}): this URL's database role may "
                    "not write the records of office {office}"
                ).format(label=self.label, reason=reason, office=self.office)
            )
        if isinstance(exc, pg_errors.UniqueViolation):
            return TrackerError(
                _(
                    "{label}: already recorded by another writer ({reason}); nothing was recorded, try again"
                ).format(label=self.label, reason=reason)
            )
        if isinstance(exc, psycopg.OperationalError | psycopg.InterfaceError):
            return TrackerError(
                _(
                    "{label}: lost the connection to the tracker database ({reason}); nothing was recorded"
                ).format(label=self.label, reason=reason)
            )
        return TrackerError(f"{self.label}: {reason}")

    def _lock_holders(self) -> list[str]:
        """The roles holding a lock on a docgen table that blocks writers (any mode above
        ROW EXCLUSIVE): who to ask, when a write waited too long."""
        try:
            with psycopg.connect(self.url, autocommit=True, connect_timeout=CONNECT_TIMEOUT) as conn:
                rows = conn.execute(
                    "SELECT DISTINCT a.usename::text FROM pg_catalog.pg_locks l "
                    "JOIN pg_catalog.pg_stat_activity a ON a.pid = l.pid "
                    "JOIN pg_catalog.pg_class c ON c.oid = l.relation "
                    "WHERE l.granted AND c.relnamespace = 'docgen'::regnamespace AND l.mode IN "
                    "('ShareLock', 'ShareRowExclusiveLock', 'ExclusiveLock', 'AccessExclusiveLock') "
                    "ORDER BY 1"
                ).fetchall()
        except psycopg.Error:
            return []
        return [str(row[0]) for row in rows if row[0]]

    @contextmanager
    def _session(self, *, write: bool) -> Iterator[PostgresSession]:
        """One transaction; raw psycopg errors pass through (callers map or retry them).
        The connection is taken from this process's idle ones (`_IDLE`) and given back
        when the transaction ended cleanly: a process that runs many transactions (the
        web face, a batch) connects once, not once per transaction."""
        conn = _take_idle(self.url)
        version: int | None = None
        if conn is not None:
            try:  # a kept connection the server may have ended meanwhile (a restart, a timeout)
                version = self._probe(conn)
            except psycopg.Error:
                conn.close()
                conn = None
        if conn is None:
            conn = self._connect()
            version = -1
        self._locked = False
        clean = False
        try:
            if version == -1:
                version = self._probe(conn)
            self._check_schema(version)
            if write:
                conn.isolation_level = psycopg.IsolationLevel.READ_COMMITTED
                conn.read_only = False  # a connection an earlier read used
                if version is None or version < SCHEMA:
                    self._migrate(conn)  # like the file tracker: the first write creates it
                done = False
                try:
                    with conn.transaction():
                        conn.execute(
                            sql.SQL("SET LOCAL lock_timeout = {}").format(sql.Literal(f"{LOCK_TIMEOUT}s"))
                        )
                        conn.execute("SELECT docgen.lock_office(%s)", (self.office,))
                        self._locked = True
                        session = PostgresSession(conn, self.office, self.label)
                        self.finish_interrupted(session)
                        yield session
                        done = True
                    clean = True
                except psycopg.OperationalError as exc:
                    if not done:
                        raise
                    raise TrackerError(
                        _(
                            "{label}: lost the connection while committing ({reason}); the command "
                            "may or may not have been recorded: check before repeating it"
                        ).format(label=self.label, reason=self._reason(exc))
                    ) from None
            else:
                conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
                conn.read_only = True
                with conn.transaction():
                    yield PostgresSession(conn if version else None, self.office, self.label)
                clean = True
        finally:
            if not (clean and _give_back(self.url, conn)):
                conn.close()

    @contextmanager
    def _mapped(self) -> Iterator[None]:
        try:
            yield
        except psycopg.Error as exc:
            raise self._error(exc) from None

    @contextmanager
    def read(self) -> Iterator[PostgresSession]:
        with self._mapped(), self._session(write=False) as session:
            yield session

    @contextmanager
    def write(self) -> Iterator[PostgresSession]:
        with self._mapped(), self._session(write=True) as session:
            yield session

    def transaction(self, body: Callable[[Session], T]) -> T:
        """Run `body` in one write transaction, again (up to ATTEMPTS times) when the
        database reports a serialization failure or a deadlock."""
        for attempt in range(1, ATTEMPTS + 1):
            try:
                with self._session(write=True) as session:
                    return body(session)
            except RETRYABLE as exc:
                if attempt == ATTEMPTS:
                    raise self._error(exc) from None
                time.sleep(random.uniform(0.01, 0.05) * attempt)
            except psycopg.Error as exc:
                raise self._error(exc) from None
        raise AssertionError("unreachable")

    # -- schema
    @staticmethod
    def _probe(conn: psycopg.Connection[Any]) -> int | None:
        """The schema version, None without a docgen schema: one query, outside a transaction."""
        try:
            row = conn.execute("SELECT max(version) FROM docgen.schema_version").fetchone()
        except (pg_errors.UndefinedTable, pg_errors.InvalidSchemaName):
            return None
        return row[0] if row else None

    @staticmethod
    def _version(conn: psycopg.Connection[Any]) -> int | None:
        # A query of pg_class, not to_regclass: after an advisory lock (which does not refresh
        # the catalog cache) it must see a schema that another migrator just committed.
        found = conn.execute(
            "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n "
            "ON n.oid = c.relnamespace WHERE n.nspname = 'docgen' AND c.relname = 'schema_version')"
        ).fetchone()
        if not found or not found[0]:
            return None
        row = conn.execute("SELECT max(version) FROM docgen.schema_version").fetchone()
        return row[0] if row else None

    def _check_schema(self, version: int | None) -> None:
        if version is not None and version > SCHEMA:
            raise TrackerError(
                _(
                    "{label}: the tracker schema is version {version}, newer than this "
                    "docgen's ({schema}); upgrade docgen, the database is left untouched"
                ).format(label=self.label, version=version, schema=SCHEMA)
            )

    def _migrate(self, conn: psycopg.Connection[Any]) -> tuple[int | None, int]:
        """Apply the migrations the database lacks, in one transaction, one migrator at a time."""
        conn.isolation_level = psycopg.IsolationLevel.READ_COMMITTED
        with conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s, %s)", (LOCK_NAMESPACE, MIGRATION_LOCK))
            before = self._version(conn)
            self._check_schema(before)
            try:
                for version, _name, text in migrations():
                    if before is None or version > before:
                        conn.execute(text.encode("utf-8"))
                        conn.execute(
                            "INSERT INTO docgen.schema_version (version, docgen) VALUES (%s, %s)",
                            (version, __version__),
                        )
                if before is not None and before >= OFFICE_RIGHTS and before < SCHEMA:
                    # the offices' roles get their rights on the tables the upgrade added
                    conn.execute(
                        "SELECT docgen.grant_office_rights(r.role) FROM (SELECT DISTINCT o.role "
                        "FROM docgen.office_roles o JOIN pg_catalog.pg_roles g ON g.rolname = o.role) r"
                    )
            except pg_errors.InsufficientPrivilege as exc:
                raise TrackerError(
                    _(
                        "{label}: cannot create or upgrade the docgen schema ({reason}); run "
                        "`docgen tracker init` as the database's owner"
                    ).format(label=self.label, reason=self._reason(exc))
                ) from None
        return before, SCHEMA

    def init(self) -> Initialised:
        with self._mapped():
            conn = self._connect()
            try:
                before, after = self._migrate(conn)
            finally:
                conn.close()
        return {
            "backend": self.backend,
            "where": self.label,
            "schema": after,
            "created": before is None,
            "upgraded_from": before if before not in (None, after) else None,
        }

    # -- the offices' roles (run by the owner)
    def _owner_connection(self) -> psycopg.Connection[Any]:
        """A connection of the schema's owner to an up-to-date schema, else TrackerError."""
        conn = self._connect()
        try:
            version = self._probe(conn)
            self._check_schema(version)
            if version is None or version < SCHEMA:
                raise TrackerError(
                    _("{label}: the tracker schema is {found}; run `docgen tracker init` first").format(
                        label=self.label, found=version if version is not None else _("missing")
                    )
                )
            row = conn.execute(
                "SELECT pg_catalog.pg_has_role(current_user, c.relowner, 'MEMBER'), current_user::text "
                "FROM pg_catalog.pg_class c WHERE c.oid = 'docgen.office_roles'::regclass"
            ).fetchone()
            if not row or not row[0]:
                raise TrackerError(
                    _(
                        "{label}: only the owner of the docgen schema (who ran `docgen tracker init`) "
                        "may grant or revoke an office's rights; role {role} is not"
                    ).format(label=self.label, role=row[1] if row else "?")
                )
        except BaseException:
            conn.close()
            raise
        return conn

    def grant(self, office: str, role: str) -> Granted:
        """Map `role` (an existing role) to `office`: from then on it writes that office's
        records, and reads of the others only what the national view shows."""
        with self._mapped():
            conn = self._owner_connection()
            try:
                with conn.transaction():
                    if (
                        conn.execute(
                            "SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = %s", (role,)
                        ).fetchone()
                        is None
                    ):
                        raise TrackerError(
                            _(
                                "{label}: no role {role!r} on this server; create it first "
                                "(CREATE ROLE ... LOGIN, see docs/tracker-postgresql.md)"
                            ).format(label=self.label, role=role)
                        )
                    added = conn.execute(
                        "INSERT INTO docgen.office_roles (office, role) VALUES (%s, %s) "
                        "ON CONFLICT DO NOTHING RETURNING 1",
                        (office, role),
                    ).fetchone()
                    conn.execute("SELECT docgen.grant_office_rights(%s)", (role,))
                    try:
                        with conn.transaction():
                            conn.execute(
                                sql.SQL("GRANT CONNECT ON DATABASE {} TO {}").format(
                                    sql.Identifier(conn.info.dbname), sql.Identifier(role)
                                )
                            )
                    except pg_errors.InsufficientPrivilege:
                        pass  # the database's owner grants CONNECT (PUBLIC has it by default)
                    offices = self._offices_of(conn, role)
            finally:
                conn.close()
        return {
            "where": self.label,
            "office": office,
            "role": role,
            "new": added is not None,
            "offices": offices,
        }

    def revoke(self, office: str, role: str) -> Granted:
        """Unmap `role` from `office`; a role left with no office loses every privilege."""
        with self._mapped():
            conn = self._owner_connection()
            try:
                with conn.transaction():
                    removed = conn.execute(
                        "DELETE FROM docgen.office_roles WHERE office = %s AND role = %s RETURNING 1",
                        (office, role),
                    ).fetchone()
                    if removed is None:
                        raise TrackerError(
                            _("{label}: role {role!r} holds no rights of office {office}").format(
                                label=self.label, role=role, office=office
                            )
                        )
                    offices = self._offices_of(conn, role)
                    exists = conn.execute(
                        "SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = %s", (role,)
                    ).fetchone()
                    if not offices and exists:
                        conn.execute("SELECT docgen.revoke_office_rights(%s)", (role,))
            finally:
                conn.close()
        return {"where": self.label, "office": office, "role": role, "offices": offices}

    @staticmethod
    def _offices_of(conn: psycopg.Connection[Any], role: str) -> list[str]:
        rows = conn.execute("SELECT office FROM docgen.office_roles WHERE role = %s ORDER BY 1", (role,))
        return [str(row[0]) for row in rows.fetchall()]

    def log_verification(self, entry: VerificationEntry) -> None:
        with self.write() as session:
            session._writable().execute(
                "INSERT INTO docgen.verifications (office, data) VALUES (%s, %s)", (self.office, Json(entry))
            )

    def verification_log(self, limit: int) -> list[VerificationEntry]:
        with self.read() as session:
            rows = session._all(
                "SELECT data FROM docgen.verifications WHERE office = %s ORDER BY pos DESC LIMIT %s",
                (self.office, limit),
            )
        return [row[0] for row in rows if is_log_entry(row[0])]

    def info(self) -> TrackerInfo:
        with self.read() as session:
            counts = {t: len(session._keys(t)) for t in TABLES}
            conn = session._conn
            counts["history"] = len(
                session._all("SELECT 1 FROM docgen.history WHERE office = %s", (self.office,))
            )
            ids = session.history_ids()
            schema = self._version(conn) if conn is not None else None
            offices = [
                row[0]
                for row in session._all(
                    "SELECT office FROM docgen.offices UNION SELECT office FROM docgen.numbers "
                    "UNION SELECT office FROM docgen.history ORDER BY 1"
                )
            ]
            published = len(session._all("SELECT 1 FROM docgen.agreements WHERE office = %s", (self.office,)))
        return {
            "backend": self.backend,
            "where": self.label,
            "office": self.office,
            "schema": schema,
            "docgen_schema": SCHEMA,
            "counts": counts,
            "agreements_with_history": len(ids),
            "published": published,
            "offices": offices,
        }


def _secrets(url: str, source: str) -> list[str]:
    """Password text that must never be shown: the URL's and PGPASSWORD's."""
    found = [str(_params(url, source).get("password") or ""), os.environ.get("PGPASSWORD", "")]
    found += _password_texts(url)
    return sorted({s for s in found if s}, key=len, reverse=True)
