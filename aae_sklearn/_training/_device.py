"""Devices, CPU threads and seeding for torch work."""

# License: BSD-3-Clause

from contextlib import contextmanager

import torch


def resolve_device(device):
    """The torch device ``device`` names ("auto": CUDA where there is one), or a
    ValueError saying what is wrong with it."""
    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    try:
        kind = torch.device(device).type
    except RuntimeError as exc:
        raise ValueError(
            f"device={device!r} is not a torch device; use 'cpu', 'cuda', "
            "'cuda:<index>' or 'auto'."
        ) from exc
    if kind == "cuda" and not torch.cuda.is_available():
        raise ValueError(
            f"device={device!r} was requested but torch finds no CUDA device; "
            "use device='cpu' or 'auto'."
        )
    return device


@contextmanager
def torch_seed(seed, device):
    """Seed torch inside a fork of its global generators, restored on exit."""
    device = torch.device(device)
    devices = [device] if device.type == "cuda" else []
    with torch.random.fork_rng(devices=devices):
        torch.manual_seed(seed)
        yield


def resolve_threads(n_threads):
    """The number of torch threads ``n_threads`` asks for: "auto" is one, an
    int itself, None (torch's setting, left as it is) None."""
    # The emotion networks gain little from a second thread, and threads that
    # wait on each other lose many times over on a busy core.
    return 1 if n_threads == "auto" else n_threads


@contextmanager
def torch_threads(n_threads):
    """torch's intra-op threads set to ``n_threads`` inside (see
    :func:`resolve_threads`), and the caller's number restored on exit.

    The setting is global to the process: estimators fitted at once in threads
    of one process share it.
    """
    n_threads = resolve_threads(n_threads)
    before = torch.get_num_threads()
    if n_threads is None or n_threads == before:
        yield
        return
    torch.set_num_threads(n_threads)
    try:
        yield
    finally:
        torch.set_num_threads(before)
