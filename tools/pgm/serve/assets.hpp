#pragma once
// The page's files (tools/pgm/serve/page/), embedded in the binary at build time by embed.cmake,
// so `pgm serve` fetches nothing from disk or from elsewhere.
#include <span>
#include <string_view>

namespace pgm::serve {

struct Asset {
  std::string_view path;          // "/index.html": the file's name under page/, with a leading '/'
  std::string_view content_type;  // by extension
  std::string_view bytes;
};

// Every embedded file, sorted by path.
[[nodiscard]] std::span<const Asset> page_assets() noexcept;

}  // namespace pgm::serve
