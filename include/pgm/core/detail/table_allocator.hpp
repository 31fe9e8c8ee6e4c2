#pragma once
// Storage for factor tables. Every allocation is first checked against max_table_bytes()
// (LimitError, never std::bad_alloc, for a table that is too large). Two things matter for tables of millions of entries:
// - no value-initialisation: every operation writes each entry it allocates, so zero-filling first
//   would be a wasted pass over memory;
// - fewer page faults: large tables are 2 MiB-aligned and advised as transparent huge pages, so a
//   fresh 128 MiB table faults 64 times instead of 32,768 (the faults, not the arithmetic, dominated
//   the allocating product and sum-out).
#include <cstddef>
#include <new>
#include <utility>

namespace pgm::detail {

void* allocate_table_bytes(std::size_t bytes);
void deallocate_table_bytes(void* p, std::size_t bytes) noexcept;

template <class T>
struct TableAllocator {
  using value_type = T;

  TableAllocator() noexcept = default;
  template <class U>
  TableAllocator(const TableAllocator<U>&) noexcept {}

  [[nodiscard]] T* allocate(std::size_t n) {
    if (n > static_cast<std::size_t>(-1) / sizeof(T)) throw std::bad_array_new_length();
    return static_cast<T*>(allocate_table_bytes(n * sizeof(T)));
  }
  void deallocate(T* p, std::size_t n) noexcept { deallocate_table_bytes(p, n * sizeof(T)); }

  // Default-initialise (for double: leave uninitialised) instead of value-initialising.
  template <class U>
  void construct(U* p) noexcept {
    ::new (static_cast<void*>(p)) U;
  }
  template <class U, class... Args>
  void construct(U* p, Args&&... args) {
    ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
  }

  friend bool operator==(const TableAllocator&, const TableAllocator&) noexcept { return true; }
};

}  // namespace pgm::detail
