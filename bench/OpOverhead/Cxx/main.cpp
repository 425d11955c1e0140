// Per-op cost of small ATen calls from a direct C++ loop: the floor the Swift and Python
// numbers are compared with. Prints "<op> <median ns/op>" per op.
#include <ATen/Parallel.h>
#include <ATen/ops/add.h>
#include <ATen/ops/ones.h>
#include <ATen/ops/relu.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>

template <typename F>
static double median_ns(int iterations, int repeats, F &&f) {
    std::vector<double> samples;
    for (int r = 0; r < repeats; ++r) {
        auto start = std::chrono::steady_clock::now();
        for (int i = 0; i < iterations; ++i) f();
        auto end = std::chrono::steady_clock::now();
        samples.push_back(std::chrono::duration<double, std::nano>(end - start).count() / iterations);
    }
    std::sort(samples.begin(), samples.end());
    return samples[samples.size() / 2];
}

int main(int argc, char **argv) {
    int iterations = argc > 1 ? std::atoi(argv[1]) : 200000;
    int repeats = argc > 2 ? std::atoi(argv[2]) : 7;
    at::set_num_threads(1);
    at::Tensor a = at::ones({4}), b = at::ones({4});
    std::printf("add %.1f\n", median_ns(iterations, repeats, [&] { at::Tensor c = at::add(a, b); }));
    std::printf("relu %.1f\n", median_ns(iterations, repeats, [&] { at::Tensor c = at::relu(a); }));
    return 0;
}
