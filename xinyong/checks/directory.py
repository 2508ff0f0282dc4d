"""Every subject as a check sees it (code, name, person or not), in compact arrays in each process.

A check must name the subject it answers for, so without this every check would pay one database
round trip for the subject row alone — as much as the whole in-memory answer (bench/checks.py). Kept as
plain arrays rather than a dict of objects: about 90 MB at 1,000,000 subjects instead of ~400 MB.

- records in the order of `hash(key)` (the process's own string hash, so nothing here is shared between
  processes); `_index[5n:5n + 5]`: record n's hash, primary key, and where its text, its subject part and
  its end are in `_blob` (one array, so a look-up touches one place in memory for all of them: at a
  million subjects each separate array cost a cache miss);
- `_starts[b]`: the first record whose hash has top bits b (about one subject a bucket), so a look-up
  goes straight to its one or two candidates;
- `_blob`: record n's text is "key␟kind␟subject" in UTF-8, where kind is one letter (`record_kind`) and
  subject is the subject part of a check answer as JSON, `{"code":…,"name":…,"known":true}`, ready for a
  batch to copy into its answers;
- `_overlay`: subjects created or changed since the load (the catch-up fills it), ahead of the arrays.

A batch looks up all its codes at once (`compact_many`): finding buckets, comparing hashes and then keys
run over numpy views of the same arrays, leaving Python the hashing and one slice per code (~0.4 µs a
code against ~3.5 µs one by one, which was most of a batch's time; docs/scaling.md).

A key found nowhere may still be a subject created a moment ago in another process: callers look
those up in the database and `remember` what they find.
"""

import datetime as dt
import sys
from array import array
from bisect import bisect_left
from collections.abc import Iterable
from typing import NamedTuple

import numpy as np
import orjson
from numpy.lib.stride_tricks import sliding_window_view

from xinyong.core.identifiers import may_be_resident_id

PERSON_KIND = "natural_person"
_SEP = "\x1f"
_SEP_BYTE = _SEP.encode()
# A record's kind (`record_kind`), one letter of its text.
PERSON = ord("P")
ORGANISATION = ord("O")
ID_SHAPED_ORGANISATION = ord("I")  # an organisation whose key may one day be read as a resident ID number
# A record's numbers in the index, in order: its hash, primary key, and where in `_blob` its text, its
# subject part and its end are.
_HASH, _PK, _TEXT, _PART, _END = range(5)
_WIDTH = 5  # numbers per record in the index


class Compact(NamedTuple):
    """Per key looked up: its subject's primary key, `record_kind` and subject part of an answer as JSON,
    or 0, 0 and None when no subject has that key."""

    pks: list[int]
    kinds: list[int]
    parts: list[bytes | None]


class SubjectView(NamedTuple):  # a named tuple: made ~4× faster than a frozen dataclass, a batch makes 10,000
    pk: int
    key: str
    name: str
    public_code: str
    is_person: bool


def view_of(row: tuple) -> SubjectView:
    """The view of a `(pk, key, kind, uscc, id_masked, name)` row (`ROW_FIELDS`)."""
    pk, key, kind, uscc, id_masked, name = row
    person = kind == PERSON_KIND
    return SubjectView(pk=pk, key=key, name=name, public_code=id_masked if person else uscc, is_person=person)


ROW_FIELDS = ("pk", "key", "kind", "uscc", "id_masked", "name")


