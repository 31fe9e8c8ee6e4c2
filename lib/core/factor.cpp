#include <pgm/core/error.hpp>
#include <pgm/core/factor.hpp>
#include <pgm/core/size.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <numeric>
#include <span>
#include <vector>
#include <ostream>

namespace pgm {
namespace {

// Table walks. Every operation below is a walk over an output (or input) table in storage order,
// with K streams whose offsets advance by per-dimension strides. Adjacent dimensions that are
// contiguous for every stream are merged first, so the innermost loop is as long as possible and
// usually runs over contiguous memory; only the outer dimensions pay for the odometer.
// At most this many dimensions of size > 1: a table with more would exceed 2^64 entries.
constexpr std::size_t kMaxDims = 64;

template <std::size_t K>
struct Walk {
  // Fixed-size storage: walks are set up for every operation, and heap allocation here dominated
  // the cost of operations on small tables.
  std::array<std::size_t, kMaxDims> cards{};                   // outer dimensions
  std::array<std::array<std::size_t, K>, kMaxDims> strides{};  // per outer dimension, per stream
  std::size_t dims = 0;
  std::size_t inner = 1;                       // length of the innermost run
  std::array<std::size_t, K> inner_stride{};   // per stream
};

// cards: cardinalities in storage order of the walked table; strides[d][k] of stream k.
template <std::size_t K>
Walk<K> make_walk(std::span<const std::size_t> cards, std::span<const std::array<std::size_t, K>> strides) {
  // Merge from the innermost outwards: dimension d folds into the one inside it when, for every
  // stream, stepping d once equals stepping the inner one through its whole range. Dimensions of
  // size 1 contribute nothing to offsets and are skipped.
  std::array<std::size_t, kMaxDims> mc{};
  std::array<std::array<std::size_t, K>, kMaxDims> ms{};
  std::size_t m = 0;  // merged dimensions, innermost first
  for (std::size_t i = cards.size(); i-- > 0;) {
    if (cards[i] == 1) continue;
    if (m > 0) {
      bool mergeable = true;
      for (std::size_t k = 0; k < K; ++k)
        if (strides[i][k] != ms[m - 1][k] * mc[m - 1]) mergeable = false;
      if (mergeable) {
        mc[m - 1] *= cards[i];
        continue;
      }
    }
    if (m == kMaxDims) throw LimitError("a factor has more than 64 dimensions of size > 1");
    mc[m] = cards[i];
    ms[m] = strides[i];
    ++m;
  }
  Walk<K> w;
  if (m > 0) {
    w.inner = mc[0];
    w.inner_stride = ms[0];
  }
  // Outer dimensions in storage order (outermost first).
  for (std::size_t j = 1; j < m; ++j) {
    w.cards[m - 1 - j] = mc[j];
    w.strides[m - 1 - j] = ms[j];
  }
  w.dims = m > 0 ? m - 1 : 0;
  return w;
}

// Calls inner(offsets) once per outer position, offsets being each stream's start of the run.
template <std::size_t K, class Inner>
void for_each_run(const Walk<K>& w, std::array<std::size_t, K> off, Inner&& inner) {
  const std::size_t nd = w.dims;
  if (nd == 0) {
    inner(off);
    return;
  }
  std::array<std::size_t, kMaxDims> count{};
  for (;;) {
    inner(off);
    std::size_t d = nd;
    for (;;) {
      --d;
      if (++count[d] < w.cards[d]) {
        for (std::size_t k = 0; k < K; ++k) off[k] += w.strides[d][k];
        break;
      }
      count[d] = 0;
      for (std::size_t k = 0; k < K; ++k) off[k] -= w.strides[d][k] * (w.cards[d] - 1);
      if (d == 0) return;
    }
  }
}

// ---- Tiles ---------------------------------------------------------------------------------------
// A walk whose innermost run is short (a CPT over scattered variables multiplied into a clique,
// summing out the fastest variable, every-other-variable marginals) would pay the odometer every
// few entries and run at a fraction of the memory bandwidth. Instead the innermost dimensions are
// grouped into a tile of up to kTile entries whose per-stream offsets are tabulated once; each
// outer position then runs one tight loop over the tile: contiguous where a stream is contiguous
// over the tile (vectorised), a broadcast where it is constant, a gather through the table
// otherwise. A small operand that would be gathered is instead expanded once into contiguous
// tiles (one per distinct outer offset), so the common big × small product is a pure streaming loop.

// Runs at least this long are walked run by run (the odometer is then amortised).
constexpr std::size_t kLongRun = 64;
// Tables this small are walked run by run too: setting up a tile would cost more than the walk.
constexpr std::size_t kSmallTable = 512;

template <std::size_t K>
std::size_t walk_size(const Walk<K>& w) {
  std::size_t n = w.inner;
  for (std::size_t j = 0; j < w.dims; ++j) n *= w.cards[j];
  return n;
}
// Entries per tile: its offset tables and output block stay in L1.
constexpr std::size_t kTile = 1024;
// Expand a gathered operand when its expanded tiles take at most this many doubles (256 KiB, L2).
constexpr std::size_t kExpandBudget = std::size_t{1} << 15;
// A sum-out whose output has at most this many entries (256 KiB) reads its input in storage order.
constexpr std::size_t kCachedOutput = std::size_t{1} << 15;

template <std::size_t K>
struct Dim {
  std::size_t card;
  std::array<std::size_t, K> stride;
};

// Merged dimensions, innermost first (one more slot than kMaxDims for a tile split).
template <std::size_t K>
struct Dims {
  std::array<Dim<K>, kMaxDims + 1> d{};
  std::size_t n = 0;
};

template <std::size_t K>
Dims<K> merged_dims(const Walk<K>& w) {
  Dims<K> ds;
  if (w.inner == 1 && w.dims == 0) return ds;
  ds.d[ds.n++] = {w.inner, w.inner_stride};
  for (std::size_t j = w.dims; j-- > 0;) ds.d[ds.n++] = {w.cards[j], w.strides[j]};
  return ds;
}

// A walk over dims [from, to) of ds (innermost first) with no inner run: for_each_run calls its
// functor once per position.
template <std::size_t K>
Walk<K> positions(const Dim<K>* dims, std::size_t count) {
  Walk<K> w;
  w.inner = 1;
  w.dims = count;
  for (std::size_t j = 0; j < count; ++j) {
    w.cards[count - 1 - j] = dims[j].card;
    w.strides[count - 1 - j] = dims[j].stride;
  }
  return w;
}

// Takes the innermost dimensions into a tile of at most `max` entries, splitting the first one that
// does not fit when a divisor allows. Returns the number of tile dimensions; `t` gets the tile size.
template <std::size_t K>
std::size_t take_tile(Dims<K>& ds, std::size_t max, std::size_t& t) {
  t = 1;
  std::size_t i = 0;
  while (i < ds.n) {
    const std::size_t c = ds.d[i].card;
    if (t * c <= max) {
      t *= c;
      ++i;
      continue;
    }
    std::size_t q = max / t;
    while (q >= 2 && c % q != 0) --q;
    if (q >= 2) {
      for (std::size_t j = ds.n; j > i + 1; --j) ds.d[j] = ds.d[j - 1];
      ++ds.n;
      Dim<K> outer = ds.d[i];
      outer.card = c / q;
      for (auto& s : outer.stride) s *= q;
      ds.d[i].card = q;
      ds.d[i + 1] = outer;
      t *= q;
      ++i;
    }
    break;
  }
  return i;
}

// Offsets of stream k at each tile position, row-major over dims[0, count) (innermost fastest),
// restricted to the dims where keep(dim) holds.
// Offsets over one tile, on the stack: operations on small tables must not allocate.
struct Offsets {
  std::array<std::size_t, kTile> v;
  std::size_t n = 1;
  [[nodiscard]] std::size_t size() const noexcept { return n; }
  [[nodiscard]] const std::size_t* data() const noexcept { return v.data(); }
  std::size_t operator[](std::size_t i) const noexcept { return v[i]; }
};

template <std::size_t K, class Keep>
Offsets tile_offsets(const Dim<K>* dims, std::size_t count, std::size_t k, Keep keep) {
  Offsets off;
  off.v[0] = 0;
  for (std::size_t j = 0; j < count; ++j) {
    if (!keep(dims[j])) continue;
    const std::size_t n = off.n;
    for (std::size_t c = 1; c < dims[j].card; ++c)
      for (std::size_t i = 0; i < n; ++i) off.v[c * n + i] = off.v[i] + c * dims[j].stride[k];
    off.n = n * dims[j].card;
  }
  return off;
}

enum class Mode { kContiguous, kBroadcast, kGather };

Mode mode_of(const Offsets& off) {
  bool contiguous = true, zero = true;
  for (std::size_t i = 0; i < off.size(); ++i) {
    contiguous = contiguous && off[i] == i;
    zero = zero && off[i] == 0;
  }
  if (off.size() > 1 && zero) return Mode::kBroadcast;
  return contiguous ? Mode::kContiguous : Mode::kGather;
}

template <Mode M>
inline double load(const double* p, const std::size_t* off, std::size_t i) {
  if constexpr (M == Mode::kContiguous) return p[i];
  else if constexpr (M == Mode::kBroadcast) return p[0];
  else return p[off[i]];
}

// o[i] = op(x…, y…) over the output in storage order, with x and y walked by strides st[d] = {a, b}
// (0 where a variable is absent). x may be o itself (in-place product): every entry is read
// before it is written at the same position.
template <class Op>
void combine_kernel(std::span<const std::size_t> cards, std::span<const std::array<std::size_t, 2>> st,
                    const double* av, const double* bv, double* o, Op op) {
  const auto w = make_walk<2>(cards, st);
  if (w.inner >= kLongRun || w.dims == 0 || walk_size(w) <= kSmallTable) {
    const std::size_t n = w.inner;
    const std::size_t sa = w.inner_stride[0];
    const std::size_t sb = w.inner_stride[1];
    for_each_run<2>(w, {0, 0}, [&](const std::array<std::size_t, 2>& off) {
      const double* x = av + off[0];
      const double* y = bv + off[1];
      if (sa == 1 && sb == 1) {
        for (std::size_t i = 0; i < n; ++i) o[i] = op(x[i], y[i]);
      } else if (sa == 1 && sb == 0) {
        const double yv = *y;
        for (std::size_t i = 0; i < n; ++i) o[i] = op(x[i], yv);
      } else if (sa == 0 && sb == 1) {
        const double xv = *x;
        for (std::size_t i = 0; i < n; ++i) o[i] = op(xv, y[i]);
      } else {
        for (std::size_t i = 0; i < n; ++i) o[i] = op(x[i * sa], y[i * sb]);
      }
      o += n;
    });
    return;
  }
  Dims<2> ds = merged_dims(w);
  std::size_t t = 0;
  const std::size_t nt = take_tile(ds, kTile, t);
  const auto all = [](const Dim<2>&) { return true; };
  const std::array<Offsets, 2> off{tile_offsets(ds.d.data(), nt, 0, all), tile_offsets(ds.d.data(), nt, 1, all)};
  std::array<Mode, 2> mode{mode_of(off[0]), mode_of(off[1])};
  const std::array<const double*, 2> src{av, bv};
  // Outer dims with two more streams: offsets into each stream's expanded tiles.
  std::array<Dim<4>, kMaxDims + 1> outer{};
  const std::size_t no = ds.n - nt;
  for (std::size_t j = 0; j < no; ++j) {
    const auto& d = ds.d[nt + j];
    outer[j] = {d.card, {d.stride[0], d.stride[1], 0, 0}};
  }
  // Scratch reused across calls (up to kExpandBudget doubles each): no allocation per operation.
  thread_local std::array<std::vector<double>, 2> expanded;
  std::array<bool, 2> is_expanded{false, false};
  for (std::size_t k = 0; k < 2; ++k) {
    if (mode[k] != Mode::kGather || (k == 0 && av == o)) continue;
    std::size_t distinct = 1;
    for (std::size_t j = 0; j < no; ++j)
      if (outer[j].stride[k] != 0) distinct *= outer[j].card;
    if (distinct > kExpandBudget / t) continue;
    // One contiguous tile per distinct outer offset of this stream, in odometer order.
    std::array<Dim<1>, kMaxDims + 1> moving{};
    std::size_t nm = 0, e = t;
    for (std::size_t j = 0; j < no; ++j) {
      if (outer[j].stride[k] == 0) continue;
      moving[nm++] = {outer[j].card, {outer[j].stride[k]}};
      outer[j].stride[2 + k] = e;
      e *= outer[j].card;
    }
    auto& ex = expanded[k];
    if (ex.size() < distinct * t) ex.resize(distinct * t);
    is_expanded[k] = true;
    double* dst = ex.data();
    const double* s = src[k];
    const std::size_t* tab = off[k].data();
    for_each_run<1>(positions<1>(moving.data(), nm), {0}, [&](const std::array<std::size_t, 1>& p) {
      for (std::size_t i = 0; i < t; ++i) dst[i] = s[p[0] + tab[i]];
      dst += t;
    });
    mode[k] = Mode::kContiguous;
  }
  const bool ex_a = is_expanded[0], ex_b = is_expanded[1];
  const double* base_a = ex_a ? expanded[0].data() : av;
  const double* base_b = ex_b ? expanded[1].data() : bv;
  const auto run = [&]<Mode MA, Mode MB>() {
    const std::size_t* ta = off[0].data();
    const std::size_t* tb = off[1].data();
    for_each_run<4>(positions<4>(outer.data(), no), {0, 0, 0, 0}, [&](const std::array<std::size_t, 4>& p) {
      const double* x = base_a + (ex_a ? p[2] : p[0]);
      const double* y = base_b + (ex_b ? p[3] : p[1]);
      for (std::size_t i = 0; i < t; ++i) o[i] = op(load<MA>(x, ta, i), load<MB>(y, tb, i));
      o += t;
    });
  };
  using M = Mode;
  switch (3 * static_cast<int>(mode[0]) + static_cast<int>(mode[1])) {
    case 0: run.template operator()<M::kContiguous, M::kContiguous>(); break;
    case 1: run.template operator()<M::kContiguous, M::kBroadcast>(); break;
    case 2: run.template operator()<M::kContiguous, M::kGather>(); break;
    case 3: run.template operator()<M::kBroadcast, M::kContiguous>(); break;
    case 4: run.template operator()<M::kBroadcast, M::kBroadcast>(); break;
    case 5: run.template operator()<M::kBroadcast, M::kGather>(); break;
    case 6: run.template operator()<M::kGather, M::kContiguous>(); break;
    case 7: run.template operator()<M::kGather, M::kBroadcast>(); break;
    default: run.template operator()<M::kGather, M::kGather>(); break;
  }
}

// o[i] = x[base + …] over the output in storage order, x walked by strides st[d] (a permutation
// or a restriction by evidence).
void gather_kernel(std::span<const std::size_t> cards, std::span<const std::array<std::size_t, 1>> st,
                   std::size_t base, const double* x, double* o) {
  const auto w = make_walk<1>(cards, st);
  if (w.inner >= kLongRun || w.dims == 0 || walk_size(w) <= kSmallTable) {
    const std::size_t n = w.inner, s = w.inner_stride[0];
    for_each_run<1>(w, {base}, [&](const std::array<std::size_t, 1>& off) {
      if (s == 1) std::copy(x + off[0], x + off[0] + n, o);
      else
        for (std::size_t i = 0; i < n; ++i) o[i] = x[off[0] + i * s];
      o += n;
    });
    return;
  }
  Dims<1> ds = merged_dims(w);
  std::size_t t = 0;
  const std::size_t nt = take_tile(ds, kTile, t);
  // Contiguous runs inside the tile (evidence on a few variables) are copied as runs.
  if (nt >= 2 && ds.d[0].stride[0] == 1 && ds.d[0].card >= 4) {
    const std::size_t n = ds.d[0].card;
    const auto runs = tile_offsets(ds.d.data() + 1, nt - 1, 0, [](const Dim<1>&) { return true; });
    const std::size_t nrun = runs.size();
    const std::size_t* ri = runs.data();
    for_each_run<1>(positions<1>(ds.d.data() + nt, ds.n - nt), {base}, [&](const std::array<std::size_t, 1>& p) {
      const double* src = x + p[0];
      for (std::size_t r = 0; r < nrun; ++r) {
        const double* s = src + ri[r];
        for (std::size_t i = 0; i < n; ++i) o[i] = s[i];
        o += n;
      }
    });
    return;
  }
  const auto tab = tile_offsets(ds.d.data(), nt, 0, [](const Dim<1>&) { return true; });
  const std::size_t* ti = tab.data();
  for_each_run<1>(positions<1>(ds.d.data() + nt, ds.n - nt), {base}, [&](const std::array<std::size_t, 1>& p) {
    const double* src = x + p[0];
    for (std::size_t i = 0; i < t; ++i) o[i] = src[ti[i]];
    o += t;
  });
}

// y[…] = acc over the dropped dimensions of x, y walked with strides st[d] = {x, y} where y's
// stride is 0 for a dropped dimension; y is written completely (init, then accumulated). Each
// output entry accumulates its inputs in storage order, as a plain walk over x would, so results
// do not depend on the tiling.
template <class Acc>
void fold_kernel(std::span<const std::size_t> cards, std::span<const std::array<std::size_t, 2>> st,
                 const double* x, double* y, double init, Acc acc) {
  const auto w = make_walk<2>(cards, st);
  if (walk_size(w) <= kSmallTable) {
    // Small input: fill the output, then one walk over the input in storage order.
    std::size_t out = 1;
    for (std::size_t d = 0; d < cards.size(); ++d)
      if (st[d][1] != 0) out *= cards[d];
    std::fill(y, y + out, init);
    const std::size_t n = w.inner, so = w.inner_stride[1];
    for_each_run<2>(w, {0, 0}, [&](const std::array<std::size_t, 2>& off) {
      const double* xr = x + off[0];
      double* yr = y + off[1];
      if (so == 0) {
        double s = *yr;
        for (std::size_t i = 0; i < n; ++i) s = acc(s, xr[i]);
        *yr = s;
      } else {
        for (std::size_t i = 0; i < n; ++i) yr[i * so] = acc(yr[i * so], xr[i]);
      }
    });
    return;
  }
  Dims<2> ds = merged_dims(w);
  std::size_t t = 0;
  const std::size_t nt = take_tile(ds, kTile, t);
  const auto kept = [](const Dim<2>& d) { return d.stride[1] != 0; };
  const auto dropped = [](const Dim<2>& d) { return d.stride[1] == 0; };
  // Within the tile: input offsets of the kept positions (whose outputs are the contiguous block
  // y[0, nk): the kept tile dimensions are the output's innermost) and of the dropped positions.
  const auto koff = tile_offsets(ds.d.data(), nt, 0, kept);
  const auto roff = tile_offsets(ds.d.data(), nt, 0, dropped);
  const std::size_t nk = koff.size(), nr = roff.size();
  const bool kept_contiguous = mode_of(koff) != Mode::kGather;
  // Kept positions at a uniform input stride (0 when not uniform).
  std::size_t kept_stride = nk > 1 ? koff[1] : 0;
  for (std::size_t k = 0; k < nk && kept_stride != 0; ++k)
    if (koff[k] != k * kept_stride) kept_stride = 0;
  const std::size_t* kt = koff.data();
  const std::size_t* rt = roff.data();
  // Accumulates one input tile at xb into the output block yb.
  bool prefetch = false;  // whether the next tile follows this one in memory (set below)
  const auto tile = [&](const double* xb, double* yb) {
    if (nr == 1) {
      for (std::size_t k = 0; k < nk; ++k) yb[k] = acc(yb[k], xb[k]);  // the tile is contiguous
      return;
    }
    if (nk == 1) {
      double s = yb[0];
      for (std::size_t r = 0; r < nr; ++r) s = acc(s, xb[r]);
      yb[0] = s;
      return;
    }
    // The loops below read the tile out of order, which the hardware prefetcher does not follow:
    // fetch it ahead, one cache line (8 doubles) at a time, while the previous tile is summed.
    if (prefetch)
      for (std::size_t i = 0; i < t; i += 8) __builtin_prefetch(xb + t + i);
    // Accumulate in a local block, which provably does not alias the input (so the compiler keeps
    // the loop free of reloads), then store it back once.
    std::array<double, kTile> buf;
    std::copy(yb, yb + nk, buf.data());
    double* b = buf.data();
    if (kept_contiguous) {
      for (std::size_t r = 0; r < nr; ++r) {
        const double* xr = xb + rt[r];
        for (std::size_t k = 0; k < nk; ++k) b[k] = acc(b[k], xr[k]);
      }
    } else if (kept_stride == 2) {  // the fastest variable summed out: pairs, vectorised
      for (std::size_t r = 0; r < nr; ++r) {
        const double* xr = xb + rt[r];
        for (std::size_t k = 0; k < nk; ++k) b[k] = acc(b[k], xr[2 * k]);
      }
    } else if (kept_stride != 0) {
      for (std::size_t r = 0; r < nr; ++r) {
        const double* xr = xb + rt[r];
        for (std::size_t k = 0; k < nk; ++k) b[k] = acc(b[k], xr[k * kept_stride]);
      }
    } else {
      for (std::size_t r = 0; r < nr; ++r) {
        const double* xr = xb + rt[r];
        for (std::size_t k = 0; k < nk; ++k) b[k] = acc(b[k], xr[kt[k]]);
      }
    }
    std::copy(b, b + nk, yb);
  };
  // Outside the tile, the dimensions [nt, nb) are walked in storage order, reading the input
  // sequentially: the output entries they reach (ext) stay in cache. Beyond nb, kept dimensions
  // go outermost, so each output block is finished before the next and the output is written
  // once; the dropped ones run inside them. A small output is all one block.
  std::size_t ext = nk, nb = nt;
  for (; nb < ds.n; ++nb) {
    if (!kept(ds.d[nb])) continue;
    if (ext * ds.d[nb].card > kCachedOutput) break;
    ext *= ds.d[nb].card;
  }
  prefetch = nb > nt;  // inside a block the next tile follows this one
  const auto block = positions<2>(ds.d.data() + nt, nb - nt);
  std::array<Dim<2>, kMaxDims + 1> ko{};
  std::array<Dim<1>, kMaxDims + 1> ro{};
  std::size_t nko = 0, nro = 0;
  for (std::size_t j = nb; j < ds.n; ++j) {
    if (kept(ds.d[j])) ko[nko++] = ds.d[j];
    else ro[nro++] = {ds.d[j].card, {ds.d[j].stride[0]}};
  }
  const auto dropped_walk = positions<1>(ro.data(), nro);
  for_each_run<2>(positions<2>(ko.data(), nko), {0, 0}, [&](const std::array<std::size_t, 2>& pk) {
    double* yb = y + pk[1];
    std::fill(yb, yb + ext, init);
    for_each_run<1>(dropped_walk, {pk[0]}, [&](const std::array<std::size_t, 1>& pr) {
      for_each_run<2>(block, {pr[0], 0},
                      [&](const std::array<std::size_t, 2>& p) { tile(x + p[0], yb + p[1]); });
    });
  });
}

// Zero cardinalities are a model error; sizes that overflow or exceed max_table_bytes() a LimitError
// naming the true size, checked before anything is allocated.
std::size_t checked_size(const std::vector<std::size_t>& cards) {
  for (std::size_t c : cards)
    if (c == 0) throw ModelError("a variable of a factor has no states");
  return checked_table_size(cards);
}

// Sorted union of two sorted scopes with cardinalities.
void scope_union(const Factor& a, const Factor& b, std::vector<VariableId>& vars, std::vector<std::size_t>& cards) {
  const auto& av = a.variables();
  const auto& bv = b.variables();
  std::size_t i = 0, j = 0;
  while (i < av.size() || j < bv.size()) {
    if (j == bv.size() || (i < av.size() && av[i] < bv[j])) {
      vars.push_back(av[i]);
      cards.push_back(a.cardinalities()[i++]);
    } else if (i == av.size() || bv[j] < av[i]) {
      vars.push_back(bv[j]);
      cards.push_back(b.cardinalities()[j++]);
    } else {
      if (a.cardinalities()[i] != b.cardinalities()[j])
        throw ModelError("variable " + std::to_string(av[i]) + " has different cardinalities in two factors");
      vars.push_back(av[i]);
      cards.push_back(a.cardinalities()[i]);
      ++i;
      ++j;
    }
  }
}

}  // namespace

// Gives the operations access to the private representation without exposing a mutable scope.
class FactorAccess {
 public:
  // A factor whose entries are left uninitialised: every caller writes each of them.
  static Factor make_uninitialized(std::vector<VariableId> vars, std::vector<std::size_t> cards) {
    const std::size_t n = checked_size(cards);
    Factor f;
    f.variables_ = std::move(vars);
    f.cards_ = std::move(cards);
    f.values_.resize(n);
    f.compute_strides();
    return f;
  }
};

Factor::Factor() : values_{1.0} {}

Factor::Factor(std::vector<VariableId> variables, std::vector<std::size_t> cardinalities, std::vector<double> values) {
  if (variables.size() != cardinalities.size())
    throw ModelError("factor has " + std::to_string(variables.size()) + " variables but " +
                     std::to_string(cardinalities.size()) + " cardinalities");
  const std::size_t n = checked_size(cardinalities);
  if (values.size() != n)
    throw ModelError("factor table has " + std::to_string(values.size()) + " values; its scope needs " +
                     std::to_string(n));
  std::vector<std::size_t> perm(variables.size());
  std::iota(perm.begin(), perm.end(), 0);
  std::sort(perm.begin(), perm.end(), [&](std::size_t x, std::size_t y) { return variables[x] < variables[y]; });
  for (std::size_t i = 1; i < perm.size(); ++i)
    if (variables[perm[i]] == variables[perm[i - 1]])
      throw ModelError("variable " + std::to_string(variables[perm[i]]) + " appears twice in a factor's scope");
  const bool sorted = std::is_sorted(perm.begin(), perm.end());
  variables_.resize(variables.size());
  cards_.resize(variables.size());
  for (std::size_t i = 0; i < perm.size(); ++i) {
    variables_[i] = variables[perm[i]];
    cards_[i] = cardinalities[perm[i]];
  }
  compute_strides();
  if (sorted) {
    values_.assign(values.begin(), values.end());
    return;
  }
  // Input strides (row-major in the given order), then gather in canonical order.
  std::vector<std::size_t> in_strides(variables.size());
  std::size_t s = 1;
  for (std::size_t i = variables.size(); i-- > 0;) {
    in_strides[i] = s;
    s *= cardinalities[i];
  }
  std::vector<std::array<std::size_t, 1>> st(perm.size());
  for (std::size_t i = 0; i < perm.size(); ++i) st[i] = {in_strides[perm[i]]};
  values_.resize(n);
  gather_kernel(cards_, st, 0, values.data(), values_.data());
}

void Factor::compute_strides() {
  strides_.assign(cards_.size(), 1);
  std::size_t s = 1;
  for (std::size_t i = cards_.size(); i-- > 0;) {
    strides_[i] = s;
    s *= cards_[i];
  }
}

Factor Factor::scalar(double value) {
  Factor f;
  f.values_[0] = value;
  return f;
}

Factor Factor::constant(std::vector<VariableId> variables, std::vector<std::size_t> cardinalities, double value) {
  // Every entry is the same, so no permutation is needed: sort the scope and fill the table in place.
  if (variables.size() != cardinalities.size())
    throw ModelError("factor has " + std::to_string(variables.size()) + " variables but " +
                     std::to_string(cardinalities.size()) + " cardinalities");
  std::vector<std::size_t> perm(variables.size());
  std::iota(perm.begin(), perm.end(), 0);
  std::sort(perm.begin(), perm.end(), [&](std::size_t x, std::size_t y) { return variables[x] < variables[y]; });
  std::vector<VariableId> vars(perm.size());
  std::vector<std::size_t> cards(perm.size());
  for (std::size_t i = 0; i < perm.size(); ++i) {
    vars[i] = variables[perm[i]];
    cards[i] = cardinalities[perm[i]];
    if (i > 0 && vars[i] == vars[i - 1])
      throw ModelError("variable " + std::to_string(vars[i]) + " appears twice in a factor's scope");
  }
  Factor f = FactorAccess::make_uninitialized(std::move(vars), std::move(cards));
  std::fill(f.values_.begin(), f.values_.end(), value);
  return f;
}

Factor Factor::constant(const VariableSet& vars, std::vector<VariableId> variables, double value) {
  std::vector<std::size_t> cards;
  cards.reserve(variables.size());
  for (VariableId v : variables) cards.push_back(vars[v].cardinality());
  return constant(std::move(variables), std::move(cards), value);
}

bool Factor::contains(VariableId v) const noexcept { return position(v) < variables_.size(); }

std::size_t Factor::position(VariableId v) const noexcept {
  auto it = std::lower_bound(variables_.begin(), variables_.end(), v);
  if (it != variables_.end() && *it == v) return static_cast<std::size_t>(it - variables_.begin());
  return variables_.size();
}

std::size_t Factor::cardinality(VariableId v) const {
  const std::size_t p = position(v);
  if (p == variables_.size()) throw QueryError("variable " + std::to_string(v) + " is not in the factor's scope");
  return cards_[p];
}

double Factor::at(std::span<const std::size_t> states) const {
  if (states.size() != variables_.size())
    throw QueryError("factor lookup needs " + std::to_string(variables_.size()) + " states, got " +
                     std::to_string(states.size()));
  std::size_t idx = 0;
  for (std::size_t i = 0; i < states.size(); ++i) {
    if (states[i] >= cards_[i]) throw QueryError("state index out of range in factor lookup");
    idx += states[i] * strides_[i];
  }
  return values_[idx];
}

double Factor::sum() const noexcept {
  double s = 0;
  for (double v : values_) s += v;
  return s;
}

double Factor::max() const noexcept { return values_.empty() ? 0.0 : *std::max_element(values_.begin(), values_.end()); }

std::vector<double> Factor::values_in_order(std::span<const VariableId> order) const {
  if (order.size() != variables_.size())
    throw QueryError("values_in_order needs a permutation of the factor's " + std::to_string(variables_.size()) +
                     " variables");
  std::vector<std::size_t> cards(order.size());
  std::vector<std::array<std::size_t, 1>> st(order.size());
  std::vector<bool> used(order.size(), false);
  for (std::size_t i = 0; i < order.size(); ++i) {
    const std::size_t p = position(order[i]);
    if (p == variables_.size() || used[p]) throw QueryError("values_in_order: not a permutation of the scope");
    used[p] = true;
    cards[i] = cards_[p];
    st[i] = {strides_[p]};
  }
  std::vector<double> out(values_.size());
  gather_kernel(cards, st, 0, values_.data(), out.data());
  return out;
}

namespace {

// out[i] = op(a[...], b[...]) over the union scope.
template <class Op>
void combine_into(const Factor& a, const Factor& b, Op op, Factor& r) {
  std::vector<VariableId> vars;
  std::vector<std::size_t> cards;
  scope_union(a, b, vars, cards);
  std::vector<std::array<std::size_t, 2>> st(vars.size());
  for (std::size_t d = 0; d < vars.size(); ++d) {
    const std::size_t pa = a.position(vars[d]);
    const std::size_t pb = b.position(vars[d]);
    st[d] = {pa < a.arity() ? a.strides()[pa] : 0, pb < b.arity() ? b.strides()[pb] : 0};
  }
  if (r.variables() != vars || r.cardinalities() != cards) r = FactorAccess::make_uninitialized(std::move(vars), std::move(cards));
  combine_kernel(r.cardinalities(), st, a.values().data(), b.values().data(), r.mutable_values().data(), op);
}

template <class Op>
Factor combine(const Factor& a, const Factor& b, Op op) {
  Factor r;
  combine_into(a, b, op, r);
  return r;
}

// Folds the variables of `drop` out of f with `acc` (sum or max), starting from `init`.
template <class Acc>
void fold_out_into(const Factor& f, const std::vector<bool>& drop_pos, double init, Acc acc, Factor& r) {
  std::vector<VariableId> vars;
  std::vector<std::size_t> cards;
  for (std::size_t d = 0; d < f.arity(); ++d) {
    if (!drop_pos[d]) {
      vars.push_back(f.variables()[d]);
      cards.push_back(f.cardinalities()[d]);
    }
  }
  if (r.variables() != vars || r.cardinalities() != cards) r = FactorAccess::make_uninitialized(vars, cards);
  // Walk the input in storage order; the output stride of a dropped dimension is 0.
  std::vector<std::array<std::size_t, 2>> st(f.arity());
  std::size_t k = 0;
  for (std::size_t d = 0; d < f.arity(); ++d) {
    st[d] = {f.strides()[d], drop_pos[d] ? 0 : r.strides()[k]};
    if (!drop_pos[d]) ++k;
  }
  fold_kernel(f.cardinalities(), st, f.values().data(), r.mutable_values().data(), init, acc);
}

template <class Acc>
Factor fold_out(const Factor& f, const std::vector<bool>& drop_pos, double init, Acc acc) {
  Factor r;
  fold_out_into(f, drop_pos, init, acc, r);
  return r;
}

}  // namespace

Factor multiply(const Factor& a, const Factor& b) {
  if (a.arity() == 0) return scale(b, a.values()[0]);
  if (b.arity() == 0) return scale(a, b.values()[0]);
  return combine(a, b, [](double x, double y) { return x * y; });
}

Factor operator*(const Factor& a, const Factor& b) { return multiply(a, b); }

void multiply_into(const Factor& a, const Factor& b, Factor& out) {
  if (&a == &out || &b == &out) {
    out = multiply(a, b);
    return;
  }
  combine_into(a, b, [](double x, double y) { return x * y; }, out);
}

Factor multiply_all(std::span<const Factor> factors) {
  if (factors.empty()) return Factor();
  // Multiply smallest first so large tables are touched once.
  std::vector<const Factor*> order;
  order.reserve(factors.size());
  for (const auto& f : factors) order.push_back(&f);
  std::sort(order.begin(), order.end(), [](const Factor* x, const Factor* y) { return x->size() < y->size(); });
  Factor r = *order[0];
  for (std::size_t i = 1; i < order.size(); ++i) r = multiply(r, *order[i]);
  return r;
}

Factor divide(const Factor& a, const Factor& b) {
  return combine(a, b, [](double x, double y) { return y == 0.0 ? 0.0 : x / y; });
}

Factor sum_out(const Factor& f, VariableId v) {
  const VariableId vs[1] = {v};
  return sum_out(f, vs);
}

Factor sum_out(const Factor& f, std::span<const VariableId> vs) {
  std::vector<bool> drop(f.arity(), false);
  bool any = false;
  for (VariableId v : vs) {
    const std::size_t p = f.position(v);
    if (p < f.arity()) drop[p] = any = true;
  }
  if (!any) return f;
  return fold_out(f, drop, 0.0, [](double s, double x) { return s + x; });
}

void sum_out_into(const Factor& f, std::span<const VariableId> vs, Factor& out) {
  std::vector<bool> drop(f.arity(), false);
  for (VariableId v : vs) {
    const std::size_t p = f.position(v);
    if (p < f.arity()) drop[p] = true;
  }
  fold_out_into(f, drop, 0.0, [](double s, double x) { return s + x; }, out);
}

Factor& Factor::operator*=(const Factor& b) {
  if (b.arity() == 0) {
    for (double& v : values_) v *= b.values_[0];
    return *this;
  }
  for (VariableId v : b.variables_)
    if (!contains(v)) return *this = multiply(*this, b);
  for (VariableId v : b.variables_)
    if (cards_[position(v)] != b.cards_[b.position(v)]) throw ModelError("variable " + std::to_string(v) + " has different cardinalities in two factors");
  std::vector<std::array<std::size_t, 2>> st(arity());
  for (std::size_t d = 0; d < arity(); ++d) {
    const std::size_t p = b.position(variables_[d]);
    st[d] = {strides_[d], p < b.arity() ? b.strides_[p] : 0};
  }
  double* o = values_.data();
  combine_kernel(cards_, st, o, b.values_.data(), o, [](double x, double y) { return x * y; });
  return *this;
}

Factor marginal(const Factor& f, std::span<const VariableId> keep) {
  std::vector<bool> drop(f.arity(), true);
  for (VariableId v : keep) {
    const std::size_t p = f.position(v);
    if (p < f.arity()) drop[p] = false;
  }
  if (std::none_of(drop.begin(), drop.end(), [](bool b) { return b; })) return f;
  return fold_out(f, drop, 0.0, [](double s, double x) { return s + x; });
}

Factor max_out(const Factor& f, VariableId v) {
  std::vector<bool> drop(f.arity(), false);
  const std::size_t p = f.position(v);
  if (p == f.arity()) return f;
  drop[p] = true;
  return fold_out(f, drop, -std::numeric_limits<double>::infinity(),
                  [](double s, double x) { return x > s ? x : s; });
}

Factor reduce(const Factor& f, const Evidence& evidence) {
  std::vector<VariableId> vars;
  std::vector<std::size_t> cards;
  std::vector<std::array<std::size_t, 1>> st;
  std::size_t base = 0;
  bool any = false;
  for (std::size_t d = 0; d < f.arity(); ++d) {
    const VariableId v = f.variables()[d];
    // Evidence is sorted and unique by construction, so the binary search finds every observation.
    if (const auto* it = evidence.find(v)) {
      if (it->second >= f.cardinalities()[d])
        throw QueryError("evidence state index " + std::to_string(it->second) + " out of range for variable " +
                         std::to_string(v));
      base += it->second * f.strides()[d];
      any = true;
    } else {
      vars.push_back(v);
      cards.push_back(f.cardinalities()[d]);
      st.push_back({f.strides()[d]});
    }
  }
  if (!any) return f;
  Factor r = FactorAccess::make_uninitialized(std::move(vars), std::move(cards));
  gather_kernel(r.cardinalities(), st, base, f.values().data(), r.mutable_values().data());
  return r;
}

Factor normalize(const Factor& f) {
  const double s = f.sum();
  if (!std::isfinite(s)) throw NumericalError("cannot normalise a factor whose total is not finite");
  if (s <= 0.0) throw ZeroProbabilityEvidence("cannot normalise: every entry is zero (the evidence has probability zero)");
  // Divide rather than multiply by 1/s, so a point mass comes out exactly 1.
  Factor r = f;
  for (double& v : r.mutable_values()) v /= s;
  return r;
}

Factor scale(const Factor& f, double s) {
  Factor r = f;
  for (double& v : r.mutable_values()) v *= s;
  return r;
}

std::ostream& operator<<(std::ostream& os, const Factor& f) {
  os << "Factor(";
  for (std::size_t i = 0; i < f.arity(); ++i) os << (i ? "," : "") << f.variables()[i] << ':' << f.cardinalities()[i];
  os << ") [";
  for (std::size_t i = 0; i < f.size() && i < 64; ++i) os << (i ? " " : "") << f.values()[i];
  if (f.size() > 64) os << " ...";
  return os << ']';
}

}  // namespace pgm
