import base64

import pytest

from vc_service.status.bitstring import (
    MAX_LIST_SIZE,
    BitstringError,
    decode_list,
    empty_bitstring,
    encode_list,
    get_bit,
    set_bit,
)


def test_bits_are_counted_from_the_left_of_the_first_byte():
    bits = empty_bitstring()
    set_bit(bits, 0, True)
    set_bit(bits, 9, True)
    assert bits[0] == 0x80 and bits[1] == 0x40
    assert get_bit(bits, 9) and not get_bit(bits, 8)
    set_bit(bits, 9, False)
    assert not get_bit(bits, 9)


def test_the_encoded_list_round_trips_and_is_stable():
    bits = empty_bitstring()
    set_bit(bits, 131_071, True)
    encoded = encode_list(bits)
    assert encoded.startswith("u") and encoded == encode_list(bits)
    assert decode_list(encoded) == bytes(bits)
    assert len(bits) * 8 == 131_072  # the spec's minimum size


@pytest.mark.parametrize("encoded", ["zabc", "u!!!", "u" + "A" * 10, 42])
def test_malformed_encoded_lists_are_refused(encoded):
    with pytest.raises(BitstringError):
        decode_list(encoded)


def test_indexes_outside_the_list_are_refused():
    with pytest.raises(BitstringError, match="outside"):
        get_bit(empty_bitstring(), 131_072)


def test_a_list_that_would_inflate_past_the_maximum_is_refused_without_inflating_it():
    import tracemalloc
    import zlib

    deflater = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    bomb = b"".join(deflater.compress(bytes(1 << 20)) for _ in range(700)) + deflater.flush()  # 700 MB of zeros
    encoded = "u" + base64.urlsafe_b64encode(bomb).decode().rstrip("=")
    tracemalloc.start()
    with pytest.raises(BitstringError, match="more than 16,777,216 entries"):
        decode_list(encoded)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 3 * MAX_LIST_SIZE // 8 + 4 * len(encoded)


def test_a_list_below_the_specs_minimum_is_refused():
    with pytest.raises(BitstringError, match="fewer than the spec's minimum of 131,072"):
        decode_list(encode_list(bytes(1024)))
