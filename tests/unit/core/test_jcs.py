"""The fast RFC 8785 path against the reference implementation, on generated JSON."""

from __future__ import annotations

import math
from typing import Any

import pytest
import rfc8785
from hypothesis import given, settings
from hypothesis import strategies as st

from microcred.core.errors import CanonicalizationError
from microcred.core.jcs import canonicalize

scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**53 - 1), max_value=2**53 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text()
)
json_values = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(), children, max_size=5)
    ),
    max_leaves=30,
)


@settings(max_examples=600, deadline=None)
@given(json_values)
def test_equals_the_reference(value: Any) -> None:
    assert canonicalize(value) == rfc8785.dumps(value)


@pytest.mark.parametrize(
    "value",
    [
        {
            "b": 1,
            "a": [
                2.0,
                -0.0,
                9007199254740992.0,
                1.5e17,
                0.1,
                1e21,
                1e-7,
                5e-324,
                123.456,
                1e16,
                0.0001,
                1e-5,
            ],
        },
        {"\ue000": 1, "\U0001f600": 2, "a": 3},
        {"s": '\x00\x1f\x7f\u2028\b\t\n\f\r"\\ é 😀'},
        [2**53 - 1, -(2**53 - 1), True, False, None],
    ],
)
def test_edge_cases_equal_the_reference(value: Any) -> None:
    assert canonicalize(value) == rfc8785.dumps(value)


@pytest.mark.parametrize(
    "value",
    [[2**53 + 1], [math.nan], [math.inf], {1: "non-string key"}, [object()], ["\ud800"]],
)
def test_what_cannot_be_canonicalized_raises(value: Any) -> None:
    with pytest.raises(CanonicalizationError, match="cannot be JCS-canonicalized"):
        canonicalize(value)
