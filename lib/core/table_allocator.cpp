#include <pgm/core/detail/table_allocator.hpp>
#include <pgm/core/error.hpp>
#include <pgm/core/size.hpp>

#include <sys/mman.h>

#include <array>
#include <cstdlib>
#include <mutex>
#include <utility>
#include <new>
#include <string>

namespace pgm::detail {
namespace {
constexpr std::size_t kHugePage = std::size_t{2} << 20;
// Below this, ordinary heap allocation is cheaper than a fresh aligned mapping.
constexpr std::size_t kLargeTable = std::size_t{4} << 20;

std::size_t rounded(std::size_t bytes) { return (bytes + kHugePage - 1) / kHugePage * kHugePage; }

// A few recently freed large tables, handed back to the next allocation of the same size. A fresh
// mapping costs a page fault per huge page and the kernel zero-fills every byte: for the repeated
// operations of a calibration (the same table sizes again and again) that was a full extra write
// pass over memory. At most kCacheBytes are held.
constexpr std::size_t kCacheBytes = std::size_t{256} << 20;
struct Cache {
  std::mutex mutex;
  std::array<std::pair<void*, std::size_t>, 4> blocks{};  // (pointer, rounded bytes); null when empty
  std::size_t bytes = 0;
};
Cache& cache() {
  static Cache c;
  return c;
}

void* take_cached(std::size_t size) {
  Cache& c = cache();
  const std::lock_guard lock(c.mutex);
  for (auto& [p, n] : c.blocks)
    if (p != nullptr && n == size) {
      void* r = p;
      p = nullptr;
      c.bytes -= n;
      return r;
    }
  return nullptr;
}

bool put_cached(void* block, std::size_t size) {
  if (size > kCacheBytes) return false;
  Cache& c = cache();
  const std::lock_guard lock(c.mutex);
  if (c.bytes + size > kCacheBytes) return false;
  for (auto& [p, n] : c.blocks)
    if (p == nullptr) {
      p = block;
      n = size;
      c.bytes += size;
      return true;
    }
  return false;
}
}  // namespace

void* allocate_table_bytes(std::size_t bytes) {
  check_table_entries(bytes / sizeof(double));
  if (bytes < kLargeTable) return ::operator new(bytes == 0 ? 1 : bytes);
  if (void* cached = take_cached(rounded(bytes))) return cached;
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
  if (!put_cached(p, rounded(bytes))) std::free(p);
}

}  // namespace pgm::detail
