// Workload W1 as a plain libtorch C++ loop (the floor: no framework): an MLP 64-128-128-10,
// batch 64, Adam, the same data shape. Prints one JSON record.
#include <torch/torch.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <unistd.h>

static double process_age() {
    std::ifstream stat("/proc/self/stat"), up("/proc/uptime");
    std::string s((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
    std::istringstream rest(s.substr(s.rfind(')') + 2));
    std::string field;
    for (int i = 0; i < 20; ++i) rest >> field;
    double uptime = 0;
    up >> uptime;
    return uptime - std::stod(field) / sysconf(_SC_CLK_TCK);
}

static double peak_rss_mb() {
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line)) {
        if (line.rfind("VmHWM:", 0) == 0) return std::stod(line.substr(6)) / 1024;
    }
    return 0;
}

int main(int argc, char **argv) {
    int steps = argc > 1 ? std::atoi(argv[1]) : 1000, warmup = 50;
    torch::set_num_threads(1);
    torch::manual_seed(0);
    auto x = torch::rand({4096, 64});
    auto y = x.matmul(torch::randn({64, 10})).argmax(1);
    torch::nn::Sequential net(torch::nn::Linear(64, 128), torch::nn::ReLU(), torch::nn::Linear(128, 128), torch::nn::ReLU(),
                              torch::nn::Linear(128, 10));
    torch::optim::Adam opt(net->parameters(), torch::optim::AdamOptions(1e-3));
    double first = 0;
    auto start = std::chrono::steady_clock::now();
    torch::Tensor loss;
    int step = 0;
    while (step < steps) {
        auto order = torch::randperm(4096);
        for (int64_t b = 0; b + 64 <= 4096 && step < steps; b += 64, ++step) {
            auto idx = order.slice(0, b, b + 64);
            loss = torch::nn::functional::cross_entropy(net->forward(x.index_select(0, idx)), y.index_select(0, idx));
            opt.zero_grad();
            loss.backward();
            opt.step();
            if (step == 0) first = process_age();
            if (step + 1 == warmup) start = std::chrono::steady_clock::now();
        }
    }
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("{\"workload\": \"W1\", \"framework\": \"libtorch-cpp\", \"steps_per_s\": %.2f, \"first_step_s\": %.3f, "
                "\"peak_rss_mb\": %.1f, \"final_loss\": %.5f}\n",
                (steps - warmup) / seconds, first, peak_rss_mb(), loss.item<double>());
    return 0;
}
