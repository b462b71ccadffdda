"""A second process that renders part of a batch (Linux, two cores or more).

reportlab draws in pure Python, so a thousand certificates keep one core busy for
seconds while others idle. `Helper` forks this process once the renderer is warm: the
child inherits the prepared renderer (nothing is pickled on the way in) and takes items
from the back of the list while this process takes them from the front, until they
meet (however busy each core is, neither waits long for the other); it writes each
file itself and sends back one small JSON object of results.

Work that must see every item in order (the print file's pages) is the child's: each
item's work also yields a by-product (a prepared page), the parent passes its own
to the child through a pipe (`share`), and the child hands them all, in order, to its
`Sink`.

Safety, because the files it writes are the pending files of a number-giving command
(state/journal.py):
- the child dies with its parent (PR_SET_PDEATHSIG, then a check that the parent is
  still the one that forked it), so a killed docgen never leaves a writer behind;
- it never returns into docgen's code: it ends with os._exit, so no atexit handler,
  buffered output, tracker connection or lock of the parent is touched twice;
- any failure of the parent kills and reaps it before the error goes on.
Elsewhere (Windows, macOS, one core, DOCGEN_ONE_PROCESS set) everything runs in this
process, with the same results.
"""

from __future__ import annotations

import gc
import json
import os
import signal
import sys
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Protocol, TypedDict

_PR_SET_PDEATHSIG = 1


def available() -> bool:
    """Whether a second process can help: Linux, two cores or more, not switched off."""
    return (
        sys.platform.startswith("linux")
        and (os.cpu_count() or 1) >= 2
        and not os.environ.get("DOCGEN_ONE_PROCESS")
        and _prctl() is not None
    )


def _prctl() -> Any:
    try:
        import ctypes

        return ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None


class NoProcess(Exception):
    """The system could not start the second process: do the work in this one."""


class Sink(Protocol):
    """What the child does with every item's by-product, in the items' order."""

    def take(self, extra: Any) -> None: ...

    def close(self) -> None: ...


Work = Callable[[Any], tuple[str, Any]]  # an item -> (its result, its by-product)


class Helper:
    """`work(item)` over a list shared with a forked child: this process takes items from
    the front (`claim`), the child from the back, each as fast as its core allows, until
    they meet; `results()` waits for the child's and returns them by index. With a
    `sink` (made in the child), every item's by-product reaches it in order: the
    parent passes its own with `share`."""

    def __init__(self, work: Work, items: Sequence[Any], sink: Callable[[], Sink] | None = None) -> None:
        from multiprocessing import Pipe, Value  # shared memory, a semaphore, a pipe: inherited by fork

        prctl = _prctl()
        parent = os.getpid()
        # [front, back): the items nobody took yet; the lock makes each take one step.
        self.bounds = Value("q", 0, lock=True), Value("q", len(items), lock=False)
        self.lock = self.bounds[0].get_lock()
        read, write = os.pipe()
        extras_in, extras_out = Pipe(duplex=False) if sink is not None else (None, None)
        # The objects that exist now are left out of the child's garbage collections: a
        # collection touches every object it scans, and each page it touches is copied
        # (copy-on-write) before the child can go on (gc.freeze's documented use).
        gc.freeze()
        try:
            pid = os.fork()
        except OSError:  # no process to spare (EAGAIN, ENOMEM): the caller does it alone
            gc.unfreeze()
            for end in (extras_in, extras_out):
                if end is not None:
                    end.close()
            os.close(read)
            os.close(write)
            raise
        if pid == 0:  # the child: never returns
            os.close(read)
            if extras_out is not None:
                extras_out.close()
            _Child(work, items, self.bounds, self.lock, extras_in).run(sink, write, parent, prctl)
        gc.unfreeze()
        os.close(write)
        if extras_in is not None:
            extras_in.close()
        self.extras = extras_out
        self.pid: int | None = pid
        self.fd = read

    def claim(self, index: int) -> bool:
        """Whether this process takes item `index` (the items are claimed in order): False
        once the child has taken it."""
        front, back = self.bounds
        with self.lock:
            if index < back.value:
                front.value = index + 1
                return True
            return False

    def share(self, index: int, extra: Any) -> None:
        """Pass the by-product of an item this process did to the child's sink."""
        if self.extras is None:
            return
        try:
            self.extras.send((index, extra))
        except OSError:  # the child failed and is gone: results() raises its error
            self.extras.close()
            self.extras = None

    def results(self) -> dict[int, str]:
        """The child's results by index; its failure raised here as it was raised there."""
        if self.extras is not None:
            self.extras.close()  # everything is shared: the child's sink can finish
            self.extras = None
        with os.fdopen(self.fd, "rb") as fh:
            data = fh.read()
        assert self.pid is not None
        _pid, status = os.waitpid(self.pid, 0)
        self.pid = None
        try:
            answer: _Answer = json.loads(data)
        except ValueError:
            answer = {"error": ["RuntimeError", f"the second renderer stopped (status {status})"]}
        if "error" in answer:
            kind, message, *where = answer["error"]
            if kind == "OSError":
                raise OSError(where[0], message, where[1])
            raise RuntimeError(f"{kind}: {message}")
        return {int(index): result for index, result in answer["results"].items()}

    def stop(self) -> None:
        """Kill and reap the child (the parent is failing)."""
        if self.extras is not None:
            self.extras.close()
            self.extras = None
        if self.pid is None:
            return
        try:
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
        except OSError:
            pass
        self.pid = None
        try:
            os.close(self.fd)
        except OSError:
            pass


