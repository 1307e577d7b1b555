"""What a calibration keeps of a value: its shape, never the value, but a word of a closed
vocabulary; and the pattern widened from shapes admits what was seen."""

from __future__ import annotations

import re

import pytest

from nexx_conformance.shapes import reads_as_name, safe_word, shape_of, widened_pattern


def test_a_string_is_kept_as_its_length_and_character_classes():
    shape = shape_of("+49 176-Üx", word=False)
    assert shape == {
        "type": "string",
        "length": 10,
        "classes": [" ", "+", "-", "0-9", "a-z", "non-ASCII"],
    }


def test_a_number_is_kept_as_its_digits_and_sign():
    assert shape_of(-1234.5) == {"type": "number", "digits": 4, "negative": True}


def test_an_object_keeps_the_names_that_read_as_names_and_counts_the_others():
    shape = shape_of({"loyaltyPoints": 1, "8f3a9c2e1b7d4f60": 2, "1369342": 3})
    assert shape["names"] == ["loyaltyPoints"] and shape["unnamed"] == 2


@pytest.mark.parametrize(
    "value, key, kept",
    [
        pytest.param("diverse", "gender", "diverse", id="a-word-is-kept"),
        pytest.param("needs-sms", "loginstate", "needs-sms", id="a-hyphenated-word-is-kept"),
        pytest.param(18, "ageclass", 18, id="a-small-integer-is-kept"),
        pytest.param("hunter2", "password", None, id="never-under-a-secret-key"),
        pytest.param("4f2a9c81e0b3d7aa", "status", None, id="never-what-looks-like-a-hash"),
        pytest.param("user1234567", "status", None, id="never-what-looks-like-an-id"),
        pytest.param("two words", "status", None, id="never-a-phrase"),
        pytest.param(1764000000, "servertime", None, id="never-a-large-number"),
    ],
)
def test_only_a_word_of_a_closed_vocabulary_is_kept(value, key, kept):
    assert safe_word(value, key) == kept


@pytest.mark.parametrize(
    "name, reads",
    [
        ("loyaltyPoints", True),
        ("browser_version", True),
        ("a8f3e2b19c0d4e5f", False),
        ("1369342", False),
    ],
)
def test_names_that_look_like_data_are_told_apart(name, reads):
    assert reads_as_name(name) is reads


def test_a_widened_pattern_admits_the_old_values_and_the_shapes_seen():
    pattern = widened_pattern(r"^\+[1-9][0-9]{6,14}$", ["+", " ", "0-9"], 12, 13)
    assert re.search(pattern, "+4917612345678")
    assert re.search(pattern, "+49 176 12345")
    assert not re.search(pattern, "+49 176 123456789")  # longer than any seen
    assert not re.search(pattern, "call me")
