"""Throughput of SSLEmbeddings, in seconds of audio per second, on CPU.

Times ``SSLEmbeddings(...).transform`` on the 16 RAVDESS recordings bundled
with the package (``--root``: a RAVDESS folder instead, ``--n-files`` of it)
for each of these models:

* ``tiny``: a randomly initialised WavLM of hidden size 16 and two layers,
  with the convolutional encoder of the real models (the model of the tests
  and of the documentation's example);
* ``wav2vec2-base (random)`` and ``wavlm-base (random)``: the architectures
  of ``facebook/wav2vec2-base`` and ``microsoft/wavlm-base-plus`` (the
  defaults of ``Wav2Vec2Config()`` and ``WavLMConfig()``: 12 layers of width
  768, 94 million parameters), with random weights. The cost of a forward
  pass does not depend on the weights, so these time a base-size model
  without downloading one (``--no-random-base`` leaves them out);
* each ``--model PATH``: a model folder written by ``save_pretrained``, such
  as a downloaded ``facebook/wav2vec2-base``.

A timing covers ``transform`` on the list of paths: reading the files and
embedding them (``output="vectors"``, the last layer, ``batch_size`` 8).
Throughput ("x real time") is the total duration of the audio divided by the
median wall time over ``--repeats`` repeats, after one warm-up run (loading
the model, thread pools); "s per hour" is the wall time one hour of such
audio takes. torch runs with ``--threads`` threads (default 2).

Examples
--------
::

    python benchmarks/bench_ssl.py
    python benchmarks/bench_ssl.py --threads 2 --repeats 7 --out bench_ssl.json
    python benchmarks/bench_ssl.py --model ~/models/wav2vec2-base --no-random-base
"""

# License: BSD-3-Clause

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import soundfile as sf
import torch
import transformers
from _common import report_timings, speed

from aae_sklearn.datasets import load_ravdess, load_ravdess_sample
from aae_sklearn.features import SSLEmbeddings

TINY = dict(
    hidden_size=16,
    num_hidden_layers=2,
    num_attention_heads=2,
    intermediate_size=32,
    conv_dim=(8,) * 7,
    num_conv_pos_embeddings=16,
    num_conv_pos_embedding_groups=2,
)
# The printed table: header, field, format.
COLUMNS = [
    ("model", "model", "<24"),
    ("median s", "median_s", ">8.3f"),
    ("x real time", "x_real_time", ">11.1f"),
    ("s per hour of audio", "s_per_hour", ">19.0f"),
]


def save_random(folder, config_class, model_class, **config):
    """A randomly initialised model and a default feature extractor, saved."""
    with torch.random.fork_rng():
        torch.manual_seed(0)
        model = getattr(transformers, model_class)(
            getattr(transformers, config_class)(**config)
        )
    model.save_pretrained(folder)
    transformers.Wav2Vec2FeatureExtractor().save_pretrained(folder)
    n_parameters = sum(p.numel() for p in model.parameters())
    return str(folder), n_parameters


def pick_files(root, n_files):
    """Paths of ``n_files`` files spread over the corpus, or the bundled sample."""
    corpus = load_ravdess_sample() if root is None else load_ravdess(root)
    paths = list(corpus.data)
    if root is not None and n_files < len(paths):
        picks = np.linspace(0, len(paths) - 1, n_files).round().astype(int)
        paths = [paths[i] for i in np.unique(picks)]
    return paths, sum(sf.info(path).duration for path in paths)


def time_model(folder, paths, repeats, batch_size):
    """Wall times of ``transform`` on ``paths``, after a warm-up run."""
    embed = SSLEmbeddings(model=folder, batch_size=batch_size)
    embed.fit(paths).transform(paths[:2])
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        embed.transform(paths)
        times.append(time.perf_counter() - start)
    return times


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, help="a RAVDESS folder (bundled sample)")
    parser.add_argument("--n-files", type=int, default=48)
    parser.add_argument("--model", type=Path, action="append", default=[])
    parser.add_argument("--no-random-base", action="store_true")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--batch-size", type=int, default=8)
    parser.add_argument("--out", type=Path, help="write the results as JSON")
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    paths, audio_s = pick_files(args.root, args.n_files)
    load_before = os.getloadavg()
    print(
        f"{len(paths)} files, {audio_s:.1f} s of audio, {args.repeats} repeats, "
        f"{args.threads} torch threads, {os.cpu_count()} CPUs, load average "
        f"{load_before[0]:.2f}"
    )
    rows = []
    with tempfile.TemporaryDirectory() as scratch:
        models = {
            "tiny": save_random(f"{scratch}/tiny", "WavLMConfig", "WavLMModel", **TINY)
        }
        if not args.no_random_base:
            for name, family in [
                ("wav2vec2-base", "Wav2Vec2"),
                ("wavlm-base", "WavLM"),
            ]:
                models[f"{name} (random)"] = save_random(
                    f"{scratch}/{name}", f"{family}Config", f"{family}Model"
                )
        for path in args.model:
            models[str(path)] = (str(path.expanduser()), None)
        for name, (folder, n_parameters) in models.items():
            wall = time_model(folder, paths, args.repeats, args.batch_size)
            row = dict(model=name, n_parameters=n_parameters, **speed(wall, audio_s))
            row.update(s_per_hour=3600 * row["median_s"] / audio_s, times_s=wall)
            rows.append(row)
            print(f"{name}: median {row['median_s']:.3f} s", flush=True)
    summary = dict(
        n_files=len(paths),
        audio_s=audio_s,
        repeats=args.repeats,
        threads=args.threads,
        batch_size=args.batch_size,
    )
    versions = dict(torch=torch.__version__, transformers=transformers.__version__)
    report_timings(
        rows, COLUMNS, load_before, out=args.out, summary=summary, versions=versions
    )


if __name__ == "__main__":
    sys.exit(main())
