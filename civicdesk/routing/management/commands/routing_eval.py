"""``manage.py routing-eval``: train the routing classifier and score it on labelled messages it never saw.

    manage.py routing-eval --train 附件2_示例数据_495.xlsx [more.xlsx ...] --test 附件2_验证集_400.xlsx \
        [--unlabeled 附件3.xlsx 附件4.xlsx ...] [--catalogue 附件1.xlsx] [--cv 5] [--save model.pkl]

Files are CSV or XLSX in the Teddy Cup layout (text from 留言主题 + 留言详情, label from
一级标签 or 一级分类). Unlabelled messages that share a title or a detail with a test
message are dropped before training, so no test text is seen, not even unlabelled.

Without ``--cv`` the model trains on every ``--train`` file and is scored on ``--test``.
With ``--cv R`` the test file is the development set: R repeats of stratified 5-fold
cross-validation over it, each fold training on all of ``--train`` plus the other four fifths
and scoring the held-out fifth (the training files are never scored: a score on a separate
release does not predict the score on the development set's source).

Printed: accuracy, per-class F1, the 10-bin reliability table of the top class's calibrated
probability with its expected calibration error, and, last, ``macro-F1 0.xxxx``. No database is used.
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from civicdesk.text.teddycup import Message, TeddyCupFormatError, read_messages, read_taxonomy
from civicdesk.text.textclassify import RoutingClassifier, macro_f1_report, overlap_filter, reliability

CV_FOLDS = 5


class Command(BaseCommand):
    help = (
        "Train the smart-dispatch classifier on --train and report accuracy, per-class F1, calibration "
        "and macro-F1 on --test."
    )
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--train", required=True, nargs="+", type=Path, help="labelled messages (CSV or XLSX)")
        parser.add_argument("--test", required=True, type=Path, help="labelled messages to score (CSV or XLSX)")
        parser.add_argument(
            "--unlabeled", nargs="*", default=[], type=Path, help="files of unlabelled messages (labels are ignored)"
        )
        parser.add_argument("--catalogue", type=Path, default=None, help="category tree (附件1 layout)")
        parser.add_argument(
            "--cv",
            type=int,
            default=0,
            metavar="REPEATS",
            help="cross-validate on --test: REPEATS × 5 stratified folds, --train always in training",
        )
        parser.add_argument("--save", type=Path, default=None, help="write the model trained on all files here")
        parser.add_argument("--jobs", type=int, default=1, help="processes for tokenising large inputs")

    def _read(self, path: str | Path) -> list[Message]:
        path = Path(path)
        if not path.is_file():
            raise CommandError(f"{path}: file not found")
        try:
            return read_messages(path)
        except TeddyCupFormatError as exc:
            raise CommandError(str(exc)) from exc

    def _labelled(self, path: Path) -> list[Message]:
        messages = [m for m in self._read(path) if m.label]
        if not messages:
            raise CommandError(f"{path}: no labelled messages (一级标签 / 一级分类 column)")
        return messages

    def handle(self, *args: Any, **options: Any) -> None:
        out = self.stdout
        train = [m for path in options["train"] for m in self._labelled(path)]
        test = self._labelled(options["test"])

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
        jobs = max(1, options["jobs"])
        truth = [m.label or "" for m in test]
        if options["cv"] > 0:
            predicted, confidence, fold_scores = self._cross_validate(
                train, test, unlabeled, taxonomy, repeats=options["cv"], jobs=jobs
            )
            out.write(
                f"{options['cv']}×{CV_FOLDS}-fold CV on the test file, training files always in training: "
                f"macro-F1 per fold mean {statistics.mean(fold_scores):.4f} "
                f"sd {statistics.pstdev(fold_scores):.4f} (min {min(fold_scores):.4f}, max {max(fold_scores):.4f})"
            )
            truth = truth * options["cv"]
        else:
            model = RoutingClassifier(n_jobs=jobs)
            model.fit([m.text for m in train], [m.label or "" for m in train], unlabeled=unlabeled, taxonomy=taxonomy)
            report = model.report_
            out.write(
                f"trained in {report.seconds:.1f}s: {report.taxonomy_documents} taxonomy documents, "
                f"{report.keywords} taxonomy keywords, {report.unlabeled_used} unlabelled texts for the vocabulary; "
                f"calibration: {report.calibration}"
            )
            started = time.perf_counter()
            probs = model.predict_proba([m.text for m in test])
            out.write(f"predicted {len(test)} messages in {time.perf_counter() - started:.2f}s")
            predicted = [model.classes_[i] for i in probs.argmax(axis=1)]
            confidence = [float(p) for p in probs.max(axis=1)]
            unknown = sorted(set(truth) - set(model.classes_))
            if unknown:
                out.write(f"warning: test labels never seen in training: {', '.join(unknown)}")
        if options["save"] is not None:
            final = RoutingClassifier(n_jobs=jobs).fit(
                [m.text for m in train] + ([m.text for m in test] if options["cv"] > 0 else []),
                [m.label or "" for m in train] + (truth[: len(test)] if options["cv"] > 0 else []),
                unlabeled=unlabeled,
                taxonomy=taxonomy,
            )
            final.save(Path(options["save"]))
            out.write(f"model saved to {options['save']} (trained on {final.report_.labelled} messages)")

        classes = sorted(set(truth) | set(predicted))
        accuracy, per_class, _ = macro_f1_report(truth, predicted, classes)
        _, _, macro = macro_f1_report(truth, predicted, sorted(set(truth)))
        out.write(f"accuracy {accuracy:.4f}")
        for label in classes:
            support = sum(1 for t in truth[: len(test)] if t == label)
            out.write(f"F1 {label} {per_class[label]:.4f} (n={support})")
        ece, table = reliability(confidence, [t == p for t, p in zip(truth, predicted, strict=True)])
        out.write("reliability (top class probability; held-out predictions):")
        out.write("  bin        n   confidence  accuracy")
        for row in table:
            if row.count:
                out.write(
                    f"  {row.low:.1f}–{row.high:.1f}  {row.count:5d}  {row.confidence:.3f}       {row.accuracy:.3f}"
                )
            else:
                out.write(f"  {row.low:.1f}–{row.high:.1f}      0")
        out.write(f"ECE {ece:.4f}")
        out.write(f"macro-F1 {macro:.4f}")

    def _cross_validate(
        self,
        train: list[Message],
        test: list[Message],
        unlabeled: list[str],
        taxonomy: list[tuple[str, str, str]],
        *,
        repeats: int,
        jobs: int,
    ) -> tuple[list[str], list[float], list[float]]:
        """Out-of-fold predictions and confidences for every repeat (concatenated), and each fold's macro-F1."""
        # numpy and scikit-learn load only when cross-validation is asked for (seconds of import).
        import numpy as np
        from sklearn.model_selection import RepeatedStratifiedKFold  # type: ignore[import-untyped]

        labels = [m.label or "" for m in test]
        splitter = RepeatedStratifiedKFold(n_splits=CV_FOLDS, n_repeats=repeats, random_state=0)
        predicted = [""] * (len(test) * repeats)
        confidence = [0.0] * (len(test) * repeats)
        fold_scores: list[float] = []
        for k, (train_idx, test_idx) in enumerate(splitter.split(np.zeros(len(test)), labels)):
            offset = (k // CV_FOLDS) * len(test)
            model = RoutingClassifier(n_jobs=jobs).fit(
                [m.text for m in train] + [test[i].text for i in train_idx],
                [m.label or "" for m in train] + [labels[i] for i in train_idx],
                unlabeled=unlabeled,
                taxonomy=taxonomy,
            )
            probs = model.predict_proba([test[i].text for i in test_idx])
            fold_pred = [model.classes_[j] for j in probs.argmax(axis=1)]
            for i, p, c in zip(test_idx, fold_pred, probs.max(axis=1), strict=True):
                predicted[offset + i] = p
                confidence[offset + i] = float(c)
            fold_truth = [labels[i] for i in test_idx]
            fold_scores.append(macro_f1_report(fold_truth, fold_pred, sorted(set(fold_truth)))[2])
            self.stdout.write(f"fold {k + 1}: macro-F1 {fold_scores[-1]:.4f}")
        return predicted, confidence, fold_scores
