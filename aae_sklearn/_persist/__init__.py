"""Safe model files: the registry of estimator classes, writing an estimator's
parameters and fitted state as safetensors, and checking and rebuilding it on
load without unpickling anything."""

# License: BSD-3-Clause
