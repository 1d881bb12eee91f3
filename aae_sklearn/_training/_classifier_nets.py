"""The nets of the emotion classifiers: class logits, cross-entropy, and for the
autoencoder a softmax class part that a categorical prior shapes.

Targets are one column of class indices (as floats), NaN for unlabeled rows.
"""

# License: BSD-3-Clause

import torch
import torch.nn.functional as F

from ._aae_net import _PHASE_SETTINGS, AAENet
from ._nets import SupervisedNet


class _ClassLogits:
    """Cross-entropy on the class logits, the first ``n_targets`` outputs."""

    def __init__(self, *args, class_weight=None, **kwargs):
        # Set before skorch's __init__, which only then starts guarding attributes.
        self.class_weight = class_weight
        super().__init__(*args, loss="cross_entropy", **kwargs)

    def supervised_loss(self, pred, y, complete=False):
        weight = None
        if self.class_weight is not None:
            weight = torch.as_tensor(
                self.class_weight, dtype=pred.dtype, device=pred.device
            )
        return F.cross_entropy(pred, y[:, 0].long(), weight=weight)

    def validation_step(self, batch, **fit_params):
        self._set_training(False)
        *inputs, yi = batch
        with torch.no_grad():
            logits = self.module_(*inputs)[:, : self.n_targets]
        return {"loss": self.supervised_loss(logits, yi), "y_pred": logits}


class SupervisedClassifierNet(_ClassLogits, SupervisedNet):
    """The encoder trained by cross-entropy on the labeled rows.

    Parameters
    ----------
    module : torch.nn.Module
        The encoder; its first ``n_targets`` outputs are the class logits.
    n_targets : int
        Number of classes.
    class_weight : sequence of float, default=None
        Weight of each class in the cross-entropy; None: all 1.
    **kwargs
        Passed on to :class:`SupervisedNet` (not ``loss``).
    """


class AAEClassifierNet(_ClassLogits, AAENet):
    """The semi-supervised adversarial autoencoder with a class part.

    As :class:`AAENet`, except that the decoder and the emotion discriminator see
    the softmax of the class logits (Makhzani et al., 2015, section 5), whose
    prior draws one-hot vectors, and the supervised phase minimises the
    cross-entropy of the logits. With ``consistency_view="masking"``, the
    consistency phase is FixMatch's (Sohn et al., 2020): the teacher's most
    probable class is the pseudo-label of the rows where its probability
    reaches ``consistency_threshold``, and the student learns it by
    cross-entropy.

    Parameters
    ----------
    module : torch.nn.Module
        The encoder; its output is ``[class logits | style part]``.
    class_weight : sequence of float, default=None
        Weight of each class in the cross-entropy; None: all 1.
    consistency_threshold : float, default=0.95
        The teacher's probability of its class from which a row gets a
        pseudo-label.
    **kwargs
        Passed on to :class:`AAENet` (not ``loss``).
    """

    phase_settings = (*_PHASE_SETTINGS, "consistency_threshold")

    def __init__(self, *args, consistency_threshold=0.95, **kwargs):
        # Set before skorch's __init__, which only then starts guarding attributes.
        self.consistency_threshold = consistency_threshold
        super().__init__(*args, **kwargs)

    def latent(self, code):
        k = self.n_targets
        return torch.cat([torch.softmax(code[:, :k], dim=1), code[:, k:]], dim=1)

    def consistency_loss(self, student, teacher):
        """FixMatch's loss: the cross-entropy of the student's logits against
        the teacher's confident classes, summed over those rows and divided by
        all rows; None where no row is confident. The share of confident rows
        is recorded as ``consistency_share``."""
        confidence, pseudo_labels = torch.softmax(teacher, dim=1).max(dim=1)
        passed = confidence >= self.consistency_threshold
        n_passed = int(passed.sum())
        self.history.record_batch("consistency_share", n_passed / len(passed))
        if not n_passed:
            return None
        # Divided by every row, as in FixMatch: the phase grows stronger as the
        # teacher grows confident on more rows.
        losses = F.cross_entropy(
            student[passed], pseudo_labels[passed], reduction="sum"
        )
        return losses / len(passed)
