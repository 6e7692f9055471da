"""Finding orders by words in their title, content or address, and by the caller's number.

Words. A word matches an order whose title, content or address contains it, letters in any
case (``g20`` finds ``G20``): the same substring rule on every database. A substring test
(``LIKE '%停水%'``) cannot use an ordinary index, and at a million orders it reads them all.

* PostgreSQL: the function ``civicdesk_order_bigrams(title, content, address)`` (migration
  ``orders/0014``) gives the distinct character bigrams of the lower-cased text, and a GIN
  index holds them. A word of two or more characters is searched as "the order holds every
  bigram of the word" (``@>``, answered by the index alone), then the substring test runs
  on those candidates only, which puts the bigrams back in order. Character bigrams rather
  than jieba words: a search must find a word inside a longer one (``停水`` in
  ``小区停水停电``), and a segmenter may cut the text elsewhere than the query; every
  substring of two characters or more is made of the text's bigrams, Chinese, Latin or
  digits alike (``12345``, ``G20``). A one-character word has no bigram: it is the substring
  test alone, newest first, which stops at the first page of matches.
* SQLite (development and small installations): the substring test alone.

Numbers. The caller's number is stored as typed (spaces and dashes allowed); an index on it
without spaces and dashes (``order_phone_digits``) answers a search by the whole number. A
part of a number (the front line's right) is ``LIKE '%…%'``, served on PostgreSQL by the
trigram index on lower(citizen_phone) (migrations 0011 and 0013).

Pages. A common word matches thousands of orders at a million (停水: 7,490), and sorting them
all by time to show the newest 50 reads every one of them, more as the history grows
(issue #20). The page counts the matches up to the cap first (lib.paging: 1,000+); past
the cap, the page's orders are read from the last week, then the last quarter, before the
whole history (:func:`recent_first`); a window holding the whole page gives the same
orders as the whole history, newest first. Counting needs no substring test where the
index answers a word exactly (a two-character word is its own bigram): the count reads no
text, the page tests the few orders it shows. The last week's matches, and the last
quarter's count, come from a second GIN index whose keys are each bigram with the week the
order was created in (``civicdesk_order_week_bigrams``, migration ``orders/0028``): a
window's look-up then reads that window's matches, not the word's every order of the history
(:func:`by_words` with ``since``).
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any

from django.core.paginator import Page
from django.db import connection, connections, transaction
from django.db.models import BooleanField, F, Q, QuerySet, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Replace
from django.db.models.lookups import Exact
from django.utils import timezone
from django.utils.functional import cached_property

from civicdesk.lib.paging import CappedPaginator, capped_count
from civicdesk.orders.models import WorkOrder

BIGRAMS_FUNCTION = "civicdesk_order_bigrams"
BIGRAMS_INDEX = "order_text_bigrams"
WEEK_BIGRAMS_FUNCTION = "civicdesk_order_week_bigrams"
WEEK_SECONDS = 7 * 24 * 3600


def phone_digits() -> Replace:
    """The caller's number without spaces and dashes: the expression of the index
    ``order_phone_digits`` (a query must use it as it is for the index to serve)."""
    return Replace(Replace(F("citizen_phone"), Value(" ")), Value("-"))


def by_whole_number(orders: QuerySet[WorkOrder], digits: str) -> QuerySet[WorkOrder]:
    """Orders whose caller's number, spaces and dashes left out, is `digits`."""
    return orders.filter(Exact(phone_digits(), digits))


def _indexable(ch: str) -> bool:
    # PostgreSQL's lower() and Python's agree on ASCII and on characters without case (Chinese,
    # digits, punctuation); for other letters a bigram is left to the substring test.
    return ch.isascii() or ch.lower() == ch.upper()


def bigrams(word: str) -> list[str]:
    """The bigrams of `word` the index may be asked for (lower case, sorted, distinct)."""
    word = word.lower()
    grams = {word[i : i + 2] for i in range(len(word) - 1)}
    return sorted(g for g in grams if not any(c.isspace() for c in g) and all(_indexable(c) for c in g))


def _has_bigrams(grams: list[str]) -> RawSQL:
    table = connection.ops.quote_name(WorkOrder._meta.db_table)
    columns = ", ".join(f"{table}.{connection.ops.quote_name(c)}" for c in ("title", "content", "address"))
    # Names are constants of this module; the bigrams are a parameter.
    return RawSQL(f"{BIGRAMS_FUNCTION}({columns}) @> %s::text[]", (grams,), output_field=BooleanField())  # noqa: S611


