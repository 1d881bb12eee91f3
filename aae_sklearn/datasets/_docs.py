"""The docstring sections that the loaders share, written once."""

# License: BSD-3-Clause

import re
import textwrap
from string import Template

# Each is filled with the values given to ``_document`` ($column, $n, ...).
_SECTIONS = {
    # The parameters after ``root``: every loader has them.
    "parameters": """\
target : {"dimensions", "categories"}, default="dimensions"
    What ``target`` holds: valence, activation and dominance in [-1, 1], or
    the emotion class of each utterance (the column ``$column`` of
    ``frame``: $classes), for the classifiers.
return_X_y : bool, default=False
    Return ``(data, target)`` instead of a Bunch.""",
    # The start of the Returns section of a loader of audio files.
    "audio_returns": """\
Returns
-------
data : :class:`~sklearn.utils.Bunch`
    Dictionary-like object with attributes:

    data : ndarray of shape (n_samples,), dtype=object
        Absolute paths of the audio files, as str, $order.
    target : ndarray of shape (n_samples, 3) or (n_samples,)
        Valence, activation and dominance in [-1, 1]; or the emotion
        classes, as str.""",
    # The start of the Returns section of a loader of a bundled feature table.
    "table_returns": """\
Returns
-------
data : :class:`~sklearn.utils.Bunch`
    Dictionary-like object with attributes:

    data : ndarray of shape ($n, 88)
        eGeMAPSv02 functionals, in the same column order in every bundled
        table.
    feature_names : list of str
        openSMILE's names of the 88 features.
    target : ndarray of shape ($n, 3) or ($n,)
        Valence, activation and dominance in [-1, 1]; or the emotion
        classes, as str.""",
    # The end of the Returns section of every loader.
    "returns_end": """\
    target_names : list of str
        ``["valence", "activation", "dominance"]``, or ``["$column"]``.
    DESCR : str
        $descr

(data, target) : tuple if ``return_X_y`` is True""",
}
_PLACE = re.compile(r"^( *)%\((\w+)\)s$", re.MULTILINE)


# What most loaders say.
_DEFAULTS = {"column": "emotion", "order": "sorted"}
_DEFAULTS["descr"] = "Description, targets, sources, licence and citation."


def _document(**values):
    """Decorator: each line ``%(name)s`` of the function's docstring becomes the
    section ``name``, indented as that line, its ``$names`` replaced by
    ``values``.

    A section needing a value that is not given raises KeyError on import, and
    so does a docstring without a place (the decorator on the wrong function).
    """

    def fill(function):
        def section(place):
            text = Template(_SECTIONS[place[2]]).substitute(_DEFAULTS, **values)
            return textwrap.indent(text, place[1])

        doc, places = _PLACE.subn(section, function.__doc__)
        if not places:
            raise KeyError(f"no %(section)s place in {function.__name__}'s docstring")
        function.__doc__ = doc
        return function

    return fill
