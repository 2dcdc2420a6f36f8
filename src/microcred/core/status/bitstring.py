"""The status bitstring and its ``encodedList`` form (GZIP, then multibase base64url)."""

from __future__ import annotations

import re
import struct
import zlib

from microcred.core.errors import KeyFormatError
from microcred.core.multibase import decode as multibase_decode
from microcred.core.multibase import encode_base64url
from microcred.core.report import Problem
from microcred.core.status._common import (
    MALFORMED,
    MAX_DECOMPRESSED_BYTES,
    MAX_ENCODED_CHARS,
    MIN_BYTES,
    MIN_ENTRIES,
    check_status_size,
    is_int,
    status_error,
)

_BASE64URL = re.compile(r"[A-Za-z0-9_-]*")
#: GZIP member header: magic, deflate, no flags, no time, no extra flags, OS "Unix".
_GZIP_HEADER = bytes((0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 3))


def _decode_multibase(encoded_list: object) -> bytes:
    if not isinstance(encoded_list, str):
        raise status_error("encodedList must be a string", MALFORMED)
    if len(encoded_list) > MAX_ENCODED_CHARS:
        raise status_error(
            f"encodedList is longer than {MAX_ENCODED_CHARS:,} characters", MALFORMED
        )
    if not encoded_list.startswith("u"):
        raise status_error(
            "encodedList must be multibase base64url, which starts with 'u'", MALFORMED
        )
    if not _BASE64URL.fullmatch(encoded_list, 1):
        raise status_error("encodedList is not unpadded base64url after its 'u'", MALFORMED)
    try:
        return multibase_decode(encoded_list)
    except KeyFormatError as exc:
        raise status_error("encodedList is not base64url (its length is wrong)", MALFORMED) from exc


def _gunzip(data: bytes) -> bytes:
    """Decompress one GZIP member, refusing more than :data:`MAX_DECOMPRESSED_BYTES`."""
    if not data:
        raise status_error("encodedList is empty after its 'u'", MALFORMED)
    inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    try:
        output = inflater.decompress(data, MAX_DECOMPRESSED_BYTES + 1)
    except zlib.error as exc:
        raise status_error(f"encodedList is not valid GZIP data ({exc})", MALFORMED) from exc
    if len(output) > MAX_DECOMPRESSED_BYTES:
        raise status_error(
            f"encodedList expands to more than {MAX_DECOMPRESSED_BYTES:,} bytes; refused",
            MALFORMED,
        )
    if not inflater.eof:
        raise status_error("encodedList is truncated GZIP data", MALFORMED)
    if inflater.unused_data:
        raise status_error("encodedList has data after the end of its GZIP stream", MALFORMED)
    return output


def _require_length(size_in_bytes: int, status_size: int) -> None:
    entries = size_in_bytes * 8 // status_size
    if size_in_bytes < MIN_BYTES or entries < MIN_ENTRIES:
        raise status_error(
            f"the status list has {entries:,} entries of {status_size} bit(s) "
            f"({size_in_bytes:,} bytes); at least {MIN_ENTRIES:,} entries and "
            f"{MIN_BYTES:,} bytes are required",
            Problem.STATUS_LIST_LENGTH_ERROR,
        )


class Bitstring:
    """The status values of one list: ``length`` entries of ``status_size`` bits each.

    Entry ``i`` occupies bits ``i * status_size`` to ``(i + 1) * status_size - 1``, counted
    from the left-most bit of the first byte; an entry's first bit is its most significant.
    Mistakes (an index outside the list, a value too wide) raise
    :class:`~microcred.core.errors.StatusListError`.
    """

    __slots__ = ("_bits", "_status_size")

    def __init__(self, length: int = MIN_ENTRIES, *, status_size: int = 1) -> None:
        self._status_size = check_status_size(status_size)
        if not is_int(length) or length < MIN_ENTRIES:
            raise status_error(
                f"a status list needs at least {MIN_ENTRIES:,} entries, not {length!r}",
                Problem.STATUS_LIST_LENGTH_ERROR,
            )
        if length % 8:
            raise status_error(f"the length must be a multiple of 8, not {length:,}", MALFORMED)
        self._bits = bytearray(length * status_size // 8)

    @classmethod
    def decode(cls, encoded_list: object, *, status_size: int = 1) -> Bitstring:
        """Read an untrusted ``encodedList`` (the spec's bitstring expansion algorithm)."""
        size = check_status_size(status_size)
        raw = _gunzip(_decode_multibase(encoded_list))
        _require_length(len(raw), size)
        bitstring = cls.__new__(cls)
        bitstring._status_size = size
        bitstring._bits = bytearray(raw)
        return bitstring

    def encode(self) -> str:
        """The ``encodedList`` value: GZIP, then multibase base64url (no padding).

        The GZIP member has no name, no time and a fixed OS byte, so equal lists encode to
        equal strings on every platform (an empty list encodes as the spec's example).
        """
        data = bytes(self._bits)
        deflater = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
        body = deflater.compress(data) + deflater.flush()
        trailer = struct.pack("<II", zlib.crc32(data), len(data) & 0xFFFFFFFF)
        return encode_base64url(_GZIP_HEADER + body + trailer)

    @property
    def status_size(self) -> int:
        """Bits per entry."""
        return self._status_size

    def __len__(self) -> int:
        """The number of entries."""
        return len(self._bits) * 8 // self._status_size

    def to_bytes(self) -> bytes:
        """The uncompressed bitstring."""
        return bytes(self._bits)

    def _first_bit(self, index: int) -> int:
        if not is_int(index) or index < 0:
            raise status_error(f"an index must be an integer >= 0, not {index!r}", MALFORMED)
        if index >= len(self):
            raise status_error(
                f"index {index:,} is outside the status list ({len(self):,} entries)",
                Problem.RANGE_ERROR,
            )
        return index * self._status_size

    def get(self, index: int) -> int:
        """The status value of entry ``index``."""
        start = self._first_bit(index)
        value = 0
        for position in range(start, start + self._status_size):
            value = value << 1 | (self._bits[position >> 3] >> (7 - (position & 7))) & 1
        return value

    def set(self, index: int, value: int = 1) -> None:
        """Set entry ``index`` to ``value`` (1 by default: revoked, suspended, ...)."""
        start = self._first_bit(index)
        if not is_int(value) or not 0 <= value < 1 << self._status_size:
            raise status_error(
                f"status value {value!r} does not fit in {self._status_size} bit(s)",
                Problem.RANGE_ERROR,
            )
        for offset in range(self._status_size):
            position = start + offset
            mask = 0x80 >> (position & 7)
            bit = value >> (self._status_size - 1 - offset) & 1
            self._bits[position >> 3] = (self._bits[position >> 3] & ~mask) | (mask * bit)

    def clear(self, index: int) -> None:
        """Set entry ``index`` back to 0."""
        self.set(index, 0)
