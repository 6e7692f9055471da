"""Order text reaching the PDF briefing is printed, never read as ReportLab markup: an
<img src> naming a URL or a local file is neither fetched nor opened, and the briefing is
written."""

from __future__ import annotations

from pathlib import Path

from civicdesk.statistics.briefings import compose, render_pdf, run_briefings
from civicdesk.statistics.models import Briefing
from civicdesk.statistics.rollups import run_rollup_sweep
from tests.security.loopback import Loopback
from tests.statistics.helpers import at, t
from tests.world import World


def test_img_markup_in_an_order_title_is_not_followed(w: World, tmp_path: Path) -> None:
    secret = tmp_path / "secret.png"
    with Loopback() as web:
        remote = f'<img src="{web.url}/steal.png" width="10" height="10"/>'
        local = f'<img src="{secret}" width="10" height="10"/>'
        with at(t(3)):
            w.signed(urgency="urgent", title=remote)
            w.signed(urgency="emergency", title=local, citizen_name="<b>王</b>")
        with at(t(10, 8)):
            run_rollup_sweep()
            # daily, weekly and monthly: the statistics sweep does not crash on them
            assert run_briefings() == 3
        assert web.hits == []
    weekly = Briefing.objects.get(kind="weekly")
    assert {n["title"] for n in weekly.data["notable"]} == {remote, local}
    assert bytes(weekly.pdf).startswith(b"%PDF")


def test_markup_in_unit_and_category_names_is_printed_as_text(w: World) -> None:
    w.dept_a.name = '<font name="Missing">一局</font><a href="file:///etc/passwd">x</a>'
    w.dept_a.save()
    with at(t(3)):
        w.signed(urgency="urgent")
    with at(t(10, 8)):
        doc = compose("weekly", t(2).date(), t(8).date())
    assert bytes(render_pdf(doc)).startswith(b"%PDF")
