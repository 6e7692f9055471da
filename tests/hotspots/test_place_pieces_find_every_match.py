"""A profile compares a request's places only with its own places that share a 3-character
piece with them (or are the same key): every pair places_match accepts shares one, so the
answer is the one of comparing every pair."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from civicdesk.text import similar

# Few characters, so keys often hold, end like or equal one another.
KEY = st.text(alphabet="魅力之城万科新村路东", min_size=2, max_size=7)


@settings(max_examples=400, deadline=None)
@given(
    mine=st.lists(KEY, min_size=1, max_size=3, unique=True),
    theirs=st.dictionaries(KEY, st.integers(min_value=1, max_value=4), min_size=1, max_size=8),
    size=st.integers(min_value=1, max_value=12),
)
def test_the_pieces_find_what_every_pair_finds(mine: list[str], theirs: dict[str, int], size: int) -> None:
    f = similar.Features(places=[similar.Place(k, k, "estate") for k in mine], areas=[], matter={"油烟": 1.0}, terms=[])
    profile = similar.Profile(size=max(size, max(theirs.values())), places=theirs, matter={"油烟": 1.0})
    every_pair = similar._decide(f, f.norm(), theirs, profile.size, [], profile.matter, 1.0)
    assert profile.match(f) == every_pair
    shared_every_pair = [k for k in theirs if any(similar.places_match(k, m) for m in mine)]
    near = similar._near(mine, theirs, similar._place_grams(theirs))
    assert [k for k in near if any(similar.places_match(k, m) for m in mine)] == shared_every_pair


def test_a_profile_that_grows_is_compared_with_its_new_places() -> None:
    f = similar.Features(
        places=[similar.Place("海景花园", "海景花园", "estate")], areas=[], matter={"噪音": 1.0}, terms=[]
    )
    profile = similar.Profile()
    profile.add(
        similar.Features(places=[similar.Place("渔港小区", "渔港", "estate")], areas=[], matter={"噪音": 1.0}, terms=[])
    )
    assert profile.match(f) is None
    for _ in range(2):
        profile.add(f)
    assert profile.match(f) is not None
