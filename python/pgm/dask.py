"""pgm.dask: `pgm batch` over a Dask dataframe, partition by partition on a Dask cluster.

    import dask.dataframe as dd
    from dask.distributed import Client
    import pgm.dask

    client = Client("tcp://scheduler:8786")          # or LocalCluster(); any scheduler works
    rows = pgm.dask.read_csv("rows-*.csv")           # every cell a string; only an empty cell is missing
    out = pgm.dask.batch("/data/alarm.bif", rows, targets=["HR", "BP"])
    out.to_csv("posteriors-*.csv", index=False)      # or out.compute() for one pandas dataframe

The result has exactly the columns of `pgm batch` on the same rows (`row`, then `X=s` per target
and state, then `log_probability_of_evidence`; with loglik=True `row,log_likelihood`; with
predict=True `row`, one column per target, `log_probability`), and `row` numbers the input's rows
1, 2, ... across all partitions, as `pgm batch` numbers the lines of one file. Each partition is
answered by `Model.batch` on a worker; each worker process loads the model once (the file must be
readable at `model_path` on every worker) and keeps it for the partitions that follow.

This module needs Dask (Debian: python3-dask, python3-distributed, python3-pandas); `import pgm`
alone does not.
"""
import math
import operator
import os
import threading

import dask
import dask.dataframe as dd
import numpy as np
import pandas as pd

import pgm

__all__ = ["batch", "read_csv"]


def read_csv(urlpath, **kwargs):
    """dask.dataframe.read_csv with the cell rules of `pgm batch`: every cell read as a string,
    only an empty cell missing. (pandas' defaults would read a state named "1" as a number and one
    named "NA", "null" or "None" as missing.) Keyword arguments are passed on and override these."""
    options = dict(dtype=str, keep_default_na=False, na_values=[""])
    options.update(kwargs)
    return dd.read_csv(urlpath, **options)


# One loaded model per worker process, keyed by what identifies the file's contents.
_models = {}
_models_lock = threading.Lock()


def _model(path, fmt, renormalize):
    try:
        stat = os.stat(path)
    except OSError:
        return pgm.load(path, format=fmt, renormalize=renormalize)  # pgm's own error, naming the file
    key = (os.path.realpath(path), fmt, renormalize, stat.st_mtime_ns, stat.st_size)
    with _models_lock:
        model = _models.get(key)
        if model is None:
            model = pgm.load(path, format=fmt, renormalize=renormalize)
            _models.clear()  # a changed file replaces its old model rather than piling up
            _models[key] = model
        return model


def _cell(value):
    """A dataframe cell as `pgm batch` reads it: None when missing, else the state's name."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, str):
        return value if value != "" else None
    if isinstance(value, (float, np.floating)):
        if math.isnan(value):
            return None
        if float(value).is_integer():
            return str(int(value))  # a state "1" that pandas read as 1.0
    if isinstance(value, (bool, np.bool_)):
        return "true" if value else "false"
    return str(value)


def _rows(frame):
    columns = [str(c) for c in frame.columns]
    rows = []
    for values in frame.itertuples(index=False, name=None):
        rows.append({c: v for c, v in zip(columns, map(_cell, values)) if v is not None})
    return rows


def _columns(model, targets, given, loglik, predict):
    """The output columns and their dtypes, asked of Model.batch itself on no rows: the library
    checks the targets and the given evidence and names the columns, as for `pgm batch`."""
    empty = model.batch([], targets=targets, given=given, loglik=loglik, predict=predict)
    return [(name, np.asarray(values).dtype) for name, values in empty.items()]


def _answer(frame, offset, path, fmt, renormalize, targets, given, loglik, predict, skip_bad_rows, threads,
            columns):
    model = _model(path, fmt, renormalize)
    names = [c for c, _ in columns]
    if len(frame) == 0:
        return pd.DataFrame({c: pd.Series([], dtype=t) for c, t in columns})[names]
    # first_row: row numbers (and the row a message names) continue from the partitions before.
    out = model.batch(_rows(frame), targets=targets, given=given, loglik=loglik, predict=predict,
                      threads=threads, skip_bad_rows=skip_bad_rows, first_row=offset + 1)
    return pd.DataFrame({c: np.asarray(out[c]) for c in names}, columns=names)


def batch(model_path, dataframe, targets=None, *, given=None, loglik=False, predict=False,
          skip_bad_rows=False, threads=1, format=None, renormalize=True):
    """`pgm batch` on a Dask dataframe: a lazy Dask dataframe with the same columns, one output
    partition per input partition, computed on the workers.

    model_path: a model file every worker can read. dataframe: a Dask (or pandas) dataframe whose
    columns are variable names and whose cells are state names (missing: unobserved; see
    read_csv). targets, given, loglik, predict, skip_bad_rows: as `Model.batch` and `pgm batch`.
    threads: threads per partition on a worker (default 1: Dask already runs partitions in
    parallel). A bad row raises pgm.QueryError on compute(), naming its row number (1-based across
    the whole input) unless skip_bad_rows.
    """
    if loglik and predict:
        raise pgm.QueryError("loglik and predict are exclusive: a batch writes one kind of output")
    if isinstance(dataframe, pd.DataFrame):
        dataframe = dd.from_pandas(dataframe, npartitions=1)
    path = os.fspath(model_path)
    # Checked here, before anything is scheduled: the model reads, the targets exist.
    model = _model(path, format, renormalize)
    if given:
        given = dict(given)
    columns = _columns(model, targets, given, loglik, predict)
    meta = pd.DataFrame({c: pd.Series([], dtype=t) for c, t in columns})[[c for c, _ in columns]]

    parts = dataframe.to_delayed()
    # Row numbers continue across partitions: partition k starts after the rows of 0 .. k-1.
    lengths = [dask.delayed(len)(p) for p in parts]
    offsets = [0]
    for n in lengths[:-1]:
        offsets.append(dask.delayed(operator.add, pure=True)(offsets[-1], n))
    answer = dask.delayed(_answer, pure=True)
    outputs = [answer(p, off, path, format, renormalize, targets, given, loglik, predict, skip_bad_rows, threads,
                      columns) for p, off in zip(parts, offsets)]
    return dd.from_delayed(outputs, meta=meta, verify_meta=False)
