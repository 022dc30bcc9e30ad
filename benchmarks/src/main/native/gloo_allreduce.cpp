// The reference side of `benchmarks/run ddp`: Gloo's own C++ all-reduce (sum) of COUNT float32 between ranks that
// meet in a shared directory, the same calls Fulmen's JNI shim makes, with no JVM in between.
// Usage: gloo_allreduce DIR RANK SIZE COUNT WARMUP ITERATIONS; prints "median_ms <ms> min_ms <ms>" (each iteration: a barrier,
// then one timed all-reduce).
#include <gloo/allreduce.h>
#include <gloo/barrier.h>
#include <gloo/math.h>
#include <gloo/rendezvous/context.h>
#include <gloo/rendezvous/file_store.h>
#include <gloo/transport/tcp/device.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

int main(int argc, char** argv) {
  if (argc != 7) {
    std::fprintf(stderr, "usage: %s DIR RANK SIZE COUNT WARMUP ITERATIONS\n", argv[0]);
    return 2;
  }
  std::string dir = argv[1];
  int rank = std::atoi(argv[2]);
  int size = std::atoi(argv[3]);
  size_t count = std::strtoull(argv[4], nullptr, 10);
  int warmup = std::atoi(argv[5]);
  int iterations = std::atoi(argv[6]);

  gloo::transport::tcp::attr attr;
  attr.hostname = "127.0.0.1";
  auto device = gloo::transport::tcp::CreateDevice(attr);
  auto context = std::make_shared<gloo::rendezvous::Context>(rank, size);
  context->setTimeout(std::chrono::seconds(120));
  gloo::rendezvous::FileStore store(dir);
  context->connectFullMesh(store, device);

  std::vector<float> data(count, 1.0f / size);
  uint32_t tag = 1;
  std::vector<double> times;
  for (int i = 0; i < warmup + iterations; i++) {
    gloo::BarrierOptions barrier(context);
    barrier.setTag(tag++);
    gloo::barrier(barrier);
    auto start = std::chrono::steady_clock::now();
    gloo::AllreduceOptions opts(context);
    opts.setOutput(data.data(), count);
    opts.setReduceFunction(static_cast<void (*)(void*, const void*, const void*, size_t)>(&gloo::sum<float>));
    opts.setTag(tag++);
    gloo::allreduce(opts);
    double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    if (i >= warmup) {
      times.push_back(ms);
    }
  }
  std::sort(times.begin(), times.end());
  std::printf("median_ms %.3f min_ms %.3f\n", times[times.size() / 2], times[0]);
  return 0;
}