class SubjectDirectory:
    def __init__(self, rows: Iterable[tuple] = ()):
        hashes, pks, offsets, parts, blob = array("q"), array("q"), array("q", [0]), array("q"), bytearray()
        for row in rows:
            view = view_of(row)
            hashes.append(hash(view.key))
            pks.append(view.pk)
            head = _head(view)
            parts.append(len(blob) + len(head))
            blob += head + subject_json(view)
            offsets.append(len(blob))
        self._index = array("q")
        for n in sorted(range(len(hashes)), key=hashes.__getitem__):
            self._index.extend((hashes[n], pks[n], offsets[n], parts[n], offsets[n + 1]))
        self._blob = bytes(blob)
        self._index_buckets()
        # The same memory seen by numpy (no copy): one row per record, the buckets, the text.
        self._rows = np.frombuffer(self._index, dtype=np.int64).reshape(-1, _WIDTH)
        self._bucket_starts = np.frombuffer(self._starts, dtype=np.int64)
        self._bytes = np.frombuffer(self._blob, dtype=np.uint8)
        self._overlay: dict[str, SubjectView] = {}

    def _index_buckets(self) -> None:
        loaded = len(self._index) // _WIDTH
        bits = max(10, loaded.bit_length())
        # hash() is a signed machine word: shifted down to its top `bits` bits, then made non-negative.
        self._shift, self._offset = sys.hash_info.width - bits, 1 << (bits - 1)
        # Sorted, as the hashes are.
        tops = [(self._index[_WIDTH * n + _HASH] >> self._shift) + self._offset for n in range(loaded)]
        self._starts = array("q", (bisect_left(tops, bucket) for bucket in range((1 << bits) + 1)))

    def __len__(self) -> int:
        return len(self._index) // _WIDTH + len(self._overlay)

    def _find(self, key: str, text: bytes) -> int:
        """The record whose text starts with `text` (key and separator), or -1."""
        wanted, starts, index, blob = hash(key), self._starts, self._index, self._blob
        bucket = (wanted >> self._shift) + self._offset
        for number in range(starts[bucket], starts[bucket + 1]):
            if index[_WIDTH * number + _HASH] == wanted and blob.startswith(text, index[_WIDTH * number + _TEXT]):
                return number
        return -1

    def get(self, key: str) -> SubjectView | None:
        found = self._overlay.get(key)
        if found is not None:
            return found
        number = self._find(key, key.encode() + _SEP_BYTE)
        return None if number < 0 else self._record(number)

    def remembered(self) -> int:
        """How many subjects the overlay holds."""
        return len(self._overlay)

    def remember(self, views: Iterable[SubjectView]) -> None:
        """Subjects created or changed after the load: they win over the arrays from now on."""
        self._overlay.update((view.key, view) for view in views)

    def compact_many(self, keys: list[str]) -> "Compact":
        """What a batch needs of the subjects with these keys, without decoding their records."""
        if not len(self._rows):
            compact = Compact([0] * len(keys), [0] * len(keys), [None] * len(keys))
        else:
            numbers = self._numbers(keys)
            rows = self._rows[numbers]  # for keys with no record (-1) the last row, then not used
            self._check_keys(keys, numbers, rows)
            missing = numbers < 0
            rows[missing] = 0
            kinds = self._bytes[rows[:, _PART] - 2]  # the kind letter, then a separator, then the part
            kinds[missing] = 0
            blob = self._blob
            starts, ends = rows[:, _PART].tolist(), rows[:, _END].tolist()
            parts = [blob[start:end] if end else None for start, end in zip(starts, ends, strict=True)]
            compact = Compact(rows[:, _PK].tolist(), kinds.tolist(), parts)
        for position, key in enumerate(keys) if self._overlay else ():
            view = self._overlay.get(key)
            if view is not None:
                compact.pks[position], compact.kinds[position] = view.pk, record_kind(view)
                compact.parts[position] = subject_json(view)
        return compact

    def _check_keys(self, keys: list[str], numbers: np.ndarray, rows: np.ndarray) -> None:
        """Keep in `numbers` (and `rows`) only the records whose key is the one looked up (the hash matched):
        the keys' bytes compared with the records' as arrays, key length by key length; another record of
        the same hash (never seen, but possible) is looked up one by one."""
        joined = "".join(keys)
        if joined.isascii():  # as codes are: a key's bytes are its characters
            text, lengths = joined.encode(), np.fromiter(map(len, keys), dtype=np.int64, count=len(keys))
        else:
            encoded = [key.encode() for key in keys]
            text, lengths = b"".join(encoded), np.fromiter(map(len, encoded), dtype=np.int64, count=len(keys))
        starts = np.cumsum(lengths) - lengths  # of each key in `text`
        same = (numbers >= 0) & (rows[:, _PART] - 3 - rows[:, _TEXT] == lengths)  # key␟kind␟
        for length in np.unique(lengths[same]).tolist():
            group = np.flatnonzero(same & (lengths == length))
            wanted = sliding_window_view(np.frombuffer(text, dtype=np.uint8), length)[starts[group]]
            stored = sliding_window_view(self._bytes, length)[rows[group, _TEXT]]
            same[group] = (stored == wanted).all(axis=1)
        for position in np.flatnonzero((numbers >= 0) & ~same).tolist():
            key = keys[position]
            numbers[position] = number = self._find(key, key.encode() + _SEP_BYTE)
            rows[position] = self._rows[number]  # the last row when not found (-1): then not used

    def _numbers(self, keys: list[str]) -> np.ndarray:
        """Per key, the first record in its bucket with its hash, or -1: the buckets are walked for all keys
        at once, one candidate a round (they hold about one record each)."""
        wanted = np.fromiter(map(hash, keys), dtype=np.int64, count=len(keys))
        buckets = (wanted >> self._shift) + self._offset
        candidate, end = self._bucket_starts[buckets], self._bucket_starts[buckets + 1]
        numbers = np.full(len(keys), -1, dtype=np.int64)
        pending = np.flatnonzero(candidate < end)
        while pending.size:
            hit = self._rows[candidate[pending], _HASH] == wanted[pending]
            numbers[pending[hit]] = candidate[pending[hit]]
            pending = pending[~hit]
            candidate[pending] += 1
            pending = pending[candidate[pending] < end[pending]]
        return numbers

    def _record(self, number: int) -> SubjectView:
        index = self._index
        text = self._blob[index[_WIDTH * number + _TEXT] : index[_WIDTH * number + _END]].decode()
        key, kind, subject = text.split(_SEP, 2)
        shown = orjson.loads(subject)
        return SubjectView(index[_WIDTH * number + _PK], key, shown["name"], shown["code"], ord(kind) == PERSON)


def subject_part(view: SubjectView) -> dict:
    """The subject part of a check answer."""
    return {"code": view.public_code, "name": view.name, "known": True}


def subject_json(view: SubjectView) -> bytes:
    """The subject part of a check answer, as JSON."""
    return orjson.dumps(subject_part(view))


def record_kind(view: SubjectView) -> int:
    """PERSON, ORGANISATION, or ID_SHAPED_ORGANISATION: an organisation whose key has the shape of a
    resident ID number with a birth date that is or will be valid (so, on some day, that code names a
    person). Worked out once per subject, so a batch tests only those few codes against today's date."""
    if view.is_person:
        return PERSON
    return ID_SHAPED_ORGANISATION if may_be_resident_id(view.key, dt.date.max) else ORGANISATION


def _head(view: SubjectView) -> bytes:
    """A record's text before its subject part: key, kind, separators."""
    return f"{view.key}{_SEP}{chr(record_kind(view))}{_SEP}".encode()
