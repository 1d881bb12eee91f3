"""The nets of the emotion classifiers: class logits, cross-entropy, and for the
autoencoder a softmax class part that a categorical prior shapes.

Targets are one column of class indices (as floats), NaN for unlabeled rows.
"""

# License: BSD-3-Clause

import torch
import torch.nn.functional as F

from ._aae_net import AAENet
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
    cross-entropy of the logits.

    Parameters
    ----------
    module : torch.nn.Module
        The encoder; its output is ``[class logits | style part]``.
    class_weight : sequence of float, default=None
        Weight of each class in the cross-entropy; None: all 1.
    **kwargs
        Passed on to :class:`AAENet` (not ``loss``).
    """

    def latent(self, code):
        k = self.n_targets
        return torch.cat([torch.softmax(code[:, :k], dim=1), code[:, k:]], dim=1)
