#include "gaussian/detail/dense.hpp"

#include <pgm/gaussian/gaussian.hpp>

#include <Eigen/Cholesky>

#include <algorithm>
#include <cmath>
#include <atomic>
#include <vector>

#ifdef PGM_HAVE_OPENBLAS
// Fortran LAPACK/BLAS entry points as OpenBLAS exports them (column-major, every argument by
// pointer, hidden string lengths last). Declared here so no cblas.h/lapacke.h of another BLAS
// found first on the include path can mismatch the library linked.
extern "C" {
void dpotrf_(const char* uplo, const int* n, double* a, const int* lda, int* info, std::size_t);
void dpocon_(const char* uplo, const int* n, const double* a, const int* lda, const double* anorm, double* rcond,
             double* work, int* iwork, int* info, std::size_t);
void dtrsm_(const char* side, const char* uplo, const char* transa, const char* diag, const int* m, const int* n,
            const double* alpha, const double* a, const int* lda, double* b, const int* ldb, std::size_t, std::size_t,
            std::size_t, std::size_t);
void dsyrk_(const char* uplo, const char* trans, const int* n, const int* k, const double* alpha, const double* a,
            const int* lda, const double* beta, double* c, const int* ldc, std::size_t, std::size_t);
void openblas_set_num_threads(int);
}
#endif

namespace pgm {
namespace {
std::atomic<int> g_threads{1};
#ifdef PGM_HAVE_OPENBLAS
std::atomic<int> g_applied{0};  // what OpenBLAS was last told (0: nothing yet)

// OpenBLAS's thread count is process-wide; set it before each use in case it changed.
void apply_threads() {
  const int want = g_threads.load(std::memory_order_relaxed);
  if (g_applied.exchange(want, std::memory_order_relaxed) != want) openblas_set_num_threads(want);
}

int blas_int(Eigen::Index n) { return static_cast<int>(n); }
#endif
}  // namespace

void set_linear_algebra_threads(int n) noexcept { g_threads.store(std::max(n, 1), std::memory_order_relaxed); }
int linear_algebra_threads() noexcept { return g_threads.load(std::memory_order_relaxed); }

namespace gaussian_detail {

bool dense_uses_blas() noexcept {
#ifdef PGM_HAVE_OPENBLAS
  return true;
#else
  return false;
#endif
}

DenseCholesky::DenseCholesky(const Eigen::MatrixXd& m) : l_(m) {
  const Eigen::Index n = m.rows();
#ifdef PGM_HAVE_OPENBLAS
  // The 1-norm for rcond(): the largest column sum of |m| (both triangles are stored).
  if (n > 0) l1_norm_ = m.cwiseAbs().colwise().sum().maxCoeff();
#endif
  if (n == 0) {
    ok_ = true;
    return;
  }
#ifdef PGM_HAVE_OPENBLAS
  apply_threads();
  const int nn = blas_int(n);
  int info = 0;
  dpotrf_("L", &nn, l_.data(), &nn, &info, 1);
  ok_ = info == 0;
#else
  llt_.compute(m);
  ok_ = llt_.info() == Eigen::Success;
  l_ = llt_.matrixLLT();
#endif
  l_.triangularView<Eigen::StrictlyUpper>().setZero();
}

double DenseCholesky::rcond() const {
  if (!ok_) return 0;
  const Eigen::Index n = l_.rows();
  if (n == 0) return 1;
#ifdef PGM_HAVE_OPENBLAS
  const int nn = blas_int(n);
  std::vector<double> work(3 * static_cast<std::size_t>(n));
  std::vector<int> iwork(static_cast<std::size_t>(n));
  double rc = 0;
  int info = 0;
  dpocon_("L", &nn, l_.data(), &nn, &l1_norm_, &rc, work.data(), iwork.data(), &info, 1);
  return info == 0 ? rc : 0;
#else
  return llt_.rcond();
#endif
}

void DenseCholesky::solve_lower_in_place(Eigen::MatrixXd& b) const {
  if (b.size() == 0) return;
#ifdef PGM_HAVE_OPENBLAS
  apply_threads();
  const int m = blas_int(b.rows()), n = blas_int(b.cols()), lda = blas_int(l_.rows());
  const double one = 1.0;
  dtrsm_("L", "L", "N", "N", &m, &n, &one, l_.data(), &lda, b.data(), &m, 1, 1, 1, 1);
#else
  l_.triangularView<Eigen::Lower>().solveInPlace(b);
#endif
}

void DenseCholesky::solve_lower_in_place(Eigen::VectorXd& b) const {
  if (b.size() == 0) return;
  l_.triangularView<Eigen::Lower>().solveInPlace(b);
}

Eigen::MatrixXd DenseCholesky::solve(Eigen::MatrixXd b) const {
  solve_lower_in_place(b);
  l_.triangularView<Eigen::Lower>().transpose().solveInPlace(b);
  return b;
}

void subtract_gram(Eigen::MatrixXd& c, const Eigen::MatrixXd& w) {
  if (c.size() != 0 && w.rows() != 0) {
#ifdef PGM_HAVE_OPENBLAS
    apply_threads();
    const int n = blas_int(c.rows()), k = blas_int(w.rows());
    const double minus_one = -1.0, one = 1.0;
    dsyrk_("L", "T", &n, &k, &minus_one, w.data(), &k, &one, c.data(), &n, 1, 1);
#else
    c.selfadjointView<Eigen::Lower>().rankUpdate(w.transpose(), -1.0);
#endif
  }
  c.triangularView<Eigen::StrictlyUpper>() = c.transpose();
}

}  // namespace gaussian_detail
}  // namespace pgm
