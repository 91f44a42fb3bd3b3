// The training kernels (asnet/batch_norm.h) of every compiled instruction set against a
// double-precision reference written from the definitions, and that reference's gradient against
// central differences of its forward.
#include <cmath>
#include <cstring>
#include <random>
#include <vector>

#include "asnet/batch_norm.h"
#include "asnet/depthwise_conv.h"
#include "test_util.h"

namespace {

using asnet_test::AvailableIsas;
using asnet_test::failures;

struct BnReference {
  std::vector<double> y, mean, var, dx, dscale, dbias;
};

double Idx(const asnet::ChannelGeometry& g, int64_t n, int64_t c, int64_t i) {
  return static_cast<double>((n * g.c + c) * g.s + i);
}

// Straight from the definitions: two-pass statistics, xhat, and the textbook backward.
BnReference RunBnReference(const asnet::ChannelGeometry& g, const std::vector<double>& x,
                           const std::vector<double>& scale, const std::vector<double>& bias, double eps,
                           const std::vector<double>& dy) {
  BnReference r;
  r.y.assign(x.size(), 0.0);
  r.dx.assign(x.size(), 0.0);
  r.mean.assign(g.c, 0.0);
  r.var.assign(g.c, 0.0);
  r.dscale.assign(g.c, 0.0);
  r.dbias.assign(g.c, 0.0);
  const double m = static_cast<double>(g.count());
  for (int64_t c = 0; c < g.c; ++c) {
    if (g.count() == 0) continue;
    double mu = 0, var = 0;
    for (int64_t n = 0; n < g.n; ++n)
      for (int64_t i = 0; i < g.s; ++i) mu += x[Idx(g, n, c, i)];
    mu /= m;
    for (int64_t n = 0; n < g.n; ++n)
      for (int64_t i = 0; i < g.s; ++i) var += (x[Idx(g, n, c, i)] - mu) * (x[Idx(g, n, c, i)] - mu);
    var /= m;
    const double invstd = 1.0 / std::sqrt(var + eps);
    double sdy = 0, sdyxhat = 0;
    for (int64_t n = 0; n < g.n; ++n) {
      for (int64_t i = 0; i < g.s; ++i) {
        const double k = Idx(g, n, c, i), xhat = (x[k] - mu) * invstd;
        r.y[k] = scale[c] * xhat + bias[c];
        sdy += dy[k];
        sdyxhat += dy[k] * xhat;
      }
    }
    for (int64_t n = 0; n < g.n; ++n) {
      for (int64_t i = 0; i < g.s; ++i) {
        const double k = Idx(g, n, c, i), xhat = (x[k] - mu) * invstd;
        r.dx[k] = scale[c] * invstd * (dy[k] - sdy / m - xhat * sdyxhat / m);
      }
    }
    r.mean[c] = mu;
    r.var[c] = var;
    r.dbias[c] = sdy;
    r.dscale[c] = sdyxhat;
  }
  return r;
}

// Relative-to-scale comparison: |got - want| <= tol * (1 + |want|) or <= tol * scale.
bool Near(double got, double want, double tol, double scale = 1.0) {
  return std::fabs(got - want) <= tol * std::max(scale, std::fabs(want)) && std::isfinite(got);
}

double MaxAbs(const std::vector<double>& v) {
  double m = 1e-30;
  for (double d : v) m = std::max(m, std::fabs(d));
  return m;
}

// One BatchNormTraining / BatchNormTrainingGrad / ReluGrad case on one kernel table.
void CheckBnCase(asnet::Isa isa, int64_t n, int64_t c, int64_t s, double offset, double spread,
                 uint32_t seed) {
  const asnet::ChannelGeometry g{n, c, s};
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> u(-1, 1);
  const size_t size = static_cast<size_t>(n * c * s);
  std::vector<double> x(size), dy(size), scale(c), bias(c);
  for (auto& v : x) v = static_cast<float>(offset + spread * u(rng));
  for (auto& v : dy) v = static_cast<float>(u(rng));
  for (auto& v : scale) v = static_cast<float>(0.5 + u(rng));
  for (auto& v : bias) v = static_cast<float>(u(rng));
  const double eps = 1e-5;
  const BnReference ref = RunBnReference(g, x, scale, bias, eps, dy);

  std::vector<float> xf(x.begin(), x.end()), dyf(dy.begin(), dy.end()), sf(scale.begin(), scale.end()),
      bf(bias.begin(), bias.end());
  std::vector<float> y(size, NAN), mean(c, NAN), var(c, NAN), dx(size, NAN), ds(c, NAN), db(c, NAN);
  // Two ranges of channels, as two threads would run them.
  const int64_t half = c / 2;
  for (auto [b, e] : {std::pair<int64_t, int64_t>{0, half}, {half, c}}) {
    asnet::BatchNormTrainingForward(isa, g, xf.data(), sf.data(), bf.data(), static_cast<float>(eps), false,
                                    y.data(), mean.data(), var.data(), b, e);
  }
  // The backward uses the reference statistics rounded to float, as a graph would feed them.
  std::vector<float> mref(ref.mean.begin(), ref.mean.end()), vref(ref.var.begin(), ref.var.end());
  for (auto [b, e] : {std::pair<int64_t, int64_t>{0, half}, {half, c}}) {
    asnet::BatchNormTrainingBackward(isa, g, dyf.data(), xf.data(), sf.data(), nullptr, mref.data(), vref.data(),
                                     static_cast<float>(eps), dx.data(), ds.data(), db.data(), b, e);
  }
  const char* name = asnet::IsaName(isa);
  const double spread2 = spread * spread;
  for (int64_t k = 0; k < c; ++k) {
    CHECK(Near(mean[k], ref.mean[k], 1e-6, std::fabs(offset) + spread), "%s [%lld,%lld,%lld] mean[%lld] %g vs %g",
          name, (long long)n, (long long)c, (long long)s, (long long)k, mean[k], ref.mean[k]);
    // Variance: float inputs, so allow a few ulps of the squared magnitude relative to the spread.
    CHECK(Near(var[k], ref.var[k], 2e-5, spread2), "%s [%lld,%lld,%lld] var[%lld] %g vs %g", name, (long long)n,
          (long long)c, (long long)s, (long long)k, var[k], ref.var[k]);
    const double count = static_cast<double>(n * s);
    CHECK(Near(db[k], ref.dbias[k], 1e-5, std::sqrt(count) + 1), "%s dB[%lld] %g vs %g", name, (long long)k, db[k],
          ref.dbias[k]);
    CHECK(Near(ds[k], ref.dscale[k], 1e-4, std::sqrt(count) + 1), "%s dscale[%lld] %g vs %g", name, (long long)k,
          ds[k], ref.dscale[k]);
  }
  // dx sums terms of size |scale| * invstd * |dy| that may cancel (to 0 when a channel has one
  // value), so its error is measured against that size, not only against dx itself.
  double terms = MaxAbs(ref.dx);
  for (int64_t k = 0; k < c; ++k) {
    terms = std::max(terms, std::fabs(scale[k]) / std::sqrt(ref.var[k] + eps) * MaxAbs(dy));
  }
  const double ys = MaxAbs(ref.y), dxs = terms;
  for (size_t i = 0; i < size; ++i) {
    // y depends on x - mean, so its error scales with |x| / spread (the conditioning of centring).
    const double cond = 1.0 + std::fabs(offset) / spread;
    CHECK(Near(y[i], ref.y[i], 2e-5 * cond, ys), "%s [%lld,%lld,%lld] y[%zu] %g vs %g", name, (long long)n,
          (long long)c, (long long)s, i, y[i], ref.y[i]);
    CHECK(Near(dx[i], ref.dx[i], 1e-4 * cond, dxs), "%s [%lld,%lld,%lld] dx[%zu] %g vs %g", name, (long long)n,
          (long long)c, (long long)s, i, dx[i], ref.dx[i]);
  }
  // With relu: Y is exactly max(Y, 0) of the plain forward, and the backward is the plain one fed
  // dY masked where that Y is > 0. The mask comes from the kernel's own Y and the backward gets
  // the kernel's own statistics, as in a training graph, so both sides see the same signs.
  std::vector<float> yr(size, NAN), rdx(size, NAN), rds(c, NAN), rdb(c, NAN), rmean(c), rvar(c);
  for (auto [b, e] : {std::pair<int64_t, int64_t>{0, half}, {half, c}}) {
    asnet::BatchNormTrainingForward(isa, g, xf.data(), sf.data(), bf.data(), static_cast<float>(eps), true,
                                    yr.data(), rmean.data(), rvar.data(), b, e);
    asnet::BatchNormTrainingBackward(isa, g, dyf.data(), xf.data(), sf.data(), bf.data(), mean.data(), var.data(),
                                     static_cast<float>(eps), rdx.data(), rds.data(), rdb.data(), b, e);
  }
  std::vector<double> masked(size);
  for (size_t i = 0; i < size; ++i) {
    CHECK(yr[i] == (y[i] > 0.0f ? y[i] : 0.0f), "%s relu y[%zu] %g vs max(%g, 0)", name, i, yr[i], y[i]);
    masked[i] = y[i] > 0.0f ? dy[i] : 0.0;
  }
  const BnReference mref2 = RunBnReference(g, x, scale, bias, eps, masked);
  for (int64_t k = 0; k < c; ++k) {
    const double count = static_cast<double>(n * s);
    CHECK(Near(rdb[k], mref2.dbias[k], 1e-5, std::sqrt(count) + 1), "%s relu dB[%lld] %g vs %g", name,
          (long long)k, rdb[k], mref2.dbias[k]);
    CHECK(Near(rds[k], mref2.dscale[k], 1e-4, std::sqrt(count) + 1), "%s relu dscale[%lld] %g vs %g", name,
          (long long)k, rds[k], mref2.dscale[k]);
  }
  for (size_t i = 0; i < size; ++i) {
    const double cond = 1.0 + std::fabs(offset) / spread;
    CHECK(Near(rdx[i], mref2.dx[i], 1e-4 * cond, dxs), "%s relu [%lld,%lld,%lld] dx[%zu] %g vs %g", name,
          (long long)n, (long long)c, (long long)s, i, rdx[i], mref2.dx[i]);
  }
  // ReluGrad on the same data: dx = dy where x > 0, split at an odd point.
  std::vector<float> rg(size, NAN);
  const int64_t cut = static_cast<int64_t>(size) / 3;
  asnet::ReluBackward(isa, dyf.data(), xf.data(), rg.data(), 0, cut);
  asnet::ReluBackward(isa, dyf.data(), xf.data(), rg.data(), cut, static_cast<int64_t>(size));
  for (size_t i = 0; i < size; ++i) {
    const float want = xf[i] > 0.0f ? dyf[i] : 0.0f;
    CHECK(rg[i] == want, "%s ReluGrad[%zu] %g vs %g (y %g)", name, i, rg[i], want, xf[i]);
  }
}

void TestBnSweep() {
  const int64_t shapes[][3] = {{1, 1, 1},  {2, 3, 1},   {1, 2, 7},    {4, 5, 49},  {3, 16, 196},
                               {2, 3, 784}, {1, 2, 2049}, {5, 7, 4097}, {64, 2, 1},  {1, 4, 1},
                               {0, 3, 9},   {3, 0, 9},    {2, 3, 0},    {7, 3, 13},  {2, 1, 12544}};
  uint32_t seed = 11;
  for (asnet::Isa isa : AvailableIsas()) {
    for (const auto& s : shapes) {
      // Centred data, data far off centre (the pivot's job), and tiny and large spreads.
      for (auto [offset, spread] : {std::pair<double, double>{0.0, 1.0}, {30.0, 1.0}, {-5.0, 1e-2}, {0.0, 100.0}}) {
        CheckBnCase(isa, s[0], s[1], s[2], offset, spread, seed++);
        if (failures) return;
      }
    }
  }
}

// Constant channels: var 0, so y = bias exactly (up to rounding) and dx is finite.
void TestBnConstantChannel() {
  const asnet::ChannelGeometry g{3, 2, 5};
  std::vector<float> x(30, 4.25f), dy(30), s = {2.0f, -1.0f}, b = {0.5f, -3.0f};
  for (size_t i = 0; i < dy.size(); ++i) dy[i] = 0.1f * static_cast<float>(i) - 1.0f;
  for (asnet::Isa isa : AvailableIsas()) {
    std::vector<float> y(30), mean(2), var(2), dx(30), ds(2), db(2);
    asnet::BatchNormTrainingForward(isa, g, x.data(), s.data(), b.data(), 1e-5f, false, y.data(), mean.data(),
                                    var.data(), 0, 2);
    CHECK(mean[0] == 4.25f && var[0] == 0.0f, "constant channel: mean %g var %g", mean[0], var[0]);
    for (int i = 0; i < 30; ++i) {
      CHECK(std::fabs(y[i] - b[(i / 5) % 2]) < 1e-6f, "constant channel y[%d] = %g", i, y[i]);
    }
    asnet::BatchNormTrainingBackward(isa, g, dy.data(), x.data(), s.data(), nullptr, mean.data(), var.data(),
                                     1e-5f, dx.data(), ds.data(), db.data(), 0, 2);
    for (float v : dx) CHECK(std::isfinite(v), "constant channel dx not finite");
    CHECK(ds[0] == 0.0f && ds[1] == 0.0f, "constant channel dscale %g %g", ds[0], ds[1]);
  }
}

// The reference backward agrees with central differences of the reference forward, for the loss
// L = sum(w * y): dx, dscale and dbias.
void TestBnReferenceAgainstFiniteDifferences() {
  const asnet::ChannelGeometry g{3, 2, 5};
  std::mt19937 rng(5);
  std::uniform_real_distribution<double> u(-1, 1);
  std::vector<double> x(30), w(30), scale = {1.3, -0.7}, bias = {0.2, 0.4};
  for (auto& v : x) v = u(rng);
  for (auto& v : w) v = u(rng);
  const double eps = 1e-3;
  auto loss = [&](const std::vector<double>& xx, const std::vector<double>& ss, const std::vector<double>& bb) {
    const BnReference r = RunBnReference(g, xx, ss, bb, eps, w);
    double l = 0;
    for (size_t i = 0; i < r.y.size(); ++i) l += w[i] * r.y[i];
    return l;
  };
  const BnReference r = RunBnReference(g, x, scale, bias, eps, w);
  const double h = 1e-6;
  for (size_t i = 0; i < x.size(); ++i) {
    auto xp = x, xm = x;
    xp[i] += h;
    xm[i] -= h;
    const double fd = (loss(xp, scale, bias) - loss(xm, scale, bias)) / (2 * h);
    CHECK(std::fabs(fd - r.dx[i]) < 1e-6, "reference dx[%zu] %g vs finite difference %g", i, r.dx[i], fd);
  }
  for (int64_t c = 0; c < g.c; ++c) {
    auto sp = scale, sm = scale, bp = bias, bm = bias;
    sp[c] += h;
    sm[c] -= h;
    bp[c] += h;
    bm[c] -= h;
    const double fds = (loss(x, sp, bias) - loss(x, sm, bias)) / (2 * h);
    const double fdb = (loss(x, scale, bp) - loss(x, scale, bm)) / (2 * h);
    CHECK(std::fabs(fds - r.dscale[c]) < 1e-6, "reference dscale[%lld] %g vs %g", (long long)c, r.dscale[c], fds);
    CHECK(std::fabs(fdb - r.dbias[c]) < 1e-6, "reference dbias[%lld] %g vs %g", (long long)c, r.dbias[c], fdb);
  }
}

void TestInvalidVariance() {
  const float var[] = {0.0f, 1.0f, -1.0f, NAN};
  CHECK(asnet::FirstInvalidVariance(var, 1e-5f, 2) == -1, "valid variances rejected");
  CHECK(asnet::FirstInvalidVariance(var, 1e-5f, 3) == 2, "negative variance not found");
  CHECK(asnet::FirstInvalidVariance(var + 3, 1e-5f, 1) == 0, "NaN variance not found");
}

// ---- depthwise convolution gradients ---------------------------------------------------------

// The forward straight from the definition (taps outside X read 0), in double.
std::vector<double> DwForward(const asnet::DepthwiseGeometry& g, const std::vector<double>& x,
                              const std::vector<double>& w) {
  std::vector<double> y(static_cast<size_t>(g.n * g.c * g.oh * g.ow), 0.0);
  for (int64_t n = 0; n < g.n; ++n)
    for (int64_t c = 0; c < g.c; ++c)
      for (int64_t i = 0; i < g.oh; ++i)
        for (int64_t j = 0; j < g.ow; ++j) {
          double v = 0.0;
          for (int64_t ky = 0; ky < g.kh; ++ky)
            for (int64_t kx = 0; kx < g.kw; ++kx) {
              const int64_t r = i * g.sh + ky - g.pt, q = j * g.sw + kx - g.pl;
              if (r < 0 || r >= g.h || q < 0 || q >= g.w) continue;
              v += w[(c * g.kh + ky) * g.kw + kx] * x[((n * g.c + c) * g.h + r) * g.w + q];
            }
          y[((n * g.c + c) * g.oh + i) * g.ow + j] = v;
        }
  return y;
}

// Gradients of sum(dY * Y) by the chain rule of the same loops: the reference for the kernels.
void DwReference(const asnet::DepthwiseGeometry& g, const std::vector<double>& dy,
                 const std::vector<double>& x, const std::vector<double>& w, std::vector<double>* dx,
                 std::vector<double>* dw) {
  dx->assign(x.size(), 0.0);
  dw->assign(w.size(), 0.0);
  for (int64_t n = 0; n < g.n; ++n)
    for (int64_t c = 0; c < g.c; ++c)
      for (int64_t i = 0; i < g.oh; ++i)
        for (int64_t j = 0; j < g.ow; ++j) {
          const double gy = dy[((n * g.c + c) * g.oh + i) * g.ow + j];
          for (int64_t ky = 0; ky < g.kh; ++ky)
            for (int64_t kx = 0; kx < g.kw; ++kx) {
              const int64_t r = i * g.sh + ky - g.pt, q = j * g.sw + kx - g.pl;
              if (r < 0 || r >= g.h || q < 0 || q >= g.w) continue;
              const int64_t xi = ((n * g.c + c) * g.h + r) * g.w + q, wi = (c * g.kh + ky) * g.kw + kx;
              (*dx)[xi] += w[wi] * gy;
              (*dw)[wi] += x[xi] * gy;
            }
        }
}

asnet::DepthwiseGeometry DwGeometry(int64_t n, int64_t c, int64_t h, int64_t w, int64_t kh, int64_t kw,
                                    int64_t s, int64_t pad) {
  asnet::DepthwiseGeometry g;
  g.n = n; g.c = c; g.h = h; g.w = w; g.kh = kh; g.kw = kw; g.sh = s; g.sw = s;
  g.pt = pad; g.pl = pad; g.pb = pad; g.pr = pad;
  g.oh = (h + 2 * pad - kh) / s + 1;
  g.ow = (w + 2 * pad - kw) / s + 1;
  return g;
}

// The reference itself against central differences of the forward (it is linear in x and w, so
// the differences are exact up to rounding).
void TestDwReferenceAgainstFiniteDifferences() {
  const asnet::DepthwiseGeometry g = DwGeometry(2, 2, 5, 4, 3, 2, 2, 1);
  std::mt19937 rng(11);
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  std::vector<double> x(g.n * g.c * g.h * g.w), w(g.c * g.kh * g.kw), dy(g.n * g.c * g.oh * g.ow);
  for (double& v : x) v = u(rng);
  for (double& v : w) v = u(rng);
  for (double& v : dy) v = u(rng);
  std::vector<double> dx, dw;
  DwReference(g, dy, x, w, &dx, &dw);
  auto loss = [&](const std::vector<double>& xs, const std::vector<double>& ws) {
    const std::vector<double> y = DwForward(g, xs, ws);
    double l = 0.0;
    for (size_t i = 0; i < y.size(); ++i) l += y[i] * dy[i];
    return l;
  };
  const double h = 1e-4;
  for (size_t i = 0; i < x.size(); ++i) {
    std::vector<double> a = x, b = x;
    a[i] += h;
    b[i] -= h;
    const double fd = (loss(a, w) - loss(b, w)) / (2 * h);
    CHECK(std::abs(fd - dx[i]) < 1e-8, "dX reference at %zu: %g vs finite difference %g", i, dx[i], fd);
  }
  for (size_t i = 0; i < w.size(); ++i) {
    std::vector<double> a = w, b = w;
    a[i] += h;
    b[i] -= h;
    const double fd = (loss(x, a) - loss(x, b)) / (2 * h);
    CHECK(std::abs(fd - dw[i]) < 1e-8, "dW reference at %zu: %g vs finite difference %g", i, dw[i], fd);
  }
}

void CheckDwCase(asnet::Isa isa, const asnet::DepthwiseGeometry& g, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(-1.0f, 1.0f);
  std::vector<float> x(g.n * g.c * g.h * g.w), w(g.c * g.kh * g.kw), dy(g.n * g.c * g.oh * g.ow);
  for (float& v : x) v = u(rng);
  for (float& v : w) v = u(rng);
  for (float& v : dy) v = u(rng);
  std::vector<float> dx(x.size(), 7.0f), dw(w.size(), 7.0f);  // 7: must all be overwritten
  std::vector<double> acc(g.kh * g.kw);
  // Exactly the scratch asked for: ASan catches a kernel that writes past it.
  std::vector<float> scratch(static_cast<size_t>(g.scratch_floats()));
  // Two calls on disjoint channel ranges, as two threads would make them.
  const int64_t mid = g.c / 2;
  asnet::DepthwiseConvBackward(isa, g, dy.data(), x.data(), w.data(), dx.data(), dw.data(), acc.data(),
                               scratch.data(), 0, mid);
  asnet::DepthwiseConvBackward(isa, g, dy.data(), x.data(), w.data(), dx.data(), dw.data(), acc.data(),
                               scratch.data(), mid, g.c);
  std::vector<double> rdx, rdw;
  DwReference(g, std::vector<double>(dy.begin(), dy.end()), std::vector<double>(x.begin(), x.end()),
              std::vector<double>(w.begin(), w.end()), &rdx, &rdw);
  // Each dX element sums at most kH*kW products, each dW element N*oH*oW: float rounding of those.
  const double tol_x = 1e-6 * static_cast<double>(g.kh * g.kw + 1);
  const double tol_w = 1e-6 * static_cast<double>(g.oh * g.ow + 1) * 4;
  for (size_t i = 0; i < dx.size(); ++i) {
    CHECK(std::abs(dx[i] - rdx[i]) <= tol_x, "%s dX[%zu] %g vs %g (N%lld C%lld %lldx%lld k%lldx%lld s%lld p%lld)",
          asnet::IsaName(isa), i, dx[i], rdx[i], (long long)g.n, (long long)g.c, (long long)g.h, (long long)g.w,
          (long long)g.kh, (long long)g.kw, (long long)g.sh, (long long)g.pt);
  }
  for (size_t i = 0; i < dw.size(); ++i) {
    CHECK(std::abs(dw[i] - rdw[i]) <= tol_w, "%s dW[%zu] %g vs %g (N%lld C%lld %lldx%lld k%lldx%lld s%lld p%lld)",
          asnet::IsaName(isa), i, dw[i], rdw[i], (long long)g.n, (long long)g.c, (long long)g.h, (long long)g.w,
          (long long)g.kh, (long long)g.kw, (long long)g.sh, (long long)g.pt);
  }
}

// Kernel sizes 1-5 (square and not), strides 1-3, pads 0-2, maps from 1x1 to wider than one
// vector of every ISA, with the pads set so the kernel fits.
void TestDwSweep() {
  uint32_t seed = 1;
  for (asnet::Isa isa : AvailableIsas()) {
    for (int64_t kh : {1, 2, 3, 5}) {
      for (int64_t kw : {1, 3, 4}) {
        for (int64_t s : {1, 2, 3}) {
          for (int64_t pad : {0, 1, 2}) {
            for (int64_t hw : {1, 2, 7, 19, 37}) {
              if (hw + 2 * pad < kh || hw + 2 * pad < kw) continue;
              const int64_t n = 1 + static_cast<int64_t>(seed % 3), c = 1 + static_cast<int64_t>(seed % 4);
              CheckDwCase(isa, DwGeometry(n, c, hw, hw + static_cast<int64_t>(seed % 5), kh, kw, s, pad), seed);
              ++seed;
            }
          }
        }
      }
    }
    // Planes past the flat path's limit take the row path (unit and strided columns).
    for (int64_t s : {1, 2}) {
      const asnet::DepthwiseGeometry big = DwGeometry(1, 2, 300, 260, 3, 3, s, 1);
      CHECK(!big.flat(), "a 302x262 padded plane should take the row path");
      CheckDwCase(isa, big, seed++);
    }
    // Asymmetric pads on both paths.
    asnet::DepthwiseGeometry asym = DwGeometry(2, 3, 9, 11, 3, 4, 2, 0);
    asym.pt = 2; asym.pl = 0; asym.pb = 0; asym.pr = 3;
    asym.oh = (asym.h + 2 - asym.kh) / asym.sh + 1;
    asym.ow = (asym.w + 3 - asym.kw) / asym.sw + 1;
    CheckDwCase(isa, asym, seed++);
  }
}

}  // namespace

