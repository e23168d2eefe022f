// A fixed-size array of trivially copyable values, all zero bytes at the
// start, whose pages cost their fault only when a value on them is first
// written: a large one is an anonymous mapping of its own (the kernel's
// zero pages), a small one comes from calloc().
//
// Why: the model keeps tables by port (65,536 entries: when each ephemeral
// port is free again, which connection last took it). A std::vector of them
// writes every entry when it is made: 128 to 256 page faults per run, most
// of the 2003 stall scenario's run time (a model::run of ~1 ms of CPU; perf:
// 46% in PortAllocator's constructor), though a run like it takes a handful
// of ports. calloc() alone does not do it: once a process has freed a large
// block, glibc raises its mmap threshold and serves the next one from the
// heap, clearing it with memset (perf, page-faults: 64% of a run's faults in
// that memset, repeated runs in one process as a sweep makes them).
#pragma once

#include <sys/mman.h>

#include <cstddef>
#include <cstdlib>
#include <new>
#include <type_traits>
#include <utility>

namespace synsim {

template <class T>
class ZeroedArray {
  static_assert(std::is_trivially_copyable_v<T> && std::is_trivially_destructible_v<T>,
                "zero bytes must be a value of T, and nothing to destroy");

 public:
  explicit ZeroedArray(std::size_t n) : size_(n) {
    const std::size_t bytes = n * sizeof(T);
    if (bytes >= kMapBytes) {
      void* p = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
      if (p == MAP_FAILED) throw std::bad_alloc();
      data_ = static_cast<T*>(p);
      mapped_ = true;
    } else if (n > 0) {
      data_ = static_cast<T*>(std::calloc(n, sizeof(T)));
      if (data_ == nullptr) throw std::bad_alloc();
    }
  }
  ~ZeroedArray() { release(); }
  ZeroedArray(ZeroedArray&& o) noexcept
      : data_(std::exchange(o.data_, nullptr)), size_(std::exchange(o.size_, 0)), mapped_(o.mapped_) {}
  ZeroedArray& operator=(ZeroedArray&& o) noexcept {
    if (this != &o) {
      release();
      data_ = std::exchange(o.data_, nullptr);
      size_ = std::exchange(o.size_, 0);
      mapped_ = o.mapped_;
    }
    return *this;
  }
  ZeroedArray(const ZeroedArray&) = delete;
  ZeroedArray& operator=(const ZeroedArray&) = delete;

  T& operator[](std::size_t i) { return data_[i]; }
  const T& operator[](std::size_t i) const { return data_[i]; }
  std::size_t size() const { return size_; }

 private:
  // Below this, calloc(): a mapping's syscalls cost more than clearing.
  static constexpr std::size_t kMapBytes = 64 * 1024;

  void release() {
    if (data_ == nullptr) return;
    if (mapped_) {
      ::munmap(data_, size_ * sizeof(T));
    } else {
      std::free(data_);
    }
    data_ = nullptr;
  }

  T* data_ = nullptr;
  std::size_t size_ = 0;
  bool mapped_ = false;
};

}  // namespace synsim
