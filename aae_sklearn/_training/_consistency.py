"""The consistency phase of the adversarial autoencoder: the emotion part of
a perturbed view of an unlabeled row learns that of a teacher, the row itself
or the mean of its recording's augmented views."""

# License: BSD-3-Clause

import torch
import torch.nn.functional as F

from ._data import take_rows, view_members
from ._views import strong_view


class ConsistencyPhase:
    """The consistency phase, a mixin of :class:`~._aae_net.AAENet` (see its
    ``consistency_weight`` and ``consistency_view``): the net's ``module_``,
    ``n_targets``, ``optimizer_consistency_`` and the batches of its training
    iterator (``train_batches_``, ``train_tensors_``)."""

    def set_views(self, sources):
        """Name the training rows that are views of one recording.

        Parameters
        ----------
        sources : array-like of int of shape (n_rows,) or None
            For each row of the next training dataset, its recording: rows
            sharing a value are views of one recording. None: every row is a
            recording of its own.
        """
        self.view_members_ = None
        if sources is not None:
            self.view_members_ = view_members(sources).to(self.device)
        return self

    def _consistency_phase(self, inputs, targets):
        """Pull together the emotion parts of two views of ``inputs``: two
        dropout passes of every row; or, on the rows whose ``targets`` are all
        NaN (unlabeled), as UDA and FixMatch do (the labeled rows have the
        supervised phase), a teacher pass of the row, or of its recording's
        views, and a student pass, masked or not."""
        k = self.n_targets
        views = getattr(self, "view_members_", None)
        if self.consistency_view == "dropout" and views is None:
            codes = [self.latent(self.module_(*inputs))[:, :k] for _ in "ab"]
            loss = F.mse_loss(codes[0], codes[1])
            self._step(self.optimizer_consistency_, loss, "consistency_loss")
            return
        unlabeled = torch.isnan(targets).reshape(len(targets), -1).all(dim=1)
        if not unlabeled.any():
            return
        inputs = [tensor[unlabeled] for tensor in inputs]
        # The teacher runs in training mode, as every phase does: its dropout
        # is the weak augmentation of FixMatch's teacher view, and the modules
        # stay in one mode for the whole epoch.
        with torch.no_grad():
            if views is None:
                teacher = self.module_(*inputs)[:, :k]
            else:
                rows = self.train_batches_.current_rows[unlabeled]
                teacher = self._view_teacher(views[rows])
        if self.consistency_view == "masking":
            inputs = strong_view(inputs)
        student = self.module_(*inputs)[:, :k]
        loss = self.consistency_loss(student, teacher)
        if loss is not None:
            self._step(self.optimizer_consistency_, loss, "consistency_loss")

    def _view_teacher(self, members):
        """The mean emotion part of the views ``members`` (positions, -1:
        none) of each row's recording."""
        real = members >= 0
        # The dataset's tensors: the encoder's inputs, then the targets.
        code = self.module_(*take_rows(self.train_tensors_[:-1], members[real]))
        total = code.new_zeros(len(members), self.n_targets)
        owner = torch.nonzero(real)[:, 0]
        total.index_add_(0, owner, code[:, : self.n_targets])
        return total / real.sum(dim=1, keepdim=True)

    def consistency_loss(self, student, teacher):
        """The loss of the student's emotion part ``student`` against the
        teacher's ``teacher`` (no gradient), or None where nothing is learned:
        the supervised loss, with the teacher's codes as targets. Codes that
        collapse onto one value lower a squared error, and lost half of the
        mean CCC on the tuning speakers, but not one minus the CCC."""
        return self.supervised_loss(student, teacher, complete=True)
