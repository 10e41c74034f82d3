"""The one age rule: a person is certainly 18 on a day only when `day.year - birth_year > 18`.

The people service, guide approval and the matching core (vectorised and
reference) all ask `guidematch.ages`; these tests hold them to the same answer.
"""
from __future__ import annotations

from datetime import date

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from guidematch.ages import certainly_adult, latest_adult_birth_year
from guidematch.matching.constraints import Forbidden, may_be_minor
from guidematch.matching.reference import reference_forbidden
from tests.matching.factories import guide, refugee

DAY = date(2026, 11, 1)


@pytest.mark.parametrize(("birth_year", "adult"), [
    (DAY.year - 19, True), (DAY.year - 18, False), (DAY.year - 17, False), (None, False),
])
def test_only_those_who_turned_18_in_an_earlier_year_are_certainly_adults(birth_year, adult):
    assert certainly_adult(birth_year, DAY) is adult
    assert latest_adult_birth_year(DAY) == DAY.year - 19


@pytest.mark.parametrize(("birth_year", "forbidden"), [
    (DAY.year - 19, Forbidden.ALLOWED),
    (DAY.year - 18, Forbidden.POLICE_CERTIFICATE),  # the year a guide is refused in
    (None, Forbidden.POLICE_CERTIFICATE),
])
def test_the_matching_core_treats_a_refugee_as_the_rule_does(birth_year, forbidden):
    g, r = guide(police_certificate=False), refugee(birth_year=birth_year)
    assert reference_forbidden(g, r, DAY) is forbidden
    year = np.array([np.nan if birth_year is None else birth_year], dtype=float)
    assert bool(may_be_minor(year, DAY)[0]) is (forbidden is Forbidden.POLICE_CERTIFICATE)


@given(years=st.lists(st.one_of(st.none(), st.integers(1900, 2100)), min_size=1, max_size=20),
       day=st.dates(date(1950, 1, 1), date(2100, 12, 31)))
def test_the_rule_the_core_vectorised_and_the_reference_agree(years, day):
    expected = [y is not None and day.year - y > 18 for y in years]
    assert [certainly_adult(y, day) for y in years] == expected
    column = np.array([np.nan if y is None else y for y in years], dtype=float)
    assert (~may_be_minor(column, day)).tolist() == expected
    g = guide(police_certificate=False)
    allowed = [reference_forbidden(g, refugee(birth_year=y), day) is Forbidden.ALLOWED
               for y in years]
    assert allowed == expected