def _has_bigrams_in_weeks(grams: list[str], since: datetime) -> RawSQL:
    """The order was created since `since` and holds every bigram of `grams`: one look-up of
    the week index per week from `since`'s to the next after this one (migration 0028), each
    reading that week's orders holding the bigrams, not the whole history's."""
    table = connection.ops.quote_name(WorkOrder._meta.db_table)
    columns = ", ".join(
        f"{table}.{connection.ops.quote_name(c)}" for c in ("title", "content", "address", "created_at")
    )
    # The week after this one too: an order stamped by a server whose clock runs ahead.
    weeks = range(week_of(since), week_of(timezone.now()) + 2)
    tests = " OR ".join(f"{WEEK_BIGRAMS_FUNCTION}({columns}) @> %s::text[]" for _ in weeks)
    params: list[Any] = [[f"{week}:{gram}" for gram in grams] for week in weeks]
    # `since` falls inside its week: it is tested on the orders the week index found, written
    # so that no index serves it. PostgreSQL cannot tell how few orders a week's bigram holds
    # (its statistics keep the commonest keys of millions) and, given `created_at >= since`,
    # also read the created_at index over the whole window and intersected the two: 286,869
    # orders of the last quarter at a million, 14.7 of the query's 16 ms.
    since_test = f"{table}.{connection.ops.quote_name('created_at')} + interval '0 seconds' >= %s"
    # Names are constants of this module; the bigrams and the moment are parameters.
    return RawSQL(f"({tests}) AND {since_test}", (*params, since), output_field=BooleanField())  # noqa: S611


def week_of(moment: datetime) -> int:
    """The week of the week index's keys: whole weeks of 604,800 s since 1970-01-01 UTC."""
    return math.floor(moment.timestamp() / WEEK_SECONDS)


_search_functions: frozenset[str] | None = None


def _functions() -> frozenset[str]:
    """The search functions this PostgreSQL database has (the migrations that made their
    indexes may not have run on a database being upgraded), looked up once per process."""
    global _search_functions
    if _search_functions is None:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT proname FROM pg_proc WHERE proname IN (%s, %s)", [BIGRAMS_FUNCTION, WEEK_BIGRAMS_FUNCTION]
            )
            _search_functions = frozenset(name for (name,) in cursor.fetchall())
    return _search_functions


def bigram_index_available() -> bool:
    """Whether this PostgreSQL database has the bigram function (migration 0014 made it)."""
    return connection.vendor == "postgresql" and BIGRAMS_FUNCTION in _functions()


def week_index_available() -> bool:
    """Whether it has the week bigram function (migration 0028)."""
    return connection.vendor == "postgresql" and WEEK_BIGRAMS_FUNCTION in _functions()


def _exact_in_index(word: str) -> bool:
    """Whether the bigram index alone tells that an order holds `word`: a word of two
    characters, both of which the index keeps as written (its one bigram is the word), with
    no white space (the function splits the text on it, so no bigram spans two fields)."""
    return len(word) == 2 and bigrams(word) == [word.lower()]


def by_words(
    orders: QuerySet[WorkOrder], words: list[str], *, substring_test: bool = True, since: datetime | None = None
) -> QuerySet[WorkOrder]:
    """Orders holding every word in their title, content or address (any letter case).
    `substring_test=False`: the same orders, without the substring test for the words the
    index answers exactly (for counting them: the test reads each order's text). `since`:
    only those created since then, found through the week index where there is one."""
    condition = Q()
    grams: set[str] = set()
    indexed = bigram_index_available()
    for word in words:
        grams.update(bigrams(word))
        if indexed and not substring_test and _exact_in_index(word):
            continue
        condition &= Q(title__icontains=word) | Q(content__icontains=word) | Q(address__icontains=word)
    orders = orders.filter(condition)
    if grams and indexed and since is not None and week_index_available():
        return orders.filter(_has_bigrams_in_weeks(sorted(grams), since))
    if since is not None:
        orders = orders.filter(created_at__gte=since)
    if grams and indexed:
        orders = orders.filter(_has_bigrams(sorted(grams)))
    return orders


# The windows of recent orders a page past the cap is read from first, newest first.
RECENT_WINDOWS = (timedelta(days=7), timedelta(days=92))


def recent_first(
    ids: QuerySet[Any],
    start: int,
    stop: int,
    *,
    now: datetime | None = None,
    windows: tuple[timedelta, ...] = RECENT_WINDOWS,
) -> list[Any]:
    """`ids[start:stop]` of `ids` (ordered newest first: created_at, then pk, descending), read
    from the orders of a recent window when it holds them. Every order of a window is newer
    than every order outside it, so a window holding `stop` matches gives the same rows as
    the whole history; the index on created_at and the bigram index then meet in one bitmap
    (the week's few hundred matches of a common word instead of all of them)."""
    if stop <= start:
        return []
    now = now or timezone.now()
    for span in windows:
        found = list(ids.filter(created_at__gte=now - span)[start:stop])
        if len(found) == stop - start:
            return found
    return list(ids[start:stop])


