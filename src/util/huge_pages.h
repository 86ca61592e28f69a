// Large per-job arrays (millions of entries) cost a page fault per 4 KiB when first written:
// a tenth of a 2-million-job simulation went there. advise_huge_pages() asks Linux to back
// such memory with 2 MiB pages instead (transparent huge pages, in their usual "madvise"
// mode), a fault per 2 MiB. A hint only: elsewhere, or when the kernel declines, nothing
// changes. Call it on memory not yet written, e.g. right after reserve().
#pragma once

#include <cstddef>
#include <vector>

namespace gpufleet {

// Advises the whole 2 MiB pages inside [data, data + bytes).
void advise_huge_pages(const void* data, size_t bytes);

// v.reserve(n), then the advice for its storage.
template <class T, class Alloc>
void reserve_huge(std::vector<T, Alloc>& v, size_t n) {
  v.reserve(n);
  advise_huge_pages(v.data(), v.capacity() * sizeof(T));
}

}  // namespace gpufleet
