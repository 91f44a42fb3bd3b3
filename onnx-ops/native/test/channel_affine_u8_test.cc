// Native tests of the ChannelAffineU8 kernels (NCHW planes and channels-last pixels), every
// compiled kernel table, against the rule written from its definition in 64-bit integers: the
// bytes must be identical. Covers every input byte at extreme multipliers and offsets, odd channel
// counts and plane sizes (vector tails), split ranges, and the parameter check's bounds.
#include <cstdint>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "asnet/channel_affine_u8.h"
#include "ops/channel_affine_u8_ops.h"
#include "test_util.h"

namespace {

using asnet::ChannelAffineU8Params;
using asnet::Isa;
using asnet_test::AvailableIsas;

// The rule from its definition: floor((m * x + o) / 2^shift) clamped to [y_min, 255], in int64.
uint8_t Reference(int64_t m, int64_t o, int shift, int y_min, int x) {
  const int64_t v = m * x + o;
  // Floor division by 2^shift (an arithmetic shift rounds toward minus infinity).
  const int64_t d = int64_t{1} << shift;
  int64_t q = v / d;
  if (v % d != 0 && v < 0) --q;
  return static_cast<uint8_t>(q < y_min ? y_min : (q > 255 ? 255 : q));
}

struct Case {
  int64_t n, c, inner;  // NCHW [n, c, inner]; channels-last [n * inner, c]
  int shift, y_min;
};

void CheckCase(const Case& k, std::mt19937& rng) {
  std::vector<int32_t> m(k.c), o(k.c), sh(k.c);
  const int64_t limit = (int64_t{INT32_MAX}) / 255;
  for (int64_t c = 0; c < k.c; ++c) {
    // Extremes, then random values inside the bounds the check accepts.
    switch (c % 5) {
      case 0: m[c] = static_cast<int32_t>(limit); o[c] = INT32_MAX - static_cast<int32_t>(limit * 255); break;
      case 1: m[c] = static_cast<int32_t>(-limit); o[c] = INT32_MIN + static_cast<int32_t>(limit * 255); break;
      default: {
        std::uniform_int_distribution<int32_t> dm(-(1 << 20), 1 << 20);
        sh[c] = static_cast<int32_t>(rng() % 31);
        m[c] = dm(rng);
        const int64_t room = INT32_MAX - std::abs(int64_t{m[c]}) * 255;
        std::uniform_int_distribution<int64_t> dof(-room, room);
        o[c] = static_cast<int32_t>(dof(rng));
      }
    }
  }
  ChannelAffineU8Params p;
  p.multiplier = m.data();
  p.offset = o.data();
  for (int64_t c = 0; c < k.c; ++c) {
    if (c % 5 < 2) sh[c] = k.shift;
  }
  p.shift = sh.data();
  p.channels = k.c;
  p.y_min = static_cast<uint8_t>(k.y_min);
  CHECK(asnet::ChannelAffineU8Check(p).empty(), "valid params rejected: %s", asnet::ChannelAffineU8Check(p).c_str());
  const int64_t total = k.n * k.c * k.inner;
  std::vector<uint8_t> x(total);
  for (int64_t i = 0; i < total; ++i) x[i] = static_cast<uint8_t>(i % 256 == 0 ? rng() : i * 37 + 11);
  for (Isa isa : AvailableIsas()) {
    // NCHW, in two ranges of planes.
    std::vector<uint8_t> y(total, 0xAB);
    const int64_t planes = k.n * k.c, half = planes / 2;
    asnet::ChannelAffineU8Planes(isa, p, x.data(), y.data(), k.inner, 0, half);
    asnet::ChannelAffineU8Planes(isa, p, x.data(), y.data(), k.inner, half, planes);
    for (int64_t i = 0; i < total; ++i) {
      const int64_t c = (i / k.inner) % k.c;
      const uint8_t want = Reference(m[c], o[c], sh[c], k.y_min, x[i]);
      CHECK(y[i] == want, "%s NCHW [%lld,%lld,%lld] shift %d y_min %d: byte %lld (channel %lld, x %d) = %d, want %d",
            asnet::IsaName(isa), (long long)k.n, (long long)k.c, (long long)k.inner, k.shift, k.y_min, (long long)i,
            (long long)c, x[i], y[i], want);
    }
    // Channels-last, in two ranges of pixels.
    std::vector<uint8_t> z(total, 0xAB);
    const int64_t pixels = k.n * k.inner, mid = pixels / 3;
    asnet::ChannelAffineU8Pixels(isa, p, x.data(), z.data(), 0, mid);
    asnet::ChannelAffineU8Pixels(isa, p, x.data(), z.data(), mid, pixels);
    for (int64_t i = 0; i < total; ++i) {
      const int64_t c = i % k.c;
      const uint8_t want = Reference(m[c], o[c], sh[c], k.y_min, x[i]);
      CHECK(z[i] == want, "%s NHWC [%lld px, %lld ch] shift %d: byte %lld (channel %lld, x %d) = %d, want %d",
            asnet::IsaName(isa), (long long)pixels, (long long)k.c, k.shift, (long long)i, (long long)c, x[i], z[i],
            want);
    }
  }
}

void TestKernelsMatchRule() {
  std::mt19937 rng(41);
  const Case cases[] = {{1, 1, 1, 0, 0},     {1, 3, 7, 5, 0},      {2, 16, 49, 14, 0},  {1, 17, 256, 20, 3},
                        {3, 32, 196, 30, 0}, {1, 48, 784, 22, 255}, {2, 5, 1000, 8, 100}, {1, 64, 63, 1, 0},
                        {1, 96, 17, 16, 7},  {2, 1, 4097, 12, 0}};
  for (const Case& k : cases) CheckCase(k, rng);
}

// Every input byte against a typical requantization (a BatchNormalization folded by the quantizer):
// the rounding constant in the offset makes the shift round half up.
void TestEveryByte() {
  const int32_t m[] = {3 << 18, -(5 << 17), 1, 0};
  const int32_t o[] = {(-7 << 20) + (1 << 19), (200 << 20) + (1 << 19), 1 << 19, 77 << 20};
  const int32_t sh[] = {20, 20, 20, 20};
  ChannelAffineU8Params p;
  p.multiplier = m;
  p.offset = o;
  p.shift = sh;
  p.channels = 4;
  p.y_min = 0;
  std::vector<uint8_t> x(4 * 256), y(4 * 256);
  for (int c = 0; c < 4; ++c) {
    for (int v = 0; v < 256; ++v) x[c * 256 + v] = static_cast<uint8_t>(v);
  }
  for (Isa isa : AvailableIsas()) {
    asnet::ChannelAffineU8Planes(isa, p, x.data(), y.data(), 256, 0, 4);
    for (int c = 0; c < 4; ++c) {
      for (int v = 0; v < 256; ++v) {
        const uint8_t want = Reference(m[c], o[c], 20, 0, v);
        CHECK(y[c * 256 + v] == want, "%s channel %d x %d: %d, want %d", asnet::IsaName(isa), c, v, y[c * 256 + v], want);
      }
    }
  }
}

void TestCheckBounds() {
  const int32_t limit = INT32_MAX / 255;
  int32_t m[1] = {limit}, o[1] = {INT32_MAX - limit * 255}, sh[1] = {30};
  ChannelAffineU8Params p;
  p.multiplier = m;
  p.offset = o;
  p.shift = sh;
  p.channels = 1;
  CHECK(asnet::ChannelAffineU8Check(p).empty(), "the largest valid parameters were rejected");
  o[0] += 1;
  CHECK(asnet::ChannelAffineU8Check(p).find("channel 0") != std::string::npos, "offset overflow not caught");
  m[0] = limit + 1;
  o[0] = -INT32_MAX;
  CHECK(!asnet::ChannelAffineU8Check(p).empty(), "a multiplier whose product with 255 overflows was accepted");
  m[0] = -limit;
  o[0] = INT32_MIN + limit * 255;
  CHECK(asnet::ChannelAffineU8Check(p).empty(), "the most negative valid parameters were rejected");
  o[0] -= 1;
  CHECK(!asnet::ChannelAffineU8Check(p).empty(), "negative overflow not caught");
  o[0] = 0;
  sh[0] = 31;
  CHECK(asnet::ChannelAffineU8Check(p).find("shift") != std::string::npos, "a shift of 31 was accepted");
  sh[0] = -1;
  CHECK(!asnet::ChannelAffineU8Check(p).empty(), "a negative shift was accepted");
}

void TestInputShapes() {
  int64_t c = 0, outer = 0, inner = 0;
  using V = std::vector<int64_t>;
  CHECK(asnet::CheckChannelAffineU8Inputs(false, V{2, 3, 4, 5}, V{3}, V{3}, V{3}, &c, &outer, &inner).empty() && c == 3 &&
            outer == 6 && inner == 20,
        "NCHW geometry");
  CHECK(asnet::CheckChannelAffineU8Inputs(true, V{2, 4, 5, 3}, V{3}, V{3}, V{3}, &c, &outer, &inner).empty() && c == 3 &&
            outer == 40 && inner == 3,
        "NHWC geometry");
  CHECK(asnet::CheckChannelAffineU8Inputs(false, V{0, 3, 1LL << 40, 1LL << 40}, V{3}, V{3}, V{3}, &c, &outer, &inner).empty() &&
            outer == 0,
        "an empty X with huge dimensions is valid and empty");
  CHECK(asnet::CheckChannelAffineU8Inputs(false, V{2, 3, 4}, V{4}, V{3}, V{3}, &c, &outer, &inner).find("multiplier") !=
            std::string::npos,
        "channel mismatch of multiplier");
  CHECK(asnet::CheckChannelAffineU8Inputs(true, V{2, 3, 4}, V{4}, V{4, 1}, V{4}, &c, &outer, &inner).find("offset") !=
            std::string::npos,
        "bad offset shape");
  CHECK(asnet::CheckChannelAffineU8Inputs(false, V{2, 3, 4}, V{3}, V{3}, V{2}, &c, &outer, &inner).find("shift") !=
            std::string::npos,
        "bad shift shape");
  CHECK(!asnet::CheckChannelAffineU8Inputs(false, V{5}, V{5}, V{5}, V{5}, &c, &outer, &inner).empty(), "rank 1 X");
  CHECK(!asnet::CheckChannelAffineU8Inputs(false, V{1LL << 32, 1, 1LL << 32}, V{1}, V{1}, V{1}, &c, &outer, &inner).empty(),
        "element count overflow");
}

}  // namespace

void RunChannelAffineU8Tests() {
  TestKernelsMatchRule();
  TestEveryByte();
  TestCheckBounds();
  TestInputShapes();
}
