"""The corpora the command line knows by name: the feature tables shipped with
the package, and the layouts of the audio folders whose labels it reads; and
plain folders of unlabeled audio."""

# License: BSD-3-Clause

import re
import sys
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.utils import Bunch

from ..datasets import (
    load_emodb,
    load_emodb_features,
    load_iemocap,
    load_msp_podcast,
    load_nemo,
    load_nemo_features,
    load_ravdess,
    load_ravdess_features,
)
from ..datasets._emodb import _NAME as EMODB_NAME
from ..datasets._nemo import _NAME as NEMO_NAME
from ._io import AUDIO_SUFFIXES, TARGETS, _audio_items, _names

# --data keywords: the feature tables shipped with the package, and their corpus.
BUNDLED = {
    "bundled": (load_ravdess_features, "RAVDESS"),
    "bundled-emodb": (load_emodb_features, "EmoDB"),
    "bundled-nemo": (load_nemo_features, "nEMO"),
}
# The audio folders that compare and fit read, as the error of another names them.
LAYOUTS = (
    "RAVDESS (Actor_01/03-01-05-01-02-01-01.wav, ...)",
    "EmoDB (03a01Fa.wav, ...)",
    "nEMO (EB0_anger_10.wav, ...)",
    "IEMOCAP (the folder of Session1 ... Session5)",
    "MSP-Podcast (the folder of Labels/labels_consensus.csv and Audios)",
)


def _audio_corpus(path, labels=True):
    """The corpus of an audio folder and its name: MSP-Podcast or IEMOCAP by
    their label files, else by the name of the first audio file: EmoDB's
    (``03a01Fa.wav``), nEMO's (``EB0_anger_10.wav``) or RAVDESS's
    (``03-01-05-01-02-01-01.wav``, fields of digits). Without ``labels``
    (unlabeled speech), a folder of no such layout is plain audio
    (:func:`_plain_audio`)."""
    if (path / "Labels" / "labels_consensus.csv").is_file():
        return load_msp_podcast(path), "MSP-Podcast"
    if any((path / f"Session{n}").is_dir() for n in range(1, 6)):
        return load_iemocap(path), "IEMOCAP"
    first = next(
        (p for p in sorted(path.rglob("*")) if p.name.lower().endswith(AUDIO_SUFFIXES)),
        None,
    )
    if first is None:
        raise ValueError(f"{path}: no audio file ({_names(AUDIO_SUFFIXES)}) here.")
    stem = first.name.rsplit(".", 1)[0]
    if EMODB_NAME.fullmatch(stem):
        return load_emodb(path), "EmoDB"
    if NEMO_NAME.fullmatch(stem):
        return load_nemo(path), "nEMO"
    if re.fullmatch(r"[0-9]+(?:-[0-9]+)+", stem):
        return load_ravdess(path), "RAVDESS"  # its errors name a bad field
    if not labels:
        return _plain_audio(path), path.name
    raise ValueError(
        f"{path}: not the audio folder of a corpus whose labels can be read (its "
        f"first file, {first.name}, is named as none of them): {'; '.join(LAYOUTS)}. "
        "For other audio, extract a table ('aae-sklearn extract'), add the "
        "targets and a speaker column, and pass the table."
    )


def _plain_audio(path):
    """The audio files of a folder of no corpus layout, as a corpus without
    labels: the speaker of a file is the subfolder of ``path`` it sits in (its
    first level); files in no subfolder are one speaker. A note says when no
    file sits in a subfolder: the folder is then one speaker, unknown."""
    items = _audio_items(path)
    folders = [Path(item).relative_to(path).parts[:-1] for item in items]
    groups = np.array([parts[0] if parts else "" for parts in folders], dtype=object)
    if not any(folders):
        groups = None
        print(
            f"aae-sklearn: note: {path}: no subfolders (one per speaker) of audio, "
            "so its speakers are unknown: --normalize speaker takes it as one.",
            file=sys.stderr,
        )
    return Bunch(
        data=np.array(items, dtype=object),
        target=None,
        groups=groups,
        frame=pd.DataFrame({"path": items}),
        target_names=TARGETS,
    )
