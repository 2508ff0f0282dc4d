"""Every subject as a check sees it (code, name, person or not), in compact arrays in each process.

A check must name the subject it answers for, so without this every check would pay one database
round trip for the subject row alone — as much as the whole in-memory answer (bench/checks.py). Kept as
plain arrays rather than a dict of objects: about 90 MB at 1,000,000 subjects instead of ~400 MB.

- records in the order of `hash(key)` (the process's own string hash, so nothing here is shared between
  processes); `_index[4n:4n + 4]`: record n's hash, primary key, and where its text starts and ends in
  `_blob` (one array, so a look-up touches one place in memory for all of them: at a million subjects
  each separate array cost a cache miss);
- `_starts[b]`: the first record whose hash has top bits b (about one subject a bucket), so a look-up
  goes straight to its one or two candidates;
- `_blob`: record n's text is "key␟P|O␟subject" in UTF-8, where subject is the subject part of a check
  answer as JSON, `{"code":…,"name":…,"known":true}`, ready for a batch to copy into its answers;
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
        hashes, pks, offsets, blob = array("q"), array("q"), array("q", [0]), bytearray()
        for row in rows:
            view = view_of(row)
            hashes.append(hash(view.key))
            pks.append(view.pk)
            blob += _encode(view)
            offsets.append(len(blob))
        self._index = array("q")
        for number in sorted(range(len(hashes)), key=hashes.__getitem__):
            self._index.extend((hashes[number], pks[number], offsets[number], offsets[number + 1]))
        self._blob = bytes(blob)
        self._index_buckets()
        self._overlay: dict[str, SubjectView] = {}

    def _index_buckets(self) -> None:
        loaded = len(self._index) // 4
        bits = max(10, loaded.bit_length())
        # hash() is a signed machine word: shifted down to its top `bits` bits, then made non-negative.
        self._shift, self._offset = sys.hash_info.width - bits, 1 << (bits - 1)
        # Sorted, as the hashes are.
        tops = [(self._index[4 * n] >> self._shift) + self._offset for n in range(loaded)]
        self._starts = array("q", (bisect_left(tops, bucket) for bucket in range((1 << bits) + 1)))

    def __len__(self) -> int:
        return len(self._index) // 4 + len(self._overlay)

    def _find(self, key: str, text: bytes) -> int:
        """The record whose text starts with `text` (key and separator), or -1."""
        wanted, starts, index, blob = hash(key), self._starts, self._index, self._blob
        bucket = (wanted >> self._shift) + self._offset
        for number in range(starts[bucket], starts[bucket + 1]):
            if index[4 * number] == wanted and blob.startswith(text, index[4 * number + 2]):
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

    def compact(self, key: str) -> tuple[int, bool, bytes] | None:
        """(pk, person?, the subject part of an answer as JSON) of the subject with this key: what a batch
        needs, without decoding the record."""
        found = self._overlay.get(key)
        if found is not None:
            return found.pk, found.is_person, subject_json(found)
        text = key.encode() + _SEP_BYTE
        number = self._find(key, text)
        if number < 0:
            return None
        index = self._index
        kind = index[4 * number + 2] + len(text)
        return index[4 * number + 1], self._blob[kind] == _PERSON, self._blob[kind + 2 : index[4 * number + 3]]

    def _record(self, number: int) -> SubjectView:
        index = self._index
        text = self._blob[index[4 * number + 2] : index[4 * number + 3]].decode()
        key, person, subject = text.split(_SEP, 2)
        shown = orjson.loads(subject)
        return SubjectView(index[4 * number + 1], key, shown["name"], shown["code"], person == "P")


def subject_part(view: SubjectView) -> dict:
    """The subject part of a check answer."""
    return {"code": view.public_code, "name": view.name, "known": True}


def subject_json(view: SubjectView) -> bytes:
    """The subject part of a check answer, as JSON."""
    return orjson.dumps(subject_part(view))


def _encode(view: SubjectView) -> bytes:
    return f"{view.key}{_SEP}{'P' if view.is_person else 'O'}{_SEP}".encode() + subject_json(view)