# Room for the bitmap of a word's candidate orders: on PostgreSQL's default 4 MB it turned lossy at
# ten million orders (75,800 candidates for 停水), and every row of a lossy page had its bigrams
# computed again (issue #20: count 345 -> 20 ms, page 660 -> 18 ms). Set for the search's own
# queries only: the same session setting made other pages' plans worse (the 办结率 drill-down at ten
# million orders 29 -> 68 ms).
SEARCH_WORK_MEM = "16MB"


@contextmanager
def _room_for_bitmaps(using: str) -> Iterator[None]:
    """The queries inside run with SEARCH_WORK_MEM on PostgreSQL (SET LOCAL: until the end of
    this transaction, which this opens when there is none)."""
    if connections[using].vendor != "postgresql":
        yield
        return
    with transaction.atomic(using=using):
        with connections[using].cursor() as cursor:
            cursor.execute(f"SET LOCAL work_mem = '{SEARCH_WORK_MEM}'")
        yield


class SearchPaginator(CappedPaginator):
    """Pages of a search's matches (`ids`, newest first), counted up to the cap, read from the
    newest orders first.

    The first query asks the newest window (RECENT_WINDOWS[0]) for its matches up to one past
    the cap: when it holds more than the cap, that is the count ("1,000+") and the page, in
    one query; a common word on a busy hotline does (1,900 matches of 停水 in the last week
    of the ten-million-order benchmark), and the count over the whole history read the
    word's every candidate order a second time (20 ms there, issue #20). Otherwise the
    matches are counted up to the cap in `counted_recent` (the last quarter's, when given and
    the week's matches are many enough to fill the cap there), then in `counted` (the same
    matches, as by_words(substring_test=False) gives them), and a page the window does not
    hold is read through recent_first past the cap. A word search gives the windows' queries
    through the week index (by_words(since=...)): they read the windows' matches, not the
    history's."""

    def __init__(
        self,
        ids: QuerySet[Any],
        per_page: int,
        *,
        counted: QuerySet[Any],
        newest: QuerySet[Any] | None = None,
        counted_recent: QuerySet[Any] | None = None,
    ) -> None:
        super().__init__(ids, per_page)
        self.counted = counted
        # The same ids found in the newest window another way (a word search: through the week
        # index, by_words(since=...)); by default `ids` limited to the window.
        self.newest_ids = newest
        # `counted` limited to a longer recent window (RECENT_WINDOWS[1]), through the week
        # index: when it holds more than the cap, so does the history, which is not counted.
        self.counted_recent = counted_recent

    @cached_property
    def newest(self) -> list[Any]:
        ids: QuerySet[Any] = self.object_list  # type: ignore[assignment]  # as given to __init__
        window = self.newest_ids
        if window is None:
            window = ids.filter(created_at__gte=timezone.now() - RECENT_WINDOWS[0])
        return list(window[: self.cap + 1])

    @cached_property
    def count(self) -> int:
        if len(self.newest) > self.cap:
            self.more = True
            return self.cap
        quarter = self.counted_recent
        if quarter is not None and self._quarter_may_fill_the_cap() and capped_count(quarter, self.cap) > self.cap:
            self.more = True
            return self.cap
        found = capped_count(self.counted, self.cap)
        self.more = found > self.cap
        return min(found, self.cap)

    def _quarter_may_fill_the_cap(self) -> bool:
        """Whether the last quarter is worth counting first: its matches at the week's rate would
        pass the cap. Otherwise (a rare word, a small hotline: 17 matches of 停水 in the week of
        the 100,000-order demo) the whole history is counted at once, one query fewer."""
        if self.counted_recent is None:
            return False
        return len(self.newest) * (RECENT_WINDOWS[1] / RECENT_WINDOWS[0]) > self.cap

    def get_page(self, number: Any) -> Any:
        # The count and the page's ids in one transaction with room for the word's bitmap.
        ids: QuerySet[Any] = self.object_list  # type: ignore[assignment]  # as given to __init__
        with _room_for_bitmaps(ids.db):
            return super().get_page(number)

    def page(self, number: Any) -> Any:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        ids: QuerySet[Any] = self.object_list  # type: ignore[assignment]  # as given to __init__
        if top <= len(self.newest):
            # Every order of the window is newer than every order outside it.
            rows = self.newest[bottom:top]
        elif self.more:
            # The newest window is known to hold fewer: not asked again.
            rows = recent_first(ids, bottom, top, windows=RECENT_WINDOWS[1:])
        else:
            rows = list(ids[bottom:top])
        return Page(rows, number, self)