// dx_add: the gradient plus dx_add, with the bits of adding the two afterwards (as an Add node
// would), with and without the ReLU mask, on several channel splits.
void TestBnBackwardAddsDxAdd() {
  const asnet::ChannelGeometry g{5, 7, 13};
  const size_t n = 5 * 7 * 13;
  std::mt19937 rng(23);
  std::normal_distribution<float> normal;
  std::vector<float> x(n), dy(n), add(n), s(7), b(7), mean(7), var(7), y(n);
  for (auto& v : x) v = normal(rng);
  for (auto& v : dy) v = normal(rng);
  for (auto& v : add) v = normal(rng);
  for (int c = 0; c < 7; ++c) {
    s[c] = 0.5f + 0.1f * c;
    b[c] = 0.05f * c - 0.2f;
  }
  for (asnet::Isa isa : AvailableIsas()) {
    asnet::BatchNormTrainingForward(isa, g, x.data(), s.data(), b.data(), 1e-5f, true, y.data(), mean.data(),
                                    var.data(), 0, 7);
    for (const float* relu_bias : {static_cast<const float*>(nullptr), static_cast<const float*>(b.data())}) {
      std::vector<float> plain(n), summed(n), ds(7), db(7), ds2(7), db2(7);
      asnet::BatchNormTrainingBackward(isa, g, dy.data(), x.data(), s.data(), relu_bias, mean.data(), var.data(),
                                       1e-5f, plain.data(), ds.data(), db.data(), 0, 7);
      asnet::BatchNormTrainingBackward(isa, g, dy.data(), x.data(), s.data(), relu_bias, mean.data(), var.data(),
                                       1e-5f, summed.data(), ds2.data(), db2.data(), 0, 3, add.data());
      asnet::BatchNormTrainingBackward(isa, g, dy.data(), x.data(), s.data(), relu_bias, mean.data(), var.data(),
                                       1e-5f, summed.data(), ds2.data(), db2.data(), 3, 7, add.data());
      for (size_t i = 0; i < n; ++i) {
        const float want = plain[i] + add[i];
        CHECK(std::memcmp(&want, &summed[i], sizeof want) == 0, "%s dx_add[%zu]: %.9g vs %.9g", asnet::IsaName(isa),
              i, summed[i], want);
      }
      CHECK(ds == ds2 && db == db2, "%s: dx_add changed dscale or dbias", asnet::IsaName(isa));
    }
  }
}

void RunTrainingKernelTests() {
  TestDwReferenceAgainstFiniteDifferences();
  TestDwSweep();
  TestBnReferenceAgainstFiniteDifferences();
  TestBnConstantChannel();
  TestInvalidVariance();
  TestBnSweep();
  TestBnBackwardAddsDxAdd();
}