def map_items(
    work: Work,
    items: Sequence[Any],
    *,
    sink: Callable[[], Sink] | None = None,
    order: Iterable[int] | None = None,
    fork_from: int,
    warm: Callable[[], object] | None = None,
) -> list[str]:
    """`work(item)`'s result for every item, each item's by-product handed in order to a
    `sink` if one is given; `order` is `range(len(items))`, perhaps wrapped in a progress
    bar. From `fork_from` items on, where a second process can help (`available`), the
    items are shared with one (`Helper`), after `warm()` has loaded in this process what
    the child should inherit; else, or when the system has no process to spare, all of
    them are done here, with the same results."""
    if len(items) >= fork_from and available():
        if warm is not None:
            warm()
        try:
            return _map_in_two(work, items, sink, order)
        except NoProcess:
            pass
    results = []
    made = sink() if sink is not None else None
    for index in order if order is not None else range(len(items)):
        result, extra = work(items[index])
        results.append(result)
        if made is not None:
            made.take(extra)
    if made is not None:
        made.close()
    return results


def _map_in_two(
    work: Work, items: Sequence[Any], sink: Callable[[], Sink] | None, order: Iterable[int] | None
) -> list[str]:
    try:
        helper = Helper(work, items, sink)
    except OSError as exc:
        raise NoProcess from exc
    try:
        results = [""] * len(items)
        for index in order if order is not None else range(len(items)):
            if helper.claim(index):
                results[index], extra = work(items[index])
                helper.share(index, extra)
        for index, result in helper.results().items():
            results[index] = result
        return results
    finally:
        helper.stop()


class _Answer(TypedDict, total=False):
    """What the child sends back, as JSON: its results by index, or the error it failed
    with (the exception's class name and message; an OSError's errno and file too)."""

    results: dict[int, str]  # keys are text once through JSON
    error: list[str | int | None]


class _Child:
    """The forked process's side: items from the back, and the sink fed in order."""

    def __init__(self, work: Work, items: Sequence[Any], bounds: Any, lock: Any, extras: Any) -> None:
        self.work, self.items, self.bounds, self.lock, self.extras = work, items, bounds, lock, extras
        self.results: dict[int, str] = {}
        self.waiting: dict[int, Any] = {}  # by-products not yet taken by the sink, by index
        self.next = 0  # the index the sink takes next
        self.sink: Sink | None = None

    def run(self, sink: Callable[[], Sink] | None, fd: int, parent: int, prctl: Any) -> None:
        code = 0
        try:
            prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
            if os.getppid() != parent:  # the parent died before the line above
                os._exit(1)
            self.sink = sink() if sink is not None else None
            while (index := self._claim()) is not None:
                self.results[index], extra = self.work(self.items[index])
                if self.sink is not None:
                    self.waiting[index] = extra
                    self._feed(block=False)
            if self.sink is not None:
                self._feed(block=True)
                self.sink.close()
            answer: _Answer = {"results": self.results}
        except OSError as exc:
            answer = {"error": ["OSError", exc.strerror or str(exc), exc.errno, exc.filename]}
            code = 1
        except BaseException as exc:  # noqa: BLE001 - reported to the parent, which raises it
            answer = {"error": [type(exc).__name__, str(exc)]}
            code = 1
        try:
            data = memoryview(json.dumps(answer).encode("utf-8"))
            while data:
                data = data[os.write(fd, data) :]
        finally:
            os._exit(code)

    def _claim(self) -> int | None:
        """The next item from the back, or None once none is left. (It claims until the two
        meet even with a sink: what the sink does after the parent's last item, take the
        child's own by-products and close, waits for that item however the items were
        shared, and an item left to the parent would only make the parent later.)"""
        front, back = self.bounds
        with self.lock:
            left = back.value - front.value
            if left <= 0:
                return None
            back.value -= 1
            return int(back.value)

    def _feed(self, *, block: bool) -> None:
        """Hand the sink every by-product it can take in order: the parent's as they
        arrive (waiting for them when `block`), this process's own when their turn comes."""
        assert self.sink is not None
        count = len(self.items)
        while self.next < count:
            extra = self.waiting.pop(self.next, _MISSING)
            if extra is _MISSING:
                if not block and not self.extras.poll(0):
                    return
                index, shared = self.extras.recv()  # EOFError if the parent stopped sharing
                self.waiting[index] = shared
                continue
            self.sink.take(extra)
            self.next += 1


_MISSING = object()
