"""Paging a list whose exact length is not worth counting.

Django's Paginator counts every row of the list to number its pages. For a search over the
whole history that count reads every match (hundreds of thousands at a million orders) to
print one number. :class:`CappedPaginator` counts at most ``cap`` rows (``SELECT COUNT(*)
FROM (… LIMIT cap + 1)``) and says "1,000+" past it; the pages stop at the cap, which is
far more than anyone reads: past it one narrows the search.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property

COUNT_CAP = 1000


def capped_count(rows: QuerySet[Any], cap: int = COUNT_CAP) -> int:
    """How many rows, counted up to cap + 1 (cap + 1: more than cap). Only the keys are read and
    the order is dropped: the order does not change how many rows there are, and without it the
    database may stop at the cap in whatever order is cheapest."""
    return rows.order_by().values("pk")[: cap + 1].count()


# The stubs make Paginator generic; Django's own class cannot be subscripted at run time.
if TYPE_CHECKING:
    _Paginator = Paginator[Any]
else:
    _Paginator = Paginator


class CappedPaginator(_Paginator):
    """A Paginator over at most ``cap`` rows; ``more`` tells that there were more."""

    def __init__(self, object_list: Any, per_page: int, *, cap: int | None = None, **kwargs: Any) -> None:
        super().__init__(object_list, per_page, **kwargs)
        self.cap = COUNT_CAP if cap is None else cap
        self.more = False

    @cached_property
    def count(self) -> int:
        rows = self.object_list
        found = capped_count(rows, self.cap) if isinstance(rows, QuerySet) else len(rows[: self.cap + 1])
        self.more = found > self.cap
        return min(found, self.cap)

    @property
    def count_label(self) -> str:
        """The count as shown: "1,000+" past the cap."""
        count = self.count
        return f"{self.cap:,}+" if self.more else str(count)
