"""pgm.dask.batch on a dask.distributed LocalCluster (2 worker processes, loopback): its output
equals `pgm batch` on the same rows, row numbers continue across partitions, errors name the row."""
import csv
import io
import subprocess

import numpy as np
import pytest

import pgm
from conftest import MODELS, cli_path

dd = pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("distributed")
pd = pytest.importorskip("pandas")
import pgm.dask  # noqa: E402

ASIA = MODELS / "asia.yaml"


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                       dashboard_address=None, silence_logs=40)
    c = distributed.Client(cluster)
    yield c
    c.close()
    cluster.close()


def sampled_rows(model, n, seed, observed):
    """n forward samples of `model` as state names, each cell of `observed` kept with probability 0.6."""
    names = list(model.variables)
    states = model.variables
    draws = model.sample(n, seed=seed)
    rng = np.random.default_rng(seed)
    rows = []
    for d in draws:
        rows.append({v: (states[v][d[names.index(v)]] if rng.random() < 0.6 else "") for v in observed})
    return rows


def write_csv(path, columns, rows):
    with open(path, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(columns)
        for r in rows:
            w.writerow([r[c] for c in columns])


def cli_batch(*args):
    cli = cli_path()
    if cli is None:
        pytest.skip("the pgm command line is not built")
    out = subprocess.run([str(cli), "batch", *map(str, args)], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    return pd.read_csv(io.StringIO(out.stdout), dtype={"row": np.int64}, float_precision="round_trip",
                       keep_default_na=False)


def same_frames(got, want):
    assert list(got.columns) == list(want.columns)
    assert len(got) == len(want)
    for c in want.columns:
        if want[c].dtype.kind == "f":
            np.testing.assert_array_equal(got[c].to_numpy(np.float64), want[c].to_numpy(np.float64), err_msg=c)
        else:
            assert [str(x) for x in got[c]] == [str(x) for x in want[c]], c


@pytest.fixture(scope="module")
def asia_files(tmp_path_factory):
    """Three CSV files (three partitions, 40 + 1 + 75 rows) and their concatenation."""
    d = tmp_path_factory.mktemp("dask")
    model = pgm.load(ASIA)
    columns = ["xray", "smoke", "dysp", "asia", "bronc"]
    rows = sampled_rows(model, 116, 7, columns)
    parts = [rows[:40], rows[40:41], rows[41:]]
    for i, part in enumerate(parts):
        write_csv(d / f"rows-{i}.csv", columns, part)
    write_csv(d / "all.csv", columns, rows)
    return d, columns, rows


def test_posteriors_equal_pgm_batch(client, asia_files):
    d, _, rows = asia_files
    frame = pgm.dask.read_csv(str(d / "rows-*.csv"))
    assert frame.npartitions == 3
    got = pgm.dask.batch(ASIA, frame).compute()
    want = cli_batch(ASIA, "--data", d / "all.csv")
    assert list(got["row"]) == list(range(1, len(rows) + 1))
    same_frames(got.reset_index(drop=True), want)


def test_targets_given_loglik_and_predict_equal_pgm_batch(client, asia_files):
    d, _, _ = asia_files
    frame = pgm.dask.read_csv(str(d / "rows-*.csv"))
    got = pgm.dask.batch(ASIA, frame, targets=["lung", "tub"], given={"either": "yes"}).compute()
    same_frames(got.reset_index(drop=True),
                cli_batch(ASIA, "--data", d / "all.csv", "--targets", "lung,tub", "--given", "either=yes"))
    got = pgm.dask.batch(ASIA, frame, loglik=True).compute()
    same_frames(got.reset_index(drop=True), cli_batch(ASIA, "--data", d / "all.csv", "--loglik"))
    got = pgm.dask.batch(ASIA, frame, targets=["lung", "either"], predict=True).compute()
    same_frames(got.reset_index(drop=True),
                cli_batch(ASIA, "--data", d / "all.csv", "--targets", "lung,either", "--predict"))


def test_log_probability_of_evidence_by_hand(client, tmp_path):
    # P(smoke = yes) = 0.5 and P(asia = yes) = 0.01 in asia.yaml: rows with one of them observed.
    write_csv(tmp_path / "r.csv", ["smoke", "asia"], [{"smoke": "yes", "asia": ""}, {"smoke": "", "asia": "yes"},
                                                       {"smoke": "", "asia": ""}])
    got = pgm.dask.batch(ASIA, pgm.dask.read_csv(str(tmp_path / "r.csv")), loglik=True).compute()
    np.testing.assert_allclose(got["log_likelihood"].to_numpy(), np.log([0.5, 0.01, 1.0]), rtol=1e-12, atol=1e-15)


def test_bad_row_names_its_global_row(client, tmp_path):
    write_csv(tmp_path / "rows-0.csv", ["smoke"], [{"smoke": "yes"}, {"smoke": "no"}])
    write_csv(tmp_path / "rows-1.csv", ["smoke"], [{"smoke": "no"}, {"smoke": "maybe"}])
    frame = pgm.dask.read_csv(str(tmp_path / "rows-*.csv"))
    with pytest.raises(pgm.QueryError, match=r"row 4\b.*maybe"):
        pgm.dask.batch(ASIA, frame).compute()
    got = pgm.dask.batch(ASIA, frame, skip_bad_rows=True).compute()
    assert list(got["row"]) == [1, 2, 3]


def test_refused_before_anything_runs():
    frame = dd.from_pandas(pd.DataFrame({"smoke": ["yes"]}), npartitions=1)
    with pytest.raises(pgm.QueryError, match="nosuch"):
        pgm.dask.batch(ASIA, frame, targets=["nosuch"])
    with pytest.raises(pgm.QueryError, match="exclusive"):
        pgm.dask.batch(ASIA, frame, loglik=True, predict=True)
    with pytest.raises(pgm.ModelError):
        pgm.dask.batch(MODELS / "does-not-exist.yaml", frame)


def test_pandas_cells_read_as_states():
    # A state named "1" read by pandas as 1.0, and missing cells as NaN, still mean what the CSV said.
    assert pgm.dask._cell(1.0) == "1"
    assert pgm.dask._cell(float("nan")) is None
    assert pgm.dask._cell("") is None
    assert pgm.dask._cell("NA") == "NA"
