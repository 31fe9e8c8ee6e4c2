#include <pgm/core/detail/table_allocator.hpp>
#include <pgm/core/error.hpp>
#include <pgm/core/size.hpp>

#include <sys/mman.h>

#include <cstdlib>
#include <new>
#include <string>

namespace pgm::detail {
namespace {
constexpr std::size_t kHugePage = std::size_t{2} << 20;
// Below this, ordinary heap allocation is cheaper than a fresh aligned mapping.
constexpr std::size_t kLargeTable = std::size_t{4} << 20;

std::size_t rounded(std::size_t bytes) { return (bytes + kHugePage - 1) / kHugePage * kHugePage; }
}  // namespace

void* allocate_table_bytes(std::size_t bytes) {
  check_table_entries(bytes / sizeof(double));
  if (bytes < kLargeTable) return ::operator new(bytes == 0 ? 1 : bytes);
  void* p = std::aligned_alloc(kHugePage, rounded(bytes));
  if (p == nullptr)
    throw LimitError("could not allocate " + std::to_string(bytes >> 20) + " MiB for a factor table: out of memory");
  // Advice only: without transparent huge pages the table still works, with more page faults.
  (void)::madvise(p, rounded(bytes), MADV_HUGEPAGE);
  return p;
}

void deallocate_table_bytes(void* p, std::size_t bytes) noexcept {
  if (p == nullptr) return;
  if (bytes < kLargeTable) {
    ::operator delete(p);
    return;
  }
  std::free(p);
}

}  // namespace pgm::detail
