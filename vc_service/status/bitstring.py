"""The bitstring of a status list and its ``encodedList`` form (GZIP, then multibase base64url)."""

import base64
import gzip
import zlib

MIN_LIST_SIZE = 131_072  # the spec's minimum: enough entries that one status singles nobody out
MAX_LIST_SIZE = 8 * 2 * 1024 * 1024  # 2 MiB of bits: far above real lists, small enough to keep


class BitstringError(ValueError):
    pass


def empty_bitstring(size: int = MIN_LIST_SIZE) -> bytearray:
    return bytearray(size // 8)


def get_bit(bits: bytes | bytearray, index: int) -> bool:
    """Bit ``index``, counted from the left of the first byte as the spec orders them."""
    if not 0 <= index < len(bits) * 8:
        raise BitstringError(f"index {index} is outside a list of {len(bits) * 8} entries")
    return bool(bits[index // 8] & (0x80 >> (index % 8)))


def set_bit(bits: bytearray, index: int, value: bool) -> None:
    get_bit(bits, index)  # range check
    if value:
        bits[index // 8] |= 0x80 >> (index % 8)
    else:
        bits[index // 8] &= ~(0x80 >> (index % 8)) & 0xFF


def encode_list(bits: bytes | bytearray) -> str:
    # mtime=0: the same bits always encode to the same text
    return "u" + base64.urlsafe_b64encode(gzip.compress(bytes(bits), mtime=0)).decode().rstrip("=")


def decode_list(encoded: str) -> bytes:
    """The bits of an ``encodedList``, of the spec's sizes: at least its minimum, at most
    ``MAX_LIST_SIZE`` entries, so a small text cannot decompress into a huge list."""
    if not isinstance(encoded, str) or not encoded.startswith("u"):
        raise BitstringError("encodedList must be a multibase base64url string (starting with 'u')")
    body = encoded[1:]
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)  # GZIP
    try:
        bits = inflater.decompress(
            base64.b64decode(body + "=" * (-len(body) % 4), altchars=b"-_", validate=True), MAX_LIST_SIZE // 8 + 1
        )
    except (ValueError, zlib.error) as exc:
        raise BitstringError(f"encodedList is not GZIP-compressed base64url: {exc}") from exc
    if len(bits) > MAX_LIST_SIZE // 8:
        raise BitstringError(f"encodedList holds more than {MAX_LIST_SIZE:,} entries, the most this service reads")
    if not inflater.eof:
        raise BitstringError("encodedList is not GZIP-compressed base64url: the GZIP data is truncated")
    if len(bits) < MIN_LIST_SIZE // 8:
        raise BitstringError(
            f"encodedList holds {len(bits) * 8:,} entries, fewer than the spec's minimum of {MIN_LIST_SIZE:,}"
        )
    return bits
