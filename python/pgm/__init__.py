"""pgm: exact inference in probabilistic graphical models.

    import pgm
    m = pgm.load("models/sprinkler.yaml")
    m.marginals(evidence={"WetGrass": "wet"})

Every query runs in C++ with the GIL released, so threads can share one model. Errors are
pgm.Error subclasses whose messages are the command line's.
"""
import os as _os

from . import _pgm
from ._pgm import (  # noqa: F401
    Error,
    Explanation,
    Gaussian,
    Independence,
    LimitError,
    Model,
    ModelError,
    NumericalError,
    QueryError,
    Result,
    UnsupportedError,
    ZeroProbabilityEvidence,
    citest,  # issue 12: independence tests on data
    engines,
)
from ._yaml import to_yaml as _to_yaml

__version__ = getattr(_pgm, "__version__", "0")

__all__ = [
    "Error", "ModelError", "QueryError", "ZeroProbabilityEvidence", "UnsupportedError", "LimitError",
    "NumericalError", "Model", "Result", "Independence", "Gaussian", "Explanation", "load", "loads", "from_dict",
    "engines", "citest",
]


def load(path, format=None, renormalize=True):
    """Reads a model file: YAML, BIF, XMLBIF or UAI, by extension unless `format` names it.

    renormalize: rescale CPT columns that sum to 1 within 1e-6 (e.g. BIF's 0.3333) to sum to
    exactly 1, as the command line does. ModelError (with .file/.line/.column) if it cannot be read.
    """
    if format is not None and not isinstance(format, str):
        raise TypeError(f"format must be a format name (str) or None, not {type(format).__name__}")
    return _pgm._load(_os.fspath(path), format, bool(renormalize))


def loads(text, format="yaml", renormalize=True, filename="<string>"):
    """Reads a model from text in the given format ("yaml", "bif", "xmlbif", "uai").

    `filename` names the text in error messages.
    """
    if isinstance(text, (bytes, bytearray)):
        text = bytes(text).decode("utf-8")
    if not isinstance(text, str):
        raise TypeError(f"loads expects the model text (str), not {type(text).__name__}")
    if not isinstance(format, str):
        raise TypeError(f"format must be a format name (str), not {type(format).__name__}")
    return _pgm._loads(text, format, bool(renormalize), str(filename))


def from_dict(model, renormalize=True):
    """A model from the structure of a YAML model file given as Python dicts and lists.

    Error messages name "<dict>" and the line of the equivalent YAML text (see pgm.to_yaml).
    """
    return _pgm._loads(_to_yaml(model), "yaml", bool(renormalize), "<dict>")


def to_yaml(model):
    """The YAML text pgm.from_dict reads for a dict (useful to locate an error's line)."""
    return _to_yaml(model)


def __getattr__(name):
    # pgm.dask needs Dask; it is imported on first use (`pgm.dask.batch(...)`), not by `import pgm`.
    if name == "dask":
        import importlib

        return importlib.import_module(".dask", __name__)
    raise AttributeError(f"module 'pgm' has no attribute '{name}'")
