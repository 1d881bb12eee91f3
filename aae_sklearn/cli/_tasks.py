"""What ``compare`` predicts and scores: emotion dimensions or emotion classes."""

# License: BSD-3-Clause

import numpy as np
from sklearn.metrics import accuracy_score, balanced_accuracy_score

from .. import (
    AAEEmotionClassifier,
    AAEEmotionRegressor,
    SupervisedEmotionClassifier,
    SupervisedEmotionRegressor,
)
from ..metrics import binned_accuracy, concordance_correlation_coefficient
from ._baselines import (
    _baselines,
    _class_baselines,
    _class_tuning,
    _class_tuning_note,
    _tuning,
    _tuning_note,
)
from ._io import CATEGORY_COLUMNS, METRICS


class Dimensions:
    """Valence, activation and dominance: CCC and valence accuracy."""

    name = "dimensions"
    aae, supervised = AAEEmotionRegressor, SupervisedEmotionRegressor
    metrics = METRICS  # record column -> row label of the printed table
    gain_metric = "valence_accuracy"

    def target(self, data):
        return data.target

    def hidden(self, y, labeled):
        """``y`` with the rows outside ``labeled`` unlabeled (NaN)."""
        out = np.full_like(y, np.nan)
        out[labeled] = y[labeled]
        return out

    def scores(self, y_true, y_pred, data):
        ccc = concordance_correlation_coefficient(
            y_true, y_pred, multioutput="raw_values"
        )
        names = data.target_names
        row = {f"ccc_{name}": value for name, value in zip(names, ccc, strict=True)}
        row["valence_accuracy"] = binned_accuracy(y_true, y_pred, target=0)
        row["valence_uar"] = binned_accuracy(y_true, y_pred, target=0, balanced=True)
        return row

    def columns(self, data, test, y_pred):
        """The true and predicted targets of the test rows, by column name."""
        y_pred = np.asarray(y_pred).reshape(len(test), -1)
        names = data.target_names
        true = {f"{t}_true": data.target[test, j] for j, t in enumerate(names)}
        return true | {f"{t}_pred": y_pred[:, j] for j, t in enumerate(names)}

    def baselines(self, random_state, sequences):
        return _baselines(random_state, sequences)

    def tuning(self):
        return _tuning()

    def tuning_note(self):
        return _tuning_note()


class Categories:
    """Emotion classes: unweighted average recall (UAR) and weighted accuracy."""

    name = "categories"
    aae, supervised = AAEEmotionClassifier, SupervisedEmotionClassifier
    metrics = {
        "uar": "UAR (balanced accuracy)",
        "wa": "WA (accuracy)",
        "fit_time": "fit time (s)",
    }
    gain_metric = "uar"

    def target(self, data):
        if data.categories is None:
            raise ValueError(
                f"{data.source}: --task categories needs a column of emotion classes "
                f"({', '.join(CATEGORY_COLUMNS)})."
            )
        return np.asarray(data.categories, dtype=object)

    def hidden(self, y, labeled):
        """``y`` with the rows outside ``labeled`` unlabeled (-1)."""
        out = np.full(len(y), -1, dtype=object)
        out[labeled] = y[labeled]
        return out

    def scores(self, y_true, y_pred, data):
        return {
            "uar": balanced_accuracy_score(y_true, y_pred),
            "wa": accuracy_score(y_true, y_pred),
        }

    def columns(self, data, test, y_pred):
        return {"emotion_true": self.target(data)[test], "emotion_pred": y_pred}

    def baselines(self, random_state, sequences):
        return _class_baselines(random_state, sequences)

    def tuning(self):
        return _class_tuning()

    def tuning_note(self):
        return _class_tuning_note()


TASKS = {"dimensions": Dimensions(), "categories": Categories()}


def _network_params(args):
    """The parameters of the networks that ``compare`` and ``fit`` take from
    the command line: seed, device, threads, and ``--max-iter`` where given
    (else the networks' default)."""
    params = {
        "random_state": args.random_state,
        "device": args.device,
        "n_threads": args.threads,
    }
    if args.max_iter is not None:
        params["max_iter"] = args.max_iter
    return params
