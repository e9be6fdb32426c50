"""The bitstring of a status list and its ``encodedList`` form (GZIP, then multibase base64url)."""

import base64
import gzip

MIN_LIST_SIZE = 131_072  # the spec's minimum: enough entries that one status singles nobody out


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
    if not isinstance(encoded, str) or not encoded.startswith("u"):
        raise BitstringError("encodedList must be a multibase base64url string (starting with 'u')")
    body = encoded[1:]
    try:
        bits = gzip.decompress(base64.b64decode(body + "=" * (-len(body) % 4), altchars=b"-_", validate=True))
    except (ValueError, OSError, EOFError) as exc:
        raise BitstringError(f"encodedList is not GZIP-compressed base64url: {exc}") from exc
    if not bits:
        raise BitstringError("encodedList holds an empty list")
    return bits
