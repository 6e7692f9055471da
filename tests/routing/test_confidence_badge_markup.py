"""The confidence badge is written in Python (the dispatch board draws fifty a page, issue #20)
and must read exactly as the template it replaced wrote it: this is that template, compared
over the bands' edges, with and without a model version, in both languages."""

from __future__ import annotations

import pytest
from django.template import engines
from django.utils import translation

# routing/_confidence.html as it was, with its final newline.
TEMPLATE = (
    "{% load i18n %}<span class=\"badge confidence confidence-{{ level }} {% if level == 'high' %}bg-success"
    "{% elif level == 'medium' %}bg-warning text-dark{% else %}bg-secondary{% endif %}\" "
    'data-confidence="{{ p|floatformat:2 }}" title="{% if version %}{% blocktranslate with v=version '
    "p=p|floatformat:2 %}分派模型 v{{ v }}，校准概率 {{ p }}{% endblocktranslate %}{% else %}"
    '{% blocktranslate with p=p|floatformat:2 %}校准概率 {{ p }}{% endblocktranslate %}{% endif %}">'
    "{% blocktranslate with w=word %}置信度{{ w }}{% endblocktranslate %}</span>\n"
)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_badge_reads_as_its_template_did(language: str) -> None:
    from civicdesk.routing import confidence

    engine = engines["django"]
    old = engine.from_string(TEMPLATE)
    new = engine.from_string("{% load routing_confidence %}{% confidence_badge p version %}")
    with translation.override(language):
        for p in (None, 0, 0.0, 0.004, 0.3, 0.4999, 0.5, 0.505, 0.7999, 0.8, 0.995, 1.0, 1):
            for version in (None, 0, 3, 12, 1234):
                value = float(p or 0.0)
                expected = old.render(
                    {"p": value, "level": confidence.level(value), "word": confidence.word(value), "version": version}
                )
                assert new.render({"p": p, "version": version}) == expected, (p, version)
    # And the words are the reader's language's (the comparison above would pass untranslated too).
    with translation.override("en"):
        assert new.render({"p": 0.9, "version": 3}) == (
            '<span class="badge confidence confidence-high bg-success" data-confidence="0.90" '
            'title="Dispatch model v3, calibrated probability 0.90">Confidence high</span>\n'
        )
