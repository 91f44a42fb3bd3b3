// The plans a kernel object makes from its shift, kept between calls (ActiveShiftNchwc's channel
// block plans, ActiveShiftNhwcU8's channel chunk plans).
//
// Shifts are constant initializers in every real model, and on small maps making the plans costs
// about as much as the kernel. The key is the exact shift values (a copy, compared bytewise: no
// checksum that could collide, and a graph-input shift may change in a buffer at the same
// address) plus the sizes a plan depends on. Comparing 2C floats costs about what the per-call
// finiteness check did, which a hit makes unnecessary (the copy was checked when it was cached).
// A kernel whose shift values keep changing (a shift fed as a graph input) stops caching after
// kMaxValueRebuilds and plans per call: no allocation and copy per call for plans used once.
//
// Thread safety: Compute may run concurrently on one kernel object. A cached Entry is immutable
// once published; the mutex guards only the shared_ptr (copied out or replaced, never mutated in
// place), so a thread keeps using the Entry it took while another publishes a new one, and a new
// Entry is always built in memory no other thread can see yet.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <mutex>
#include <vector>

namespace asnet {

template <typename Plan>
class PlanCache {
 public:
  /// The sizes the plans depend on besides the shift values (unused fields 0).
  using Key = std::array<int64_t, 5>;

  struct Entry {
    Key key{};
    std::vector<float> shift;  // [C, 2], the values the plans were made from
    std::vector<Plan> plans;
    bool Matches(const Key& k, const float* s) const {
      return key == k && std::memcmp(shift.data(), s, sizeof(float) * shift.size()) == 0;
    }
  };

  /// Rebuilds for changed shift values after which the cache gives up (see above).
  static constexpr int kMaxValueRebuilds = 8;

  /// The cached entry when it matches key and shift exactly, else null.
  std::shared_ptr<const Entry> Find(const Key& key, const float* shift) const {
    std::shared_ptr<const Entry> e;
    {
      std::lock_guard<std::mutex> lock(mu_);
      e = entry_;
    }
    // Compared outside the lock: the entry is immutable and kept alive by e.
    return e != nullptr && e->Matches(key, shift) ? e : nullptr;
  }

  /// Makes `count` plans with make(const float* shift, Plan* plans) from the (validated) shift of
  /// `floats` values (2C, with C > 0, so the sizes fit) and publishes them for later calls; null
  /// when this kernel has seen its shift values change too often (the caller then plans per call).
  template <typename Make>
  std::shared_ptr<const Entry> Build(const Key& key, const float* shift, size_t floats, size_t count, Make&& make) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      // Only changed values count toward the limit: a new image size with the same shift (a
      // model with dynamic H, W) is a new geometry, not a sign of a shift fed per run.
      const bool values_changed =
          entry_ != nullptr && (entry_->shift.size() != floats ||
                                std::memcmp(entry_->shift.data(), shift, sizeof(float) * floats) != 0);
      if (values_changed && value_rebuilds_ >= kMaxValueRebuilds) return nullptr;
      if (values_changed) ++value_rebuilds_;
    }
    // Built outside the lock into memory only this thread sees; concurrent builders each make
    // their own and the last one published stays.
    auto e = std::make_shared<Entry>();
    e->key = key;
    e->shift.assign(shift, shift + floats);
    e->plans.resize(count);
    make(e->shift.data(), e->plans.data());
    std::shared_ptr<const Entry> published = std::move(e);
    std::lock_guard<std::mutex> lock(mu_);
    entry_ = published;
    return published;
  }

 private:
  mutable std::mutex mu_;
  std::shared_ptr<const Entry> entry_;  // guarded by mu_
  int value_rebuilds_ = 0;              // guarded by mu_: builds for changed shift values
};

}  // namespace asnet
