"""Every subject as a check sees it (code, name, person or not), in compact arrays in each process.

A check must name the subject it answers for, so without this every check would pay one database
round trip for the subject row alone — as much as the whole in-memory answer (bench/checks.py). Kept as
plain arrays rather than a dict of objects: about 90 MB at 1,000,000 subjects instead of ~400 MB.

- `_hashes`: sorted `hash(key)` of every subject loaded (the process's own string hash, so the arrays are
  never shared between processes); `_order[i]`: the record number of the i-th hash;
- `_starts[b]`: where the hashes whose top bits are b begin in `_hashes` (about one subject a bucket),
  so a look-up goes straight to its one or two candidates instead of bisecting a million hashes;
- `_offsets`/`_blob`: record n is `_blob[_offsets[n]:_offsets[n + 1]]`, "key␟P|O␟subject" in UTF-8,
  where subject is the subject part of a check answer as JSON, `{"code":…,"name":…,"known":true}`, ready
  for a batch to copy into its answers;
- `_ids[n]`: record n's primary key;
- `_overlay`: subjects created or changed since the load (the catch-up fills it), ahead of the arrays.

A key found nowhere may still be a subject created a moment ago in another process: callers look
those up in the database and `remember` what they find.
"""

import sys
from array import array
from bisect import bisect_left
from collections.abc import Iterable
from typing import NamedTuple

import orjson

PERSON_KIND = "natural_person"
_SEP = "\x1f"
_SEP_BYTE = _SEP.encode()
_PERSON = ord("P")


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
        hashes, self._ids, self._offsets, blob = array("q"), array("q"), array("q", [0]), bytearray()
        for row in rows:
            view = view_of(row)
            hashes.append(hash(view.key))
            self._ids.append(view.pk)
            blob += _encode(view)
            self._offsets.append(len(blob))
        self._blob = bytes(blob)
        self._order = array("q", sorted(range(len(hashes)), key=hashes.__getitem__))
        self._hashes = array("q", (hashes[i] for i in self._order))
        self._index_buckets()
        self._overlay: dict[str, SubjectView] = {}

    def _index_buckets(self) -> None:
        bits = max(10, len(self._hashes).bit_length())
        # hash() is a signed machine word: shifted down to its top `bits` bits, then made non-negative.
        self._shift, self._offset = sys.hash_info.width - bits, 1 << (bits - 1)
        tops = [(value >> self._shift) + self._offset for value in self._hashes]  # sorted, as the hashes are
        self._starts = array("q", (bisect_left(tops, bucket) for bucket in range((1 << bits) + 1)))

    def __len__(self) -> int:
        return len(self._ids) + len(self._overlay)

    def get(self, key: str) -> SubjectView | None:
        found = self._overlay.get(key)
        if found is not None:
            return found
        wanted, starts, hashes = hash(key), self._starts, self._hashes
        bucket = (wanted >> self._shift) + self._offset
        for position in range(starts[bucket], starts[bucket + 1]):
            if hashes[position] == wanted:
                view = self._record(self._order[position])
                if view.key == key:
                    return view
        return None

    def remember(self, views: Iterable[SubjectView]) -> None:
        """Subjects created or changed after the load: they win over the arrays from now on."""
        self._overlay.update((view.key, view) for view in views)

    def compact(self, key: str) -> tuple[int, bool, bytes] | None:
        """(pk, person?, the subject part of an answer as JSON) of the subject with this key: what a batch
        needs, without decoding the record."""
        found = self._overlay.get(key)
        if found is not None:
            return found.pk, found.is_person, subject_json(found)
        wanted, starts, hashes, blob = hash(key), self._starts, self._hashes, self._blob
        bucket = (wanted >> self._shift) + self._offset
        for position in range(starts[bucket], starts[bucket + 1]):
            if hashes[position] == wanted:
                number = self._order[position]
                start, prefix = self._offsets[number], key.encode() + _SEP_BYTE
                if blob.startswith(prefix, start):
                    kind = start + len(prefix)
                    return self._ids[number], blob[kind] == _PERSON, blob[kind + 2 : self._offsets[number + 1]]
        return None

    def _record(self, number: int) -> SubjectView:
        text = self._blob[self._offsets[number] : self._offsets[number + 1]].decode()
        key, person, subject = text.split(_SEP, 2)
        shown = orjson.loads(subject)
        return SubjectView(self._ids[number], key, shown["name"], shown["code"], person == "P")


def subject_json(view: SubjectView) -> bytes:
    """The subject part of a check answer, as JSON."""
    return orjson.dumps({"code": view.public_code, "name": view.name, "known": True})


def _encode(view: SubjectView) -> bytes:
    return f"{view.key}{_SEP}{'P' if view.is_person else 'O'}{_SEP}".encode() + subject_json(view)
