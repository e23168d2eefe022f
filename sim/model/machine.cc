#include "sim/model/machine.h"

#include <algorithm>

namespace synsim::model {

Costs measured_costs() {
  // From kernel timelines of this machine under load (2 vCPUs, 6.18): a
  // loader thread completes a connect/write/read/RST-close cycle in about
  // 30 us and the machine does 30-40k such connections/s
  // (kernel-measured-rules.md 14); a warm loopback packet takes ~3 us.
  // Calibrated against scenarios/load/ (reports/load/README.md).
  Costs c;
  c.connect = us(5);
  c.send = us(3);
  c.read = us(3);
  c.close = us(3);
  c.accept = us(4);
  c.serve = us(6);
  c.wakeup = us(10);
  c.softirq_packet = us(3);
  return c;
}

Machine::Machine(std::uint32_t cpus, std::uint32_t server_threads, const Costs& costs, EventQueue& events,
                 tcp::Stack& stack, TaskRunner& runner)
    : cpus_(std::max<std::uint32_t>(1, cpus)), costs_(costs), events_(events), stack_(stack), runner_(runner) {
  cpus_[0].serves.push_back(Executor::loader);
  for (std::uint32_t t = 0; t < std::max<std::uint32_t>(1, server_threads); ++t) {
    Cpu& c = cpus_[(1 + t) % cpus_.size()];
    if (std::find(c.serves.begin(), c.serves.end(), Executor::server) == c.serves.end()) {
      c.serves.push_back(Executor::server);
    }
  }
}

void Machine::submit(Executor ex, const Task& task, bool front) {
  std::deque<Task>& q = queues_[static_cast<int>(ex)];
  if (front) {
    q.push_front(task);
  } else {
    q.push_back(task);
  }
  for (std::uint32_t c = 0; c < cpus_.size(); ++c) {
    const Cpu& cpu = cpus_[c];
    if (std::find(cpu.serves.begin(), cpu.serves.end(), ex) == cpu.serves.end()) continue;
    // A CPU that is running a task or softirq picks the work up when it is
    // done; an idle one is woken.
    if (!cpu.running && !cpu.in_run && !stack_.softirq_busy(c)) wake(c, now() + costs_.wakeup);
  }
}

void Machine::wake(std::uint32_t c, Time at) {
  Cpu& cpu = cpus_[c];
  if (events_.pending(cpu.wake)) {
    if (cpu.wake_at <= at) return;
    events_.cancel(cpu.wake);
  }
  cpu.wake_at = at;
  cpu.wake = events_.schedule(at, this, 0, c);
}

void Machine::on_event(std::uint32_t, std::uint64_t arg) { run(static_cast<std::uint32_t>(arg)); }

void Machine::run(std::uint32_t c) {
  Cpu& cpu = cpus_[c];
  if (cpu.in_run) return;
  cpu.in_run = true;
  run_loop(c);
  cpu.in_run = false;
}

void Machine::run_loop(std::uint32_t c) {
  Cpu& cpu = cpus_[c];
  for (;;) {
    if (cpu.running) {
      if (now() < cpu.busy_until) {
        wake(c, cpu.busy_until);
        return;
      }
      cpu.running = false;
      stack_.set_cpu(c);
      runner_.execute(cpu.task);
    }
    // The thread is inside its syscall until the packets it sent are
    // processed (softirq on its own CPU).
    if (stack_.softirq_busy(c)) return;
    std::deque<Task>* queue = nullptr;
    for (std::size_t i = 0; i < cpu.serves.size() && queue == nullptr; ++i) {
      const Executor ex = cpu.serves[(cpu.next_pick + i) % cpu.serves.size()];
      if (!queues_[static_cast<int>(ex)].empty()) {
        queue = &queues_[static_cast<int>(ex)];
        cpu.next_pick = static_cast<std::uint32_t>((cpu.next_pick + i + 1) % cpu.serves.size());
      }
    }
    if (queue == nullptr) return;
    cpu.task = queue->front();
    queue->pop_front();
    cpu.running = true;
    cpu.busy_until = now() + runner_.cost(cpu.task);
  }
}

}  // namespace synsim::model
