"""When the package began loading: the start of a command, for its "took" line."""

# License: BSD-3-Clause

import time

#: ``time.perf_counter()`` when ``aae_sklearn`` began importing (torch and
#: scikit-learn included), which a command counts as its start.
STARTED = time.perf_counter()
