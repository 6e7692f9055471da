"""``manage.py routing-eval``: train the routing classifier and score it on a labelled test file.

    manage.py routing-eval --train 附件2.xlsx --test held_out.csv \
        [--unlabeled 附件3.xlsx 附件4.xlsx ...] [--catalogue 附件1.xlsx] [--save model.pkl]

Files are CSV or XLSX in the Teddy Cup layout (text from 留言主题 + 留言详情, label from
一级标签 or 一级分类). Unlabelled messages that share a title or a detail with a test
message are dropped before training, so no test text is seen. The output ends with the
line ``macro-F1 0.xxxx``. No database is used.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from civicdesk.text.teddycup import Message, TeddyCupFormatError, read_messages, read_taxonomy
from civicdesk.text.textclassify import RoutingClassifier, macro_f1_report, overlap_filter


class Command(BaseCommand):
    help = "Train the smart-dispatch classifier on --train and report accuracy, per-class F1 and macro-F1 on --test."
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--train", required=True, type=Path, help="labelled messages (CSV or XLSX)")
        parser.add_argument("--test", required=True, type=Path, help="labelled messages to score (CSV or XLSX)")
        parser.add_argument(
            "--unlabeled", nargs="*", default=[], type=Path, help="files of unlabelled messages (labels are ignored)"
        )
        parser.add_argument("--catalogue", type=Path, default=None, help="category tree (附件1 layout)")
        parser.add_argument("--save", type=Path, default=None, help="write the trained model here")
        parser.add_argument("--jobs", type=int, default=2, help="processes for tokenising large inputs")

    def _read(self, path: str | Path) -> list[Message]:
        path = Path(path)
        if not path.is_file():
            raise CommandError(f"{path}: file not found")
        try:
            return read_messages(path)
        except TeddyCupFormatError as exc:
            raise CommandError(str(exc)) from exc

    def handle(self, *args: Any, **options: Any) -> None:
        out = self.stdout
        train = [m for m in self._read(options["train"]) if m.label]
        test = [m for m in self._read(options["test"]) if m.label]
        if not train:
            raise CommandError(f"{options['train']}: no labelled messages (一级标签 / 一级分类 column)")
        if not test:
            raise CommandError(f"{options['test']}: no labelled messages (一级标签 / 一级分类 column)")

        pool: list[Message] = []
        seen: set[tuple[str, str]] = set()
        for path in options["unlabeled"]:
            for message in self._read(path):
                key = (message.title, message.detail)
                if key not in seen:
                    seen.add(key)
                    pool.append(message)
        kept, removed = overlap_filter([(m.title, m.detail) for m in pool], [(m.title, m.detail) for m in test])
        _, train_overlap = overlap_filter([(m.title, m.detail) for m in test], [(m.title, m.detail) for m in train])
        unlabeled = [pool[i].text for i in kept]

        taxonomy: list[tuple[str, str, str]] = []
        if options["catalogue"] is not None:
            catalogue = Path(options["catalogue"])
            if not catalogue.is_file():
                raise CommandError(f"{catalogue}: file not found")
            try:
                taxonomy = [leaf.path for leaf in read_taxonomy(catalogue)]
            except TeddyCupFormatError as exc:
                raise CommandError(str(exc)) from exc

        out.write(
            f"train {len(train)} labelled; test {len(test)} labelled; unlabelled {len(pool)} distinct, "
            f"{removed} dropped as sharing a title/detail with a test message; catalogue {len(taxonomy)} leaves"
        )
        if train_overlap:
            out.write(f"warning: {train_overlap} test messages share a title/detail with a training message")

        model = RoutingClassifier(n_jobs=max(1, options["jobs"]))
        model.fit([m.text for m in train], [m.label or "" for m in train], unlabeled=unlabeled, taxonomy=taxonomy)
        report = model.report_
        out.write(
            f"trained in {report.seconds:.1f}s: {report.taxonomy_documents} taxonomy documents, "
            f"{report.keywords} taxonomy keywords, {report.unlabeled_used} unlabelled texts for the vocabulary; "
            f"calibration: {report.calibration}"
        )
        if options["save"] is not None:
            model.save(Path(options["save"]))
            out.write(f"model saved to {options['save']}")

        started = time.perf_counter()
        predicted = model.predict([m.text for m in test])
        elapsed = time.perf_counter() - started
        truth = [m.label or "" for m in test]
        unknown = sorted(set(truth) - set(model.classes_))
        if unknown:
            out.write(f"warning: test labels never seen in training: {', '.join(unknown)}")
        classes = sorted(set(truth) | set(model.classes_))
        accuracy, per_class, _ = macro_f1_report(truth, predicted, classes)
        _, _, macro = macro_f1_report(truth, predicted, sorted(set(truth)))
        out.write(f"predicted {len(test)} messages in {elapsed:.2f}s")
        out.write(f"accuracy {accuracy:.4f}")
        for label in classes:
            support = sum(1 for t in truth if t == label)
            out.write(f"F1 {label} {per_class[label]:.4f} (n={support})")
        out.write(f"macro-F1 {macro:.4f}")
